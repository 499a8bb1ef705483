import { CopyTextRows } from './copy-text-rows';

function convert(text: string, chunkSize: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const rows = new CopyTextRows();
  let out = '';
  for (let i = 0; i < bytes.length; i += chunkSize) out += rows.push(bytes.subarray(i, i + chunkSize));
  rows.end();
  return out;
}

describe('CopyTextRows', () => {
  const copy =
    'C1\tS1\t3\t12.50\t2026-01-01\t\\N\t\\N\n' +
    'C2\tS2\t1\t0.00\t\\N\t\\N\tMüller, "on site"\\nnext\\r\\nline \\\\ tab\\there 😀\n' +
    '-C3\tS3\t1\t1.00\t\\N\t\\N\t=SUM(A1)\n';
  const csv =
    'C1,S1,3,12.50,2026-01-01,,\r\n' +
    'C2,S2,1,0.00,,,"Müller, ""on site""\nnext\r\nline \\ tab\there 😀"\r\n' +
    "'-C3,S3,1,1.00,,,'=SUM(A1)\r\n";

  it.each([1, 2, 3, 7, 64, 4096])('writes the same CSV lines whatever the chunks (%d bytes)', (size) => {
    expect(convert(copy, size)).toBe(csv);
  });

  it('counts the rows it wrote', () => {
    const rows = new CopyTextRows();
    rows.push(Buffer.from(copy));
    expect(rows.rows).toBe(3);
  });

  it('keeps a literal \\N inside a value, and reads an empty string as empty', () => {
    expect(convert('a\\\\N\t\t\\N\n', 5)).toBe('a\\N,,\r\n');
  });

  it('refuses output cut inside a row', () => {
    const rows = new CopyTextRows();
    rows.push(Buffer.from('C1\tS1\n' + 'C2\tS'));
    expect(() => rows.end()).toThrow(/inside a row/);
  });
});
