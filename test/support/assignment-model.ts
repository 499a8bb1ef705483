// A reference model of one import against the assignments, written the plain way: one row at a time,
// in file order, with no batches, no SQL and no concurrency. The per-row value check is the app's own
// validateRow (the spec of that part); everything after it (lookup, duplicates, merge, merged range,
// compare, create defaults) is written here again from the rules, so the engine's set-based
// statements can be checked against it.
import { CLEAR } from '../../src/clients';
import { mapColumns } from '../../src/import/rules/columns';
import {
  duplicateMessage,
  mergedRangeMessage,
  skipMessage,
  validateRow,
  type SkipReason,
} from '../../src/import/rules/row-rules';

export type WriteMode = 'create' | 'upsert' | 'update';

export interface AssignmentValues {
  quantity: number;
  unitPrice: string;
  startDate: string | null;
  endDate: string | null;
  notes: string | null;
}

export interface StoredAssignment extends AssignmentValues {
  client: string;
  service: string;
  /** The import that last changed it (null: none). */
  importCode: string | null;
  /** null: created by the run (the model cannot know the id). */
  id: string | null;
}

export interface ModelCatalog {
  clients: { code: string; active: boolean }[];
  services: { code: string; unitPrice: string }[];
}

/** A not-imported report line: rowNumber, the row's values, outcome, reason, message. */
export type ReportLine = string[];

export type FieldChanges = Partial<Record<keyof AssignmentValues, { from: unknown; to: unknown }>>;

export interface ChangeRecord {
  rowNumber: number;
  action: 'Created' | 'Updated';
  /** null for what the run creates (the model does not know the id). */
  assignmentId: string | null;
  clientCode: string;
  serviceCode: string;
  changes: FieldChanges;
}

export interface ModelCounters {
  processedItems: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  skippedCount: number;
  errorCount: number;
}

export interface ModelOutcome {
  counters: ModelCounters;
  /** Every assignment after the run, by client then service. */
  assignments: StoredAssignment[];
  report: ReportLine[];
  changes: ChangeRecord[];
}

const FIELDS: (keyof AssignmentValues)[] = ['quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];

export function byPair(a: { client: string; service: string }, b: { client: string; service: string }) {
  return a.client === b.client ? (a.service < b.service ? -1 : 1) : a.client < b.client ? -1 : 1;
}

/** What an import of `rows` (under `header`) must do to `existing`, row by row. */
export function expectedImport(
  catalog: ModelCatalog,
  existing: StoredAssignment[],
  header: string[],
  rows: string[][],
  run: { mode: WriteMode; dryRun: boolean; code: string },
): ModelOutcome {
  const clients = new Map(catalog.clients.map((c) => [c.code.toLowerCase(), c]));
  const services = new Map(catalog.services.map((s) => [s.code.toLowerCase(), s]));
  const state = new Map(existing.map((a) => [`${a.client}\u0000${a.service}`, { ...a }]));
  const handled = new Map<string, number>();
  const { columns } = mapColumns(header);
  const counters: ModelCounters = {
    processedItems: rows.length,
    createdCount: 0,
    updatedCount: 0,
    unchangedCount: 0,
    skippedCount: 0,
    errorCount: 0,
  };
  const report: ReportLine[] = [];
  const changes: ChangeRecord[] = [];

  rows.forEach((fields, index) => {
    const rowNumber = index + 1;
    const line = (outcome: 'Skipped' | 'Error', reason: string, message: string) => {
      report.push([String(rowNumber), ...fields, outcome, reason, message]);
      if (outcome === 'Skipped') counters.skippedCount++;
      else counters.errorCount++;
    };
    const v = validateRow(fields, columns, header.length, false, run.mode !== 'create');
    if (!v.ok) return line('Error', v.reason, v.message);
    const skip = (reason: SkipReason) =>
      line('Skipped', reason, skipMessage(reason, v.clientCode, v.serviceCode));
    const client = clients.get(v.clientCode.toLowerCase());
    const service = services.get(v.serviceCode.toLowerCase());
    if (!client) return skip('CLIENT_NOT_FOUND');
    if (!service) return skip('SERVICE_NOT_FOUND');
    if (!client.active) return skip('CLIENT_INACTIVE');
    const key = `${client.code}\u0000${service.code}`;
    const stored = state.get(key);
    const create = () => {
      const created: StoredAssignment = {
        client: client.code,
        service: service.code,
        quantity: v.quantity ?? 1,
        unitPrice: v.unitPrice ?? service.unitPrice,
        startDate: v.startDate,
        endDate: v.endDate,
        notes: v.notes,
        importCode: run.code,
        id: null,
      };
      state.set(key, created);
      counters.createdCount++;
      const recorded: FieldChanges = {};
      for (const field of FIELDS) {
        if (created[field] !== null) recorded[field] = { from: null, to: created[field] };
      }
      changes.push(record('Created', created, recorded));
    };
    const record = (action: 'Created' | 'Updated', a: StoredAssignment, recorded: FieldChanges) => ({
      rowNumber,
      action,
      assignmentId: a.id,
      clientCode: a.client,
      serviceCode: a.service,
      changes: recorded,
    });

    if (run.mode === 'create') return stored ? skip('ALREADY_ASSIGNED') : create();
    const first = handled.get(key);
    if (first !== undefined) {
      return line('Skipped', 'DUPLICATE_IN_FILE', duplicateMessage(v.clientCode, v.serviceCode, first));
    }
    handled.set(key, rowNumber);
    if (!stored) return run.mode === 'update' ? skip('NOT_ASSIGNED') : create();

    const merged: AssignmentValues = {
      quantity: v.quantity ?? stored.quantity,
      unitPrice: v.unitPrice ?? stored.unitPrice,
      startDate: v.clear & CLEAR.startDate ? null : (v.startDate ?? stored.startDate),
      endDate: v.clear & CLEAR.endDate ? null : (v.endDate ?? stored.endDate),
      notes: v.clear & CLEAR.notes ? null : (v.notes ?? stored.notes),
    };
    if (merged.startDate !== null && merged.endDate !== null && merged.endDate < merged.startDate) {
      return line('Error', 'INVALID_DATE_RANGE', mergedRangeMessage(merged.startDate, merged.endDate));
    }
    const recorded: FieldChanges = {};
    for (const field of FIELDS) {
      if (merged[field] !== stored[field]) recorded[field] = { from: stored[field], to: merged[field] };
    }
    if (Object.keys(recorded).length === 0) {
      counters.unchangedCount++;
      return;
    }
    counters.updatedCount++;
    changes.push(record('Updated', stored, recorded));
    Object.assign(stored, merged, { importCode: run.code });
  });

  const after = run.dryRun ? existing : [...state.values()];
  return { counters, assignments: [...after].sort(byPair), report, changes };
}
