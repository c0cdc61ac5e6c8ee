// The audit trail's wire form (shared/wire/audit.ts): rows of the repo as the admin's page shows them.
import type { z } from 'zod';
import { toHex } from '../../../shared/crypto/index.js';
import type { AuditDetailValue, AuditTrailEntry } from '../../../shared/wire/audit.js';
import type { AuditTrailRow } from './repo.js';

/** Hex characters of a ref shown on the page: enough to tell entries apart, not a whole id. */
const SHORT_REF_CHARS = 8;

type DetailValue = z.infer<typeof AuditDetailValue>;

/** Who acted, as the page shows it. */
function actorOf(row: AuditTrailRow): AuditTrailEntry['actor'] {
  if (row.actorRef === null) return { state: 'none' };
  const ref = toHex(row.actorRef).slice(0, SHORT_REF_CHARS);
  if (row.actor === undefined) return { state: 'unknown', ref };
  if (row.actor.name === null && row.actor.email === null) return { state: 'erased', ref };
  return { state: 'known', ref, kind: row.actor.kind, name: row.actor.name, email: row.actor.email };
}

/**
 * The entry's details as stored (a flat object of facts). Anything of another shape (which
 * `record` never writes) is shown as text rather than dropped, so a reader sees what is there.
 */
export function detailsOf(row: { readonly details: string }): Record<string, DetailValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.details);
  } catch {
    return { unreadable: row.details };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { unreadable: row.details };
  const out: Record<string, DetailValue> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const plain =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      (Array.isArray(value) && value.every((item) => typeof item === 'string'));
    out[key] = plain ? (value as DetailValue) : JSON.stringify(value);
  }
  return out;
}

/** The name (or address) behind a detail that names a person by pseudonym, while it is known. */
function namesOf(row: AuditTrailRow): Record<string, string> {
  const recipient = row.detailRecipient === undefined ? null : (row.detailRecipient.name ?? row.detailRecipient.email);
  return recipient === null ? {} : { recipient };
}

export function trailEntryOut(row: AuditTrailRow): AuditTrailEntry {
  return {
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actor: actorOf(row),
    action: row.action,
    object:
      row.objectType === null
        ? null
        : {
            type: row.objectType,
            ref: row.objectRef === null ? null : toHex(row.objectRef).slice(0, SHORT_REF_CHARS),
            name: row.objectPerson === undefined ? null : (row.objectPerson.name ?? row.objectPerson.email),
            ...(row.share === undefined
              ? {}
              : {
                  share: {
                    createdAt: new Date(row.share.createdAt).toISOString(),
                    files: row.share.files,
                    recipients: [...row.share.recipients],
                  },
                }),
          },
    details: detailsOf(row),
    names: namesOf(row),
  };
}
