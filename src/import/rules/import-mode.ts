import type { AssignmentWriteMode } from '../../clients';

/**
 * How an import treats a (client, service) pair the client already has. `create` only adds (a pair
 * already assigned is skipped, ALREADY_ASSIGNED); `upsert` adds new pairs and updates existing ones;
 * `update` only updates (a pair the client does not have is skipped, NOT_ASSIGNED).
 */
export enum ImportMode {
  Create = 'create',
  Upsert = 'upsert',
  Update = 'update',
}

export const IMPORT_MODES: readonly ImportMode[] = [ImportMode.Create, ImportMode.Upsert, ImportMode.Update];

/** The same three words as Clients' write modes; this keeps the two from drifting apart. */
const SAME: Record<ImportMode, AssignmentWriteMode> = {
  [ImportMode.Create]: 'create',
  [ImportMode.Upsert]: 'upsert',
  [ImportMode.Update]: 'update',
};

export function writeModeOf(mode: ImportMode): AssignmentWriteMode {
  return SAME[mode];
}

// The clear token belongs to the CSV format, which the export writes too.
export { CLEAR_TOKEN } from '../../csv/assignment-format';
