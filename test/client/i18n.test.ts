// Pure parts of the browser client, tested in Node. (The pages themselves are tested in
// Chromium: test/e2e/shell.test.ts.)
import { describe, expect, it } from 'vitest';
import { tokenFromHash } from '../../client/src/api/setup';
import { en } from '../../client/src/i18n/en';
import { interpolate, langFromPreferences } from '../../client/src/i18n/index';
import { nl } from '../../client/src/i18n/nl';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('give every message the same placeholders in Dutch and English', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
      expect(nl[key].trim(), key).not.toBe('');
    }
  });

  it('are really translated (no English left in the Dutch catalog, apart from names)', () => {
    const same = (Object.keys(en) as (keyof typeof en)[]).filter(
      (key) => nl[key] === en[key] && !/^(app\.name|lang\.(nl|en))$/.test(key),
    );
    expect(same).toEqual([]);
  });
});

describe('language choice', () => {
  it('picks Dutch for any Dutch variant and English otherwise', () => {
    expect(langFromPreferences(['nl-BE', 'fr'])).toBe('nl');
    expect(langFromPreferences(['de-DE', 'nl'])).toBe('nl');
    expect(langFromPreferences(['en-US'])).toBe('en');
    expect(langFromPreferences(['nds'])).toBe('en');
    expect(langFromPreferences([])).toBe('en');
  });

  it('interpolates named values and keeps an unknown placeholder visible', () => {
    expect(interpolate('Valid until {expiresAt}.', { expiresAt: '1 May' }).join('')).toBe('Valid until 1 May.');
    expect(interpolate('Hello {name}', {}).join('')).toBe('Hello {name}');
  });
});

describe('setup link fragment', () => {
  it('accepts exactly a 43-character base64url token', () => {
    const token = 'Dduj4sK22TzKtJ9F8MgtqhTIm19L2S72q1gdCzOG94I';
    expect(tokenFromHash(`#${token}`)).toBe(token);
    expect(tokenFromHash(token)).toBe(token);
    expect(tokenFromHash(`#${token}x`)).toBeNull();
    expect(tokenFromHash('#')).toBeNull();
    expect(tokenFromHash(`#${token.slice(0, 42)}+`)).toBeNull();
  });
});
