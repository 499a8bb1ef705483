/** Reads a ParsedBatch's byte blocks back into values, for tests. */
import { ParsedBatch, validRowDetailBytes } from './parsed-batch';

export interface NotImportedRow {
  rowNumber: number;
  outcome: string;
  reason: string;
  message: string;
  values: string[];
}

/** The rows of NotImportedRows blocks, as insertNotImported hands them to PostgreSQL. */
export function readNotImported(...blocks: Uint8Array[]): NotImportedRow[] {
  const text = blocks
    .filter((block) => block.byteLength > 0)
    .map((block) => Buffer.from(block).toString('utf8'))
    .join(',');
  return (JSON.parse(`[${text}]`) as [number, string, string, string, string[]][]).map(
    ([rowNumber, outcome, reason, message, values]) => ({ rowNumber, outcome, reason, message, values }),
  );
}

/** The codes as written and the uploaded fields of valid row `i` of `batch`. */
export function readValidRow(
  batch: ParsedBatch,
  i: number,
): { clientCode: string; serviceCode: string; values: string[] } {
  const [codes, values] = validRowDetailBytes(batch, i).toString('utf8').split('\t');
  const [clientCode, serviceCode] = JSON.parse(codes) as [string, string];
  return { clientCode, serviceCode, values: JSON.parse(values) as string[] };
}
