import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AssignmentChangesService } from '../../../clients/assignment-changes.service';
import { AppConfig } from '../../../config/app-config';
import { jobLog } from '../../../logging/job-log';
import { ImportJobStateService, Lease } from '../../job/import-job-state.service';
import { ImportPhase } from '../../job/import-status';
import { ServiceImportJob } from '../../job/service-import-job.entity';
import { ReportWriter } from './report-writer';
import type { RunOutcome } from './run-outcome';

/**
 * What the import and revert engines share: they stop at their next batch on SIGTERM, write their
 * batches on connections of their own, and end the same way (report of the rows left out, completion
 * under the lease, the change log file). Each runs its batches its own way in `run`.
 */
export abstract class RunEngine {
  protected abstract readonly logger: Logger;
  protected shuttingDown = false;

  protected constructor(
    protected readonly config: AppConfig,
    protected readonly state: ImportJobStateService,
    protected readonly changes: AssignmentChangesService,
    protected readonly reports: ReportWriter,
  ) {}

  abstract run(job: ServiceImportJob, lease: Lease): Promise<RunOutcome>;

  /** Called on SIGTERM: running jobs stop at their next batch boundary. */
  stopAtNextBatch(): void {
    this.shuttingDown = true;
  }

  /** One of the run's own connections (outside the shared pool: a batch transaction holds it throughout). */
  protected async connect(code: string): Promise<Client> {
    const db = new Client({ connectionString: this.config.databaseUrl });
    db.on('error', (error) => this.logger.warn(jobLog(code, `Database connection error: ${error.message}`)));
    try {
      await db.connect();
      // A worker frozen inside a batch transaction (paused, swapped out) must not hold the job row lock
      // forever: once it has been silent as long as its queue lock lasts, another worker may own the
      // job. PostgreSQL then ends its statement (a lock wait, a query) and its session, and the frozen
      // worker can no longer write. The one wait these timeouts do not end, a COPY waiting for data,
      // happens before a batch takes any lock (AssignmentBulkService.stage).
      const silence = this.config.queueLockDurationMs;
      await db.query(
        `SET statement_timeout = ${silence}; SET idle_in_transaction_session_timeout = ${silence}`,
      );
      return db;
    } catch (error) {
      await db.end().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Once every batch has committed: the report of the rows left out (`writeReport`, when there are
   * any), completion under the lease, `afterComplete`, then the change log as one file (GET
   * /{code}/changes.csv; a dry run's is what it would change), written once the job has completed: at
   * a million records it takes seconds.
   */
  protected async finish(
    job: ServiceImportJob,
    lease: Lease,
    writeReport: () => Promise<string>,
    afterComplete: () => Promise<void> = async () => undefined,
  ): Promise<RunOutcome> {
    if (!(await this.state.setPhase(job.id, lease.lease, ImportPhase.WritingReport))) {
      return { kind: 'stopped', why: 'lease-lost' };
    }
    const leftOut = await this.state.notImportedCount(job.id);
    const reportKey = leftOut > 0 ? await writeReport() : null;
    const changed = await this.changes.any(job.id);
    if (!(await this.state.complete(job.id, lease.lease, reportKey, changed))) {
      return { kind: 'stopped', why: 'lease-lost' };
    }
    await afterComplete();
    if (changed) await this.reports.writeChangesFile(job.id, job.code);
    return { kind: 'completed' };
  }
}
