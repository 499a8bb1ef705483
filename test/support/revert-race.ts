// What a pair may end as when a revert and another (upsert) import write it at the same time. Both
// hold the row locks of what they write until their batch commits, so the pair sees one, then the
// other: the revert first (reverted, then the second import's record starts from the reverted
// value), or the second import first (its record starts from what the reverted import wrote, and the
// revert keeps that and reports it CHANGED_SINCE naming it). Anything else is half of each.
import type { StoredAssignment } from './assignment-model';

/** A change record as GET /{code}/changes shows it. */
export interface Change {
  rowNumber: number;
  action: string;
  assignmentId: string;
  clientCode: string;
  serviceCode: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export type RaceOutcome = 'reverted' | 'revertedThenWritten' | 'kept';

export interface RevertRace {
  revertCode: string;
  secondCode: string;
  catalogPrice: string;
  /** The assignments before the reverted import, after it, and at the end; by pair. */
  before: Map<string, StoredAssignment>;
  imported: Map<string, StoredAssignment>;
  final: Map<string, StoredAssignment>;
  /** Change records by pair: of the reverted import, of the revert, of the second import. */
  forward: Map<string, Change>;
  undone: Map<string, Change>;
  written: Map<string, Change>;
  /** The revert's CHANGED_SINCE rows: their message by pair. */
  kept: Map<string, string>;
  /** What the second import's file gives each pair it names (every other cell empty: kept). */
  second: Map<string, { quantity: number; notes: string }>;
}

const FIELDS = ['id', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes', 'importCode'] as const;
const valuesOf = (a: Partial<StoredAssignment> | undefined) =>
  JSON.stringify(a && Object.fromEntries(FIELDS.map((f) => [f, a[f]])));

/** The pair's outcome, or the problems that make it none of the allowed ones. */
export function judgePair(
  race: RevertRace,
  pair: string,
): { outcome: RaceOutcome | null; problems: string[] } {
  const problems: string[] = [];
  const problem = (what: string) => problems.push(`${pair}: ${what}`);
  const f = race.forward.get(pair);
  const back = race.undone.get(pair);
  const why = race.kept.get(pair);
  const row = race.second.get(pair);
  let outcome: RaceOutcome | null = null;
  // The pair as the second import found it.
  let base: Partial<StoredAssignment> | undefined = race.before.get(pair);
  if (!f) {
    if (back || why) problem('judged by the revert, yet the reverted import did not change it');
  } else if (back && why) {
    problem(`both ${back.action} and kept (${why})`);
  } else if (back) {
    if (
      back.action !== (f.action === 'Created' ? 'Deleted' : 'Restored') ||
      back.assignmentId !== f.assignmentId
    )
      problem(`${back.action} ${back.assignmentId} undoes ${f.action} ${f.assignmentId}`);
    if (base) base = { ...base, importCode: race.revertCode };
    outcome = row ? 'revertedThenWritten' : 'reverted';
  } else if (why) {
    if (why !== `Kept as it is: import ${race.secondCode} changed the assignment after this one.`)
      problem(`kept: ${why}`);
    if (!row) problem('kept, yet only the reverted import wrote it');
    base = race.imported.get(pair);
    outcome = 'kept';
  } else {
    problem('neither reverted nor kept');
  }

  const w = race.written.get(pair);
  let expected = base;
  if (row) {
    if (!w) problem('no change record of the second import');
    else if (w.action !== (base ? 'Updated' : 'Created') || (base && w.assignmentId !== base.id))
      problem(`second import ${w.action} ${w.assignmentId} over ${valuesOf(base)}`);
    else if (base) {
      for (const [field, { from }] of Object.entries(w.changes))
        if (from !== base[field as keyof StoredAssignment])
          problem(`second import replaced ${field} ${JSON.stringify(from)}, it was ${valuesOf(base)}`);
    }
    expected = {
      id: base?.id ?? w?.assignmentId,
      quantity: row.quantity,
      unitPrice: base?.unitPrice ?? race.catalogPrice,
      startDate: base?.startDate ?? null,
      endDate: base?.endDate ?? null,
      notes: row.notes,
      importCode: race.secondCode,
    };
  } else if (w) problem('a change record of the second import, not in its file');
  const got = valuesOf(race.final.get(pair));
  if (got !== valuesOf(expected)) problem(`ends ${got}, expected ${valuesOf(expected)}`);
  return { outcome: problems.length === 0 ? outcome : null, problems };
}
