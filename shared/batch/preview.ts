// The preview of a batch, before anything is sent: for each chosen file, who gets it and how.
// Two ways to say who: a list (csv.ts: a row names a file and an address), or the file-name
// rule (a client's or contact's reference number, or an address, found in the file name as a
// whole token; optionally only among the contacts of one organisation). Each file becomes its
// own share to one recipient, who gets it in one of three ways (docs/threat-model.md, "Who
// delivers a link"):
//   account → Coffer notifies them, the file waits in their inbox;
//   mail    → a contact with a standing access code: Coffer mails the link, which opens
//             nothing without the code they already have;
//   export  → anyone else: the link holds the key, so it goes out through the office's own
//             mail merge (an export of links made in the browser), never through Coffer.
// Flags say what the person should look at; `blocking` ones stop the Send button (and
// `coffer batch`, which builds the same preview from the same list).
import type { ClientList } from '../wire/clients.js';
import type { ContactList } from '../wire/contacts.js';
import type { RecipientLookupResponse } from '../wire/shares.js';
import type { BatchListRow } from './csv.js';

type Delivery = 'account' | 'mail' | 'export';

/** A person the office knows, as the page gathered them (contacts, client accounts, colleagues). */
export interface Addressee {
  readonly email: string;
  readonly name: string;
  readonly kind: 'account' | 'contact';
  /** The employee or client number (contacts and client accounts), for the file-name rule. */
  readonly reference: string | null;
  readonly organisation: string | null;
  /** A contact with a standing access code: Coffer may mail their link. */
  readonly standingCode: boolean;
  /** An account that can receive now (approved, with a certificate); false for contacts. */
  readonly ready: boolean;
}

/** The office's contacts and client accounts (invited clients have no account yet), as addressees. */
export function addresseesOf(contacts: ContactList['contacts'], clients: ClientList['clients']): Addressee[] {
  return [
    ...contacts.map((c): Addressee => ({
      email: c.email.toLowerCase(),
      name: c.name,
      kind: 'contact',
      reference: c.reference,
      organisation: c.organisation,
      standingCode: c.code !== null,
      ready: false,
    })),
    ...clients
      .filter((c) => c.userId !== null)
      .map((c): Addressee => ({
        email: c.email.toLowerCase(),
        name: c.name,
        kind: 'account',
        reference: c.reference,
        organisation: null,
        standingCode: false,
        ready: c.state === 'active' && c.keyCheck !== null,
      })),
  ];
}

/** The accounts a recipient lookup found for addresses that are neither contacts nor clients (colleagues). */
export function lookedUpAccounts(recipients: RecipientLookupResponse['recipients']): Addressee[] {
  return recipients.flatMap((r) =>
    r.account
      ? [
          {
            email: r.email,
            name: r.account.name,
            kind: 'account' as const,
            reference: null,
            organisation: null,
            standingCode: false,
            ready: r.account.certificate !== undefined,
          },
        ]
      : [],
  );
}

/** A chosen file, as the preview needs it. */
export interface ChosenFile {
  readonly name: string;
  readonly size: number;
  /** Where it is in a chosen folder ('/'-separated, the folder's own name first); absent for single files. */
  readonly path?: string;
}

export type PreviewFlag =
  /** The address is neither a contact nor an account: check it; it gets a copied link. */
  | 'unknownAddress'
  /** More than one file goes to this address (allowed, but worth a look). */
  | 'duplicateAddress'
  /** The recipient can only get a link the office mails itself (export). */
  | 'copiedLink'
  /** blocking: the same file is listed for more than one recipient. */
  | 'fileTwice'
  /** blocking: an account that cannot receive yet (not approved). */
  | 'notReady'
  /** blocking: the list names a file that was not chosen. */
  | 'missingFile'
  /** blocking: two chosen files (in different folders) have the name the list gives; it needs its folder. */
  | 'sameName'
  /** blocking: the file name holds the numbers or addresses of more than one person. */
  | 'ambiguous';

const BLOCKING: ReadonlySet<PreviewFlag> = new Set(['fileTwice', 'notReady', 'missingFile', 'sameName', 'ambiguous']);

export function isBlocking(flag: PreviewFlag): boolean {
  return BLOCKING.has(flag);
}

export interface PreviewItem {
  /** Index into the chosen files; null when the list names a file that was not chosen. */
  readonly fileIndex: number | null;
  readonly fileName: string;
  readonly size: number;
  readonly email: string;
  /** The list's name, else the address book's, else empty. */
  readonly name: string;
  readonly message: string;
  readonly delivery: Delivery;
  readonly flags: readonly PreviewFlag[];
}

export interface Preview {
  readonly items: readonly PreviewItem[];
  /** Chosen files nobody gets (not in the list, or no recipient found in the name). */
  readonly unmatched: readonly number[];
  /** Some item carries a blocking flag: nothing can be sent until it is fixed. */
  readonly blocked: boolean;
}

interface Assignment {
  readonly fileIndex: number | null;
  readonly fileName: string;
  readonly email: string;
  readonly name: string;
  readonly message: string;
  readonly flags: readonly PreviewFlag[];
}

