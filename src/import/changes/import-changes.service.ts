import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AssignmentChangesService } from '../../clients/assignment-changes.service';
import { AssignmentChangePageDto } from '../../clients/dto/assignment-change.dto';
import { GoneError } from '../../common/domain-errors';
import { ImportService } from '../import.service';
import { ListChangesQueryDto } from './dto/list-changes.dto';

/**
 * What an import created and changed (or, for a dry run, would), in file order: the change records
 * Clients keeps under the import's id. Readable while the import runs (the batches committed so far).
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
}
