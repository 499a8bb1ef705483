import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import {
  ConflictError,
  DependencyUnavailableError,
  GoneError,
  InvalidInputError,
  NotFoundError,
} from '../common/domain-errors';
import type { Principal } from '../auth/principal';
import { jobLog } from '../logging/job-log';
import { StorageService } from '../storage/storage.service';
import { mapColumns } from './rules/columns';
import { ImportMode } from './rules/import-mode';
import { templateCsv } from './rules/report-csv';
import { templateWorkbook } from './rules/template-xlsx';
import { ServiceImportJobDto } from './dto/service-import-job.dto';
import { ServiceImportJobPageDto } from './dto/service-import-job-page.dto';
import { ImportAdmission } from './admission/import-admission.service';
import { ImportJobStateService } from './job/import-job-state.service';
import { ImportStatus } from './job/import-status';
import { ownedBy } from './admission/ownership';
import { ImportQueueProducer } from './queue/import-queue.producer';
import { ServiceImportJob } from './job/service-import-job.entity';
import { ReportLinkDto } from './dto/report-link.dto';
import { StoredUpload, storedFileColumns } from './upload/csv-upload.storage';
import {
  NO_LINKS,
  SERVICE_IMPORT_JOB_VIEW_COLUMNS,
  ServiceImportJobLinks,
  ServiceImportJobView,
  toServiceImportJobDto,
} from './job/service-import-job.mapper';
import { reportFileName, sanitizeFileName } from './upload/file-name';

export interface CreateImportOptions {
  dryRun: boolean;
  mode: ImportMode;
  /** Who uploads: the job's owner, and the scope of the Idempotency-Key and the active-import cap. */
  principal: Principal;
  /** The raw Idempotency-Key header (validated by ImportAdmission). */
  idempotencyKey?: string;
}

