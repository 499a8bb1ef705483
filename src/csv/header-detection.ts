// Header and delimiter detection: the first non-blank record, read under each candidate delimiter.
import { CsvDelimiter, ScanLimits, createScanState, scanText } from './csv-scanner';
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
    const s = createScanState(delimiter, limits, { capture: true, stopAfterFirstRecord: true });
    scanText(s, text, final);
    if (s.firstRecord !== null) {
      if (best === null || s.firstRecord.length > best.fields.length)
        best = { delimiter, fields: s.firstRecord };
    } else if (s.problemKind !== null) {
      firstProblem ??= problemMessage(s.problemKind, 0, s.problemLine, s);
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
