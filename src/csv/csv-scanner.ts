/**
 * A record scanner that mirrors, character for character, how fast-csv 5 splits text into records
 * with the options the import uses (quote and escape `"`, trim, ignoreEmpty). It builds no fields:
 * it counts non-blank records, measures fields and rows, and finds where a record starts, so the
 * upload inspector can count rows while the file streams and the row reader can stop before a
 * record fast-csv would choke on or buffer without bound.
 *
 * fast-csv's rules, as observed and mirrored here (see csv-scanner.spec.ts):
 * - a record ends at LF, CR or CRLF outside quotes (a lone CR is a line end too);
 * - a field is quoted only when `"` is its first character after optional whitespace
 *   (`  "a,b"` is the value `a,b`); a `"` elsewhere in an unquoted field is a literal (`ab"c`);
 * - inside quotes `""` is one quote, and delimiters, CR and LF are part of the value;
 * - after the closing quote only whitespace may come before the delimiter or line end: `"a"b` is a
 *   parse error (mirrored as 'malformed-quote'); an unclosed quote at the end is a parse error
 *   ('unterminated-quote');
 * - whitespace means JavaScript's \s (so U+00A0 and U+FEFF too), minus the delimiter itself;
 * - a record whose fields are all empty after trimming is skipped (blank rows, `,,`, `""`).
 * Field and row sizes are counted in UTF-16 code units of the decoded text (characters, for text
 * outside the astral planes), over the raw text: a field from just after its delimiter to the next
 * delimiter or line end, quotes and surrounding spaces included; a row without its line end.
 */

import type { CsvProblemKind } from './csv-problems';

export type CsvDelimiter = ',' | ';' | '\t';

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

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside a quoted field: the closing one, or the first of ""
const AFTER_CLOSE = 4;

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** JavaScript's \s, the set String.prototype.trim and fast-csv's token regexp use. */
export function isJsWhitespace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Mutable state of one scan; a plain object, created once per stream. */
export interface ScanState {
  readonly delimiter: CsvDelimiter;
  readonly delim: number;
  readonly maxField: number;
  readonly maxRow: number;
  state: number;
  fieldLen: number;
  rowLen: number;
  nonBlank: boolean;
  /** The last character scanned was a CR (its LF, if next, belongs to the same line end). */
  prevCR: boolean;
  /** Non-blank records completed; the first is the header, so data rows = records - 1. */
  records: number;
  /** Line (1-based, counting every line break, also inside quotes) of the current position. */
  line: number;
  recordLine: number;
  quoteLine: number;
  /**
   * After scanText: index in that text where the record being read starts, or -1 when it started
   * in an earlier text. After a problem: the start of the record with the problem.
   */
  recordStart: number;
  stopped: boolean;
  problemKind: CsvProblemKind | null;
  /** Index among non-blank records (0 = header, k = data row k) of the record with the problem. */
  problemRecord: number;
  problemLine: number;
  /** Stop once the first non-blank record is complete (header detection). */
  readonly stopAfterFirstRecord: boolean;
  /** When capturing: the fields of the first non-blank record, once complete. */
  firstRecord: string[] | null;
  readonly capture: boolean;
}

export function createScanState(
  delimiter: CsvDelimiter,
  limits: ScanLimits,
  opts: { capture?: boolean; stopAfterFirstRecord?: boolean } = {},
): ScanState {
  return {
    delimiter,
    delim: delimiter.charCodeAt(0),
    maxField: limits.maxFieldChars,
    maxRow: limits.maxRowChars,
    state: FIELD_START,
    fieldLen: 0,
    rowLen: 0,
    nonBlank: false,
    prevCR: false,
    records: 0,
    line: 1,
    recordLine: 1,
    quoteLine: 1,
    recordStart: -1,
    stopped: false,
    problemKind: null,
    problemRecord: -1,
    problemLine: 0,
    stopAfterFirstRecord: opts.stopAfterFirstRecord ?? false,
    firstRecord: null,
    capture: opts.capture ?? false,
  };
}

const DOUBLED_QUOTE = /""/g;

/**
 * Scans the next piece of decoded text. With `final`, the text is the end of the input. Capturing
 * the first record (`capture`) needs that record whole inside one call's text.
 */
