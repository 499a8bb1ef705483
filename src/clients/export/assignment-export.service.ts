import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { QueryConfig, QueryResult } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { AppConfig } from '../../config/app-config';
import { ASSIGNMENT_COLUMNS } from '../../csv/assignment-format';
import { UTF8_BOM, csvLine } from '../../csv/csv-writer';
import { BoundedPgClient } from '../../database/bounded-pg-client';
import { CLIENT_GRACE_MS } from '../../database/data-source-options';
import { InvalidInputError } from '../../common/domain-errors';
import { CopyTextRows } from './copy-text-rows';
import { copySql, countSql, ExportFilter, resolveCodesSql } from './export-sql';

type Query = (text: string, values?: unknown[]) => Promise<QueryResult<Record<string, unknown>>>;

export interface ExportRequest {
  /** Client codes, any case; none = every client. */
  clients?: string[];
  /** Service codes, any case; none = every service. */
  services?: string[];
}

export interface AssignmentExport {
  /** The data rows the stream holds, counted in the snapshot it is read from. */
  total: number;
  /** The CSV file: BOM and header, then one line per assignment. Destroy it to stop early. */
  stream: Readable;
}

/**
 * Every assignment (or those of some clients and services) as a CSV file the import reads back
 * unchanged. Streamed from PostgreSQL with COPY ... TO STDOUT: memory stays flat whatever the count.
 *
 * Each export has a connection of its own, not one of the shared pool: it is held as long as the
 * client takes to read the file (a minute or more at a million rows), and the pool's bounds (its
 * statement_timeout and the client-side query_timeout) are right for requests, not for that. The
 * count and the rows come from one REPEATABLE READ READ ONLY transaction, so X-Total-Count is
 * exactly the number of lines that follow, whatever imports write meanwhile.
 */
@Injectable()
export class AssignmentExportService {
  constructor(private readonly config: AppConfig) {}

  async open(request: ExportRequest): Promise<AssignmentExport> {
    const timeout = this.config.databaseStatementTimeoutMs;
    const db = new BoundedPgClient({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: timeout + CLIENT_GRACE_MS,
      statement_timeout: timeout,
      application_name: 'service-import export',
    });
    await db.connect();
    try {
      // pg reads a query's own query_timeout before the connection's (this one has none).
      const bounded: Query = (text, values = []) =>
        db.query({ text, values, query_timeout: timeout + CLIENT_GRACE_MS } as QueryConfig);
      await bounded('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const filter: ExportFilter = {
        clientIds: await this.resolve(bounded, 'clients', 'client', request.clients),
        serviceIds: await this.resolve(bounded, 'billable_services', 'service', request.services),
      };
      const [{ total }] = (await bounded(countSql(filter))).rows as { total: number }[];
      // Only the COPY runs as long as the reader takes; the statements above stay bounded.
      await bounded('SET LOCAL statement_timeout = 0');
      return { total, stream: Readable.from(exportLines(db, copySql(filter)), { objectMode: false }) };
    } catch (error) {
      await db.end().catch(() => undefined);
      throw error;
    }
  }

  /** The ids of the codes asked for; an unknown code is a 400 naming it (a typo never exports nothing). */
  private async resolve(
    query: Query,
    table: 'clients' | 'billable_services',
    what: 'client' | 'service',
    codes: string[] | undefined,
  ): Promise<string[] | null> {
    if (!codes || codes.length === 0) return null;
    const wanted = [...new Set(codes.map((code) => code.toLowerCase()))];
    const { rows } = await query(resolveCodesSql(table), [wanted]);
    const found = new Set(rows.map((row) => row.code as string));
    const unknown = codes.filter((code) => !found.has(code.toLowerCase()));
    if (unknown.length > 0) {
      throw new InvalidInputError(
        `No ${what} with code ${unknown.map((code) => `"${code}"`).join(', ')} (codes are compared case-insensitively).`,
      );
    }
    return rows.map((row) => row.id as string);
  }
}

/**
 * The file, pulled by its reader: the next COPY chunk is read only once the previous lines are taken,
 * so a slow reader holds PostgreSQL back (TCP flow control) instead of filling memory. However it
 * ends (done, failed, or destroyed by a reader who went away), the connection is closed; ending it
 * mid-COPY destroys the socket and PostgreSQL rolls the transaction back.
 */
async function* exportLines(db: BoundedPgClient, sql: string): AsyncGenerator<string> {
  try {
    yield UTF8_BOM + csvLine([...ASSIGNMENT_COLUMNS]);
    const rows = new CopyTextRows();
    for await (const chunk of db.query(copyTo(sql)) as AsyncIterable<Buffer>) {
      const lines = rows.push(chunk);
      if (lines !== '') yield lines;
    }
    rows.end();
    await db.query('COMMIT');
  } finally {
    await db.end().catch(() => undefined);
  }
}
