// The audit trail as the admin reads it (GET /api/v1/admin/audit) and exports it
// (GET /api/v1/admin/audit/export, CSV). Admin only. People appear by name and address from
// audit_people while those exist; an erased person stays a pseudonym. Details are the entry's
// fixed facts (never codes, tokens, keys or file names; server/kernel/audit/service.ts).
import { z } from 'zod';
import { Time } from './common.js';
import { hasControlCharacter } from './patterns.js';

/** An action (`share.created`) or a group of actions (`share.*`). */
const AUDIT_ACTION_FILTER_PATTERN = /^[a-z][a-z_]{0,30}\.(?:\*|[a-z][a-z_]{0,30})$/;

/** The most entries one page holds. */
const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

const filterFields = {
  /** Part of a person's name or e-mail address (the one who acted), matched case-insensitively. */
  who: z
    .string()
    .trim()
    .max(254)
    .refine((text) => !hasControlCharacter(text), 'no control characters')
    .optional(),
  /** An action or a group (`sign_in.*`). */
  action: z.string().regex(AUDIT_ACTION_FILTER_PATTERN).optional(),
  /** Entries at or after this time. */
  from: Time.optional(),
  /** Entries before this time (exclusive: the browser sends the start of the day after). */
  to: Time.optional(),
};

/** A period whose end comes before its start is refused, named by `to`. */
function fromNotAfterTo(query: { from?: string | undefined; to?: string | undefined }): boolean {
  return query.from === undefined || query.to === undefined || Date.parse(query.from) <= Date.parse(query.to);
}
const PERIOD = { path: ['to'], message: 'to must not be before from' };

/** GET /api/v1/admin/audit/export: the filters of the page (all optional, combined with AND). */
export const AuditFilterQuery = z.object(filterFields).strict().refine(fromNotAfterTo, PERIOD);
export type AuditFilterQuery = z.infer<typeof AuditFilterQuery>;

/** GET /api/v1/admin/audit: one page, newest first. `before` is the `next` of the page before. */
export const AuditPageQuery = z
  .object({
    ...filterFields,
    before: z
      .string()
      .regex(/^[1-9]\d{0,14}$/)
      .transform(Number)
      .optional(),
    limit: z
      .string()
      .regex(/^[1-9]\d{0,2}$/)
      .transform(Number)
      .pipe(z.number().max(AUDIT_PAGE_MAX))
      .optional(),
  })
  .strict()
  .refine(fromNotAfterTo, PERIOD);
export type AuditPageQuery = z.infer<typeof AuditPageQuery>;

/** Who acted: a person known by name and address, one whose details were erased, or nobody known. */
export const AuditActor = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('known'),
    /** A short form of the pseudonym, to tell people apart. */
    ref: z.string(),
    kind: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
  }),
  /** The pseudonym is in the log, but the name and address behind it were erased. */
  z.object({ state: z.literal('erased'), ref: z.string() }),
  /** The pseudonym is in the log, but nobody is recorded behind it (an open drop's uploader, or a person whose record was removed). */
  z.object({ state: z.literal('unknown'), ref: z.string() }),
  /** No person: Coffer itself (the sweeper) or a sign-in for an unknown address. */
  z.object({ state: z.literal('none') }),
]);
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditDetailValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

export const AuditTrailEntry = z.object({
  seq: z.number().int().min(1),
  at: Time,
  actor: AuditActor,
  action: z.string(),
  object: z
    .object({
      type: z.string(),
      /** The first bytes of the object's id or pseudonym, in hex. */
      ref: z.string().nullable(),
      /** For a person (a user, an invitee): their name or address while known. */
      name: z.string().nullable(),
      /** For a share that still exists: when it was made, how many files, and its recipients while known. */
      share: z.object({ createdAt: Time, files: z.number().int().min(0), recipients: z.array(z.string()) }).optional(),
    })
    .nullable(),
  details: z.record(z.string(), AuditDetailValue),
  /** Names (or addresses) of the people some details name by pseudonym, by the detail's key (`recipient`). */
  names: z.record(z.string(), z.string()),
});
export type AuditTrailEntry = z.infer<typeof AuditTrailEntry>;

export const AuditTrailPage = z.object({
  entries: z.array(AuditTrailEntry),
  /** Pass as `before` for the next (older) page; null when this was the last. */
  next: z.number().int().min(1).nullable(),
  /** Every action the log knows, for the filter (labels come from the client's catalogs). */
  actions: z.array(z.string()),
  /** The office's IANA time zone: the page shows every time in it. */
  timeZone: z.string(),
});
export type AuditTrailPage = z.infer<typeof AuditTrailPage>;

/** The columns of the CSV export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time_utc',
  'actor_name',
  'actor_email',
  'actor_ref',
  'action',
  'object_type',
  'object_ref',
  'object_name',
  'details',
  'hash',
] as const;
