// Plain words for the audit log's codes: actions, their groups, object types and the people
// behind pseudonyms. An action this client has no words for (one added to the server later)
// is shown as its code rather than hidden.
import type { AuditActor } from '../../api/audit';
import type { MessageKey, Translate } from '../../i18n';
import { en } from '../../i18n/en';

function known(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export function actionLabel(t: Translate, action: string): string {
  const key = `audit.action.${action}`;
  return known(key) ? t(key) : action;
}

export function groupLabel(t: Translate, prefix: string): string {
  const key = `audit.group.${prefix}`;
  return known(key) ? t(key) : prefix;
}

export function objectTypeLabel(t: Translate, type: string): string {
  const key = `audit.object.${type}`;
  return known(key) ? t(key) : type;
}

/** The actions by the part before the dot, in the order the server lists them. */
export function actionGroups(
  actions: readonly string[],
): { readonly prefix: string; readonly actions: readonly string[] }[] {
  const groups = new Map<string, string[]>();
  for (const action of actions) {
    const prefix = action.slice(0, action.indexOf('.'));
    if (prefix === '') continue;
    groups.set(prefix, [...(groups.get(prefix) ?? []), action]);
  }
  return [...groups].map(([prefix, members]) => ({ prefix, actions: members }));
}

/** Who acted, as two lines: the person (or why nobody is named) and what identifies them. */
export function actorText(t: Translate, actor: AuditActor): { readonly main: string; readonly sub: string | null } {
  switch (actor.state) {
    case 'known': {
      const kindKey = `audit.kind.${actor.kind}`;
      const kind = known(kindKey) ? t(kindKey) : actor.kind;
      const main = actor.name ?? actor.email ?? t('audit.ref', { ref: actor.ref });
      const sub = [actor.name !== null ? actor.email : null, actor.kind === 'user' ? null : kind].filter(
        (part): part is string => part !== null,
      );
      return { main, sub: sub.length === 0 ? null : sub.join(' · ') };
    }
    case 'erased':
      return { main: t('audit.actor.erased'), sub: t('audit.ref', { ref: actor.ref }) };
    case 'unknown':
      return { main: t('audit.actor.unknown'), sub: t('audit.ref', { ref: actor.ref }) };
    case 'none':
      return { main: t('audit.actor.none'), sub: t('audit.actor.none.hint') };
  }
}

/** A detail's name in plain words (`expiresAt` → "Available until"); an unknown one as written. */
export function detailLabel(t: Translate, key: string): string {
  const label = `audit.detail.${key}`;
  return known(label) ? t(label) : key;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;

/**
 * A detail's value in plain words: a time in the office's zone (`time`), a recipient's kind,
 * yes or no; anything else as written (the raw values stay one click away on the page).
 */
export function detailText(
  t: Translate,
  key: string,
  value: string | number | boolean | null | readonly string[],
  time: (iso: string) => string,
): string {
  if (value === null) return '–';
  if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no');
  if (isList(value)) return value.map((item) => detailLabel(t, item)).join(', ');
  if (typeof value === 'string' && ISO_TIME.test(value)) return time(value);
  const word = `audit.value.${key}.${String(value)}`;
  return known(word) ? t(word) : String(value);
}

/** Array.isArray narrows a readonly array to any[]; this keeps its items' type. */
function isList(value: unknown): value is readonly string[] {
  return Array.isArray(value);
}

/** `Europe/Amsterdam` → `Amsterdam`: the place a time zone is named after, for a column heading. */
export function placeOf(timeZone: string): string {
  return (timeZone.split('/').at(-1) ?? timeZone).replaceAll('_', ' ');
}
