// How long a field and a row may be. Sizes are counted in UTF-16 code units of the decoded text
// (characters, for text outside the astral planes), over the raw text: a field from just after its
// delimiter to the next delimiter or line end, quotes and surrounding spaces included; a row
// without its line end.

export interface ScanLimits {
  /** Longest field allowed, in characters (UTF-16 code units). */
  maxFieldChars: number;
  /** Longest row allowed (without its line end), in characters. */
  maxRowChars: number;
}

/** Rows may hold several fields near the field limit, but not without bound. */
export function defaultMaxRowChars(maxFieldChars: number): number {
  return 16 * maxFieldChars;
}
