// Workbook uploads that cannot be imported: refused at upload, before any job exists, with the
// status and a sentence naming what the file is (a zip bomb at its bound, .xls, encrypted, a zip that
// is not a workbook, a damaged one).
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { upload } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { workbook, zipOf } from './support/workbooks';

const HEADER = ['clientCode', 'serviceCode'];

describe('xlsx refusals (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_MAX_XLSX_INFLATED_BYTES: String(8 * 1024 * 1024) });
  });
  afterAll(() => t.close());

  it('refuses a zip bomb at its bound, with 413 and no job', async () => {
    // A sheet XML that inflates to 4 GiB of spaces from about 4 MiB: one 16 MiB chunk deflated with
    // a full flush (no final block, no history kept) is a piece that can be repeated, then a final empty block.
    const chunk = Buffer.alloc(16 * 1024 * 1024, 0x20);
    const piece = deflateRawSync(chunk, { finishFlush: constants.Z_FULL_FLUSH });
    const size = 4 * 1024 * 1024 * 1024;
    const deflated = Buffer.concat([
      ...Array.from({ length: size / chunk.length }, () => piece),
      Buffer.from([0x03, 0x00]),
    ]);
    const bomb = zipOf([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(0), deflated, size },
    ]);
    expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
    expect(
      inflateRawSync(deflated.subarray(0, piece.length * 2), { finishFlush: constants.Z_SYNC_FLUSH }).length,
    ).toBe(2 * chunk.length);
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`);
    const res = await upload(t.app, bomb, 'bomb.xlsx').expect(413);
    expect(res.body.message).toMatch(/unpacks to more than 8388608 bytes \(IMPORT_MAX_XLSX_INFLATED_BYTES\)/);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`)).toEqual(before);
  });

  it('refuses .xls, encrypted workbooks and other zips with 415 naming the format', async () => {
    const cfb = (streams: string[]) => {
      const head = Buffer.alloc(512);
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(head);
      const dir = Buffer.alloc(512);
      streams.forEach((name, i) => Buffer.from(name, 'utf16le').copy(dir, i * 128));
      return Buffer.concat([head, dir]);
    };
    const xls = await upload(t.app, cfb(['Root Entry', 'Workbook']), 'old.xlsx').expect(415);
    expect(xls.body.message).toMatch(/old-format Excel 97-2003 workbook \(\.xls\)/);
    const encrypted = await upload(
      t.app,
      cfb(['Root Entry', 'EncryptionInfo', 'EncryptedPackage']),
      'secret.xlsx',
    ).expect(415);
    expect(encrypted.body.message).toMatch(/password-protected \(encrypted\) Excel workbook/);
    const cut = (await workbook({ S: [HEADER, ['C000001', 'S0001']] })).subarray(0, 1500);
    const damaged = await upload(t.app, cut, 'cut.xlsx').expect(400);
    expect(damaged.body.message).toMatch(
      /starts like an Excel workbook \(\.xlsx\) but cannot be read as one/,
    );
    const docx = zipOf([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }]);
    const other = await upload(t.app, docx, 'letter.xlsx').expect(415);
    expect(other.body.message).toMatch(/zip archive but not an Excel workbook/);
  });

  it('answers every damaged workbook with a 4xx (or imports it), never a 5xx, and stays up', async () => {
    const good = await workbook({
      S: [HEADER, ...Array.from({ length: 300 }, (_, i) => [`C${i}`, 'S0001'])],
    });
    const statuses = new Set<number>();
    for (let k = 0; k < 24; k++) {
      const bytes = Buffer.from(good);
      const at = 40 + ((k * 997) % (bytes.length - 60));
      bytes.fill(0xa5 ^ k, at, at + 8); // eight bytes overwritten somewhere in the zip
      const res = await upload(t.app, bytes, `damaged-${k}.xlsx`);
      expect([202, 400, 413, 415]).toContain(res.status);
      statuses.add(res.status);
    }
    expect(statuses.has(400)).toBe(true); // damage the reader notices, e.g. in a deflated part
    await upload(t.app, good, 'good.xlsx').expect(202);
  });
});
