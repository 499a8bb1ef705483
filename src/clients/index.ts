// What the Import module may use of Clients besides the providers ClientsModule exports
// (AssignmentBulkService): the framework-free staging format its parse threads build rows in. Only
// plain code here, since parse threads load it; src/layout.spec.ts holds Import to this file,
// clients.module.ts and assignment-bulk.service.ts.
export { AssignmentStageBuilder, CLEAR } from './assignment-stage';
export type { AssignmentStage, AssignmentValues } from './assignment-stage';
export type { AssignmentSkipReason, AssignmentWriteMode } from './assignment-bulk.service';
