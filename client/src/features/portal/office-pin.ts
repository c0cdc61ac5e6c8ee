// A client's trust in the office key (docs/protocol.md §14; docs/threat-model.md, promise 5:
// clients pin the office signing key when they activate their account). A client holds no
// office keys, so the office signing key the server names is only the server's word until this
// browser's crypto worker matched it against the client's own pin (MAC'd with their personal
// key, stored on the server but unforgeable by it) or, at activation, against the fingerprint in the invitation link, and pinned it. The worker
// then opens received shares for this session; before, it refuses them.
import type { CryptoEngine } from '../../crypto/engine';
import { loadPins, storePins } from '../pins/pin-store';

export interface OfficeTrust {
  /** The office key's fingerprint, as people compare it. */
  readonly fingerprint: string;
  /** `new`: no pin was found and the key was pinned now; `same`: it matches the pin. */
  readonly pin: 'new' | 'same';
}

/**
 * Checks the session's office key against the pin (or `linkFingerprint`, from the invitation
 * link) and stores a new pin and pin index. Rejects with EngineError `office_key_changed` /
 * `office_key_mismatch`, or `pins_removed` when the pin index shows the server removed or rolled back pins.
 */
export async function trustOffice(
  engine: CryptoEngine,
  officeId: string,
  linkFingerprint?: string,
): Promise<OfficeTrust> {
  const checked = await engine.call('pinOffice', {
    ...(await loadPins()),
    ...(linkFingerprint !== undefined ? { fingerprint: linkFingerprint } : {}),
  });
  const pinned = checked.pin === 'new' && checked.envelope !== undefined;
  await storePins(pinned ? [{ subject: 'office', subjectId: officeId, envelope: checked.envelope }] : [], checked);
  return { fingerprint: checked.fingerprint, pin: checked.pin === 'new' ? 'new' : 'same' };
}
