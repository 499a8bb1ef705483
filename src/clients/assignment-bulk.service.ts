import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { AssignmentStage } from './assignment-stage';
import { createSql, STAGE_DDL } from './assignment-create-sql';
import {
  applySql,
  COUNTS_SQL,
  createMissingSql,
  lockSql,
  NOT_ASSIGNED_SQL,
  OUTCOMES_SQL,
  resolveSql,
  UNRESOLVED_SQL,
  WORK_DDL,
} from './assignment-modify-sql';

/**
 * create: only adds (a pair the client has is ALREADY_ASSIGNED); upsert: adds and updates; update:
 * only updates (a pair the client does not have is NOT_ASSIGNED).
 */
export type AssignmentWriteMode = 'create' | 'upsert' | 'update';

export type AssignmentSkipReason =
  | 'CLIENT_NOT_FOUND'
  | 'CLIENT_INACTIVE'
  | 'SERVICE_NOT_FOUND'
  | 'ALREADY_ASSIGNED'
  | 'NOT_ASSIGNED'
  | 'DUPLICATE_IN_FILE';

/** A row that was not written, and why. */
export type AssignmentRejection =
  | { rowNumber: number; reason: Exclude<AssignmentSkipReason, 'DUPLICATE_IN_FILE'> }
  /** An earlier row of the file (firstRow) handles the pair (upsert and update). */
  | { rowNumber: number; reason: 'DUPLICATE_IN_FILE'; firstRow: number }
  /** Merged with the stored values, the row would end before it starts (upsert and update). */
  | { rowNumber: number; reason: 'INVALID_DATE_RANGE'; startDate: string; endDate: string };

export interface AssignmentBatchResult {
  created: number;
  updated: number;
  unchanged: number;
  /** The rows that were not written, with why, in row order; rows not listed were imported. */
  rejected: AssignmentRejection[];
}

export interface AssignOptions {
  /**
   * Groups what one run records (its pairs, its changes): an import passes its job id. Recorded on
   * every assignment the run creates or changes, with `sourceCode`.
   */
  changeSet: string;
  /** A code for people (an import's code), recorded with changeSet on the assignments written. */
  sourceCode: string;
  mode: AssignmentWriteMode;
  /** Check and record everything, write no assignment. */
  dryRun: boolean;
}

const CREATE_SQL = {
  real: createSql('real', false),
  dry: createSql('dry', false),
  realDeferred: createSql('real', true),
  dryDeferred: createSql('dry', true),
};

const MODIFY_SQL = {
  resolve: { real: resolveSql(false, 'real'), dry: resolveSql(false, 'dry') },
  resolveDeferred: { real: resolveSql(true, 'real'), dry: resolveSql(true, 'dry') },
  lock: { real: lockSql('real'), dry: lockSql('dry') },
  createMissing: { real: createMissingSql('real'), dry: createMissingSql('dry') },
  apply: { real: applySql('real'), dry: applySql('dry') },
};

/** Rounds of create-then-lock for pairs another transaction creates or deletes meanwhile. */
const CREATE_ROUNDS = 3;

const NONE: AssignmentBatchResult = { created: 0, updated: 0, unchanged: 0, rejected: [] };

/**
 * Assigns catalog services to clients a whole batch at a time: the rows, already in COPY text form
 * (AssignmentStageBuilder, built where the file is parsed), are COPYed into a temporary staging table
 * and resolved and written by a few set-based statements (one in create mode). No query per row.
 * Runs on the caller's connection, inside the caller's transaction. Every assignment created or
 * changed gets a change record under the run's change set (AssignmentChangesService reads them).
 */
@Injectable()
export class AssignmentBulkService {
  /**
   * COPYs the batch into the staging table (temporary: it locks nothing shared). Call it before
   * taking any lock: a COPY waiting for the data of a frozen client is not ended by
   * statement_timeout (PostgreSQL handles a cancel only once data arrives), so it must never hold one.
   */
  async stage(db: ClientBase, stage: AssignmentStage): Promise<void> {
    if (stage.count === 0) return;
    await db.query(STAGE_DDL);
    const bytes = Buffer.from(stage.bytes.buffer, stage.bytes.byteOffset, stage.bytes.byteLength);
    await pipeline(Readable.from([bytes]), db.query(copyFrom('COPY assignment_stage FROM STDIN')));
  }

