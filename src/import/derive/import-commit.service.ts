import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/principal';
import { ConflictError, GoneError } from '../../common/domain-errors';
import { ImportAdmission } from '../admission/import-admission.service';
import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ImportService } from '../import.service';
import { ImportStatus } from '../job/import-status';
import { ServiceImportJob } from '../job/service-import-job.entity';

/**
 * POST /{code}/commit: the real import of a Completed dry run, from the file the dry run checked (no
 * upload), in the same mode. The new job names the dry run (committedFromCode) and the dry run names
 * it (commitCode); a second commit answers the first one's job. The two jobs share the stored file:
 * retention deletes it only once neither needs it.
 */
@Injectable()
export class ImportCommitService {
  constructor(
    private readonly imports: ImportService,
    private readonly admission: ImportAdmission,
  ) {}

  async commit(code: string, principal: Principal): Promise<ServiceImportJobDto> {
    const dryRun = await this.imports.findByCode(code, principal); // 404 for another key's import
    const admitted = await this.admission.admitFrom(dryRun, {
      earlier: (m) => m.findOneBy(ServiceImportJob, { committedFromId: dryRun.id }),
      check: committable,
      uniqueIndex: 'UQ_service_import_jobs_committed_from',
      candidate: {
        committedFromId: dryRun.id,
        code: randomBytes(16).toString('base64url'),
        status: ImportStatus.Queued,
        dryRun: false,
        mode: dryRun.mode,
        owner: dryRun.owner,
        fileName: dryRun.fileName,
        uploadKey: dryRun.uploadKey,
        fileSize: dryRun.fileSize,
        fileSha256: dryRun.fileSha256,
        encoding: dryRun.encoding,
        delimiter: dryRun.delimiter,
        header: dryRun.header,
        sheet: dryRun.sheet,
        rowCount: dryRun.rowCount,
        uploadProblem: null,
      },
    });
    if (admitted.replayed) return this.imports.toDto(admitted.job);
    return this.imports.start(admitted.job, null);
  }
}

/** Why this job cannot be committed, if it cannot: as the row is under the commit's lock. */
function committable(job: ServiceImportJob): void {
  if (job.kind === 'revert') {
    throw new ConflictError(
      `${job.code} is a revert. To run a checked dry-run revert for real, revert the import itself (POST /{code}/revert).`,
    );
  }
  if (!job.dryRun) {
    throw new ConflictError(
      `Import ${job.code} is not a dry run: it has already written what it imports. Only a Completed dry run can be committed.`,
    );
  }
  if (job.status !== ImportStatus.Completed) {
    throw new ConflictError(
      `Dry run ${job.code} is ${job.status}: only a Completed dry run can be committed` +
        (job.status === ImportStatus.Queued || job.status === ImportStatus.InProgress
          ? '. Wait for it to complete, then commit it.'
          : '. Upload the file again to import it.'),
    );
  }
  if (job.filesDeletedAt) {
    throw new GoneError(
      `The file of dry run ${job.code} was deleted by the retention policy (IMPORT_RETENTION_DAYS); upload it again to import it.`,
    );
  }
}
