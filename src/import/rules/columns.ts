import type { AssignmentColumn } from '../../csv/assignment-format';
import type { HeaderCheck } from '../../csv/upload-header';

/**
 * Maps a CSV header row to the fields the import understands. Names match case-insensitively,
 * ignoring spaces, underscores, hyphens and dots, so "Client Code", "client_code", "clientCode" and
 * "CLIENT-CODE" are one column.
 *
 * Aliases (kept few on purpose: each must be unambiguous in a billing sheet):
 *   qty                        → quantity
 *   price                      → unitPrice
 *   note, comment, comments    → notes
 * Deliberately NOT aliased: "client" and "service" (often a name, not a code), "start"/"end"
 * (could be times), "amount"/"total" (a line total is not a unit price).
 */

/** The fields are the format's columns (src/csv/assignment-format.ts), under their canonical names. */
export type FieldName = AssignmentColumn;

/** Index of each field in a row's fields, -1 when the header has no such column. */
export type ColumnMap = Record<FieldName, number>;

export const REQUIRED_FIELDS: readonly FieldName[] = ['clientCode', 'serviceCode'];
export const OPTIONAL_FIELDS: readonly FieldName[] = [
  'quantity',
  'unitPrice',
  'startDate',
  'endDate',
  'notes',
];
export const ALL_FIELDS: readonly FieldName[] = [...REQUIRED_FIELDS, ...OPTIONAL_FIELDS];

const ALIASES: Readonly<Record<string, FieldName>> = {
  clientcode: 'clientCode',
  servicecode: 'serviceCode',
  quantity: 'quantity',
  qty: 'quantity',
  unitprice: 'unitPrice',
  price: 'unitPrice',
  startdate: 'startDate',
  enddate: 'endDate',
  notes: 'notes',
  note: 'notes',
  comment: 'notes',
  comments: 'notes',
};

const IGNORED_CHARS = /[\s_.-]+/g;

/** The comparison key of a column name: lower case, without spaces, underscores, hyphens and dots. */
export function normalizeColumnName(name: string): string {
  return name.toLowerCase().replace(IGNORED_CHARS, '');
}

export function fieldForColumn(name: string): FieldName | null {
  const key = normalizeColumnName(name);
  return Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : null;
}

export interface ColumnMapping {
  columns: ColumnMap;
  /** Required fields with no column, in the order of REQUIRED_FIELDS. */
  missing: FieldName[];
  /** Original names of columns that map to a field an earlier column already took. */
  duplicates: string[];
}

export function mapColumns(header: string[]): ColumnMapping {
  const columns: ColumnMap = {
    clientCode: -1,
    serviceCode: -1,
    quantity: -1,
    unitPrice: -1,
    startDate: -1,
    endDate: -1,
    notes: -1,
  };
  const duplicates: string[] = [];
  header.forEach((name, index) => {
    const field = fieldForColumn(name);
    if (field === null) return;
    if (columns[field] === -1) columns[field] = index;
    else duplicates.push(name);
  });
  const missing = REQUIRED_FIELDS.filter((field) => columns[field] === -1);
  return { columns, missing, duplicates };
}

/** The header check the upload inspector applies to an import's file. */
export const IMPORT_HEADER: HeaderCheck = {
  problem: (header) => describeHeaderProblem(header, mapColumns(header)),
  columnsRead: ALL_FIELDS,
};

/**
 * The sentence for a header that cannot be imported (missing required or duplicated columns), or
 * null when the header is fine. Used for the upload's 400 answer.
 */
export function describeHeaderProblem(header: string[], mapping: ColumnMapping): string | null {
  if (mapping.missing.length > 0) {
    const found = header.filter((name) => name !== '');
    return (
      `Missing required column(s): ${mapping.missing.join(', ')}. ` +
      `Found columns: ${found.length > 0 ? found.join(', ') : '(none)'}. ` +
      `Required: ${REQUIRED_FIELDS.join(', ')}; optional: ${OPTIONAL_FIELDS.join(', ')}.`
    );
  }
  if (mapping.duplicates.length > 0) {
    const clashes = mapping.duplicates.map((name) => {
      const field = fieldForColumn(name) as FieldName;
      return `"${header[mapping.columns[field]]}" and "${name}" are both ${field}`;
    });
    return `Duplicate column(s): ${clashes.join('; ')}. Keep only one column for each field.`;
  }
  return null;
}
