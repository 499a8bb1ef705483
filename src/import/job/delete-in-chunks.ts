import type { DataSource } from 'typeorm';

const CHUNK = 5000;

/**
 * Deletes a job's rows of `table` a few thousand at a time: an import may leave a million of them,
 * and one statement deleting them all could outlast the pool's statement_timeout
 * (DATABASE_STATEMENT_TIMEOUT_MS) and would hold its locks throughout.
 */
export async function deleteInChunks(
  db: DataSource,
  table: 'service_import_rows' | 'service_import_dry_pairs',
  jobId: string,
): Promise<void> {
  for (;;) {
    // TypeORM answers a DELETE on PostgreSQL with [rows, affected].
    const [, deleted] = await db.query<[unknown, number]>(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE job_id = $1 LIMIT ${CHUNK}))`,
      [jobId],
    );
    if (deleted < CHUNK) return;
  }
}
