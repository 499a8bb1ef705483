/**
 * The benchmark's CSV, generated deterministically (the same seed and row count give the same bytes)
 * and streamed to disk so that a million rows never sit in memory as one string.
 *
 * Mix, decided per row by a seeded PRNG: about 90% new assignments, 4% unknown clients, 3% pairs that
 * are already assigned (the caller pre-inserts them), 3% invalid values. The generator counts what it
 * wrote, so the expected outcome is exact, not the nominal percentages. For upsert and update runs it
 * also picks the new rows whose pair is assigned beforehand (PreAssignedRows), without changing a byte.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { seededRandom } from '../../test/support/csv-test-streams';
import { Pair, PreAssignedRows, RowValues } from './pre-assigned';

export const CLIENTS = 50_000;
export const SERVICES = 200;
export const CSV_HEADER = 'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes';

/** What an import of some leading rows of the file must report. */
export interface Expected {
  rows: number;
  created: number;
  unknownClient: number;
  alreadyAssigned: number;
  invalid: number;
}

export interface Dataset {
  path: string;
  bytes: number;
  /** The whole file. */
  expected: Expected;
  /** The first `prefixRows` rows (what the naive engine imports). */
  prefix: Expected;
  /** Pairs (1-based client and service numbers) that must exist before the import. */
  existingPairs: Pair[];
  /** Upsert and update: the new rows' pairs that exist before the import too, and what their rows make. */
  preAssigned: PreAssignedRows;
}

export const clientCode = (n: number): string => `C${String(n).padStart(6, '0')}`;
export const serviceCode = (n: number): string => `S${String(n).padStart(4, '0')}`;

/**
 * Walks all CLIENTS × SERVICES pairs in a scrambled order without repeating one: k → (A·k + B) mod M
 * is a permutation of 0..M-1 when A and M are coprime (M = 10^7 = 2^7·5^7, A is odd and not a
 * multiple of 5). New and already-assigned rows both take their pair from here, so no two of them
 * share a pair and every "new" row really creates a row.
 */
class PairWalk {
  private static readonly M = CLIENTS * SERVICES;
  private static readonly A = 7_368_787;
  private k = 0;

  constructor(private readonly offset: number) {}

  next(): { client: number; service: number } {
    if (this.k >= PairWalk.M) throw new Error(`more than ${PairWalk.M} distinct pairs requested`);
    const p = (PairWalk.A * this.k++ + this.offset) % PairWalk.M;
    return { client: (p % CLIENTS) + 1, service: Math.floor(p / CLIENTS) + 1 };
  }
}

const NOTES = [
  'Monthly retainer',
  'Renewal Q3, billed per seat', // a comma: the field gets quoted
  'Migrated from the "legacy" plan', // quotes inside a quoted field
  'Tarifa reducida – año 2025', // non-ASCII UTF-8
  'Agreed by phone',
];

// The invalid values the service must reject as row errors.
const INVALID: { column: 'quantity' | 'unitPrice' | 'startDate'; value: string }[] = [
  { column: 'quantity', value: 'abc' },
  { column: 'quantity', value: '0' },
  { column: 'unitPrice', value: '-1' },
  { column: 'startDate', value: '2026-02-30' },
];

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2025, 0, 1);
const isoDay = (offset: number): string => new Date(FIRST_DAY + offset * DAY_MS).toISOString().slice(0, 10);

/** Builds the rows of the file from the seed; one instance per file. */
class RowFactory {
  readonly counts: Expected = { rows: 0, created: 0, unknownClient: 0, alreadyAssigned: 0, invalid: 0 };
  readonly existingPairs: Pair[] = [];
  readonly preAssigned: PreAssignedRows;
  private readonly rand: () => number;
  private readonly pairs: PairWalk;

  constructor(seed: number, existingShare: number) {
    // Not the file's PRNG: drawing from it would change the file.
    this.preAssigned = new PreAssignedRows(seededRandom((seed ^ 0x5eed_cafe) >>> 0), existingShare);
    this.rand = seededRandom(seed);
    this.pairs = new PairWalk(Math.floor(this.rand() * CLIENTS * SERVICES));
  }

