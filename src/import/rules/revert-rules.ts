import type { RevertVerdict } from '../../clients/assignment-revert.service';

/** Why a revert did not undo a change (its rows are Skipped with these). */
export const REVERT_REASONS = ['CHANGED_SINCE', 'GONE'] as const;

/** The not-reverted report's columns besides rowNumber (the import's row) and outcome, reason, message. */
export const REVERT_REPORT_HEADER = ['clientCode', 'serviceCode'];

/** Why a change record was not undone, in words a person can act on. */
export function notRevertedMessage(v: Pick<RevertVerdict, 'verdict' | 'lastChangedBy'>): string {
  if (v.verdict === 'GONE') return 'The assignment no longer exists: it was deleted after the import.';
  return v.lastChangedBy
    ? `Kept as it is: import ${v.lastChangedBy} changed the assignment after this one.`
    : 'Kept as it is: the assignment was changed after the import, outside an import.';
}
