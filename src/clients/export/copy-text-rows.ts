/**
 * Turns the output of `COPY ... TO STDOUT` (PostgreSQL's text format: one line per row, columns
 * separated by tabs, NULL as \N, backslash escapes) into CSV lines of the assignment format, chunk by
 * chunk: it holds at most the one partial row a chunk ends with, so its memory does not grow with the
 * export. Rows are split on the newline byte, which the text format never leaves inside a value (it
 * writes \n), so a multi-byte character is never cut.
 */
import { literalCell } from '../../csv/assignment-format';

const NEWLINE = 0x0a;
const ESCAPE = /\\(.)/g;
const ESCAPED: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One column as COPY wrote it, as its value: NULL is an empty cell, as the import reads one. */
function columnValue(text: string): string {
  if (text.indexOf('\\') === -1) return text;
  if (text === '\\N') return '';
  return text.replace(ESCAPE, (_, c: string) => ESCAPED[c] ?? c);
}

function csvLineOf(row: string): string {
  const columns = row.split('\t');
  let line = literalCell(columnValue(columns[0]));
  for (let i = 1; i < columns.length; i++) line += ',' + literalCell(columnValue(columns[i]));
  return line + '\r\n';
}

export class CopyTextRows {
  private partial: Buffer | null = null;
  /** Rows turned into CSV lines so far. */
  rows = 0;

  /** The CSV lines of the rows this chunk completes ('' when it completes none). */
  push(chunk: Buffer): string {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.partial = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
      return '';
    }
    const head = this.partial
      ? Buffer.concat([this.partial, chunk.subarray(0, last)])
      : chunk.subarray(0, last);
    this.partial = last + 1 < chunk.length ? chunk.subarray(last + 1) : null;
    const rows = head.toString('utf8').split('\n');
    let lines = '';
    for (const row of rows) lines += csvLineOf(row);
    this.rows += rows.length;
    return lines;
  }

  /** At the end of the COPY: a row without its newline means the output was cut. */
  end(): void {
    if (this.partial !== null) throw new Error('The COPY output ended inside a row');
  }
}