export function scanText(s: ScanState, text: string, final = false): void {
  s.recordStart = -1;
  if (s.stopped) return;
  const n = text.length;
  const delim = s.delim;
  const maxField = s.maxField;
  const maxRow = s.maxRow;
  let state = s.state;
  let fieldLen = s.fieldLen;
  let rowLen = s.rowLen;
  let nonBlank = s.nonBlank;
  let records = s.records;
  let line = s.line;
  let recordLine = s.recordLine;
  let quoteLine = s.quoteLine;
  let lastCR = s.prevCR ? -1 : -2;
  let recordStart = -1;
  let problem: CsvProblemKind | null = null;
  let stopped = false;
  // Capture of the first non-blank record (header detection only).
  let capturing = s.capture && records === 0;
  const fields: string[] = [];
  let fieldStart = 0;
  let qOpen = -1;
  let qClose = -1;

  let i = 0;
  for (; i < n; i++) {
    let c = text.charCodeAt(i);
    // Runs of plain characters, by far the most common case, are skipped in a tight loop.
    if (state === UNQUOTED && c !== delim && c !== LF && c !== CR) {
      const from = i;
      while (++i < n) {
        c = text.charCodeAt(i);
        if (c === delim || c === LF || c === CR) break;
      }
      fieldLen += i - from;
      rowLen += i - from;
      if (fieldLen > maxField || rowLen > maxRow) {
        problem = sizeProblem(fieldLen - maxField, rowLen - maxRow);
        break;
      }
      if (i === n) break;
    } else if (state === QUOTED && c !== QUOTE && c !== LF && c !== CR) {
      const from = i;
      if (!nonBlank && !isJsWhitespace(c)) nonBlank = true;
      while (++i < n) {
        c = text.charCodeAt(i);
        if (c === QUOTE || c === LF || c === CR) break;
        if (!nonBlank && !isJsWhitespace(c)) nonBlank = true;
      }
      fieldLen += i - from;
      rowLen += i - from;
      if (fieldLen > maxField || rowLen > maxRow) {
        problem = sizeProblem(fieldLen - maxField, rowLen - maxRow);
        break;
      }
      if (i === n) break;
    }
    let end = 0; // 1: the field ends here (delimiter); 2: the record ends here (CR or LF)
    switch (state) {
      case FIELD_START:
        if (c === QUOTE) {
          state = QUOTED;
          quoteLine = line;
          qOpen = i;
        } else if (c === delim) end = 1;
        else if (c === LF) {
          if (lastCR === i - 1) {
            // the LF of a CRLF whose CR already ended the record
            recordStart = i + 1;
            fieldStart = i + 1;
            continue;
          }
          end = 2;
        } else if (c === CR) end = 2;
        else if (!isJsWhitespace(c)) {
          nonBlank = true;
          state = UNQUOTED;
        }
        break;
      case UNQUOTED: // only a delimiter or line end gets here
        end = c === delim ? 1 : 2;
        break;
      case QUOTED: // only a quote or line break gets here
        if (c === QUOTE) state = QUOTE_IN_QUOTED;
        else if (c === CR) {
          line++;
          lastCR = i;
        } else if (lastCR !== i - 1) line++;
        break;
      case QUOTE_IN_QUOTED:
        if (c === QUOTE) {
          nonBlank = true;
          state = QUOTED;
          break;
        }
        qClose = i - 1;
        state = AFTER_CLOSE;
        if (c === delim) end = 1;
        else if (c === LF || c === CR) end = 2;
        else if (!isJsWhitespace(c)) problem = 'malformed-quote';
        break;
      default: // AFTER_CLOSE
        if (c === delim) end = 1;
        else if (c === LF || c === CR) end = 2;
        else if (!isJsWhitespace(c)) problem = 'malformed-quote';
    }
    if (end === 0) {
      if (problem !== null) break;
      if (++fieldLen > maxField) {
        problem = 'field-too-large';
        break;
      }
      if (++rowLen > maxRow) {
        problem = 'row-too-large';
        break;
      }
      continue;
    }
    if (capturing) {
      fields.push(fieldValue(text, fieldStart, i, qOpen, qClose));
      fieldStart = i + 1;
      qOpen = -1;
    }
    fieldLen = 0;
    if (end === 1) {
      state = FIELD_START;
      if (++rowLen > maxRow) {
        problem = 'row-too-large';
        break;
      }
      continue;
    }
    // The record ends at this CR or LF.
    if (c === CR) lastCR = i;
    line++;
    state = FIELD_START;
    rowLen = 0;
    recordStart = i + 1;
    recordLine = line;
    if (nonBlank) {
      nonBlank = false;
      records++;
      if (capturing) {
        s.firstRecord = fields.slice();
        capturing = false;
      }
      if (s.stopAfterFirstRecord) {
        stopped = true;
        i++;
        break;
      }
    } else if (capturing) fields.length = 0;
  }

  if (problem === null && final && !stopped) {
    if (state === QUOTED) problem = 'unterminated-quote';
    else if (nonBlank) {
      if (state === QUOTE_IN_QUOTED) qClose = n - 1;
      records++;
      if (capturing) {
        fields.push(fieldValue(text, fieldStart, n, qOpen, qClose));
        s.firstRecord = fields;
      }
    }
    stopped = true;
  }

  if (problem !== null) {
    s.problemKind = problem;
    s.problemRecord = records;
    s.problemLine =
      problem === 'unterminated-quote' ? quoteLine : problem === 'malformed-quote' ? line : recordLine;
    stopped = true;
  }
  s.state = state;
  s.fieldLen = fieldLen;
  s.rowLen = rowLen;
  s.nonBlank = nonBlank;
  s.records = records;
  s.line = line;
  s.recordLine = recordLine;
  s.quoteLine = quoteLine;
  s.prevCR = lastCR === i - 1;
  s.recordStart = recordStart;
  s.stopped = stopped;
}

/**
 * A run of characters took the field and/or the row over its limit; character by character the
 * field limit is checked first, so it wins when both are crossed at the same character.
 */
function sizeProblem(fieldOver: number, rowOver: number): CsvProblemKind {
  return fieldOver >= rowOver ? 'field-too-large' : 'row-too-large';
}

function fieldValue(text: string, start: number, end: number, qOpen: number, qClose: number): string {
  if (qOpen < 0) return text.slice(start, end).trim();
  return text
    .slice(qOpen + 1, qClose)
    .replace(DOUBLED_QUOTE, '"')
    .trim();
}

/** Data rows counted so far: non-blank records after the header, up to a problem. */
export function dataRowCount(s: ScanState): number {
  return Math.max(0, s.records - 1);
}
