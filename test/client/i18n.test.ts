// Pure parts of the browser client, tested in Node. (The pages themselves are tested in
// Chromium: test/e2e/shell.test.ts.)
import { describe, expect, it } from 'vitest';
import { tokenFromHash } from '../../client/src/api/setup';
import { en, enPlurals, type PluralKey } from '../../client/src/i18n/en';
import { interpolate, langFromPreferences, translator } from '../../client/src/i18n/index';
import { nl, nlPlurals } from '../../client/src/i18n/nl';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('give every message the same placeholders in Dutch and English', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
      expect(nl[key].trim(), key).not.toBe('');
    }
  });

  it('are really translated (no English left in the Dutch catalog, apart from names)', () => {
    // Names, and "Menu", which is the Dutch word too.
    const same = (Object.keys(en) as (keyof typeof en)[]).filter(
      (key) => nl[key] === en[key] && !/^(app\.name|lang\.(nl|en)|nav\.menu)$/.test(key),
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

  it('lets a name that ends a sentence take the place of the full stop after it, and only there', () => {
    const company = 'Bakkerij Smit B.V.';
    expect(interpolate('Welkom, {name}. Hier ziet u', { name: company }).join('')).toBe(
      'Welkom, Bakkerij Smit B.V. Hier ziet u',
    );
    expect(interpolate('Welkom, {name}. Hier ziet u', { name: 'Jan' }).join('')).toBe('Welkom, Jan. Hier ziet u');
    expect(interpolate('Is it {name}?', { name: company }).join('')).toBe('Is it Bakkerij Smit B.V.?');
    expect(interpolate('{name}, welcome.', { name: company }).join('')).toBe('Bakkerij Smit B.V., welcome.');
    expect(interpolate('Sent by {name}.', { name: 'Really?' }).join('')).toBe('Sent by Really?');
    // An ellipsis in the message stays whole.
    expect(interpolate('{name}...', { name: 'B.V.' }).join('')).toBe('B.V...');
    // The client portal's greeting, as a client reads it.
    expect(translator('nl')('portal.intro', { name: company, office: 'Kantoor Jansen' })).toMatch(
      /^Welkom, Bakkerij Smit B\.V\. Hier /,
    );
    expect(translator('en')('portal.intro', { name: company, office: 'Kantoor Jansen' })).not.toContain('..');
  });
});

describe('plural messages', () => {
  it('give both forms the same placeholders in Dutch and English', () => {
    for (const key of Object.keys(enPlurals) as PluralKey[])
      for (const form of ['one', 'other'] as const)
        expect(placeholders(nlPlurals[key][form]), `${key}.${form}`).toEqual(placeholders(enPlurals[key][form]));
  });

  it('agree with the number, in Dutch and English', () => {
    const nlT = translator('nl');
    const enT = translator('en');
    expect(nlT('share.missingFiles', { n: 1 })).toBe(
      '1 van de bestanden in deze zending ontbreekt. Vraag het de afzender.',
    );
    expect(nlT('share.missingFiles', { n: 2 })).toBe(
      '2 van de bestanden in deze zending ontbreken. Vraag het de afzender.',
    );
    expect(enT('drop.upload.missing', { n: 1 })).toBe('1 of the files in this upload is missing.');
    expect(nlT('drop.upload.rejected.text', { n: 1 })).toMatch(/^Deze upload \(1 bestand\) is /);
    expect(nlT('received.files', { n: 1 })).toBe('1 bestand');
    expect(nlT('received.files', { n: 0 })).toBe('0 bestanden');
    expect(enT('received.files', { n: 3 })).toBe('3 files');
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
