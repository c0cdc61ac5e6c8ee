// `coffer` speaks Dutch and English: every message has both, the Dutch one is really Dutch (not
// the English left in place), and the language follows --lang, then the locale variables.
import { describe, expect, it } from 'vitest';
import { en, nl, pickLang } from '../../cli/messages.js';
import { coffer } from './support.js';

/** A message as text: functions called with sample arguments of the types they take. */
function render(message: string | ((...args: never[]) => string)): string {
  if (typeof message === 'string') return message;
  const call = message as (...args: unknown[]) => string;
  return call.length === 2 ? `${call('x', 2)} ${call('x', 1)}` : call('x');
}

describe('coffer messages', () => {
  it('has a Dutch text for every English one, different from it', () => {
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(render(nl[key]), key).not.toBe(render(en[key]));
  });

  it('takes the language from --lang, then COFFER_LANG and the locale', () => {
    expect(pickLang('nl', { LANG: 'en_GB.UTF-8' })).toBe('nl');
    expect(pickLang(undefined, { LANG: 'nl_NL.UTF-8' })).toBe('nl');
    expect(pickLang(undefined, { COFFER_LANG: 'en', LANG: 'nl_NL.UTF-8' })).toBe('en');
    expect(pickLang(undefined, {})).toBe('en');
  });

  it('shows its usage for --help and `help` (exit 0), and for no command at all (exit 1, a usage error)', async () => {
    for (const args of [['--help'], ['help'], []]) {
      const ran = await coffer('/nonexistent-coffer-home', args, { LANG: 'nl_NL.UTF-8' });
      expect(ran.stdout, args.join(' ')).toBe(`${nl.usage}\n`);
      expect(ran.code, args.join(' ')).toBe(args.length === 0 ? 1 : 0);
    }
  });
});
