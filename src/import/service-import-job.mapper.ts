import { ServiceImportJobDto } from './dto/service-import-job.dto';
import { jobProgress } from './job-progress';
import { ServiceImportJob } from './service-import-job.entity';

export function toServiceImportJobDto(
  job: ServiceImportJob,
  notImportedDownloadUrl: string | null,
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
    failureReason: job.failureReason,
    phase: job.phase,
    dryRun: job.dryRun,
    ...jobProgress(job, now),
  };
}
