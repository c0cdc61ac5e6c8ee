// A command's session: the device state opened (OS keyring or passphrase), checked against what the
// server says now, and the browser's crypto-worker operations (client/src/crypto/operations)
// run in this process over one worker state, exactly as the worker runs them: each request is
// checked with its schema first. The checks before anything is sent or opened:
//
//   1. the sealed keys and token open (keyring or passphrase), before the server is asked
//      anything: the token is what the requests carry;
//   2. the office signing key the server names (GET /api/v1/office/keys) is the one this device
//      pinned when it was connected, and the opened keys are the ones the server publishes;
//   3. startSession: the user's own certificate and, for a member, the office keys sealed to them
//      (their statement, their public keys) check out, as at every unlock in the browser;
//   4. pinOffice: the office key against the user's own pins (MAC'd on the server), so received
//      shares open only after it, as in the browser.
import { bytesEqual, fromBase64Url, idFromWire, ready, type Id } from '../shared/crypto/index.js';
import { KeyMaterial, OfficeKeysResponse } from '../shared/wire/accounts.js';
import { PinIndexResponse, PinList } from '../shared/wire/shares.js';
import { REQUESTS, type AnswerOf, type RequestOf } from '../client/src/crypto/protocol.js';
import type { BATCH_REQUESTS } from '../client/src/crypto/protocol/batches.js';
import type { DROP_REQUESTS } from '../client/src/crypto/protocol/drops.js';
import type { PIN_REQUESTS } from '../client/src/crypto/protocol/pins.js';
import type { RECEIVING_REQUESTS } from '../client/src/crypto/protocol/receiving.js';
import type { SENDING_REQUESTS } from '../client/src/crypto/protocol/sending.js';
import { startSession } from '../client/src/crypto/operations/accounts.js';
import { batchOperations } from '../client/src/crypto/operations/batches.js';
import { dropOperations } from '../client/src/crypto/operations/drops.js';
import { pinOperations } from '../client/src/crypto/operations/pins.js';
import { receivingOperations } from '../client/src/crypto/operations/receiving.js';
import { sendingOperations } from '../client/src/crypto/operations/sending.js';
import { createWorkerState, lockAll, wipeAccountKeys } from '../client/src/crypto/operations/state.js';
import type { CallContext, HandlersOf } from '../client/src/crypto/operations/types.js';
import type { TransferProgress } from '../client/src/crypto/protocol.js';
import { systemClock } from '../client/src/crypto/transport.js';
import { createApi, type Api } from './http.js';
import { checkPublishedKeys, loadDevice, saveDevice, unlockDevice, type SealedDeviceState } from './device.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';

/** The worker's operations this client uses: the areas of pins, sending, batches, receiving and drops. */
type CliOperation =
  | keyof typeof PIN_REQUESTS
  | keyof typeof BATCH_REQUESTS
  | keyof typeof SENDING_REQUESTS
  | keyof typeof RECEIVING_REQUESTS
  | keyof typeof DROP_REQUESTS;

export interface Session {
  readonly device: SealedDeviceState;
  readonly home: string;
  readonly api: Api;
  readonly userId: Id;
  /** Runs one worker operation; `onTransfer` hears a transfer's progress. */
  call<K extends CliOperation>(
    op: K,
    request: RequestOf<K>,
    onTransfer?: (progress: TransferProgress) => void,
  ): Promise<AnswerOf<K>>;
  /** Stores new pins and the pin index the worker handed back, and remembers the index counter. */
  storePins(
    pins: readonly { readonly subject: 'office' | 'user'; readonly subjectId: string; readonly envelope: string }[],
    outcome: {
      readonly index?: { previousCounter: number | null; counter: number; envelope: string };
      readonly seen?: { slot: string; counter: number };
    },
  ): Promise<void>;
  loadPins(): Promise<{ pins: PinList['pins']; index: PinIndexResponse['index']; seen: Record<string, number> }>;
  close(): void;
}

