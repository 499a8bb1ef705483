import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../../auth/principal';
import {
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  GoneError,
} from '../../common/domain-errors';
import { AppConfig } from '../../config/app-config';
import { UploadInspector } from '../../csv/upload-inspector';
import { UploadRejectedError } from '../../csv/upload-rejections';
import { StorageService } from '../../storage/storage.service';
import { ImportAdmission } from '../admission/import-admission.service';
import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ImportService } from '../import.service';
import { ImportStatus } from '../job/import-status';
import { ServiceImportJob } from '../job/service-import-job.entity';
import { IMPORT_HEADER } from '../rules/columns';
import { storedFileColumns, type StoredUpload } from '../upload/csv-upload.storage';
import type { RetryImportQueryDto } from './dto/retry-query.dto';
import { retryCondition, retryFile } from './retry-file';

export interface RetryRequest extends RetryImportQueryDto {
  principal: Principal;
  idempotencyKey?: string;
}

/**
 * POST /{code}/retry: a new import of another one's not-imported rows (all, or those of an outcome
 * or a reason), same mode, no upload. The rows become a file of their own (retry-file.ts), stored and
 * inspected like an upload, so the worker imports it like any other; the job records, row by row,
 * each row's number in the file first uploaded (a retry of a retry maps through to it), so its report
 * and rows API can name both numbers.
 */
@Injectable()
export class ImportRetryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly imports: ImportService,
    private readonly admission: ImportAdmission,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  async retry(code: string, request: RetryRequest): Promise<ServiceImportJobDto> {
    const source = await this.imports.findByCode(code, request.principal); // 404 for another key's import
    retryable(source, request.dryRun ?? false);
    const upload = await this.storeRows(source, request);
    if (upload.inspection.rowCount === 0) {
      await this.storage.delete(upload.key).catch(() => undefined);
      throw new ConflictError(
        `Import ${code} has no rows not imported${describeFilter(request)}: there is nothing to retry.`,
      );
    }
    const filter = { outcome: request.outcome, reason: request.reason };
    const admitted = await this.admission.admit(
      upload,
      {
        principal: request.principal,
        idempotencyKey: request.idempotencyKey,
        dryRun: request.dryRun ?? false,
        mode: source.mode,
      },
      {
        code: randomBytes(16).toString('base64url'),
        status: ImportStatus.Queued,
        dryRun: request.dryRun ?? false,
        mode: source.mode,
        fileName: source.fileName,
        ...storedFileColumns(upload),
        retryOfId: source.id,
        retryFilter: JSON.parse(JSON.stringify(filter)) as typeof filter, // without the absent filters
      },
      (m, job) => recordOrigins(m, job, source, filter),
    );
    if (admitted.replayed) return this.imports.toDto(admitted.job);
    return this.imports.start(admitted.job, upload.key);
  }

  /** Streams the rows into storage through the same inspection an upload gets. */
  private async storeRows(source: ServiceImportJob, request: RetryRequest): Promise<StoredUpload> {
    const key = `uploads/${randomUUID()}.csv`;
    const inspector = new UploadInspector({
      header: IMPORT_HEADER,
      maxFieldChars: this.config.import.maxFieldChars,
      maxColumns: this.config.import.maxColumns,
    });
    const rows = Readable.from(
      retryFile((sql, params) => this.db.query(sql, params), {
        sourceId: source.id,
        header: source.header,
        outcome: request.outcome,
        reason: request.reason,
      }),
    );
    // Reading the rows can fail (the database): that error, not storage's, is the one to report.
    const piped: { error: Error | null } = { error: null };
    pipeline(rows, inspector, (error) => (piped.error ??= error ?? null));
    try {
      const { size } = await this.storage.put(key, inspector, { contentType: 'text/csv' });
      if (piped.error) throw piped.error;
      return { originalname: source.fileName, key, size, inspection: inspector.result() };
    } catch (error) {
      await this.storage.delete(key).catch(() => undefined);
      const cause = piped.error ?? (error as Error);
      if (cause instanceof DomainError || cause instanceof UploadRejectedError) throw cause;
      throw new DependencyUnavailableError(
        `The rows to retry could not be stored (${cause.message}); nothing was created. Try again shortly.`,
      );
    }
  }
}

function retryable(source: ServiceImportJob, dryRun: boolean): void {
  if (source.kind === 'revert') {
    throw new ConflictError(
      `${source.code} is a revert: what it kept was changed on purpose; there is nothing to retry.`,
    );
  }
  if (source.status === ImportStatus.Queued || source.status === ImportStatus.InProgress) {
    throw new ConflictError(
      `Import ${source.code} is ${source.status}: its rows can be retried once it has ended.`,
    );
  }
  if (source.dryRun && !dryRun) {
    throw new ConflictError(
      `Import ${source.code} is a dry run: it imported nothing, so a real retry of its rejected rows would import ` +
        'only those. Retry it with dryRun=true to check them again, or commit the dry run (POST /{code}/commit).',
    );
  }
  if (source.filesDeletedAt) {
    throw new GoneError(
      `The rows of import ${source.code} were deleted by the retention policy; there is nothing to retry.`,
    );
  }
}

function describeFilter(filter: { outcome?: string; reason?: string }): string {
  const parts = [filter.outcome && `outcome ${filter.outcome}`, filter.reason && `reason ${filter.reason}`];
  const named = parts.filter(Boolean);
  return named.length > 0 ? ` with ${named.join(' and ')}` : '';
}

/**
 * Row n of the retry is the n-th selected row of the source, in file order; its original number is the
 * source's own original number when the source is a retry too. The file was written from the same
 * selection a moment ago: if the counts differ, the source's rows changed (retention), and the retry
 * is not kept.
 */
async function recordOrigins(
  m: EntityManager,
  job: ServiceImportJob,
  source: ServiceImportJob,
  filter: { outcome?: string; reason?: string },
): Promise<void> {
  const condition = retryCondition(filter, 3, 'r.');
  const [{ inserted }] = await m.query<{ inserted: number }[]>(
    `WITH recorded AS (
       INSERT INTO service_import_row_origins (job_id, row_number, original_row_number)
       SELECT $1, row_number() OVER (ORDER BY r.row_number), coalesce(o.original_row_number, r.row_number)
         FROM service_import_rows r
         LEFT JOIN service_import_row_origins o ON o.job_id = r.job_id AND o.row_number = r.row_number
        WHERE r.job_id = $2${condition ? ` AND ${condition.sql}` : ''}
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM recorded`,
    [job.id, source.id, ...(condition?.params ?? [])],
  );
  if (inserted !== job.rowCount) {
    throw new GoneError(
      `The rows of import ${source.code} changed while the retry was prepared (the retention policy); nothing was created.`,
    );
  }
}
