// A client's trust in the office key (docs/protocol.md §14; docs/threat-model.md, promise 5:
// clients pin the office signing key when they activate their account). A client holds no
// office keys, so the office signing key the server names is only the server's word until this
// browser's crypto worker matched it against the client's own pin (MAC'd with their personal
// key, stored on the server but unforgeable by it) or, at activation, against the fingerprint in the invitation link, and pinned it. The worker
// then opens received shares for this session; before, it refuses them.
import { getPins, putPin } from '../../api/sharing';
import type { CryptoEngine } from '../../crypto/engine';

export interface OfficeTrust {
  /** The office key's fingerprint, as people compare it. */
  readonly fingerprint: string;
  /** `new`: no pin was found and the key was pinned now; `same`: it matches the pin. */
  readonly pin: 'new' | 'same';
}

/**
 * Checks the session's office key against the pin (or `linkFingerprint`, from the invitation
 * link) and stores a new pin. Rejects with EngineError `office_key_changed` / `office_key_mismatch`.
 */
export async function trustOffice(
  engine: CryptoEngine,
  officeId: string,
  linkFingerprint?: string,
): Promise<OfficeTrust> {
  const { pins } = await getPins();
  const checked = await engine.call('pinOffice', {
    pins,
    ...(linkFingerprint !== undefined ? { fingerprint: linkFingerprint } : {}),
  });
  if (checked.pin === 'new' && checked.envelope !== undefined) await putPin('office', officeId, checked.envelope);
  return { fingerprint: checked.fingerprint, pin: checked.pin === 'new' ? 'new' : 'same' };
}