export async function openSession(io: Io, home: string): Promise<Session> {
  const m = io.m;
  const stored = await loadDevice(home, m);
  await ready();
  // The file's keys and token open first (a wrong passphrase asks nothing of the server); a
  // version 1 file, its token in the clear, is written again with the token sealed.
  const { keys, token, device, sealedNow } = await unlockDevice(stored, io.env, () => io.passphrase(), m);
  const api = createApi({ server: device.server, token });
  let officeKeys: OfficeKeysResponse;
  let published: KeyMaterial;
  try {
    // Best effort: a folder that cannot be written keeps the old file, which still works.
    if (sealedNow) await saveDevice(home, device).catch(() => io.warn(m.tokenNotSealed));

    // GET /api/v1/office/keys, not /session: a device token may read only what its scopes allow.
    officeKeys = await api.get('/api/v1/office/keys', OfficeKeysResponse);
    if (
      officeKeys.officeId !== device.office.officeId ||
      !bytesEqual(fromBase64Url(officeKeys.signingPublicKey), fromBase64Url(device.office.signingPublicKey))
    )
      throw new CliError(EXIT.refused, 'office_key_changed', m.officeKeyChanged);

    published = await api.get('/api/v1/me/keys', KeyMaterial);
    if (published.userId !== device.userId) throw new CliError(EXIT.auth, 'signed_out', m.signedOut);
  } catch (error) {
    wipeAccountKeys(keys);
    throw error;
  }
  checkPublishedKeys(
    keys,
    {
      identityPublicKey: fromBase64Url(published.identityPublicKey, 32),
      encryptionPublicKey: fromBase64Url(published.encryptionPublicKey, 32),
    },
    m,
  );
  const office = {
    officeId: officeKeys.officeId,
    signingPublicKey: officeKeys.signingPublicKey,
    encryptionPublicKey: officeKeys.encryptionPublicKey,
    encryptionKeyStatement: officeKeys.encryptionKeyStatement,
  };

  const state = createWorkerState();
  const deps = {
    transport: api.transport,
    clock: systemClock,
  };
  const handlers: HandlersOf<CliOperation> = {
    ...pinOperations(state),
    ...sendingOperations(state, deps),
    ...batchOperations(state),
    ...receivingOperations(state, deps),
    ...dropOperations(state, deps),
  };
  const controller = new AbortController();

  const session: Session = {
    device,
    home,
    api,
    userId: idFromWire(device.userId),
    async call(op, request, onTransfer) {
      const parsed = (REQUESTS[op] as { parse(value: unknown): unknown }).parse(request);
      const context: CallContext = { signal: controller.signal, transfer: onTransfer ?? (() => undefined) };
      const handler = handlers[op] as (request: unknown, report: () => void, context: CallContext) => unknown;
      return (await handler(parsed, () => undefined, context)) as AnswerOf<typeof op>;
    },
    async loadPins() {
      const [pins, index] = await Promise.all([
        api.get('/api/v1/me/pins', PinList),
        api.get('/api/v1/me/pin-index', PinIndexResponse),
      ]);
      return { pins: pins.pins, index: index.index, seen: { ...device.seen } };
    },
    async storePins(pins, outcome) {
      for (const pin of pins)
        await api.put(`/api/v1/me/pins/${pin.subject}/${encodeURIComponent(pin.subjectId)}`, {
          envelope: pin.envelope,
        });
      if (outcome.index) await api.put('/api/v1/me/pin-index', outcome.index);
      if (outcome.seen && (device.seen[outcome.seen.slot] ?? 0) < outcome.seen.counter) {
        device.seen[outcome.seen.slot] = outcome.seen.counter;
        await saveDevice(home, device);
      }
    },
    close() {
      controller.abort();
      lockAll(state);
    },
  };

  try {
    startSession(state, session.userId, keys, published, office);
    const pinned = await session.call('pinOffice', await session.loadPins());
    await session.storePins(
      pinned.envelope ? [{ subject: 'office', subjectId: officeKeys.officeId, envelope: pinned.envelope }] : [],
      pinned,
    );
  } catch (error) {
    session.close();
    throw error;
  }
  return session;
}
