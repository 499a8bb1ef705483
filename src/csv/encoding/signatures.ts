// Known binary formats, recognised by their first bytes, so that a spreadsheet or an archive
// uploaded by mistake is refused with a sentence that says what it is.

interface Signature {
  bytes: readonly (number | null)[]; // null: any byte
  offset?: number;
  what: string;
  advice: string;
}

const EXPORT_CSV = 'export or save the data as CSV (comma or semicolon delimited) and upload again';
const SAVE_AS_CSV = 'save it as CSV (comma or semicolon delimited) and upload again';
const UNPACK = 'unpack it and upload the CSV file inside';

const ascii = (text: string): number[] => [...text].map((ch) => ch.charCodeAt(0));

/** Checked in order; the longest and most specific first. Text formats are never listed here. */
const SIGNATURES: readonly Signature[] = [
  { bytes: ascii('%PDF'), what: 'a PDF document', advice: EXPORT_CSV },
  { bytes: [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image', advice: EXPORT_CSV },
  { bytes: ascii('GIF87a'), what: 'a GIF image', advice: EXPORT_CSV },
  { bytes: ascii('GIF89a'), what: 'a GIF image', advice: EXPORT_CSV },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', advice: EXPORT_CSV },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image', advice: EXPORT_CSV },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image', advice: EXPORT_CSV },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'an Excel workbook (.xlsx/zip) or another zip archive (.docx, .ods, .zip)',
    advice: SAVE_AS_CSV,
  },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive', advice: SAVE_AS_CSV },
  { bytes: [0x50, 0x4b, 0x07, 0x08], what: 'a zip archive', advice: UNPACK },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: 'an old-format Excel workbook (.xls) or another Office document',
    advice: SAVE_AS_CSV,
  },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file', advice: UNPACK },
  {
    bytes: [...ascii('BZh'), null, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
    what: 'a bzip2-compressed file',
    advice: UNPACK,
  },
  { bytes: [0xfd, ...ascii('7zXZ'), 0x00], what: 'an xz-compressed file', advice: UNPACK },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file', advice: UNPACK },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', advice: UNPACK },
  { bytes: [...ascii('Rar!'), 0x1a, 0x07], what: 'a RAR archive', advice: UNPACK },
  { bytes: [0x7f, ...ascii('ELF')], what: 'a program (ELF executable)', advice: EXPORT_CSV },
  { bytes: [...ascii('SQLite format 3'), 0x00], what: 'an SQLite database', advice: EXPORT_CSV },
];

/** Bytes needed to recognise every signature above (and any byte-order mark). */
export const SNIFF_BYTES = 16;

/**
 * The sentence for a file whose first bytes show a known binary format, or null. `head` should hold
 * the first SNIFF_BYTES bytes (fewer only when the file is that short).
 */
export function describeBinarySignature(head: Buffer): string | null {
  for (const sig of SIGNATURES) {
    const offset = sig.offset ?? 0;
    if (head.length < offset + sig.bytes.length) continue;
    let match = true;
    for (let i = 0; i < sig.bytes.length; i++) {
      const expected = sig.bytes[i];
      if (expected !== null && head[offset + i] !== expected) {
        match = false;
        break;
      }
    }
    if (match) return `The file is ${sig.what}, not CSV: ${sig.advice}.`;
  }
  return null;
}
