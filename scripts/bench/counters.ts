/**
 * What the import must report, by mode, from what the generator wrote; a counter that does not match
 * makes the run broken.
 *
 * - create: new rows are created; unknown clients and already-assigned pairs are skipped.
 * - upsert: new rows not pre-assigned are created; every row whose pair is pre-assigned (the share of
 *   new rows and the already-assigned ones) is Updated or Unchanged; unknown clients are skipped.
 * - update: as upsert, but the new rows not pre-assigned are skipped (NOT_ASSIGNED).
 * Invalid values are errors in every mode.
 */
import type { Dataset } from './dataset';
import type { ImportJob } from './import-client';
import type { BenchMode } from './options';
import type { Pair } from './pre-assigned';

export interface Outcomes {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: number;
}

export function expectedOutcomes(
  mode: BenchMode,
  data: Dataset,
  catalogCents: (service: number) => number,
): Outcomes {
  const e = data.expected;
  if (mode === 'create') {
    const skipped = e.unknownClient + e.alreadyAssigned;
    return { rows: e.rows, created: e.created, updated: 0, unchanged: 0, skipped, errors: e.invalid };
  }
  const pre = data.preAssigned;
  const notPreAssigned = e.created - pre.newPairs.length;
  const unchanged = pre.unchanged(catalogCents);
  return {
    rows: e.rows,
    created: mode === 'upsert' ? notPreAssigned : 0,
    updated: pre.rows - unchanged,
    unchanged,
    skipped: e.unknownClient + (mode === 'update' ? notPreAssigned : 0),
    errors: e.invalid,
  };
}

/** The pairs the table holds before the import: in upsert and update, the pre-assigned new rows too. */
export function pairsBefore(mode: BenchMode, data: Dataset): Pair[] {
  return mode === 'create' ? data.existingPairs : [...data.existingPairs, ...data.preAssigned.newPairs];
}

export function checkCounters(job: ImportJob, expected: Outcomes): string[] {
  const problems: string[] = [];
  const check = (name: string, actual: number | null | undefined, wanted: number) => {
    if (actual !== wanted) problems.push(`${name} is ${actual}, expected ${wanted}`);
  };
  check('totalItems', job.totalItems, expected.rows);
  check('processedItems', job.processedItems, expected.rows);
  check('createdCount', job.createdCount, expected.created);
  check(
    'updatedCount + unchangedCount',
    job.updatedCount + job.unchangedCount,
    expected.updated + expected.unchanged,
  );
  check('updatedCount', job.updatedCount, expected.updated);
  check('unchangedCount', job.unchangedCount, expected.unchanged);
  check('skippedCount', job.skippedCount, expected.skipped);
  check('errorCount', job.errorCount, expected.errors);
  return problems;
}

/** Assignments that name the import: those it created and those it changed (not the Unchanged ones). */
export function checkTableCount(inTable: number, expected: Outcomes, problems: string[]): void {
  const wanted = expected.created + expected.updated;
  if (inTable !== wanted) {
    problems.push(`client_billable_services has ${inTable} rows of this import, expected ${wanted}`);
  }
}
