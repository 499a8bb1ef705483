import { Client } from 'pg';
import { AssignmentBulkService } from '../src/clients/assignment-bulk.service';
import { ImportMetrics } from '../src/import/job/import-metrics';
import { mapColumns } from '../src/import/rules/columns';
import { BatchPipeline } from '../src/import/worker/engine/batch-pipeline';
import { BatchJob, BatchWriter } from '../src/import/worker/engine/batch-writer';
import { BatchBuilder } from '../src/import/worker/parse/batch-builder';
import type { ParsedBatch } from '../src/import/worker/parse/parsed-batch';
import { fetchReport, seedCatalog, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

// Two batches of one import in the database at once (leader and follower), against a real
// PostgreSQL: commit order, and a real deadlock with another transaction, which the pipeline
// resolves by sending the batches again one at a time.

const HEADER = ['client_code', 'service_code'];

describe('BatchPipeline with PostgreSQL', () => {
  let t: TestApp;
  let writer: BatchWriter;
  const open: Client[] = [];

  const connect = async (settings = ''): Promise<Client> => {
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    if (settings) await db.query(settings);
    open.push(db);
    return db;
  };

  /** One parse session's consecutive batches (so pairs of the batch before are marked, as in an import). */
  const batches = (...files: string[][][]): ParsedBatch[] => {
    const builder = new BatchBuilder(mapColumns(HEADER).columns, HEADER.length, {
      decimalComma: false,
      clearable: false,
    });
    let rowNumber = 1;
    return files.map((rows) => {
      for (const fields of rows) builder.add({ rowNumber: rowNumber++, fields });
      return builder.take();
    });
  };

  /** The job's not-imported rows, in file order. */
  const notImported = (jobId: string): Promise<{ row_number: number; reason: string }[]> =>
    t.dataSource.query(
      `SELECT row_number, reason FROM service_import_rows WHERE job_id = $1 ORDER BY row_number`,
      [jobId],
    );

  const newJob = async (): Promise<BatchJob> => {
    const [row] = await t.dataSource.query(
      `INSERT INTO service_import_jobs (code, status, file_name, upload_key, file_size, file_sha256, encoding,
                                        delimiter, header, lease, started_at)
       VALUES (gen_random_uuid()::text, 'InProgress', 'f.csv', 'k', 1, 'x', 'utf-8', ',', $1, 1, now())
       RETURNING id, code`,
      [HEADER],
    );
    return { id: row.id, code: row.code, lease: 1, checkpoint: 0, dryRun: false, mode: 'create' };
  };

  /** The engine's pipeline over our own connections: batches of `job` from its first row. */
  const pipelineOn = (dbs: Client[], job: Awaited<ReturnType<typeof newJob>>) =>
    new BatchPipeline(dbs.length, 0, (i, checkpoint, batch, order) =>
      writer.commit(dbs[i], { ...job, checkpoint }, batch, order),
    );

  const jobCounters = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT processed_items, created_count, skipped_count FROM service_import_jobs WHERE id = $1`,
        [id],
      )
    )[0];

  const assigned = async (importJobId: string): Promise<string[]> =>
    (
      await t.dataSource.query(
        `SELECT c.code || '/' || b.code AS pair FROM client_billable_services x
           JOIN clients c ON c.id = x.client_id JOIN billable_services b ON b.id = x.billable_service_id
          WHERE x.import_job_id = $1 ORDER BY 1`,
        [importJobId],
      )
    ).map((r: { pair: string }) => r.pair);

  /** Resolves once `count` of our sessions wait for a lock. */
  const waitForLockWaits = async (count: number): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row.n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`fewer than ${count} sessions waited for a lock`);
  };

  beforeAll(async () => {
    // An API process runs no imports (no ImportWorkerModule): the writer is built from what it has.
    t = await createTestApp({ APP_ROLE: 'api' });
    writer = new BatchWriter(t.app.get(AssignmentBulkService), t.app.get(ImportMetrics));
    await seedCatalog(t.dataSource, ['A', 'B', 'C', 'D'], [['S', '1.00']]);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.end().catch(() => undefined)));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('commits a follower after its leader, the earlier row of a pair winning across the two', async () => {
    const job = await newJob();
    const dbs = [await connect(), await connect()];
    const pipeline = pipelineOn(dbs, job);
    const [first, second] = batches(
      [
        ['A', 'S'],
        ['B', 'S'],
      ],
      [
        ['b', 's'],
        ['C', 'S'],
      ],
    );
    expect(await pipeline.push(first)).toBeUndefined();
    expect(await pipeline.push(second)).toBeUndefined();
    expect(await pipeline.drain()).toBeUndefined();
    expect(await jobCounters(job.id)).toEqual({ processed_items: 4, created_count: 3, skipped_count: 1 });
    expect(await assigned(job.id)).toEqual(['A/S', 'B/S', 'C/S']);
    expect(await notImported(job.id)).toEqual([{ row_number: 3, reason: 'ALREADY_ASSIGNED' }]);
  });

  it('resolves a repeated pair once the batch before has committed, as one batch at a time would', async () => {
    const job = await newJob();
    const dbs = [await connect(), await connect()];
    const pipeline = pipelineOn(dbs, job);
    const [first, second] = batches([['LATE', 'S']], [['LATE', 'S']]);
    expect(await pipeline.push(first)).toBeUndefined();
    expect(await pipeline.drain()).toBeUndefined();
    // The client arrives between the two batches: row 2 is the pair's first chance to be created.
    await seedCatalog(t.dataSource, ['LATE'], []);
    expect(await pipeline.push(second)).toBeUndefined();
    expect(await pipeline.drain()).toBeUndefined();
    expect(await assigned(job.id)).toEqual(['LATE/S']);
    expect(await notImported(job.id)).toEqual([{ row_number: 1, reason: 'CLIENT_NOT_FOUND' }]);
  });

  it('lets the next batch go when a batch fails before it could take the job lock', async () => {
    const job = await newJob();
    const broken = new Client({ connectionString: t.databaseUrl });
    await broken.connect();
    await broken.end();
    let locked = false;
    const order = { lockFirst: true, predecessorLocked: Promise.resolve(), onLocked: () => (locked = true) };
    const [batch] = batches([['A', 'S']]);
    await expect(writer.commit(broken, job, batch, order)).rejects.toThrow();
    expect(locked).toBe(true);
  });

  it('resolves a deadlock with another import’s transaction by sending the batches again one at a time', async () => {
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    const job = await newJob();
    // PostgreSQL looks for a deadlock once per wait, after deadlock_timeout: our sessions after 2 s
    // (the cycle is closed well before), the other one only after a minute. So PostgreSQL ends one
    // of ours, the case the pipeline must handle.
    const dbs = [await connect(`SET deadlock_timeout = '2s'`), await connect(`SET deadlock_timeout = '2s'`)];
    const other = await connect(`SET deadlock_timeout = '60s'`);
    const pipeline = pipelineOn(dbs, job);
    const [leader, follower] = batches([['D', 'S']], [['C', 'S']]);

    // The other transaction holds D/S; our leader waits for it, with the job row locked. Our follower
    // inserts C/S and waits for the job row. The other transaction then wants C/S: a cycle.
    await other.query('BEGIN');
    await other.query(
      `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price)
       SELECT c.id, b.id, 1, 1 FROM clients c, billable_services b WHERE c.code = 'D' AND b.code = 'S'`,
    );
    await pipeline.push(leader);
    await pipeline.push(follower);
    await waitForLockWaits(2);
    const otherWants = other.query(
      `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price)
       SELECT c.id, b.id, 1, 1 FROM clients c, billable_services b WHERE c.code = 'C' AND b.code = 'S'`,
    );
    // PostgreSQL ends one of our batches; the follower then gives C/S up, the other transaction gets
    // it and commits, and our batches, sent again, find both pairs assigned.
    await otherWants;
    await other.query('COMMIT');
    expect(await pipeline.drain()).toBeUndefined();
    expect(pipeline.deadlocks).toBe(1);
    expect(await jobCounters(job.id)).toEqual({ processed_items: 2, created_count: 0, skipped_count: 2 });
    expect(await notImported(job.id)).toEqual([
      { row_number: 1, reason: 'ALREADY_ASSIGNED' },
      { row_number: 2, reason: 'ALREADY_ASSIGNED' },
    ]);
  });
});

/**
 * A file whose pairs repeat at every distance, so repeats fall in the same batch, the batch before
 * and batches further back, plus unknown clients and a pair assigned before the import.
 */
function repeatingFile(): { csv: string; firstRowOfPair: Map<string, number> } {
  const lines = ['clientCode,serviceCode,quantity,notes'];
  const firstRowOfPair = new Map<string, number>();
  let seed = 7;
  for (let row = 1; row <= 120; row++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const client = row % 17 === 0 ? 'NOBODY' : `R${seed % 5}`;
    const service = `T${(seed >> 8) % 4}`;
    const pair = `${client}/${service}`;
    if (client !== 'NOBODY' && pair !== 'R0/T0' && !firstRowOfPair.has(pair)) firstRowOfPair.set(pair, row);
    // Codes match case-insensitively: every other row spells its client in lower case.
    lines.push(`${row % 2 ? client : client.toLowerCase()},${service},1,row ${row}`);
  }
  return { csv: lines.join('\n') + '\n', firstRowOfPair };
}

describe('ImportEngine with one and with two connections', () => {
  const file = repeatingFile();

  async function importWith(connections: string) {
    const t = await createTestApp({ IMPORT_BATCH_SIZE: '3', IMPORT_DB_CONNECTIONS: connections });
    try {
      await seedCatalog(
        t.dataSource,
        ['R0', 'R1', 'R2', 'R3', 'R4'],
        ['T0', 'T1', 'T2', 'T3'].map((s): [string, string] => [s, '2.00']),
      );
      await t.dataSource.query(
        `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price)
         SELECT c.id, b.id, 1, 1 FROM clients c, billable_services b WHERE c.code = 'R0' AND b.code = 'T0'`,
      );
      const job = await uploadAndWait(t.app, file.csv, 'repeats.csv');
      const records = await t.dataSource.query(
        `SELECT c.code || '/' || b.code AS pair, x.notes FROM client_billable_services x
           JOIN clients c ON c.id = x.client_id JOIN billable_services b ON b.id = x.billable_service_id
          WHERE x.import_job_id IS NOT NULL ORDER BY 1`,
      );
      const report = (await fetchReport(job.notImportedDownloadUrl as string)).text;
      return { job, records, report };
    } finally {
      await t.close();
    }
  }

  it('creates each pair from its first row in the file and writes the same report either way', async () => {
    const two = await importWith('2');
    const one = await importWith('1');
    const expected = [...file.firstRowOfPair].sort().map(([pair, row]) => ({ pair, notes: `row ${row}` }));
    expect(two.records).toEqual(expected);
    expect(one.records).toEqual(expected);
    const counters = (j: typeof one.job) => [
      j.status,
      j.processedItems,
      j.createdCount,
      j.skippedCount,
      j.errorCount,
    ];
    expect(counters(two.job)).toEqual(['Completed', 120, expected.length, 120 - expected.length, 0]);
    expect(counters(one.job)).toEqual(counters(two.job));
    expect(two.report).toBe(one.report);
  });
});
