// What the Import module may use of Clients besides the providers ClientsModule exports
// (AssignmentBulkService): the framework-free staging format its parse threads build rows in, and the
// reader of change records its report thread writes the change log file with. Only plain code here,
// since threads load it; src/layout.spec.ts holds Import to this file, clients.module.ts and the
// services ClientsModule exports.
export { AssignmentStageBuilder, CLEAR } from './assignment-stage';
export { readChangePage } from './assignment-change-pages';
export type { ChangePage, ChangePageRequest } from './assignment-change-pages';
export type { AssignmentStage, AssignmentValues } from './assignment-stage';
export type { AssignmentSkipReason, AssignmentWriteMode } from './assignment-bulk.service';
