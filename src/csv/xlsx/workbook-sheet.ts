/**
 * Opens one sheet of an .xlsx workbook read as a stream: exceljs's streaming WorkbookReader parses
 * the parts, but the loop over the zip entries is ours, for three reasons exceljs's own does not
 * cover: every inflated byte is counted against a bound (a zip bomb stops at the bound, not at an
 * out-of-memory), only the sheet asked for is kept, and the XML reaches the parser as text decoded
 * across chunk boundaries (exceljs decodes each chunk alone, which breaks a character split by one).
 *
 * Excel and LibreOffice write the sheets before styles.xml and sharedStrings.xml, whose content a
 * sheet's cells need (date formats, shared strings): such a sheet is spooled to a temporary file,
 * counted like the rest, and parsed once the entries it needs have been read.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { UploadRejectedError } from '../upload-rejections';
import { inflatedTooLarge, notAWorkbook, unknownSheet } from './xlsx-rejections';

// exceljs's streaming reader and its helpers have no types of their own for these internals.
/* eslint-disable @typescript-eslint/no-require-imports */
const WorkbookReader = require('exceljs/lib/stream/xlsx/workbook-reader');
const unzip = require('unzipper');
const iterateStream = require('exceljs/lib/utils/iterate-stream');
/* eslint-enable @typescript-eslint/no-require-imports */

export interface SheetOptions {
  /** The sheet's name; the first sheet of the workbook when null. */
  sheet: string | null;
  /** Most bytes all the workbook's parts may inflate to together. */
  maxInflatedBytes: number;
  /** Told each time the reading moves on (bytes inflated, a row read): a watchdog's heartbeat. */
  onProgress?: () => void;
  /** Stops the reading: what is being awaited fails with the signal's reason. */
  signal?: AbortSignal;
}

/** What exceljs gives for a row: `values[1]` is column A. */
export interface SheetRow {
  number: number;
  values: unknown[];
  getCell(col: number): { value: unknown; numFmt?: string };
}

export interface OpenedSheet {
  name: string;
  /** The workbook's sheet names, in tab order. */
  sheetNames: string[];
  /** Whether the workbook uses the 1904 date system (old Mac Excel). */
  date1904: boolean;
  rows: AsyncIterable<SheetRow>;
}

interface Counter {
  bytes: number;
  max: number;
  tick: () => void;
}

const SHEET_PATH = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/** Counts inflated bytes against the bound, and passes them on as correctly decoded text. */
class InflatedText extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly counter: Counter) {
    super({ readableObjectMode: true });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.counter.bytes += chunk.length;
    this.counter.tick();
    if (this.counter.bytes > this.counter.max) return callback(inflatedTooLarge(this.counter.max));
    const text = this.decoder.write(chunk);
    callback(null, text.length > 0 ? text : undefined);
  }
  override _flush(callback: TransformCallback): void {
    const rest = this.decoder.end();
    callback(null, rest.length > 0 ? rest : undefined);
  }
}

interface Spooled {
  sheetNo: string;
  path: string;
}

/**
 * Reads the workbook's entries up to the point where the sheet asked for can be parsed, then
 * returns it; its rows are read from the stream (or its spool file) as they are iterated. The
 * returned rows must be iterated to the end or `input` destroyed, which also removes the spool.
 */
