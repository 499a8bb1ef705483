/**
 * The assignment CSV as the import reads it and the export writes it: its columns under their
 * canonical names, the one token it knows, and the literal mark that lets a guarded cell come back as
 * the value it guards. Here, beside the CSV library, so that Import (which reads the format) and
 * Clients (which exports it) share one definition without depending on each other.
 */
import { quoteCell, startsLikeFormula } from './csv-writer';

/** The columns in the order the template and the export write them. */
export const ASSIGNMENT_COLUMNS = [
  'clientCode',
  'serviceCode',
  'quantity',
  'unitPrice',
  'startDate',
  'endDate',
  'notes',
] as const;

export type AssignmentColumn = (typeof ASSIGNMENT_COLUMNS)[number];

/**
 * In upsert and update, the cell value that clears an optional field (startDate, endDate, notes),
 * compared case-insensitively. Not `#N/A`: that is what a spreadsheet writes for a failed lookup
 * formula, which would silently clear values.
 */
export const CLEAR_TOKEN = '#CLEAR';

export function isClearToken(text: string): boolean {
  return text.length === CLEAR_TOKEN.length && text.toUpperCase() === CLEAR_TOKEN;
}

const APOSTROPHE = 39;

/**
 * Whether a value needs the literal mark: what follows its leading apostrophes could run as a formula
 * or reads as the clear token. Judged past the apostrophes so that marking is reversible: "=x" is
 * written "'=x", and a stored "'=x" is written "''=x", each read back as it was.
 */
function needsMark(value: string): boolean {
  let start = 0;
  while (start < value.length && value.charCodeAt(start) === APOSTROPHE) start++;
  const rest = start === 0 ? value : value.slice(start);
  return startsLikeFormula(rest) || isClearToken(rest);
}

/** A stored value as an export cell: marked with ' when it needs it, then quoted if needed. */
export function literalCell(value: string): string {
  return quoteCell(needsMark(value) ? `'${value}` : value);
}

/**
 * A cell's value as the import reads it: one leading ' is dropped when it marks a value that needs
 * it (the guard of the export and of the reports), so "'=SUM(A1)" is "=SUM(A1)" and "'#CLEAR" is the
 * text #CLEAR; any other apostrophe ("'hello", a lone "'") is kept. The inverse of literalCell.
 */
export function readCell(cell: string): string {
  return cell.charCodeAt(0) === APOSTROPHE && needsMark(cell) ? cell.slice(1) : cell;
}