  /** Assigns the staged rows (stage(), same transaction), except the deferred ones. */
  assign(db: ClientBase, stage: AssignmentStage, options: AssignOptions): Promise<AssignmentBatchResult> {
    return this.pass(db, stage.count - stage.deferred, false, options);
  }

  /**
   * Assigns the batch's deferred rows (staged by stage(), same transaction): call it once the batch
   * before has committed, so a pair it had is seen as it left it.
   */
  assignDeferred(
    db: ClientBase,
    stage: AssignmentStage,
    options: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    return this.pass(db, stage.deferred, true, options);
  }

  private pass(
    db: ClientBase,
    rows: number,
    deferred: boolean,
    options: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    if (rows === 0) return Promise.resolve(NONE);
    return options.mode === 'create'
      ? this.create(db, rows, deferred, options)
      : this.modify(db, rows, deferred, options);
  }

  private async create(
    db: ClientBase,
    rows: number,
    deferred: boolean,
    { changeSet, sourceCode, dryRun }: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    const sql = dryRun
      ? deferred
        ? CREATE_SQL.dryDeferred
        : CREATE_SQL.dry
      : deferred
        ? CREATE_SQL.realDeferred
        : CREATE_SQL.real;
    const result = await db.query<{ rn: number; reason: 'CLIENT_NOT_FOUND' }>(
      sql,
      dryRun ? [changeSet] : [changeSet, sourceCode],
    );
    return {
      created: rows - result.rows.length,
      updated: 0,
      unchanged: 0,
      rejected: result.rows.map((r) => ({ rowNumber: r.rn, reason: r.reason })),
    };
  }

  private async modify(
    db: ClientBase,
    rows: number,
    deferred: boolean,
    { changeSet, sourceCode, mode, dryRun }: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    const target = dryRun ? 'dry' : 'real';
    const both = dryRun ? [changeSet] : [changeSet, sourceCode];
    await db.query(WORK_DDL);
    await db.query('TRUNCATE assignment_work');
    // Resolves, records the pairs and locks the stored assignments (one statement).
    await db.query((deferred ? MODIFY_SQL.resolveDeferred : MODIFY_SQL.resolve)[target], [changeSet]);
    if (mode === 'update') {
      await db.query(NOT_ASSIGNED_SQL);
    } else {
      for (let round = 1; ; round++) {
        await db.query(MODIFY_SQL.createMissing[target], both);
        await db.query(MODIFY_SQL.lock[target]);
        const [{ n }] = (await db.query<{ n: number }>(UNRESOLVED_SQL)).rows;
        if (n === 0) break;
        if (round === CREATE_ROUNDS) {
          throw new Error(
            `${n} assignment(s) of the batch were created and deleted by others ${round} times while it ran`,
          );
        }
      }
    }
    await db.query(MODIFY_SQL.apply[target], both);
    const [counts] = (await db.query<{ created: number; updated: number; unchanged: number }>(COUNTS_SQL))
      .rows;
    const outcomes = await db.query<{ rn: number; outcome: string; dup_of: number; sd: string; ed: string }>(
      OUTCOMES_SQL,
    );
    return { ...counts, rejected: outcomes.rows.map(toRejection) };
  }
}

function toRejection(row: {
  rn: number;
  outcome: string;
  dup_of: number;
  sd: string;
  ed: string;
}): AssignmentRejection {
  if (row.outcome === 'DUPLICATE_IN_FILE')
    return { rowNumber: row.rn, reason: row.outcome, firstRow: row.dup_of };
  if (row.outcome === 'INVALID_DATE_RANGE') {
    return { rowNumber: row.rn, reason: row.outcome, startDate: row.sd, endDate: row.ed };
  }
  return { rowNumber: row.rn, reason: row.outcome as Exclude<AssignmentSkipReason, 'DUPLICATE_IN_FILE'> };
}
