import { changesFileName, reportFileName, sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
  it.each([
    ['services.csv', 'services.csv'],
    ['../../etc/passwd.csv', 'passwd.csv'],
    ['C:\\Users\\me\\Desktop\\march.csv', 'march.csv'],
    ['pa\u0007ss\u001bwd\u0000.csv', 'passwd.csv'],
    ['  spaced name.csv  ', 'spaced name.csv'],
    ['', 'upload.csv'],
    [undefined, 'upload.csv'],
    ['dir/', 'upload.csv'],
    ['facture-été.csv', 'facture-été.csv'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  // Generated from Unicode's own properties rather than our list: every control and every bidi control.
  const removed = Array.from({ length: 0x10000 }, (_, cp) => String.fromCharCode(cp))
    .filter((c) => /[\p{Cc}\p{Bidi_Control}]/u.test(c))
    .concat(['\u200b', '\u2060', '\ufeff']); // zero-width space, word joiner, byte order mark
  const positions = [
    (c: string) => `${c}report.csv`,
    (c: string) => `rep${c}ort.csv`,
    (c: string) => `report.csv${c}`,
    (c: string) => `rep${c}${c}${c}ort${c}.csv`,
    (c: string) => `Relatório_${c}日本.csv`,
  ];

  it(`removes each of ${removed.length} control, bidi and zero-width characters wherever it stands`, () => {
    expect(removed).toEqual(
      expect.arrayContaining(['\u202e', '\u200f', '\u2066', '\u061c', '\u0000', '\u009f']),
    );
    for (const c of removed) {
      for (const place of positions) {
        // The code point rides along so that a failure names the character.
        const cp = c.codePointAt(0)!.toString(16);
        expect({ cp, out: sanitizeFileName(place(c)) }).toEqual({ cp, out: place('') });
      }
    }
  });

  it('a shown name cannot be spoofed by a right-to-left override', () => {
    expect(sanitizeFileName('invoice\u202Evsc.exe')).toBe('invoicevsc.exe');
    expect(sanitizeFileName('\u2067photo\u2069_gpj.exe\u200f')).toBe('photo_gpj.exe');
  });

  it('keeps every other character as sent: letters of any script, emoji and their joiners', () => {
    const kept = ['Relatório_日本.csv', 'تقرير\u200cالشهر.csv', 'équipe 👨\u200d👩\u200d👧.csv', 'Ω≈ç√.csv'];
    for (const name of kept) expect(sanitizeFileName(name)).toBe(name);
  });

  it('keeps at most 255 characters, never splitting a character', () => {
    expect(sanitizeFileName('a'.repeat(300))).toHaveLength(255);
    const emoji = sanitizeFileName('😀'.repeat(300));
    expect(Array.from(emoji)).toHaveLength(255);
    expect(emoji.endsWith('😀')).toBe(true);
  });
});

describe('reportFileName and changesFileName', () => {
  it.each([
    ['services.csv', 'services-not-imported.csv', 'services-changes.csv'],
    ['SERVICES.CSV', 'SERVICES-not-imported.csv', 'SERVICES-changes.csv'],
    ['list.txt', 'list.txt-not-imported.csv', 'list.txt-changes.csv'],
  ])('%s → %s, %s', (input, report, changes) => {
    expect(reportFileName(input)).toBe(report);
    expect(changesFileName(input)).toBe(changes);
  });
});
