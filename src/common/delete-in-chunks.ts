import type { DataSource } from 'typeorm';

const CHUNK = 5000;

/**
 * Deletes the rows of `table` whose `column` is `id` a few thousand at a time: an import may leave a
 * million of them, and one statement deleting them all could outlast the pool's statement_timeout
 * (DATABASE_STATEMENT_TIMEOUT_MS) and would hold its locks throughout. `table` and `column` are
 * names from the caller's code, never from input.
 */
export async function deleteInChunks(
  db: DataSource,
  table: string,
  column: string,
  id: string,
): Promise<void> {
  for (;;) {
    // TypeORM answers a DELETE on PostgreSQL with [rows, affected].
    const [, deleted] = await db.query<[unknown, number]>(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${column} = $1 LIMIT ${CHUNK}))`,
      [id],
    );
    if (deleted < CHUNK) return;
  }
}
