// A client's personal drop link (docs/protocol.md §13, "sealed client link"): the approving
// member's browser makes the client's personal drop and seals its link fragment — the drop
// key's fingerprint and D — to the client's encryption key, bound to the drop id and the
// client's user id. The client's portal opens it in their own browser and then uploads exactly
// as a link holder does (the drop key checked against the fingerprint first). The server keeps
// the sealed bytes and never sees D.
import { bytesEqual } from './bytes.js';
import { MismatchError } from './errors.js';
import { ID_BYTES } from './ids.js';
import { HASH_BYTES, KEY_BYTES } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { TAG } from './tags.js';
import type { BoxKeyPair, DropSecret, Id, SealedBox } from './types.js';

export interface ClientDropLink {
  readonly dropFingerprint: Uint8Array;
  readonly dropSecret: DropSecret;
}

/** Sealed length: header (4) + crypto_box_seal overhead (48) + enc(tag, dropId, clientId, fingerprint, D). */
export const SEALED_CLIENT_LINK_BYTES =
  4 + 48 + 5 * 4 + 'coffer/v1/client-drop-link'.length + 2 * ID_BYTES + HASH_BYTES + KEY_BYTES;

export function sealClientDropLink(
  link: ClientDropLink,
  binding: { readonly dropId: Id; readonly clientId: Id },
  clientEncryptionPublicKey: Uint8Array,
): SealedBox {
  return sealFields(
    [TAG.clientDropLink, binding.dropId, binding.clientId, link.dropFingerprint, link.dropSecret],
    clientEncryptionPublicKey,
  );
}

export function openClientDropLink(
  sealed: Uint8Array,
  expected: { readonly dropId: Id; readonly clientId: Id },
  client: BoxKeyPair,
): ClientDropLink {
  const reader = openSealedFields(sealed, client, TAG.clientDropLink, 5);
  const dropId = reader.bytes(ID_BYTES);
  const clientId = reader.bytes(ID_BYTES);
  if (!bytesEqual(dropId, expected.dropId) || !bytesEqual(clientId, expected.clientId))
    throw new MismatchError('drop link sealed for another drop or client');
  return {
    dropFingerprint: reader.bytes(HASH_BYTES).slice(),
    dropSecret: reader.bytes(KEY_BYTES).slice() as DropSecret,
  };
}
