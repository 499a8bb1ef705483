/** Stream plumbing shared by the CSV specs (no test framework in here). */
import { Readable } from 'stream';
import { DataRow, ReaderOptions, readDataRows } from '../../src/csv/row-reader';
import { IMPORT_HEADER } from '../../src/import/rules/columns';
import { InspectionResult, UploadInspector, UploadInspectorOptions } from '../../src/csv/upload-inspector';
import { UploadRejectedError } from '../../src/csv/upload-rejections';

/** A byte stream of `bytes` cut into pieces of `size` bytes, or of sizes drawn by `nextSize`. */
export function chunkedStream(bytes: Buffer, size: number | (() => number) = 65536): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = Math.max(1, typeof size === 'number' ? size : size());
    pieces.push(bytes.subarray(at, at + length));
    at += length;
  }
  return Readable.from(pieces, { objectMode: false });
}

export interface Inspection {
  result: InspectionResult | null;
  error: Error | null;
  /** What came out of the inspector (must be the input, byte for byte). */
  output: Buffer;
}

export async function inspectBytes(
  bytes: Buffer,
  opts: Omit<UploadInspectorOptions, 'header'> & Partial<Pick<UploadInspectorOptions, 'header'>>,
  size: number | (() => number) = 65536,
): Promise<Inspection> {
  const inspector = new UploadInspector({ header: IMPORT_HEADER, ...opts });
  const out: Buffer[] = [];
  try {
    for await (const chunk of chunkedStream(bytes, size).pipe(inspector)) out.push(chunk as Buffer);
    return { result: inspector.result(), error: null, output: Buffer.concat(out) };
  } catch (err) {
    return { result: null, error: err as Error, output: Buffer.concat(out) };
  }
}

/** The UploadRejectedError the inspector refuses `bytes` with; throws if it accepts them or fails otherwise. */
export async function inspectionRejection(
  bytes: Buffer,
  opts: Parameters<typeof inspectBytes>[1],
  size?: number,
): Promise<UploadRejectedError> {
  const { error } = await inspectBytes(bytes, opts, size);
  if (error instanceof UploadRejectedError) return error;
  throw new Error(`expected the upload to be rejected, got ${error === null ? 'no error' : error.message}`);
}

export interface Reading {
  rows: DataRow[];
  error: Error | null;
}

export async function readBytes(
  bytes: Buffer,
  opts: ReaderOptions,
  size: number | (() => number) = 65536,
): Promise<Reading> {
  const rows: DataRow[] = [];
  try {
    for await (const row of readDataRows(chunkedStream(bytes, size), opts)) rows.push(row);
    return { rows, error: null };
  } catch (err) {
    return { rows, error: err as Error };
  }
}

/** A small deterministic PRNG (mulberry32), so a failing random case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
