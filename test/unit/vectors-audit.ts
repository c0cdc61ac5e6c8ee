// The audit-chain vectors (test/fixtures/vectors/audit.json) as the server's rows, and the
// check of one entry exactly as docs/protocol.md §16 states it.
import * as c from '../../shared/crypto/index.js';
import type { AuditRow } from '../../server/kernel/audit/repo.js';

export interface AuditEntryVector {
  readonly seq: number;
  readonly at: number;
  readonly actorRef: string | null;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectRef: string | null;
  readonly details: string;
  readonly prevHash: string;
  readonly hash: string;
}

export function toAuditRow(entry: AuditEntryVector): AuditRow {
  return {
    seq: entry.seq,
    at: entry.at,
    actorRef: entry.actorRef === null ? null : c.fromHex(entry.actorRef),
    action: entry.action,
    objectType: entry.objectType,
    objectRef: entry.objectRef === null ? null : c.fromHex(entry.objectRef),
    details: entry.details,
    prevHash: c.fromHex(entry.prevHash),
    hash: c.fromHex(entry.hash),
  };
}

/** hash = H(enc("coffer/v1/audit-entry", prev_hash, seq, at, actor_ref, action, object_type, object_ref, details)). */
export function documentedAuditHash(entry: AuditEntryVector): Uint8Array {
  return c.hashFields([
    'coffer/v1/audit-entry',
    c.fromHex(entry.prevHash),
    entry.seq,
    entry.at,
    entry.actorRef === null ? new Uint8Array(0) : c.fromHex(entry.actorRef),
    entry.action,
    entry.objectType ?? '',
    entry.objectRef === null ? new Uint8Array(0) : c.fromHex(entry.objectRef),
    c.utf8(entry.details),
  ]);
}

/** The first rule an entry breaks, in the order of §16: its number, its link, its own hash. */
export function checkAuditEntry(
  entry: AuditEntryVector,
  expectedSeq: number,
  prevHash: Uint8Array,
): 'ok' | 'seq' | 'prevHash' | 'hash' {
  if (entry.seq !== expectedSeq) return 'seq';
  if (!c.bytesEqual(c.fromHex(entry.prevHash), prevHash)) return 'prevHash';
  if (!c.bytesEqual(documentedAuditHash(entry), c.fromHex(entry.hash))) return 'hash';
  return 'ok';
}
