/** Reads a ParsedBatch's byte blocks back into values, for tests. */
import { ParsedBatch } from '../../src/import/worker/parse/parsed-batch';

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
  const { details, ends } = batch.valid;
  const detail = Buffer.from(details).toString('utf8', i === 0 ? 0 : ends[i - 1], ends[i]);
  const [client, service, values] = detail.split('\t');
  return {
    clientCode: JSON.parse(`"${client}"`) as string,
    serviceCode: JSON.parse(`"${service}"`) as string,
    values: JSON.parse(values) as string[],
  };
}
