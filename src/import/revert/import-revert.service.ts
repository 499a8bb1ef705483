import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/principal';
import { ConflictError, GoneError } from '../../common/domain-errors';
import { ImportAdmission } from '../admission/import-admission.service';
import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ImportService } from '../import.service';
import { ImportStatus } from '../job/import-status';
import { ServiceImportJob } from '../job/service-import-job.entity';
import { REVERT_REPORT_HEADER } from '../rules/revert-rules';

const RUNNING = [ImportStatus.Queued, ImportStatus.InProgress];

/**
 * POST /{code}/revert: undo what an ended real import created and changed, as a job of its own
 * (kind 'revert', run by the worker's RevertEngine). A real revert happens once: asking again answers
 * the same revert, and 409 while it runs. A dry run of a revert judges the same way and writes
 * nothing; each one asked is a new one (the data may have changed since the last).
 */
@Injectable()
export class ImportRevertService {
  constructor(
    private readonly imports: ImportService,
    private readonly admission: ImportAdmission,
  ) {}

  async revert(code: string, principal: Principal, dryRun: boolean): Promise<ServiceImportJobDto> {
    const source = await this.imports.findByCode(code, principal); // 404 for another key's import
    const admitted = await this.admission.admitFrom(source, {
      earlier: (m) =>
        dryRun
          ? Promise.resolve(null)
          : m.findOneBy(ServiceImportJob, { revertsId: source.id, dryRun: false, kind: 'revert' }),
      check: (locked) => revertible(locked),
      uniqueIndex: 'UQ_service_import_jobs_reverts',
      candidate: {
        code: randomBytes(16).toString('base64url'),
        status: ImportStatus.Queued,
        kind: 'revert',
        revertsId: source.id,
        dryRun,
        mode: source.mode,
        owner: source.owner,
        fileName: source.fileName,
        // The revert reads change records, not the file; the key is shared, so retention keeps the
        // file until both are past it (as for a commit).
        uploadKey: source.uploadKey,
        fileSize: source.fileSize,
        fileSha256: source.fileSha256,
        encoding: source.encoding,
        delimiter: source.delimiter,
        header: REVERT_REPORT_HEADER,
        sheet: null,
        rowCount: null,
        uploadProblem: null,
      },
    });
    if (admitted.replayed) {
      const earlier = admitted.job;
      if (RUNNING.includes(earlier.status)) {
        throw new ConflictError(
          `Import ${code} is already being reverted by ${earlier.code} (${earlier.status}); follow that one.`,
        );
      }
      return this.imports.toDto(earlier);
    }
    return this.imports.start(admitted.job, null);
  }
}

function revertible(job: ServiceImportJob): void {
  if (job.kind === 'revert') {
    throw new ConflictError(`${job.code} is a revert; a revert cannot be reverted.`);
  }
  if (job.dryRun) {
    throw new ConflictError(
      `Import ${job.code} is a dry run: it changed nothing, so there is nothing to revert.`,
    );
  }
  if (RUNNING.includes(job.status)) {
    throw new ConflictError(
      `Import ${job.code} is ${job.status}: it can be reverted once it has ended (cancel it first to stop it).`,
    );
  }
  if (job.filesDeletedAt) {
    throw new GoneError(
      `The change log of import ${job.code} was deleted by the retention policy; it can no longer be reverted.`,
    );
  }
}
