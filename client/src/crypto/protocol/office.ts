// Worker protocol, the office: opening the office keys once an admin approved this member,
// checking and certifying members and clients with the office signing key, and checking the
// colleagues' certificates (docs/protocol.md §9). The office secret keys never leave the
// worker; certificates and sealed office keys go out in wire form.
import { z } from 'zod';
import { Email, Key32, Role, WireId } from '../../../../shared/wire/common.js';
import { DeviceScope, PendingEnrolment } from '../../../../shared/wire/devices.js';
import { SignedEnvelope } from '../../../../shared/wire/accounts.js';
import type { DropCreateRequest } from '../../../../shared/wire/drops.js';
import type { UnlockedAnswer } from './accounts.js';
import { MAX_DROP_LABEL_CHARACTERS, MemberKeys, OfficeRef, PublishedKeys } from './common.js';

const DirectoryMember = MemberKeys.extend({ certificate: SignedEnvelope.optional() });

export const OFFICE_REQUESTS = {
  /**
   * After an admin approved this member while they were signed in: opens the office keys now
   * sealed to them, with the keys already unlocked (no password needed).
   */
  openOffice: z.object({ keys: PublishedKeys, office: OfficeRef }),
  /** Checks a member's own signature over their encryption key and gives their fingerprint (approval dialog). */
  inspectMember: MemberKeys,
  /** Approval: certifies the member with the office key (version above the current) and seals the office keys to them. */
  certifyMember: z.object({ member: MemberKeys, currentVersion: z.number().int().min(0) }),
  /** A role change: a new certificate for the keys the office already certified. */
  recertifyMember: z.object({
    member: MemberKeys.extend({ certificate: SignedEnvelope }),
    role: Role,
    currentVersion: z.number().int().min(1),
  }),
  /** Colleagues: each member's certificate chain checked against the office key. */
  verifyMembers: z.object({ members: z.array(DirectoryMember).max(10_000) }),
  /**
   * An approving member: certifies a client (role client, version above the current; no office
   * keys) and makes the client's personal drop: key pair and D sealed to this member and the office,
   * the label sealed likewise, and the link fragment sealed to the client.
   */
  certifyClient: z.object({
    client: MemberKeys,
    currentVersion: z.number().int().min(0),
    label: z.string().min(1).max(MAX_DROP_LABEL_CHARACTERS),
    /**
     * A client who activated a handed-over invitation: the office's statement and their key proof.
     * The worker opens I and checks the proof over exactly these keys before it certifies anything
     * (`key_proof_invalid` otherwise), so no fingerprint call is needed (docs/protocol.md §13a).
     */
    handover: z.object({ statement: SignedEnvelope, keyProof: Key32 }).optional(),
  }),
  /**
   * An invitation the advisor hands over: a new invitation secret I and the office's statement
   * carrying it sealed to the office key, for the account's user id (a new one unless given: a
   * resend keeps the invitation's) and address. I goes back to the page only to complete the link.
   */
  prepareHandover: z.object({ email: Email, userId: WireId.optional() }),
  /**
   * The approval dialog and the batch: the client's key proof checked against the keys the
   * server lists (`key_proof_invalid` if not), before anything is certified; certifyClient
   * checks it again.
   */
  checkClientProof: z.object({
    client: MemberKeys,
    handover: z.object({ statement: SignedEnvelope, keyProof: Key32 }),
  }),
  /**
   * A contact's standing access code (docs/protocol.md §9): a new code, sealed to the office key
   * by this member for the contact. The code is answered once, to be shown and handed over.
   */
  makeContactCode: z.object({ contactId: WireId }),
  /**
   * A new personal drop for an approved client (the old one expired or is replaced): made as at
   * approval, its link sealed to the client's key only after the client's certificate checks out
   * against the office key (role client, the same keys and address); `invalid_member` otherwise.
   */
  renewClientDrop: z.object({
    client: MemberKeys.extend({ certificate: SignedEnvelope }),
    label: z.string().min(1).max(MAX_DROP_LABEL_CHARACTERS),
  }),
  /**
   * Adding a device (docs/protocol.md "Devices"): of the enrolments the server lists, only the
   * one whose keys give the code the person typed (`device_code_unknown` if none does: a server
   * that swapped the device's keys cannot be approved). For it, this member's account keys
   * sealed to the device and the certificate signed with the member's identity key.
   */
  /**
   * The fragment of the address a device enrols with: the office fingerprint (all 32 bytes,
   * base64url) from the office key this worker opened, which the device pins.
   */
  deviceAddress: z.object({}).strict(),
  approveDevice: z.object({
    typedCode: z.string().max(40),
    enrolments: z.array(PendingEnrolment).max(50),
    scopes: z.array(DeviceScope).min(1).max(2),
  }),
} as const;

/** How a colleague's keys check out against the office key. */
export type MemberCheck =
  /** The office certified these keys for this person, role and address, and their own signature holds. */
  | 'verified'
  /** Not approved yet: no certificate, so the keys are only what the server says. */
  | 'unverified'
  /** A certificate that does not verify, or names other keys, role or address: warn. */
  | 'failed';

export interface OfficeAnswers {
  openOffice: UnlockedAnswer;
  inspectMember: { readonly fingerprint: string; readonly signatureValid: boolean };
  certifyMember: { readonly certificate: string; readonly sealedOfficeKeys: string };
  recertifyMember: { readonly certificate: string };
  verifyMembers: {
    readonly members: readonly { readonly userId: string; readonly fingerprint: string; readonly check: MemberCheck }[];
  };
  /** `fragment`: `<office fingerprint>.<I>`, made from the office key this worker holds; the link is `/invite#<token>.<fragment>`. */
  prepareHandover: { readonly userId: string; readonly statement: string; readonly fragment: string };
  checkClientProof: { readonly fingerprint: string };
  certifyClient: {
    readonly certificate: string;
    readonly drop: ClientDropParts;
  };
  /** `sealed` for the server; `accessCode` (XXXX-XXXX-XXXX) to show once. */
  makeContactCode: { readonly sealed: string; readonly accessCode: string };
  renewClientDrop: { readonly drop: ClientDropParts };
  deviceAddress: { readonly officeFingerprint: string };
  approveDevice: {
    readonly enrolmentId: string;
    readonly name: string;
    readonly sealedKeys: string;
    readonly certificate: string;
  };
}

/** A client's personal drop as the worker makes it: the drop's sealed parts and its link sealed to the client. */
type ClientDropParts = Pick<DropCreateRequest, 'dropId' | 'publicKey' | 'secrets' | 'label' | 'record'> & {
  readonly clientLink: string;
};
