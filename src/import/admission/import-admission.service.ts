import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, QueryFailedError, Repository } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { NotFoundError, TooManyRequestsError, UnprocessableError } from '../../common/domain-errors';
import { AppConfig } from '../../config/app-config';
import { StorageService } from '../../storage/storage.service';
import { IDEMPOTENCY_KEY_HEADER, importRequestHash, parseIdempotencyKey } from './idempotency';
import { ImportStatus } from '../job/import-status';
import { ImportMode } from '../rules/import-mode';
import { ownedBy } from './ownership';
import { ServiceImportJob } from '../job/service-import-job.entity';
import type { StoredUpload } from '../upload/csv-upload.storage';

/** How long a client at its active-import cap is asked to wait; imports usually take longer. */
export const ACTIVE_CAP_RETRY_AFTER_SECONDS = 30;
// pg_advisory_xact_lock(class, hashtext(owner)): serialises one principal's admissions only.
const ADMISSION_LOCK_CLASS = 0x5349_4a41;
const IDEMPOTENCY_INDEX = 'UQ_service_import_jobs_idempotency';

export interface AdmissionRequest {
  principal: Principal;
  /** The raw Idempotency-Key header, if any. */
  idempotencyKey?: string;
  dryRun: boolean;
  mode: ImportMode;
}

export interface Admission {
  job: ServiceImportJob;
  /** True when the principal's earlier job with this Idempotency-Key is returned instead. */
  replayed: boolean;
}

/**
 * Decides whether an upload becomes a new job: the same Idempotency-Key returns the principal's
 * earlier job (422 if that job was for another file), a principal at its cap of active imports gets
 * a 429, otherwise the job row is inserted (committed, not yet queued). Whenever no new job is
 * created the stored upload is deleted, so nothing is left behind.
 */
@Injectable()
export class ImportAdmission {
  constructor(
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  /**
   * `recordWith`, if given, runs in the transaction that inserts the job, after the insert (a retry
   * records where its rows come from): both are kept, or neither.
   */
  async admit(
    upload: StoredUpload,
    request: AdmissionRequest,
    job: Partial<ServiceImportJob>,
    recordWith?: (m: EntityManager, job: ServiceImportJob) => Promise<void>,
  ): Promise<Admission> {
    const requestHash = importRequestHash(
      upload.inspection.sha256,
      request.dryRun,
      request.mode,
      upload.inspection.sheet ?? null,
    );
    let admission: Admission;
    try {
      const idempotencyKey = parseIdempotencyKey(request.idempotencyKey);
      admission = await this.insertOrReplay(
        { ...job, owner: request.principal, idempotencyKey, requestHash },
        recordWith,
      );
    } catch (error) {
      await this.discard(upload);
      throw error;
    }
    if (!admission.replayed) return admission;
    await this.discard(upload);
    if (admission.job.requestHash !== requestHash) {
      throw new UnprocessableError(
        `The ${IDEMPOTENCY_KEY_HEADER} "${admission.job.idempotencyKey}" was already used for import ` +
          `${admission.job.code} with a different file, dryRun or mode value. Use a new key for a new upload.`,
      );
    }
    return admission;
  }

  /**
   * A job started from another one (a commit, a revert), at most once where `earlier` finds one: the
   * source's row is locked, so a second request (or retention deleting its file) waits for the first
   * and then finds its job. `check` says why the source cannot be used (409, 410), looking at the row
   * as it is under the lock. `uniqueIndex` backs `earlier` against a race the lock does not cover.
   */
  async admitFrom(
    source: ServiceImportJob,
    how: {
      earlier: (m: EntityManager) => Promise<ServiceImportJob | null>;
      check: (locked: ServiceImportJob) => void;
      candidate: Partial<ServiceImportJob>;
      uniqueIndex: string;
    },
  ): Promise<Admission> {
    try {
      return await this.jobs.manager.transaction(async (m) => {
        await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          ADMISSION_LOCK_CLASS,
          source.owner ?? '',
        ]);
        const locked = await m.findOne(ServiceImportJob, {
          where: { id: source.id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!locked) throw new NotFoundError(`No import with code "${source.code}".`);
        const earlier = await how.earlier(m);
        if (earlier) return { job: earlier, replayed: true };
        how.check(locked);
        await this.checkActiveCap(m, locked.owner);
        return { job: await m.save(m.create(ServiceImportJob, how.candidate)), replayed: false };
      });
    } catch (error) {
      if (isUniqueViolation(error, how.uniqueIndex)) {
        const earlier = await how.earlier(this.jobs.manager);
        if (earlier) return { job: earlier, replayed: true };
      }
      throw error;
    }
  }

  private async insertOrReplay(
    candidate: Partial<ServiceImportJob>,
    recordWith?: (m: EntityManager, job: ServiceImportJob) => Promise<void>,
  ): Promise<Admission> {
    const owner = candidate.owner ?? null;
    const key = candidate.idempotencyKey ?? null;
    try {
      return await this.jobs.manager.transaction(async (m) => {
        await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADMISSION_LOCK_CLASS, owner ?? '']);
        const earlier = key === null ? null : await this.findByKey(m, owner, key);
        if (earlier) return { job: earlier, replayed: true };
        await this.checkActiveCap(m, owner);
        const job = await m.save(m.create(ServiceImportJob, candidate));
        await recordWith?.(m, job);
        return { job, replayed: false };
      });
    } catch (error) {
      // The unique index is the final word on a key: whoever lost the race returns the winner's job.
      if (key !== null && isUniqueViolation(error, IDEMPOTENCY_INDEX)) {
        const earlier = await this.findByKey(this.jobs.manager, owner, key);
        if (earlier) return { job: earlier, replayed: true };
      }
      throw error;
    }
  }

  private findByKey(m: EntityManager, owner: Principal, key: string): Promise<ServiceImportJob | null> {
    return m.findOneBy(ServiceImportJob, { owner: ownedBy(owner), idempotencyKey: key });
  }

  private async checkActiveCap(m: EntityManager, owner: Principal): Promise<void> {
    const cap = this.config.auth.maxActiveImportsPerKey;
    const active = await m.countBy(ServiceImportJob, {
      owner: ownedBy(owner),
      status: In([ImportStatus.Queued, ImportStatus.InProgress]),
    });
    if (active >= cap) {
      throw new TooManyRequestsError(
        `This API key already has ${active} imports queued or in progress (the limit is ${cap}). ` +
          'Wait for one to end, or cancel one, then upload again.',
        ACTIVE_CAP_RETRY_AFTER_SECONDS,
      );
    }
  }

  private async discard(upload: StoredUpload): Promise<void> {
    await this.storage.delete(upload.key).catch(() => undefined);
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}
