// The encodings the import reads, and the byte-order marks that announce them. The other files here
// recognise the rest: binary formats (signatures.ts), UTF-8 (utf8.ts), Windows-1252 (windows-1252.ts)
// and UTF-16 (utf16.ts).

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface BomSniff {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  bomLength: number;
}

/** The encoding a byte-order mark announces, or null when the bytes start without one. */
export function sniffBom(head: Buffer): BomSniff | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3 };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return null;
}