/** The Import module's use cases behind the HTTP API. */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);

  constructor(
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly state: ImportJobStateService,
    private readonly queue: ImportQueueProducer,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
    private readonly admission: ImportAdmission,
  ) {}

  /** Records the job (committed first), then queues it; a job that cannot be queued is not kept. */
  async create(upload: StoredUpload | undefined, options: CreateImportOptions): Promise<ServiceImportJobDto> {
    if (!upload) {
      throw new InvalidInputError(
        'No file was uploaded: send the CSV as multipart/form-data in the field "file".',
      );
    }
    const { inspection } = upload;
    const { duplicates } = mapColumns(inspection.header);
    if (duplicates.length > 0) {
      await this.storage.delete(upload.key).catch(() => undefined);
      throw new InvalidInputError(
        `These columns name the same field more than once: ${duplicates.join(', ')}. Keep one of each.`,
      );
    }
    const admitted = await this.admission.admit(upload, options, {
      code: randomBytes(16).toString('base64url'),
      status: ImportStatus.Queued,
      dryRun: options.dryRun,
      mode: options.mode,
      fileName: sanitizeFileName(upload.originalname),
      ...storedFileColumns(upload),
    });
    if (admitted.replayed) return this.toDto(admitted.job);
    return this.start(admitted.job, upload.key);
  }

  /**
   * Queues a job just admitted and answers it as queued. A job that cannot be queued is not kept,
   * nor `ownFile`, the stored file only it uses (a commit shares its dry run's file: null).
   */
  async start(job: ServiceImportJob, ownFile: string | null): Promise<ServiceImportJobDto> {
    // The answer shows the job as queued: read before queueing, since a worker may start it at once.
    const queued = await this.jobs.findOneByOrFail({ id: job.id });
    try {
      await this.queue.enqueue(job.id);
    } catch (error) {
      this.logger.error(jobLog(job.code, `Could not be queued: ${(error as Error).message}`));
      await this.jobs.delete({ id: job.id }).catch(() => undefined);
      if (ownFile) await this.storage.delete(ownFile).catch(() => undefined);
      throw new DependencyUnavailableError(
        'The import queue (Redis) is unavailable right now; nothing was created. Try again.',
      );
    }
    this.logger.log(
      jobLog(job.code, `Queued: ${job.fileName}`, { rows: job.rowCount, dryRun: job.dryRun, mode: job.mode }),
    );
    return this.toDto(queued);
  }

  async get(code: string, principal: Principal): Promise<ServiceImportJobDto> {
    // One plain query rather than the repository: this is the endpoint pollers call.
    const [job] = await this.jobs.query(
      `SELECT ${SERVICE_IMPORT_JOB_VIEW_COLUMNS} FROM service_import_jobs
        WHERE code = $1 AND ${principal === null ? 'owner IS NULL' : 'owner = $2'}`,
      principal === null ? [code] : [code, principal],
    );
    if (!job) throw new NotFoundError(`No import with code "${code}".`);
    return this.toDto(job as ServiceImportJobView);
  }

  /** The DTO of a job by id, whoever owns it (a webhook delivery's data), with a freshly signed link. */
  async dtoById(id: string): Promise<ServiceImportJobDto | null> {
    const [job] = await this.jobs.query(
      `SELECT ${SERVICE_IMPORT_JOB_VIEW_COLUMNS} FROM service_import_jobs WHERE id = $1`,
      [id],
    );
    return job ? this.toDto(job as ServiceImportJobView) : null;
  }

  async list(
    filter: {
      status?: ImportStatus;
      page: number;
      limit: number;
    },
    principal: Principal,
  ): Promise<ServiceImportJobPageDto> {
    const owner = ownedBy(principal);
    const [rows, total] = await this.jobs.findAndCount({
      where: filter.status ? { owner, status: filter.status } : { owner },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (filter.page - 1) * filter.limit,
      take: filter.limit,
    });
    return {
      items: await Promise.all(rows.map((row) => this.toDto(row))),
      total,
      page: filter.page,
      limit: filter.limit,
    };
  }

  async cancel(code: string, principal: Principal): Promise<ServiceImportJobDto> {
    const job = await this.findByCode(code, principal);
    if (!(await this.state.cancel(job.id))) {
      const current = await this.findByCode(code, principal);
      throw new ConflictError(
        current.status === ImportStatus.InProgress
          ? `Import ${code} is finishing: every row is in and it completes with its report; it cannot be cancelled.`
          : `Import ${code} is already ${current.status} and cannot be cancelled.`,
      );
    }
    if (job.status === ImportStatus.Queued) await this.queue.remove(job.id).catch(() => undefined);
    this.logger.log(jobLog(job.code, `Cancelled (was ${job.status})`));
    return this.toDto(await this.findByCode(code, principal));
  }

  /** A freshly signed link to the not-imported report, so an expired link is never a dead end. */
  async notImportedLink(code: string, principal: Principal): Promise<ReportLinkDto> {
    const job = await this.findByCode(code, principal);
    if (job.filesDeletedAt) {
      throw new GoneError(`The report of import ${code} was deleted by the retention policy.`);
    }
    if (!job.reportKey) {
      throw new NotFoundError(
        job.status === ImportStatus.Completed
          ? `Import ${code} imported every row; there is no report of rows not imported.`
          : `Import ${code} is ${job.status}; a report exists only for a Completed import with skipped or error rows.`,
      );
    }
    return this.signedLink(job.reportKey, reportFileName(job.fileName));
  }

  /** A freshly signed link to one of an import's files in storage, and when it stops working. */
  async signedLink(key: string, fileName: string): Promise<ReportLinkDto> {
    const ttlSeconds = this.config.signedUrlTtlSeconds;
    const expiresDate = new Date(Date.now() + ttlSeconds * 1000);
    const url = await this.storage.signedDownloadUrl(key, {
      fileName,
      ttlSeconds,
      contentType: 'text/csv; charset=utf-8',
    });
    return { url, expiresDate: expiresDate.toISOString() };
  }

  template(): string {
    return templateCsv();
  }

  templateWorkbook(): Promise<Buffer> {
    return templateWorkbook();
  }

  /**
   * The job row, for reads that need no DTO (and no signed link); another principal's import does
   * not exist, as far as this one can tell (404).
   */
  async findByCode(code: string, principal: Principal): Promise<ServiceImportJob> {
    const job = await this.jobs.findOneBy({ code, owner: ownedBy(principal) });
    if (!job) throw new NotFoundError(`No import with code "${code}".`);
    return job;
  }

  async toDto(job: ServiceImportJobView): Promise<ServiceImportJobDto> {
    const hasReport =
      job.status === ImportStatus.Completed &&
      job.skippedCount + job.errorCount > 0 &&
      job.reportKey !== null &&
      job.filesDeletedAt === null;
    const url = hasReport ? await this.signReport(job) : null;
    return toServiceImportJobDto(job, url, await this.linksOf(job));
  }

  /** The codes of the jobs this one is linked to; no query for a job without links. */
  private async linksOf(job: ServiceImportJobView): Promise<ServiceImportJobLinks> {
    const mayBeCommitted = job.dryRun && job.status === ImportStatus.Completed;
    // An ended real import may have been reverted (pollers of a running import pay nothing).
    const ended = job.status !== ImportStatus.Queued && job.status !== ImportStatus.InProgress;
    const mayBeReverted = ended && !job.dryRun && job.kind === 'import';
    if (!job.committedFromId && !job.retryOfId && !job.revertsId && !mayBeCommitted && !mayBeReverted) {
      return NO_LINKS;
    }
    // The other half of a commit (the dry run of a commit, the commit of a dry run), to compare counters.
    const [links] = await this.jobs.query(
      `WITH pair AS (
         SELECT status, created_count, updated_count, unchanged_count, skipped_count, error_count
           FROM service_import_jobs WHERE id = $1 OR committed_from_id = $3 LIMIT 1)
       SELECT (SELECT code FROM service_import_jobs WHERE id = $1) AS "committedFromCode",
              (SELECT code FROM service_import_jobs WHERE id = $2) AS "retryOfCode",
              (SELECT code FROM service_import_jobs WHERE committed_from_id = $3) AS "commitCode",
              (SELECT CASE WHEN $4::text = 'Completed' AND status = 'Completed'
                           THEN (created_count, updated_count, unchanged_count, skipped_count, error_count)
                                IS DISTINCT FROM ($5::int, $6::int, $7::int, $8::int, $9::int) END
                 FROM pair) AS "commitCountersDiffer",
              (SELECT code FROM service_import_jobs WHERE id = $10) AS "revertsCode",
              (SELECT code FROM service_import_jobs WHERE reverts_id = $11 AND NOT dry_run) AS "revertCode"`,
      [
        job.committedFromId,
        job.retryOfId,
        mayBeCommitted ? job.id : null,
        job.status,
        job.createdCount,
        job.updatedCount,
        job.unchangedCount,
        job.skippedCount,
        job.errorCount,
        job.revertsId,
        mayBeReverted ? job.id : null,
      ],
    );
    return { ...links, commitCountersDiffer: links.commitCountersDiffer ?? null } as ServiceImportJobLinks;
  }

  private async signReport(job: Pick<ServiceImportJob, 'reportKey' | 'fileName'>): Promise<string> {
    return (await this.signedLink(job.reportKey!, reportFileName(job.fileName))).url;
  }
}
