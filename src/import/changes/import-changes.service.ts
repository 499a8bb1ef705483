import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AssignmentChangesService } from '../../clients/assignment-changes.service';
import { AssignmentChangePageDto } from '../../clients/dto/assignment-change.dto';
import { GoneError, NotFoundError, NotReadyError } from '../../common/domain-errors';

/** What a client asking for a change log file still being written is told to wait. */
const CHANGES_FILE_RETRY_AFTER_SECONDS = 5;
import type { ReportLinkDto } from '../dto/report-link.dto';
import { ImportService } from '../import.service';
import { ImportStatus } from '../job/import-status';
import type { ServiceImportJob } from '../job/service-import-job.entity';
import { changesFileName } from '../upload/file-name';
import { ListChangesQueryDto } from './dto/list-changes.dto';

/**
 * What an import created and changed (or, for a dry run, would), in file order: the change records
 * Clients keeps under the import's id. Readable while the import runs (the batches committed so far);
 * once it completes, also as one CSV file in storage (written by the worker's ReportWriter).
 */
@Injectable()
export class ImportChangesService {
  constructor(
    private readonly imports: ImportService,
    private readonly changes: AssignmentChangesService,
  ) {}

  async list(
    code: string,
    principal: Principal,
    query: ListChangesQueryDto,
  ): Promise<AssignmentChangePageDto> {
    const job = await this.imports.findByCode(code, principal); // ownership and 404 as GET /{code}
    if (job.filesDeletedAt) {
      throw new GoneError(`The change log of import ${code} was deleted by the retention policy.`);
    }
    const page = await this.changes.page(job.id, query);
    return { ...page, page: query.page, limit: query.limit };
  }

  /** A freshly signed link to the change log file, so an expired link is never a dead end. */
  async downloadLink(code: string, principal: Principal): Promise<ReportLinkDto> {
    const job = await this.imports.findByCode(code, principal);
    if (job.filesDeletedAt) {
      throw new GoneError(`The change log of import ${code} was deleted by the retention policy.`);
    }
    if (job.changesFilePending) {
      throw new NotReadyError(
        `The change log file of import ${code} is being written (it is written once the import has completed); ` +
          `try again in a few seconds. GET /api/service-imports/${code}/changes pages it already.`,
        CHANGES_FILE_RETRY_AFTER_SECONDS,
      );
    }
    if (!job.changesReportKey) throw new NotFoundError(noFileBecause(job));
    return this.imports.signedLink(job.changesReportKey, changesFileName(job.fileName));
  }
}

/** Why an import has no change log file: not completed (yet), or nothing to log. */
function noFileBecause(job: ServiceImportJob): string {
  const changes = `GET /api/service-imports/${job.code}/changes`;
  if (job.status === ImportStatus.Queued || job.status === ImportStatus.InProgress) {
    return `Import ${job.code} is ${job.status}; its change log file is written when it completes (${changes} lists the changes so far).`;
  }
  if (job.status !== ImportStatus.Completed) {
    return `Import ${job.code} is ${job.status}; a change log file is written only for a Completed import (${changes} lists what it changed).`;
  }
  if (job.createdCount + job.updatedCount === 0) {
    const verb = job.dryRun ? 'would create or update' : 'created or updated';
    return `Import ${job.code} ${verb} no assignment; it has no change log.`;
  }
  return `Import ${job.code} completed before change log files were written; ${changes} lists its changes.`;
}
