/**
 * A CSV file's text from pages of rows read from the database (no Nest, no database of its own):
 * the first line, then one or more lines per row in the pages' order, in pieces of about
 * CHUNK_CHARS. The database reads the next page while one is formatted, and a page is freed row by
 * row as it goes, so what is held is about two pages and a chunk whatever the file's length.
 */

/** The file leaves in pieces of about this size, each when the reader asks for more. */
const CHUNK_CHARS = 64 * 1024;

export interface CsvPage<T> {
  rows: T[];
  /** Whether rows follow the last one of this page. */
  more: boolean;
}

export async function* csvPages<T>(
  first: string,
  readPage: (after: number) => Promise<CsvPage<T>>,
  rowNumberOf: (row: T) => number,
  lines: (row: T) => string,
): AsyncGenerator<string> {
  yield first;
  let next: Promise<CsvPage<T>> | null = readPage(0);
  while (next) {
    const { rows, more }: CsvPage<T> = await next;
    if (rows.length === 0) return;
    next = more ? readPage(rowNumberOf(rows[rows.length - 1])) : null;
    next?.catch(() => undefined); // awaited (and thrown) on the next turn, unless the stream was abandoned
    let chunk = '';
    for (let n = 0; n < rows.length; n++) {
      chunk += lines(rows[n]);
      rows[n] = undefined as unknown as T; // formatted: free it as the page goes
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
}
