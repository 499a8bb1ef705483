import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { jobProgress } from './job-progress';
import { ServiceImportJob } from './service-import-job.entity';

/** The columns of a job its public shape is made of. */
export type ServiceImportJobView = Pick<
  ServiceImportJob,
  | 'id'
  | 'code'
  | 'mode'
  | 'updatedCount'
  | 'unchangedCount'
  | 'committedFromId'
  | 'retryOfId'
  | 'kind'
  | 'revertsId'
  | 'revertedCount'
  | 'keptCount'
  | 'goneCount'
  | 'status'
  | 'phase'
  | 'fileName'
  | 'dryRun'
  | 'totalItems'
  | 'processedItems'
  | 'createdCount'
  | 'skippedCount'
  | 'errorCount'
  | 'startedAt'
  | 'completedAt'
  | 'createdAt'
  | 'failureReason'
  | 'reportKey'
  | 'filesDeletedAt'
>;

/**
 * SELECT list of a ServiceImportJobView from service_import_jobs, for a plain query: GET /{code} is
 * what pollers call, and the entity machinery costs the process far more than the query.
 */
export const SERVICE_IMPORT_JOB_VIEW_COLUMNS = `id, code, mode, updated_count AS "updatedCount",
  unchanged_count AS "unchangedCount", committed_from_id AS "committedFromId", retry_of_id AS "retryOfId",
  kind, reverts_id AS "revertsId", reverted_count AS "revertedCount", kept_count AS "keptCount",
  gone_count AS "goneCount", status, phase, file_name AS "fileName", dry_run AS "dryRun",
  total_items AS "totalItems", processed_items AS "processedItems", created_count AS "createdCount",
  skipped_count AS "skippedCount", error_count AS "errorCount", started_at AS "startedAt",
  completed_at AS "completedAt", created_at AS "createdAt", failure_reason AS "failureReason",
  report_key AS "reportKey", files_deleted_at AS "filesDeletedAt"`;

/** The codes of the imports a job is linked to (ImportService reads them when it has links). */
export interface ServiceImportJobLinks {
  committedFromCode: string | null;
  commitCode: string | null;
  retryOfCode: string | null;
  commitCountersDiffer: boolean | null;
  revertsCode: string | null;
  revertCode: string | null;
}

export const NO_LINKS: ServiceImportJobLinks = {
  committedFromCode: null,
  commitCode: null,
  retryOfCode: null,
  commitCountersDiffer: null,
  revertsCode: null,
  revertCode: null,
};

export function toServiceImportJobDto(
  job: ServiceImportJobView,
  notImportedDownloadUrl: string | null,
  links: ServiceImportJobLinks = NO_LINKS,
  now: Date = new Date(),
): ServiceImportJobDto {
  return {
    code: job.code,
    status: job.status,
    fileName: job.fileName,
    totalItems: job.totalItems,
    processedItems: job.processedItems,
    createdCount: job.createdCount,
    skippedCount: job.skippedCount,
    errorCount: job.errorCount,
    startedDate: job.startedAt ? job.startedAt.toISOString() : null,
    completedDate: job.completedAt ? job.completedAt.toISOString() : null,
    createdDate: job.createdAt.toISOString(),
    notImportedDownloadUrl,
    updatedCount: job.updatedCount,
    unchangedCount: job.unchangedCount,
    failureReason: job.failureReason,
    phase: job.phase,
    dryRun: job.dryRun,
    mode: job.mode,
    kind: job.kind,
    revertedCount: job.revertedCount,
    keptCount: job.keptCount,
    goneCount: job.goneCount,
    ...links,
    ...jobProgress(job, now),
  };
}
