// Header and delimiter detection: the first non-blank record, read under each candidate delimiter.
import { CsvDelimiter, CsvScanner, FieldEnds } from './csv-scanner';
import type { ScanLimits } from './csv-limits';
import { problemMessage } from './csv-problems';

/** Candidates for delimiter detection, in tie-break order. */
export const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

export type HeaderSearch =
  | { status: 'pending' }
  | { status: 'empty' }
  | { status: 'found'; delimiter: CsvDelimiter; fields: string[] }
  | { status: 'invalid'; message: string };

/**
 * Finds the header (the first non-blank record) at the start of `text` and its delimiter: the
 * candidate that splits it into the most fields, that is the one most frequent outside quotes; ties
 * go to comma, then semicolon. 'pending' means the text does not yet hold a complete header under
 * every candidate; pass `final` at the end of input. A candidate that finds a header wins over one
 * that stumbles on a quote; 'empty' when no candidate finds a non-blank record.
 */
export function findHeader(
  text: string,
  final: boolean,
  limits: ScanLimits,
  candidates: readonly CsvDelimiter[] = DELIMITERS,
): HeaderSearch {
  let best: { delimiter: CsvDelimiter; fields: string[] } | null = null;
  let firstProblem: string | null = null;
  let blank = false;
  for (const delimiter of candidates) {
    const record = new FirstRecordValues();
    const s = new CsvScanner(delimiter, limits, record);
    s.scan(text, final);
    const problem = s.problem;
    if (s.records > 0) {
      if (best === null || record.values.length > best.fields.length)
        best = { delimiter, fields: record.values };
    } else if (problem !== null) {
      firstProblem ??= problemMessage(problem.kind, 0, problem.line, s);
    } else if (!final) {
      return { status: 'pending' };
    } else {
      blank = true;
    }
  }
  if (best !== null) return { status: 'found', ...best };
  // A reading that finds only blank records beats one that stumbles ('"",""' is blank with commas).
  if (firstProblem !== null && !blank) return { status: 'invalid', message: firstProblem };
  return { status: 'empty' };
}

const DOUBLED_QUOTE = /""/g;

/** The values of the first non-blank record, cut from the text where the scanner says its fields end. */
class FirstRecordValues implements FieldEnds {
  values: string[] = [];
  private fieldStart = 0;

  fieldEnded(text: string, end: number): void {
    this.values.push(fieldValue(text.slice(this.fieldStart, end)));
    this.fieldStart = end + 1;
  }

  recordEnded(blank: boolean): void {
    if (blank) this.values = [];
  }
}

/**
 * A field's value as fast-csv gives it, from its raw text: trimmed (a line end before the field is
 * whitespace too) and, when quoted, without the quotes and with "" as one quote. The scanner has
 * checked the field, so a quoted one is its quoted text with only whitespace around.
 */
function fieldValue(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  return trimmed.slice(1, -1).replace(DOUBLED_QUOTE, '"').trim();
}
