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
 * Field and row sizes are measured as csv-limits.ts says.
 */

import { CsvProblemKind, ScanStop, sizeProblem } from './csv-problems';
import { hasNonWhitespace, isJsWhitespace, plainRunEnd } from './csv-characters';
import type { ScanLimits } from './csv-limits';

export type CsvDelimiter = ',' | ';' | '\t';

/** Told where the first non-blank record's fields end, so that header detection can read them. */
export interface FieldEnds {
  /** A field of the record being read ends at `end` in `text` (a delimiter, a line end, the end). */
  fieldEnded(text: string, end: number): void;
  /** The record ended: a blank one is skipped, and the scan stops after a non-blank one. */
  recordEnded(blank: boolean): void;
}

// Where the scan is within a field.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside a quoted field: the closing one, or the first of ""
const AFTER_CLOSE = 4;

// What a character outside a run of plain ones does.
const IN_FIELD = 0; // belongs to the field, and counts in its size
const FIELD_END = 1; // a delimiter
const RECORD_END = 2; // a CR or LF outside quotes
const CRLF_TAIL = 3; // the LF of a CRLF whose CR ended the record: counts nowhere
const MALFORMED = 4; // text after a closing quote

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Fields that describe the piece of text last scanned, not the state the next piece starts from. */
const PER_PIECE: ReadonlySet<string> = new Set(['lastCR', 'start']);

/**
 * The scan of one stream of decoded text, fed piece by piece. Its fields carry the state from one
 * piece to the next; sameStateAs and clone go over all of them, so a field added here is covered.
 */
export class CsvScanner {
  readonly maxField: number;
  readonly maxRow: number;
  private readonly delim: number;

  private state = FIELD_START;
  private fieldLen = 0;
  private rowLen = 0;
  private nonBlank = false;
  /** The last character scanned was a CR (its LF, if next, belongs to the same line end). */
  private prevCR = false;
  /** Within one scan: index of the last CR in its text, -1 when it ended the previous text. */
  private lastCR = -2;
  private recordCount = 0;
  /** Line (1-based, counting every line break, also inside quotes) of the current position. */
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private start = -1;
  private stopped = false;
  private stop: ScanStop | null = null;

  /** With `firstRecord`, it is told where the first non-blank record's fields end; the scan stops there. */
  constructor(
    readonly delimiter: CsvDelimiter,
    limits: ScanLimits,
    private readonly firstRecord: FieldEnds | null = null,
  ) {
    this.delim = delimiter.charCodeAt(0);
    this.maxField = limits.maxFieldChars;
    this.maxRow = limits.maxRowChars;
  }

  /** Non-blank records completed; the first is the header. */
  get records(): number {
    return this.recordCount;
  }

  /** Data rows counted so far: non-blank records after the header, up to a problem. */
  get dataRowCount(): number {
    return Math.max(0, this.recordCount - 1);
  }

  /**
   * After scan: index in that text where the record being read starts, or -1 when it started in an
   * earlier text. After a problem: the start of the record with the problem.
   */
  get recordStart(): number {
    return this.start;
  }

  /** The problem the scan stopped on, or null. */
  get problem(): ScanStop | null {
    return this.stop;
  }

  /**
   * Scans the next piece of decoded text. With `final`, the text is the end of the input. Reading
   * the first record's fields needs that record whole inside one call's text.
   */
  scan(text: string, final = false): void {
    this.start = -1;
    if (this.stopped) return;
    this.lastCR = this.prevCR ? -1 : -2;
    const end = this.scanUntilStop(text);
    if (final && !this.stopped) this.endInput(text);
    this.prevCR = this.lastCR === end - 1;
  }

  /**
   * Whether `other` would scan any text exactly as this one does (the upload inspector's two
   * readings of a file share one scan while they agree): all fields equal but those of one piece.
   */
  sameStateAs(other: CsvScanner): boolean {
    const mine = this as unknown as Record<string, unknown>;
    const theirs = other as unknown as Record<string, unknown>;
    return Object.keys(mine).every((key) => PER_PIECE.has(key) || mine[key] === theirs[key]);
  }

  /** A scanner in this one's state, to go on separately from here. */
  clone(): CsvScanner {
    const limits = { maxFieldChars: this.maxField, maxRowChars: this.maxRow };
    return Object.assign(new CsvScanner(this.delimiter, limits, this.firstRecord), this);
  }