export async function openSheet(input: Readable, options: SheetOptions): Promise<OpenedSheet> {
  const reader = new WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const counter = { bytes: 0, max: options.maxInflatedBytes, tick: options.onProgress ?? (() => undefined) };
  const zip = unzip.Parse({ forceStream: true });
  input.on('error', (error: Error) => zip.destroy(error));
  // unzipper reports a damaged or cut zip on itself, not on the entry being read: pass it on to the
  // streams of that entry, which are what is being awaited.
  // The entry is unzipper's and has no listener of its own: it is ended quietly, the error goes to ours.
  let current: [Readable, Readable] | null = null;
  zip.on('error', (error: Error) => {
    current?.[0].destroy();
    current?.[1].destroy(error);
  });
  options.signal?.addEventListener('abort', () => {
    const reason = options.signal?.reason as Error;
    current?.[0].destroy();
    current?.[1].destroy(reason);
    zip.destroy(reason);
  });
  const track = <T extends Readable>(...streams: [Readable, T]): T => {
    streams[0].on('error', () => undefined); // what it could say reaches us through zip
    current = streams;
    return streams[1];
  };
  input.pipe(zip);
  // Listening from now on: a short input can be read whole, and the zip end, before the next await.
  const entries: AsyncIterator<any> = iterateStream(zip)[Symbol.asyncIterator]();
  let xlsxPart = false; // a part only a workbook has was seen: a later failure is a damaged workbook
  let spoolDir: string | null = null; // made when a sheet must wait for the parts it needs
  const cleanup = async () => {
    if (spoolDir !== null) await rm(spoolDir, { recursive: true, force: true });
  };
  const seen = { workbook: false, rels: false, styles: false, strings: false };
  const spooled: Spooled[] = [];
  let target: string | null | undefined; // sheetN of the sheet asked for; undefined until known
  try {
    for (;;) {
      const { value: entry, done } = await entries.next();
      if (done) break;
      const text = () => track(entry, entry.pipe(new InflatedText(counter)));
      const path: string = entry.path;
      xlsxPart ||= path === '[Content_Types].xml' || path.startsWith('xl/');
      const sheetMatch = SHEET_PATH.exec(path);
      if (path === 'xl/workbook.xml') {
        await reader._parseWorkbook(text());
        seen.workbook = true;
      } else if (path === 'xl/_rels/workbook.xml.rels') {
        await reader._parseRels(text());
        seen.rels = true;
      } else if (path === 'xl/styles.xml') {
        await reader._parseStyles(text());
        seen.styles = true;
      } else if (path === 'xl/sharedStrings.xml') {
        for await (const _ of reader._parseSharedStrings(text()));
        seen.strings = true;
      } else if (sheetMatch) {
        if (seen.workbook && seen.rels && target === undefined) target = targetSheet(reader, options.sheet);
        const sheetNo = sheetMatch[1];
        if (target !== undefined && target !== sheetNo) {
          await drain(text());
        } else if (seen.workbook && seen.rels && seen.styles && seen.strings) {
          // Everything the cells need is known: read the rows straight from the zip. The rest of the
          // zip is drained once the rows are read (unzipper only moves on when this entry is consumed).
          return opened(reader, options, sheetNo, text(), zip, counter, cleanup, entries, track);
        } else {
          spoolDir ??= await mkdtemp(join(tmpdir(), 'service-import-xlsx-'));
          const file = join(spoolDir, `sheet${sheetNo}.xml`);
          await pipeline(entry, track(entry, new ByteCounter(counter)), createWriteStream(file));
          spooled.push({ sheetNo, path: file });
        }
      } else {
        await drain(text());
      }
    }
    if (!seen.workbook || !seen.rels) throw notAWorkbook();
    target ??= targetSheet(reader, options.sheet);
    const spool = spooled.find((s) => s.sheetNo === target);
    const rows = spool ? createReadStream(spool.path, { encoding: 'utf8' }) : Readable.from([]);
    return opened(reader, options, target as string, rows, null, counter, cleanup, null, track);
  } catch (error) {
    input.destroy();
    await cleanup();
    // Not a zip of a workbook at all (a bare signature, another archive cut short): say what it is not.
    if (!(error instanceof UploadRejectedError) && !xlsxPart) throw notAWorkbook();
    throw error;
  }
}

function opened(
  reader: any,
  options: SheetOptions,
  sheetNo: string,
  xml: Readable,
  zip: any,
  counter: Counter,
  cleanup: () => Promise<void>,
  rest: AsyncIterator<any> | null,
  track: <T extends Readable>(...streams: [Readable, T]) => T,
): OpenedSheet {
  const names = sheetNames(reader);
  const worksheet = [...reader._parseWorksheet(iterateStream(xml), sheetNo)][0].value;
  const name: string = worksheet.name ?? options.sheet ?? names[0] ?? `sheet${sheetNo}`;
  async function* rows(): AsyncGenerator<SheetRow> {
    try {
      for await (const row of worksheet) {
        counter.tick();
        yield row as SheetRow;
      }
      if (rest !== null) {
        // The entries after the sheet: counted, not kept (a bomb hidden there stops too).
        for (let next = await rest.next(); !next.done; next = await rest.next()) {
          await drain(track(next.value, next.value.pipe(new InflatedText(counter))));
        }
      }
    } finally {
      xml.destroy();
      zip?.destroy();
      await cleanup();
    }
  }
  return { name, sheetNames: names, date1904: reader.properties?.date1904 === true, rows: rows() };
}

class ByteCounter extends Transform {
  constructor(private readonly counter: Counter) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.counter.bytes += chunk.length;
    this.counter.tick();
    if (this.counter.bytes > this.counter.max) return callback(inflatedTooLarge(this.counter.max));
    callback(null, chunk);
  }
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream);
}

function sheetNames(reader: any): string[] {
  return ((reader.model?.sheets ?? []) as { name: string }[]).map((s) => s.name);
}

/** The sheetN of the sheet asked for (exact name first, then as Excel compares: ignoring case). */
function targetSheet(reader: any, wanted: string | null): string | null {
  const sheets = (reader.model?.sheets ?? []) as { name: string; rId: string }[];
  const rels = (reader.workbookRels ?? []) as { Id: string; Target: string }[];
  if (sheets.length === 0) throw notAWorkbook();
  // A chart sheet is a sheet too, but has no rows: the default is the first worksheet.
  const worksheetNo = (s: { rId: string }) =>
    /worksheets\/sheet(\d+)\.xml$/.exec(rels.find((r) => r.Id === s.rId)?.Target ?? '')?.[1] ?? null;
  const sheet =
    wanted === null
      ? (sheets.find((s) => worksheetNo(s) !== null) ?? sheets[0])
      : (sheets.find((s) => s.name === wanted) ??
        sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase()));
  if (!sheet)
    throw unknownSheet(
      wanted as string,
      sheets.map((s) => s.name),
    );
  return worksheetNo(sheet);
}
