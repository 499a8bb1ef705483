/**
 * The `Content-Disposition` value for a download, shared by both drivers so a file is saved under
 * the same name whichever backend served it. Header values must be ASCII, so a non-ASCII name gets
 * an ASCII `filename` for old clients plus the exact name as RFC 5987 `filename*`.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = asciiFallback(fileName);
  const header = `attachment; filename="${fallback}"`;
  return fallback === fileName ? header : `${header}; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

function asciiFallback(fileName: string): string {
  const ascii = fileName
    // "é" -> "e" + combining accent, then the accent is dropped: "Relatório" -> "Relatorio".
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    // Quotes and backslashes would end or escape the quoted string; slashes are path separators.
    .replace(/[^\x20-\x7e]|["\\/]/g, '_')
    .trim();
  // "日本語.csv" would become "___.csv"; a generic name with the real extension says more.
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(ascii)?.[0] ?? '';
  const stem = ascii.slice(0, ascii.length - extension.length);
  return /[A-Za-z0-9]/.test(stem) ? ascii : `download${extension}`;
}

/** encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987's attr-char does not allow. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
