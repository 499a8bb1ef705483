/** The displayed name of an upload: no path parts, no control characters, at most 255 characters. */
export function sanitizeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return Array.from(clean || 'upload.csv')
    .slice(0, 255)
    .join('');
}

/** The download name of the not-imported report: `<name without .csv>-not-imported.csv`. */
export function reportFileName(fileName: string): string {
  return `${fileName.replace(/\.csv$/i, '')}-not-imported.csv`;
}
