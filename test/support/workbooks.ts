// Workbooks for the tests, written with exceljs (its streaming WorkbookWriter for the big ones).
import { PassThrough } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import * as ExcelJS from 'exceljs';

export type Cell = ExcelJS.CellValue;

/** A workbook of sheets of rows, as bytes (shared strings, as Excel and LibreOffice write them). */
export async function workbook(
  sheets: Record<string, Cell[][]>,
  opts: { dateFormat?: string; formats?: Record<string, string> } = {},
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) {
      const added = sheet.addRow(row);
      added.eachCell((cell) => {
        if (cell.value instanceof Date) cell.numFmt = opts.dateFormat ?? 'yyyy-mm-dd';
      });
    }
    for (const [ref, fmt] of Object.entries(opts.formats ?? {})) sheet.getCell(ref).numFmt = fmt;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A workbook of `rows` rows made by `row(i)`, streamed by WorkbookWriter (memory flat while writing). */
export async function streamedWorkbook(
  header: string[],
  count: number,
  row: (i: number) => Cell[],
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: true,
    useStyles: true,
  });
  const sheet = book.addWorksheet('Assignments');
  sheet.addRow(header).commit();
  for (let i = 0; i < count; i++) sheet.addRow(row(i)).commit();
  sheet.commit();
  await book.commit();
  return Buffer.concat(chunks);
}

/**
 * A zip of `entries` (name → content), stored as given: a content of a Buffer is deflated; `bomb`
 * entries are deflated streams made here of `size` repeated bytes (a zip bomb).
 */
export function zipOf(entries: { name: string; data: Buffer; deflated?: Buffer; size?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.deflated ?? deflateRawSync(e.data);
    const size = e.size ?? e.data.length;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 14); // crc (unchecked by a streaming reader until the end)
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