  /** The next CSV line, without its line break. */
  next(): string {
    this.counts.rows++;
    const r = this.rand();
    if (r < 0.9) {
      this.counts.created++;
      const pair = this.pairs.next();
      const client = this.clientField(pair.client);
      const values = this.validValues();
      if (this.preAssigned.takesNewRow()) this.preAssigned.add(pair, values, true);
      return this.line(client, serviceCode(pair.service), values);
    }
    if (r < 0.94) {
      this.counts.unknownClient++;
      // Six digits from 100000 up: never one of the seeded C000001..C050000.
      const unknown = `C${100_000 + this.int(900_000)}`;
      return this.line(unknown, this.randomService(), this.validValues());
    }
    if (r < 0.97) {
      this.counts.alreadyAssigned++;
      const pair = this.pairs.next();
      this.existingPairs.push(pair);
      const client = this.clientField(pair.client);
      const values = this.validValues();
      this.preAssigned.add(pair, values, false);
      return this.line(client, serviceCode(pair.service), values);
    }
    this.counts.invalid++;
    const values = this.validValues();
    const bad = INVALID[this.int(INVALID.length)];
    values[bad.column] = bad.value;
    return this.line(clientCode(1 + this.int(CLIENTS)), this.randomService(), values);
  }

  private int(below: number): number {
    return Math.floor(this.rand() * below);
  }

  private randomService(): string {
    return serviceCode(1 + this.int(SERVICES));
  }

  /** Codes match case-insensitively; a few lower-case ones keep that path honest. */
  private clientField(client: number): string {
    const code = clientCode(client);
    return this.rand() < 0.03 ? code.toLowerCase() : code;
  }

  /** Optional columns filled the way real sheets are: often blank, sometimes all set. */
  private validValues(): RowValues {
    const quantity = this.rand() < 0.3 ? '' : String(1 + this.int(20));
    const priced = this.rand();
    const unitPrice =
      priced < 0.4
        ? ''
        : priced < 0.5
          ? String(this.int(500))
          : `${this.int(1000)}.${String(this.int(100)).padStart(2, '0')}`;
    let startDate = '';
    let endDate = '';
    if (this.rand() < 0.5) {
      const start = this.int(600);
      startDate = isoDay(start);
      if (this.rand() < 0.5) endDate = isoDay(start + this.int(365));
    }
    const notes = this.rand() < 0.75 ? '' : NOTES[this.int(NOTES.length)];
    return { quantity, unitPrice, startDate, endDate, notes };
  }

  private line(client: string, service: string, v: RowValues): string {
    return `${client},${service},${v.quantity},${v.unitPrice},${v.startDate},${v.endDate},${csvField(v.notes)}`;
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes `rows` data rows to `path`; records the expected outcome of the whole file and of its first
 * `prefixRows`, and picks a share `existingShare` of the new rows' pairs to pre-assign (upsert, update).
 */
export async function generateCsv(
  path: string,
  rows: number,
  seed: number,
  prefixRows: number,
  existingShare = 0,
): Promise<Dataset> {
  const factory = new RowFactory(seed, existingShare);
  const out = createWriteStream(path);
  let prefix: Expected = { ...factory.counts };
  let bytes = 0;
  let chunk = CSV_HEADER + '\n';
  for (let i = 0; i < rows; i++) {
    chunk += factory.next() + '\n';
    if (i + 1 === prefixRows) prefix = { ...factory.counts };
    if (chunk.length >= 1 << 20) {
      bytes += await write(out, chunk);
      chunk = '';
    }
  }
  bytes += await write(out, chunk);
  out.end();
  await once(out, 'finish');
  return {
    path,
    bytes,
    expected: { ...factory.counts },
    prefix,
    existingPairs: factory.existingPairs,
    preAssigned: factory.preAssigned,
  };
}

/** Writes with back-pressure; returns the byte length written. */
async function write(out: Writable, text: string): Promise<number> {
  const buffer = Buffer.from(text, 'utf8');
  if (!out.write(buffer)) await once(out, 'drain');
  return buffer.length;
}
