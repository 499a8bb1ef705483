import { Controller, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { IDEMPOTENCY_KEY_HEADER } from '../admission/idempotency';
import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ParseImportCodePipe } from '../import-code.pipe';
import { RetryImportQueryDto, RevertImportQueryDto } from './dto/retry-query.dto';
import { ImportRevertService } from '../revert/import-revert.service';
import { ImportCommitService } from './import-commit.service';
import { ImportRetryService } from './import-retry.service';

const STARTS_AN_IMPORT =
  'Counts against the upload rate limit and the active-import cap like an upload (429 with Retry-After).';

/** Jobs that start from another import instead of an upload: a commit, a retry and a revert. */
@ApiTags('service-imports')
@Controller('service-imports')
@UseGuards(ThrottlerGuard)
export class DerivedImportsController {
  constructor(
    private readonly commits: ImportCommitService,
    private readonly retries: ImportRetryService,
    private readonly reverts: ImportRevertService,
  ) {}

  @Post(':code/revert')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Undo an import: delete what it created, restore what it updated',
    description:
      'Starts a revert of an ended real import (Completed, Cancelled, or Failed after some batches) as a job of ' +
      'its own (kind "revert", revertsCode names the import; the import\'s revertCode names it), polled, ' +
      'streamed and cancelled like an import. Assignments the import created are deleted; assignments it ' +
      'updated get back the values they had before it. An assignment changed since (a later import changed it) ' +
      'is kept and reported CHANGED_SINCE, naming that import; one that no longer exists is reported GONE. ' +
      'Counters: revertedCount, keptCount, goneCount (kept + gone = skippedCount); the not-reverted report ' +
      '(notImportedDownloadUrl) lists each with its reason, and the change log records Deleted and Restored. ' +
      'Asking again answers the same revert (409 while it runs). With dryRun=true nothing is written: the ' +
      'answer is a new dry-run revert that reports exactly what a revert would do now. ' +
      STARTS_AN_IMPORT,
  })
  @ApiAcceptedResponse({
    type: ServiceImportJobDto,
    description: 'The revert (Queued, or the one done before)',
  })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  @ApiConflictResponse({
    description: 'The import is Queued or InProgress, is a dry run or a revert, or is being reverted',
  })
  @ApiGoneResponse({ description: "The retention policy deleted the import's change log" })
  @ApiTooManyRequestsResponse({ description: 'Rate limit or active-import cap reached' })
  @ApiServiceUnavailableResponse({ description: 'The queue is unavailable; nothing was created' })
  async revert(
    @Param('code', ParseImportCodePipe) code: string,
    @Query() query: RevertImportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceImportJobDto> {
    const job = await this.reverts.revert(code, principal, query.dryRun ?? false);
    res.setHeader('Location', `/api/service-imports/${job.code}`);
    return job;
  }

  @Post(':code/commit')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run a checked dry run for real',
    description:
      'Starts the real import of the file a Completed dry run checked, in the same mode, without uploading it ' +
      'again. The new job names the dry run (committedFromCode) and the dry run names it (commitCode); ' +
      'committing again answers the same job. The real run applies the rules to the data as it is when it ' +
      'runs: if something changed since the dry run (a client created, an assignment edited, another import), ' +
      "its counters can differ from the dry run's, and both jobs say so in commitCountersDiffer. " +
      STARTS_AN_IMPORT,
  })
  @ApiAcceptedResponse({
    type: ServiceImportJobDto,
    description: 'The real import (Queued, or the one started earlier)',
  })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  @ApiConflictResponse({ description: 'Not a dry run, or a dry run that has not Completed' })
  @ApiGoneResponse({ description: "The retention policy deleted the dry run's file" })
  @ApiTooManyRequestsResponse({ description: 'Rate limit or active-import cap reached' })
  @ApiServiceUnavailableResponse({ description: 'The queue is unavailable; nothing was created' })
  async commit(
    @Param('code', ParseImportCodePipe) code: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceImportJobDto> {
    const job = await this.commits.commit(code, principal);
    res.setHeader('Location', `/api/service-imports/${job.code}`);
    return job;
  }

  @Post(':code/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import again the rows an import did not import',
    description:
      'Starts a new import, in the same mode, whose input is the rows the import did not import (all, or ' +
      'those of one outcome or reason) with their original columns and values, e.g. after creating the ' +
      'clients that were missing: `?reason=CLIENT_NOT_FOUND`. No upload. The new job names the import it ' +
      "retries (retryOfCode); its report and rows API name each row's number in the retry (rowNumber) and in " +
      'the file first uploaded (originalRowNumber). A retry of a retry works, and maps to the first file. ' +
      'Rows of a Cancelled or Failed import that were never processed are not in it: only rows not imported ' +
      `are. The ${IDEMPOTENCY_KEY_HEADER} header works as for an upload. ` +
      STARTS_AN_IMPORT,
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: 'As for POST /api/service-imports',
  })
  @ApiAcceptedResponse({ type: ServiceImportJobDto, description: 'The retry (Queued)' })
  @ApiBadRequestResponse({ description: 'An unknown outcome or reason' })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  @ApiConflictResponse({
    description:
      'The import is Queued or InProgress, has no rows not imported (matching the filters), or is a dry run ' +
      'retried without dryRun=true',
  })
  @ApiGoneResponse({ description: "The retention policy deleted the import's rows" })
  @ApiTooManyRequestsResponse({ description: 'Rate limit or active-import cap reached' })
  @ApiServiceUnavailableResponse({ description: 'Storage or queue unavailable; nothing was created' })
  async retry(
    @Param('code', ParseImportCodePipe) code: string,
    @Query() query: RetryImportQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceImportJobDto> {
    const job = await this.retries.retry(code, { ...query, principal, idempotencyKey });
    res.setHeader('Location', `/api/service-imports/${job.code}`);
    return job;
  }
}