  /** Runs the machine over `text` until its end or a stop; returns the index it got to. */
  private scanUntilStop(text: string): number {
    const n = text.length;
    const { delim, maxField, maxRow } = this;
    // The hot path, one loop on purpose: the state lives in locals while it runs, and it only breaks
    // on a problem (a field or row over its limit, or `problem`), recorded after it. Measured on 50 MB,
    // that state in fields cost 30%, the transitions as a method 20%, a fail() at each break 7%.
    let state = this.state;
    let fieldLen = this.fieldLen;
    let rowLen = this.rowLen;
    let nonBlank = this.nonBlank;
    let problem: CsvProblemKind | null = null;
    let line = this.line;
    let lastCR = this.lastCR;
    let recordLine = this.recordLine;
    let records = this.recordCount;
    let start = -1;
    let i = 0;
    for (; i < n; i++) {
      let c = text.charCodeAt(i);
      // Most fields start with a plain character, and are one run from there.
      if (state === FIELD_START && c > 32 && c < 127 && c !== QUOTE && c !== delim) {
        state = UNQUOTED;
        nonBlank = true;
      }
      // Runs of plain characters, by far the most common case, are skipped in a tight loop: up to a
      // delimiter outside quotes, a quote inside them, a line break in both.
      if (state === UNQUOTED && c !== delim && c !== LF && c !== CR) {
        const from = i;
        i = plainRunEnd(text, i + 1, delim);
        fieldLen += i - from;
        rowLen += i - from;
        if (fieldLen > maxField || rowLen > maxRow || i === n) break;
        c = text.charCodeAt(i);
      } else if (state === QUOTED && c !== QUOTE && c !== LF && c !== CR) {
        const from = i;
        i = plainRunEnd(text, i + 1, QUOTE);
        if (!nonBlank) nonBlank = hasNonWhitespace(text, from, i);
        fieldLen += i - from;
        rowLen += i - from;
        if (fieldLen > maxField || rowLen > maxRow || i === n) break;
        c = text.charCodeAt(i);
      }
      let what = IN_FIELD;
      switch (state) {
        case FIELD_START:
          if (c === QUOTE) {
            state = QUOTED;
            this.quoteLine = line;
          } else if (c === delim) what = FIELD_END;
          else if (c === LF || c === CR) what = c === LF && lastCR === i - 1 ? CRLF_TAIL : RECORD_END;
          else if (!isJsWhitespace(c)) {
            nonBlank = true;
            state = UNQUOTED;
          }
          break;
        case UNQUOTED: // only a delimiter or line end gets here
          what = c === delim ? FIELD_END : RECORD_END;
          break;
        case QUOTED: // only a quote or line break gets here
          if (c === QUOTE) state = QUOTE_IN_QUOTED;
          else if (c === CR) {
            line++;
            lastCR = i;
          } else if (lastCR !== i - 1) line++; // the LF of a CRLF is no second line break
          break;
        case QUOTE_IN_QUOTED: // the closing quote, or the first of ""
          if (c === QUOTE) {
            nonBlank = true;
            state = QUOTED;
            break;
          }
          state = AFTER_CLOSE;
          if (c === delim) what = FIELD_END;
          else if (c === LF || c === CR) what = RECORD_END;
          else if (!isJsWhitespace(c)) what = MALFORMED;
          break;
        default: // AFTER_CLOSE
          if (c === delim) what = FIELD_END;
          else if (c === LF || c === CR) what = RECORD_END;
          else if (!isJsWhitespace(c)) what = MALFORMED;
      }
      if (what === IN_FIELD) {
        if (++fieldLen > maxField || ++rowLen > maxRow) break;
      } else if (what === MALFORMED) {
        problem = 'malformed-quote';
        break;
      } else if (what === CRLF_TAIL) {
        start = i + 1;
      } else {
        this.firstRecord?.fieldEnded(text, i);
        state = FIELD_START;
        fieldLen = 0;
        if (what === FIELD_END) {
          if (++rowLen > maxRow) break;
          continue;
        }
        rowLen = 0;
        if (c === CR) lastCR = i;
        line++;
        start = i + 1;
        recordLine = line;
        if (nonBlank) records++;
        if (this.firstRecord !== null) {
          this.firstRecord.recordEnded(!nonBlank);
          if (nonBlank) {
            this.stopped = true;
            i++;
            break;
          }
        }
        nonBlank = false;
      }
    }
    this.state = state;
    this.fieldLen = fieldLen;
    this.rowLen = rowLen;
    this.nonBlank = nonBlank;
    this.line = line;
    this.lastCR = lastCR;
    this.recordLine = recordLine;
    this.recordCount = records;
    this.start = start;
    if (fieldLen > maxField || rowLen > maxRow) problem = sizeProblem(fieldLen - maxField, rowLen - maxRow);
    if (problem !== null) this.fail(problem);
    return i;
  }

  /** At the end of the input an open quote is a problem, and a record in progress is complete. */
  private endInput(text: string): void {
    this.stopped = true;
    if (this.state === QUOTED) {
      this.fail('unterminated-quote');
    } else if (this.nonBlank) {
      this.recordCount++;
      this.firstRecord?.fieldEnded(text, text.length);
      this.firstRecord?.recordEnded(false);
    }
  }

  private fail(kind: CsvProblemKind): void {
    let line = this.recordLine; // a record too long is named by the line it starts on
    if (kind === 'unterminated-quote') line = this.quoteLine;
    else if (kind === 'malformed-quote') line = this.line;
    this.stop = { kind, record: this.recordCount, line };
    this.stopped = true;
  }
}
