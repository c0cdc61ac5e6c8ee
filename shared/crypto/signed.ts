// Signed (kind s) and MAC'd (kind a) records: the body is an enc() field list that starts
// with its purpose tag; the trailer is an Ed25519 signature or a keyed BLAKE2b MAC over
// exactly the body bytes.
import { joinTrailed, KIND, splitTrailed } from './envelope.js';
import { macBytes, sign, verifyMac, verifySignature } from './primitives.js';
import type { AuthenticatedEnvelope, SignedEnvelope } from './types.js';

export function signBody(body: Uint8Array, signingSecretKey: Uint8Array): SignedEnvelope {
  return joinTrailed(KIND.signed, body, sign(body, signingSecretKey)) as SignedEnvelope;
}

/** Verifies the signature and returns the body; the caller then parses it with its tag. */
export function openSigned(envelope: Uint8Array, signingPublicKey: Uint8Array): Uint8Array {
  const { body, trailer } = splitTrailed(envelope, KIND.signed);
  verifySignature(trailer, body, signingPublicKey);
  return body;
}

/** The body of a signed envelope without verifying it, to learn who claims to have signed it. */
export function peekSignedBody(envelope: Uint8Array): Uint8Array {
  return splitTrailed(envelope, KIND.signed).body;
}

export function macBody(body: Uint8Array, macKey: Uint8Array): AuthenticatedEnvelope {
  return joinTrailed(KIND.authenticated, body, macBytes(macKey, body)) as AuthenticatedEnvelope;
}

export function openAuthenticated(envelope: Uint8Array, macKey: Uint8Array): Uint8Array {
  const { body, trailer } = splitTrailed(envelope, KIND.authenticated);
  verifyMac(macKey, body, trailer);
  return body;
}

export function peekAuthenticatedBody(envelope: Uint8Array): Uint8Array {
  return splitTrailed(envelope, KIND.authenticated).body;
}
