import { reportFileName, sanitizeFileName } from './file-name';

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

  it('keeps at most 255 characters, never splitting a character', () => {
    expect(sanitizeFileName('a'.repeat(300))).toHaveLength(255);
    const emoji = sanitizeFileName('😀'.repeat(300));
    expect(Array.from(emoji)).toHaveLength(255);
    expect(emoji.endsWith('😀')).toBe(true);
  });
});

describe('reportFileName', () => {
  it.each([
    ['services.csv', 'services-not-imported.csv'],
    ['SERVICES.CSV', 'SERVICES-not-imported.csv'],
    ['list.txt', 'list.txt-not-imported.csv'],
  ])('%s → %s', (input, expected) => expect(reportFileName(input)).toBe(expected));
});