/** A path with `/` between its folders, without a leading `./`. */
function slashed(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/**
 * Assignments from a list: each row's file found among the chosen files. A bare name
 * (`loonstrook.pdf`) is matched by the file's name; a name with folders (`januari/loonstrook.pdf`,
 * `\` read as `/`) by the end of its path in the chosen folder, so two files of one name in
 * different folders can be told apart. A bare name that fits more than one is `sameName`.
 */
export function assignFromList(rows: readonly BatchListRow[], files: readonly ChosenFile[]): Assignment[] {
  const byName = new Map<string, number[]>();
  for (const [index, file] of files.entries()) byName.set(file.name, [...(byName.get(file.name) ?? []), index]);
  const paths = files.map((file) => slashed(file.path ?? file.name));
  const where = (test: (path: string) => boolean): number[] =>
    paths.flatMap((path, index) => (test(path) ? [index] : []));
  const fitting = (wanted: string): number[] => {
    if (!wanted.includes('/')) return byName.get(wanted) ?? [];
    // The whole path first, then the path inside the chosen folder, then a path that merely ends so.
    for (const test of [
      (path: string) => path === wanted,
      (path: string) => path.slice(path.indexOf('/') + 1) === wanted,
      (path: string) => path.endsWith(`/${wanted}`),
    ]) {
      const found = where(test);
      if (found.length > 0) return found;
    }
    return [];
  };
  return rows.map((row) => {
    const found = fitting(slashed(row.file));
    const fileIndex = found.length === 1 ? (found[0] as number) : null;
    return {
      fileIndex,
      fileName: row.file,
      email: row.email,
      name: row.name,
      message: row.message,
      flags: found.length === 0 ? ['missingFile'] : found.length > 1 ? ['sameName'] : [],
    };
  });
}

/** A token in a file name: not preceded or followed by a letter or digit. */
function containsToken(haystack: string, token: string): boolean {
  const lowerHaystack = haystack.toLowerCase();
  const lowerToken = token.toLowerCase();
  let from = 0;
  for (;;) {
    const at = lowerHaystack.indexOf(lowerToken, from);
    if (at < 0) return false;
    const before = lowerHaystack[at - 1] ?? '';
    const after = lowerHaystack[at + lowerToken.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}

export interface NameRule {
  /** Only the contacts of this organisation (client accounts are then left out). */
  readonly organisation: string | null;
}

/** Assignments from the file-name rule: a reference number or an address found as a whole token. */
export function assignByName(
  files: readonly ChosenFile[],
  people: readonly Addressee[],
  rule: NameRule,
  message: string,
): { readonly assignments: Assignment[]; readonly unmatched: number[] } {
  const candidates = people.filter(
    (p) => rule.organisation === null || (p.kind === 'contact' && p.organisation === rule.organisation),
  );
  const assignments: Assignment[] = [];
  const unmatched: number[] = [];
  for (const [fileIndex, file] of files.entries()) {
    const found = candidates.filter(
      (p) => (p.reference !== null && containsToken(file.name, p.reference)) || containsToken(file.name, p.email),
    );
    const distinct = [...new Map(found.map((p) => [p.email, p])).values()];
    const [first] = distinct;
    if (first === undefined) {
      unmatched.push(fileIndex);
      continue;
    }
    assignments.push({
      fileIndex,
      fileName: file.name,
      email: first.email,
      name: first.name,
      message,
      flags: distinct.length > 1 ? ['ambiguous'] : [],
    });
  }
  return { assignments, unmatched };
}

/** The preview: each assignment with its delivery and flags, and the files nobody gets. */
export function buildPreview(
  files: readonly ChosenFile[],
  assignments: readonly Assignment[],
  people: readonly Addressee[],
  unmatchedByRule: readonly number[] = [],
): Preview {
  const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  const perAddress = new Map<string, number>();
  const perFile = new Map<number, number>();
  for (const a of assignments) {
    perAddress.set(a.email, (perAddress.get(a.email) ?? 0) + 1);
    if (a.fileIndex !== null) perFile.set(a.fileIndex, (perFile.get(a.fileIndex) ?? 0) + 1);
  }
  const items = assignments.map((a): PreviewItem => {
    const person = byEmail.get(a.email.toLowerCase());
    const flags = new Set<PreviewFlag>(a.flags);
    let delivery: Delivery;
    if (person?.kind === 'account') {
      delivery = 'account';
      if (!person.ready) flags.add('notReady');
    } else if (person?.standingCode) delivery = 'mail';
    else {
      delivery = 'export';
      flags.add('copiedLink');
      if (person === undefined) flags.add('unknownAddress');
    }
    if ((perAddress.get(a.email) ?? 0) > 1) flags.add('duplicateAddress');
    if (a.fileIndex !== null && (perFile.get(a.fileIndex) ?? 0) > 1) flags.add('fileTwice');
    const file = a.fileIndex === null ? undefined : files[a.fileIndex];
    return {
      fileIndex: a.fileIndex,
      fileName: a.fileName,
      size: file?.size ?? 0,
      email: a.email,
      name: a.name !== '' ? a.name : (person?.name ?? ''),
      message: a.message,
      delivery,
      flags: [...flags],
    };
  });
  const listed = new Set(assignments.flatMap((a) => (a.fileIndex === null ? [] : [a.fileIndex])));
  const unmatched = [...new Set([...unmatchedByRule, ...files.keys()].filter((index) => !listed.has(index)))].sort(
    (x, y) => x - y,
  );
  return { items, unmatched, blocked: items.some((item) => item.flags.some(isBlocking)) };
}
