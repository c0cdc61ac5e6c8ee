// A contact's standing access code in the crypto worker (client/src/crypto/operations/office.ts
// makeContactCode, sending.ts sealShare; docs/protocol.md §9), with the real libsodium: one
// member makes and seals the code, a colleague sends with it (the code never reaches the
// page again, and the guest opens the share with it), and a server that swaps sealed codes
// between contacts, or seals a code of its own, stops the send.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeFields, fromBase64Url, ready, TAG, toBase64Url } from '../../shared/crypto/index.js';
import { sodium } from '../../shared/crypto/sodium.js';
import { ShareCreateRequest } from '../../shared/wire/shares.js';
import { createOperations } from '../../client/src/crypto/operations';
import { fakeServer } from './support/fake-server';
import { call, checkAndPin, office, pendingMember, pinStore, randomBytes, upload, type Office } from './support/office';
import { EXPIRES, serverViews } from './support/shares';

beforeAll(async () => {
  await ready();
});

const ANNA_CONTACT = 'AAAAAAAAAAAAAAAAAAAAAA';
const PIET_CONTACT = 'BBBBBBBBBBBBBBBBBBBBBA';

async function sendWithStanding(o: Office, standing: { contactId: string; sealed: string; sealedBy: string }) {
  const pins = pinStore();
  await checkAndPin(o, o.anna, pins, []);
  const file = await upload(o.anna, randomBytes(3000));
  return call(o.anna.ops, 'sealShare', {
    files: [{ fileId: file.fileId, name: 'jaarrekening.pdf', type: 'application/pdf', lastModified: 0 }],
    accounts: [],
    guests: [{ email: 'anna@bakkerij.example', accessCode: false, standingCode: standing, lang: 'en' }],
    expiresAt: EXPIRES,
    receiptMail: false,
  });
}

describe("a contact's standing access code", () => {
  it('is made and sealed by one member; a colleague sends with it, and the guest opens the share with that code', async () => {
    const server = fakeServer();
    const o = await office(server);
    const made = await call(o.els.ops, 'makeContactCode', { contactId: ANNA_CONTACT });
    expect(made.accessCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(fromBase64Url(made.sealed)).toHaveLength(213);
    expect(made.sealed).not.toContain(made.accessCode.replaceAll('-', ''));

    const sealed = await sendWithStanding(o, { contactId: ANNA_CONTACT, sealed: made.sealed, sealedBy: o.els.userId });
    const guest = sealed.guests[0]!;
    // The page learns that the standing code is used, never the code itself.
    expect(guest.standingCode).toBe(true);
    expect(guest.accessCode).toBeUndefined();
    expect(JSON.stringify(sealed)).not.toContain(made.accessCode.replaceAll('-', ''));
    const request = ShareCreateRequest.parse(sealed.request);
    const recipient = request.recipients[0]!;
    if (recipient.kind !== 'guest') throw new Error('expected a guest');
    expect(recipient.accessCode).toBe(true);
    expect(recipient.lang).toBe('en');

    const share = serverViews(o, server, o.anna, request).forRecipient(guest.recipientId);
    const browser = createOperations(o.deps);
    const open = (accessCode: string) =>
      call(browser, 'openGuest', {
        linkId: guest.linkId,
        fragment: guest.fragment,
        accessCode,
        serverHalf: recipient.serverHalf,
        share,
      });
    await expect(open('AAAA-BBBB-CCCC')).rejects.toThrow('wrong_access_code');
    const opened = await open(made.accessCode.toLowerCase());
    expect(opened.files.map((f) => f.name)).toEqual(['jaarrekening.pdf']);
  });

  it('refuses a sealed code the server moved from another contact, named with another sealer, or sealed itself', async () => {
    const server = fakeServer();
    const o = await office(server);
    const pietCode = await call(o.els.ops, 'makeContactCode', { contactId: PIET_CONTACT });
    // Piet's box answered as Anna's.
    await expect(
      sendWithStanding(o, { contactId: ANNA_CONTACT, sealed: pietCode.sealed, sealedBy: o.els.userId }),
    ).rejects.toThrow('contact_code_invalid');
    // The right box, but the server names another member as its sealer.
    await expect(
      sendWithStanding(o, { contactId: PIET_CONTACT, sealed: pietCode.sealed, sealedBy: o.anna.userId }),
    ).rejects.toThrow('contact_code_invalid');
    // A box the server sealed to the office's public key with a code it knows: no office MAC.
    const officePublicKey = fromBase64Url(o.officeRef.encryptionPublicKey);
    const forged = new Uint8Array([
      ...fromBase64Url(pietCode.sealed).subarray(0, 4),
      ...sodium().crypto_box_seal(
        encodeFields([
          TAG.contactAccessCode,
          fromBase64Url(PIET_CONTACT),
          randomBytes(32),
          fromBase64Url(o.els.userId),
          'ABCDEFGHJKMN',
          randomBytes(32),
        ]),
        officePublicKey,
      ),
    ]);
    await expect(
      sendWithStanding(o, { contactId: PIET_CONTACT, sealed: toBase64Url(forged), sealedBy: o.els.userId }),
    ).rejects.toThrow('contact_code_invalid');
    // The genuine box still works.
    const sealed = await sendWithStanding(o, {
      contactId: PIET_CONTACT,
      sealed: pietCode.sealed,
      sealedBy: o.els.userId,
    });
    expect(sealed.guests[0]?.standingCode).toBe(true);
  });

  it('needs the office keys: a member waiting for approval cannot make a code', async () => {
    const server = fakeServer();
    const o = await office(server);
    const pending = await pendingMember(o);
    await expect(call(pending, 'makeContactCode', { contactId: ANNA_CONTACT })).rejects.toThrow('locked');
  });
});
