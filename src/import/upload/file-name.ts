/**
 * What a displayed name must not contain: C0 and C1 control characters; the bidirectional controls
 * (marks, embeddings, overrides, isolates) that would let a shown name read other than it is
 * (`invoice\u202Evsc.exe` shows as `invoiceexe.csv`); and the invisible zero-width space, word
 * joiner and byte order mark. The zero-width (non-)joiners stay: scripts and emoji need them.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** The displayed name of an upload: no path parts, no control characters, at most 255 characters. */
export function sanitizeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(UNSAFE, '').trim();
  return Array.from(clean || 'upload.csv')
    .slice(0, 255)
    .join('');
}

/** The download name of the not-imported report: `<name without .csv>-not-imported.csv`. */
export function reportFileName(fileName: string): string {
  return `${fileName.replace(/\.csv$/i, '')}-not-imported.csv`;
}

/** The download name of the change log file: `<name without .csv>-changes.csv`. */
export function changesFileName(fileName: string): string {
  return `${fileName.replace(/\.csv$/i, '')}-changes.csv`;
}
