// Enrolled devices and their API tokens (docs/protocol.md "Devices"; migrations/0021_devices.sql).
// - POST /api/v1/devices/enrolments (EnrolmentStartRequest; no session, rate limited per IP)
//   → 201 EnrolmentStarted. The enrolment waits 10 minutes for a member's approval.
// - GET /api/v1/devices/enrolments (guard 'approved') → PendingEnrolments: every enrolment still
//   waiting, with its keys, so the browser can pick the one whose code the person typed.
// - POST /api/v1/devices/enrolments/:enrolmentId/approve (EnrolmentApproveRequest; 'approved')
//   → 201 Device: the handover sealed to the device and the certificate, made in the browser.
// - POST /api/v1/devices/enrolments/:enrolmentId/claim (EnrolmentClaimRequest; no session) →
//   202 EnrolmentWaiting while nobody approved it; 200 DeviceClaimed once, then 404.
// - GET /api/v1/devices ('approved') → DeviceList: the caller's devices and their tokens.
// - PUT /api/v1/devices/:deviceId (DeviceRenameRequest) → Device.
// - DELETE /api/v1/devices/:deviceId → 204: the device and every token of it stop at once.
// - POST /api/v1/devices/:deviceId/tokens (ApiTokenCreateRequest; the browser, or the device
//   itself with a bearer token) → 201 ApiTokenCreated: the token is shown this once.
// - DELETE /api/v1/devices/:deviceId/tokens/:tokenId → 204.
// A bearer request (`Authorization: Bearer <token>`) acts as the device's user on the routes of
// its scopes only: 403 `token_scope` elsewhere, 401 `device_revoked` once revoked.
// Unknown or foreign ids answer 404.
import { z } from 'zod';
import { DEVICE_SCOPES, hasControlCharacter, TOKEN_PATTERN } from './patterns.js';
import { bytes, bytesBetween, Key32, Signature, Time, WireId } from './common.js';

/** The sealed handover: header, crypto_box_seal overhead and nine fields (docs/protocol.md "Devices"). */
const SEALED_DEVICE_KEYS_BYTES = 317;

export const DeviceScope = z.enum(DEVICE_SCOPES);
export type DeviceScope = z.infer<typeof DeviceScope>;

/** One or both scopes, each once. */
const Scopes = z
  .array(DeviceScope)
  .min(1)
  .max(DEVICE_SCOPES.length)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'each scope once');

/** What the person calls the machine ("Scanner PC"). */
const DeviceName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .refine((text) => !hasControlCharacter(text), 'no control characters');

export const EnrolmentStartRequest = z
  .object({ encryptionPublicKey: Key32, signingPublicKey: Key32, name: DeviceName })
  .strict();
export type EnrolmentStartRequest = z.infer<typeof EnrolmentStartRequest>;

export const EnrolmentStarted = z.object({ enrolmentId: WireId, expiresAt: Time });
export type EnrolmentStarted = z.infer<typeof EnrolmentStarted>;

export const PendingEnrolment = z.object({
  enrolmentId: WireId,
  name: z.string(),
  encryptionPublicKey: Key32,
  signingPublicKey: Key32,
  createdAt: Time,
  expiresAt: Time,
});
export type PendingEnrolment = z.infer<typeof PendingEnrolment>;

export const PendingEnrolments = z.object({ enrolments: z.array(PendingEnrolment) });
export type PendingEnrolments = z.infer<typeof PendingEnrolments>;

export const EnrolmentApproveRequest = z
  .object({
    scopes: Scopes,
    sealedKeys: bytes(SEALED_DEVICE_KEYS_BYTES),
    /** A signed envelope: the body grows with the name (at most 60 characters of UTF-8). */
    certificate: bytesBetween(64, 1024),
  })
  .strict();
export type EnrolmentApproveRequest = z.infer<typeof EnrolmentApproveRequest>;

/** The device's proof: its signature over the enrolment id and `time` (ms since 1970 UTC). */
export const EnrolmentClaimRequest = z
  .object({ time: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), signature: Signature })
  .strict();
export type EnrolmentClaimRequest = z.infer<typeof EnrolmentClaimRequest>;

export const EnrolmentWaiting = z.object({ status: z.literal('waiting'), expiresAt: Time });
export type EnrolmentWaiting = z.infer<typeof EnrolmentWaiting>;

export const DeviceClaimed = z.object({
  status: z.literal('approved'),
  deviceId: WireId,
  userId: WireId,
  officeId: WireId,
  scopes: Scopes,
  sealedKeys: bytes(SEALED_DEVICE_KEYS_BYTES),
  certificate: bytesBetween(64, 1024),
  /** The device's bearer token; the server keeps only its hash. */
  token: z.string().regex(TOKEN_PATTERN),
});
export type DeviceClaimed = z.infer<typeof DeviceClaimed>;

/** A token's label ("Payroll export"); the device's own token has none. */
const TokenLabel = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .refine((text) => !hasControlCharacter(text), 'no control characters');

export const ApiToken = z.object({
  tokenId: WireId,
  /** Null for the token the device got when it was claimed. */
  label: z.string().nullable(),
  scopes: Scopes,
  createdAt: Time,
  lastUsedAt: Time.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const Device = z.object({
  deviceId: WireId,
  name: z.string(),
  scopes: Scopes,
  encryptionPublicKey: Key32,
  signingPublicKey: Key32,
  certificate: bytesBetween(64, 1024),
  enrolledAt: Time,
  lastUsedAt: Time.nullable(),
  tokens: z.array(ApiToken),
});
export type Device = z.infer<typeof Device>;

export const DeviceList = z.object({ devices: z.array(Device) });
export type DeviceList = z.infer<typeof DeviceList>;

export const DeviceRenameRequest = z.object({ name: DeviceName }).strict();
export type DeviceRenameRequest = z.infer<typeof DeviceRenameRequest>;

export const ApiTokenCreateRequest = z.object({ label: TokenLabel, scopes: Scopes }).strict();
export type ApiTokenCreateRequest = z.infer<typeof ApiTokenCreateRequest>;

export const ApiTokenCreated = z.object({ token: z.string().regex(TOKEN_PATTERN), tokenInfo: ApiToken });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;
