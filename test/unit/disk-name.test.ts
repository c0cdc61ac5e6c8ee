// The disk name of a received file (shared/files/disk-name.ts, docs/protocol.md §23): worked
// examples for each rule, and properties over any string the metadata rules of §5 allow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISK_NAME, diskName, MAX_DISK_NAME_BYTES } from '../../shared/files/disk-name.js';

const bytes = (text: string): number => new TextEncoder().encode(text).length;

/** Any name metadata may carry: 1 to 1,024 UTF-16 units, lone surrogates and all. */
const metadataName = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1024 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }),
    fc.string({ minLength: 1, maxLength: 1024 }),
    fc
      .tuple(
        fc.constantFrom('con', 'PRN', 'Aux', 'nul', 'COM1', 'lpt9', 'COM¹', 'conin$', 'x'),
        fc.constantFrom('', ' ', '.', '. ', '.txt', ' .tar.gz', '..', '/'),
        fc.string({ maxLength: 300 }),
      )
      .map(([a, b, c]) => a + b + c),
  )
  .filter((name) => name.length <= 1024);

describe('diskName', () => {
  it('leaves an ordinary name alone', () => {
    expect(diskName('Jaarrekening 2025.pdf')).toBe('Jaarrekening 2025.pdf');
    expect(diskName('café – notities.docx')).toBe('café – notities.docx');
    expect(diskName('.profile')).toBe('.profile');
    expect(diskName('archive.tar.gz')).toBe('archive.tar.gz');
  });

  it('never makes a path: separators become _', () => {
    expect(diskName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(diskName('..\\..\\Windows\\win.ini')).toBe('.._.._Windows_win.ini');
    expect(diskName('/')).toBe('_');
  });

  it('replaces control characters, line separators and bidirectional controls', () => {
    expect(diskName('a\u0000b\u001fc\u007fd\u0085e')).toBe('a_b_c_d_e');
    expect(diskName('line\r\nbreak.txt')).toBe('line__break.txt');
    expect(diskName('x\u2028y\u2029z')).toBe('x_y_z');
    // "invoice‮fdp.exe" shows as "invoiceexe.pdf" without this.
    expect(diskName('invoice\u202Efdp.exe')).toBe('invoice_fdp.exe');
    expect(diskName('a\u200eb\u200fc\u2066d\u2069e')).toBe('a_b_c_d_e');
  });

  it('replaces the characters Windows refuses', () => {
    expect(diskName('a<b>c:d"e|f?g*h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
    expect(diskName('notes.txt:hidden')).toBe('notes.txt_hidden');
  });

  it('replaces a lone surrogate, which has no UTF-8 form', () => {
    expect(diskName('a\ud800b.txt')).toBe('a_b.txt');
    expect(diskName('\udfffx')).toBe('_x');
  });

  it('trims white space at both ends and spaces and full stops at the end', () => {
    expect(diskName('  report.pdf  ')).toBe('report.pdf');
    expect(diskName('report.pdf. . ')).toBe('report.pdf');
    expect(diskName('\u00a0\u3000name\ufeff')).toBe('name');
  });

  it('gives a name with nothing left the default name', () => {
    for (const name of ['', ' ', '.', '..', '...', ' . . ', '\u3000']) expect(diskName(name)).toBe(DEFAULT_DISK_NAME);
    expect(DEFAULT_DISK_NAME).toBe('download');
  });

  it('puts _ before a Windows device name, in any case and with any extension', () => {
    for (const name of [
      'CON',
      'con',
      'Prn.txt',
      'aux.tar.gz',
      'NUL',
      'com1',
      'COM9.log',
      'lpt1',
      'LPT9.x',
      'COM¹.txt',
    ]) {
      expect(diskName(name)).toBe(`_${name}`);
    }
    expect(diskName('nul .txt')).toBe('_nul .txt');
    expect(diskName('CON.')).toBe('_CON');
    expect(diskName('conin$')).toBe('_conin$');
    // Only the whole part before the extension counts.
    for (const name of ['CONTRACT.pdf', 'console.log', 'com10.txt', 'auxiliary', 'nul_list'])
      expect(diskName(name)).toBe(name);
  });

  it('notices a device name that only shortening reveals', () => {
    expect(diskName(`CON${' '.repeat(300)}x`)).toBe('_CON');
  });

  it('composes to NFC', () => {
    expect(diskName('cafe\u0301.txt')).toBe('caf\u00e9.txt');
    expect(diskName('cafe\u0301.txt')).toHaveLength(8);
  });

  it('shortens a long name to 255 UTF-8 bytes and keeps its extension', () => {
    const long = `${'a'.repeat(1000)}.pdf`;
    expect(diskName(long)).toBe(`${'a'.repeat(251)}.pdf`);
    // 3-byte characters: 83 of them (249 bytes) and ".pdf" is 253; an 84th would be 256.
    const euro = diskName(`${'€'.repeat(500)}.pdf`);
    expect(euro).toBe(`${'€'.repeat(83)}.pdf`);
    // A 4-byte character is never cut in half.
    const emoji = diskName('😀'.repeat(100));
    expect(emoji).toBe('😀'.repeat(63));
    expect(bytes(emoji)).toBe(252);
  });

  it('does not keep an "extension" that is long or has spaces', () => {
    const longExtension = `report.${'x'.repeat(400)}`;
    expect(diskName(longExtension)).toBe(longExtension.slice(0, 255));
    expect(diskName(`${'a'.repeat(300)}.b c`)).toBe('a'.repeat(255));
  });

  it('tidies the cut: no spaces or full stops left where it was cut', () => {
    expect(diskName(`${'a'.repeat(250)}     b.pdf`)).toBe(`${'a'.repeat(250)}.pdf`);
    expect(diskName(`${'a'.repeat(254)}... x y`)).toBe('a'.repeat(254));
    expect(diskName(`${'a'.repeat(253)}...${'b'.repeat(10)}`)).toBe(`${'a'.repeat(244)}.${'b'.repeat(10)}`);
  });

  it('makes every metadata name safe, and is stable', () => {
    fc.assert(
      fc.property(metadataName, (name) => {
        const safe = diskName(name);
        expect(safe.length).toBeGreaterThan(0);
        expect(bytes(safe)).toBeLessThanOrEqual(MAX_DISK_NAME_BYTES);
        expect(safe.normalize('NFC')).toBe(safe);
        expect(safe).not.toMatch(
          // eslint-disable-next-line no-control-regex -- the test looks for exactly these
          /[/\\<>:"|?*\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
        );
        expect(safe).not.toMatch(/\p{Cs}/u);
        expect(safe).not.toMatch(/^\s|[\s.]$/u);
        expect(safe).not.toMatch(/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\.|$)/iu);
        expect(diskName(safe)).toBe(safe);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a name that is already safe exactly as it is', () => {
    const safeName = fc
      .string({ unit: fc.constantFrom(...Array.from('abcXYZ019-_ ()éß€😀')), minLength: 1, maxLength: 60 })
      .map((stem) => `${stem.trim() || 'x'}.pdf`);
    fc.assert(
      fc.property(safeName, (name) => {
        expect(diskName(name)).toBe(name);
      }),
    );
  });
});
