/**
 * End-to-end benchmark of the import, against PostgreSQL's own COPY in the same run:
 *
 *   npm run bench -- --rows 1000000
 *   npm run bench -- --rows 200000 --engine naive --naive-rows 20000
 *   npm run bench -- --rows 1000000 --mode upsert --existing 0.5
 *   npm run bench -- --rows 1000000 --revert          (then reverts the import: DELETE / revert ratio)
 *
 * Creates a throwaway database, builds dist/ when it is older than src/, starts `node dist/main.js`
 * (APP_ROLE=all), seeds the catalog, generates the CSV, uploads it over HTTP, follows the job to its
 * end while 20 pollers hammer GET /{code}, checks the counters, then times COPY of the created rows
 * into the emptied table (upsert and update: COPY plus one UPDATE ... FROM, see upsert-baseline.ts).
 * Exits non-zero only on a broken run (never because it is slow), and always cleans up. Progress
 * goes to stderr; the table and a final JSON line go to stdout. `--help` lists the options.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { BrokenRun } from './broken-run';
import { Cleanup } from './cleanup';
import * as db from './database';
import { Outcomes, checkCounters, checkTableCount, expectedOutcomes, pairsBefore } from './counters';
import { Dataset, generateCsv } from './dataset';
import { Api, PollResult, pollUntilDone, upload } from './import-client';
import { runNaiveImport } from './naive-importer';
import { BenchOptions, USAGE, UsageError, parseOptions } from './options';
import { holdImportQueue, openEventStreams } from './event-streams';
import { startPollers } from './pollers';
import { PRE_ASSIGNED_VALUES, Pair } from './pre-assigned';
import { BenchSummary, NaiveSummary, formatHeadline, formatTable, mb } from './report';
import { RssSampler, ServiceProcess, ensureBuild } from './service-process';
import { Baseline, ImportMeasure, compareStreams, summarize } from './summary';
import { measureUpsertBaseline } from './upsert-baseline';
import { measureRevert, tableFingerprint } from './revert-measure';

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/** What the measuring steps share. */
interface Run {
  opts: BenchOptions;
  tmp: string;
  dbUrl: string;
  pool: Pool;
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error([error.message, USAGE].filter(Boolean).join('\n'));
    process.exitCode = error.message ? 2 : 0;
    return;
  }
  const cleanup = new Cleanup(log);
  cleanup.exitOnSignals();
  try {
    const summary = await benchmark(opts, cleanup);
    console.log(formatHeadline(summary));
    console.log(formatTable(summary));
    for (const problem of summary.problems) console.log(`BROKEN: ${problem}`);
    console.log(JSON.stringify(summary));
    process.exitCode = summary.ok ? 0 : 1;
  } catch (error) {
    if (cleanup.interrupted) return;
    log(`broken run: ${error instanceof BrokenRun ? error.message : ((error as Error).stack ?? error)}`);
    process.exitCode = 1;
  } finally {
    await cleanup.run();
  }
}

async function benchmark(opts: BenchOptions, cleanup: Cleanup): Promise<BenchSummary> {
  ensureBuild(opts.build, log);
  const tmp = mkdtempSync(join(tmpdir(), 'service-import-bench-'));
  cleanup.add('remove temp files', () => rmSync(tmp, { recursive: true, force: true }));

  const dbName = await db.createBenchDatabase(opts.pg);
  const dbUrl = db.databaseUrl(opts.pg, dbName);
  log(`database ${dbName}${opts.keep ? ` (kept: --keep): ${dbUrl}` : ''}`);
  if (!opts.keep) cleanup.add('drop the database', () => db.dropDatabase(opts.pg, dbName));

  log(`generating ${opts.rows} rows (seed ${opts.seed})`);
  const csv = join(tmp, `bench-${opts.rows}.csv`);
  const data = await generateCsv(csv, opts.rows, opts.seed, opts.naiveRows, opts.existing);
  log(`CSV: ${mb(data.bytes)} MB, expected ${JSON.stringify(data.expected)}`);

  const { service, api } = await startService(opts, cleanup, tmp, dbUrl, data.bytes);
  const pool = new Pool({ connectionString: dbUrl, max: 2 });
  cleanup.add('close the pool', () => pool.end());
  const run: Run = { opts, tmp, dbUrl, pool };

  const seededWith = await db.seedCatalog(dbUrl, pool);
  const outcomes = expectedOutcomes(opts.mode, data, await db.catalogCents(pool));
  const before = pairsBefore(opts.mode, data);
  await db.resetAssignments(pool, before);
  log(`seeded with ${seededWith}; ${before.length} pairs pre-assigned (${PRE_ASSIGNED_VALUES})`);
  log(`--mode ${opts.mode}: expected ${JSON.stringify(outcomes)}`);
  const beforeImport = opts.revert ? await tableFingerprint(pool) : null; // every reset gives the same table

  const measured = await measureImport(run, service, api, data);
  const problems = checkCounters(measured.poll.job, outcomes);
  let last = measured;
  let { importJobId, inTable } = await checkTable(pool, last, outcomes, problems);
  if (opts.sse > 0) {
    // The same import from the same starting table, with the streams open this time.
    await db.resetAssignments(pool, before);
    last = await measureImport(run, service, api, data, opts.sse);
    problems.push(...checkCounters(last.poll.job, outcomes).map((p) => `with streams: ${p}`));
    ({ importJobId, inTable } = await checkTable(pool, last, outcomes, problems));
  }
  const reverted = opts.revert
    ? await measureRevert(
        { pool, mode: opts.mode, log, beforeImport: beforeImport! },
        api,
        last.poll.job.code,
        importJobId,
        problems,
      )
    : null;
  await service.stop(); // nothing else may compete with the baseline for the CPU

  const baseline = await measureBaseline(run, last, { importJobId, inTable }, before, problems);

  const summary = await summarize({ opts, pool, data, outcomes, measured, baseline, seededWith, problems });
  if (last !== measured) summary.sse = compareStreams(summary, measured, last);
  if (reverted) summary.revert = reverted;
  if (opts.engine === 'naive') summary.naive = await measureNaive(run, data, summary.rowsPerSecond, problems);
  summary.ok = problems.length === 0;
  return summary;
}

async function startService(
  opts: BenchOptions,
  cleanup: Cleanup,
  tmp: string,
  dbUrl: string,
  fileBytes: number,
): Promise<{ service: ServiceProcess; api: Api & { queuePrefix: string } }> {
  const port = opts.port || (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const queuePrefix = `bench-${randomBytes(4).toString('hex')}`;
  // With a key, as in production: the guard's cost is part of every poll.
  const apiKey = randomBytes(24).toString('hex');
  cleanup.add('delete the Redis keys', () => deleteRedisKeys(opts.redis, queuePrefix));
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    // The benchmark's client sends no API key; production refuses an open API unless told so.
    ALLOW_ANONYMOUS: 'true',
    DOWNLOAD_SIGNING_SECRET: randomBytes(32).toString('hex'),
    API_KEYS: `bench:${apiKey}`,
    APP_ROLE: 'all',
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: dbUrl,
    REDIS_URL: opts.redis,
    QUEUE_PREFIX: queuePrefix,
    STORAGE_DRIVER: 'local',
    STORAGE_LOCAL_DIR: join(tmp, 'storage'),
    // Never let the service's upload limits be what the benchmark measures.
    IMPORT_MAX_FILE_BYTES: String(Math.max(100 * 1024 * 1024, 2 * fileBytes)),
    IMPORT_MAX_ROWS: String(Math.max(1_000_000, opts.rows)),
  };
  if (opts.batchSize) env.IMPORT_BATCH_SIZE = String(opts.batchSize);
  if (opts.sse > 0) env.SSE_MAX_STREAMS_PER_KEY = String(opts.sse + 10);
  Object.assign(env, opts.childEnv);
  log(
    `starting node ${[...opts.childNodeArgs, 'dist/main.js'].join(' ')} on port ${port}, QUEUE_PREFIX=${queuePrefix}`,
  );
  const logFile = join(tmp, 'service.log');
  const service = ServiceProcess.start({
    port,
    env,
    nodeArgs: opts.childNodeArgs,
    logFile,
    verbose: opts.verbose,
  });
  cleanup.add('stop the service', () => service.stop());
  try {
    await service.waitForHealth(baseUrl, 90_000);
  } catch (error) {
    throw new BrokenRun(
      `${(error as Error).message}\n--- last lines of the service ---\n${service.lastLines()}`,
    );
  }
  return { service, api: { baseUrl, headers: { 'X-API-Key': apiKey }, queuePrefix } };
}

/** Upload, then follow the job while the pollers (and `streams` event streams) run and memory is sampled. */
async function measureImport(
  run: Run,
  service: ServiceProcess,
  api: Api & { queuePrefix: string },
  data: Dataset,
  streams = 0,
): Promise<ImportMeasure> {
  const loadAtUpload = loadavg()[0];
  const rssAtStart = service.currentRss();
  let cpuAtStart = service.cpuSeconds();
  const sampler = new RssSampler(service);
  // With streams, the queue is held until they are all open: they are open before the import starts.
  const held = streams > 0 ? await holdImportQueue(run.opts.redis, api.queuePrefix) : null;
  log(`uploading ${mb(data.bytes)} MB`);
  let accepted = await upload(api, data.path, run.opts.mode).catch(async (error: Error) => {
    sampler.stop();
    await held?.release();
    throw new BrokenRun(`${error.message}\n--- last lines of the service ---\n${service.lastLines()}`);
  });
  log(`202 after ${accepted.uploadSeconds.toFixed(2)} s: job ${accepted.job.code}; importing`);
  const jobUrl = `${api.baseUrl}/api/service-imports/${encodeURIComponent(accepted.job.code)}`;
  const eventStreams = streams > 0 ? openEventStreams(`${jobUrl}/events`, api.headers, streams) : null;
  if (eventStreams && held) {
    log(`opening ${streams} event streams on the Queued import`);
    await eventStreams.opened;
    await held.release();
    // The import's clock starts when the queue lets it go.
    accepted = { ...accepted, acceptedAt: performance.now(), acceptedWallMs: Date.now() };
    cpuAtStart = service.cpuSeconds();
    log('streams open; the queue is released');
  }
  const pollers =
    run.opts.pollers > 0 ? startPollers(jobUrl, api.headers, run.opts.pollers, run.opts.pollRate) : null;
  let poll: PollResult | null = null;
  let failure: Error | null = null;
  try {
    poll = await pollUntilDone(api, accepted);
  } catch (error) {
    failure = error as Error;
  }
  const pollerStats = pollers ? await pollers.stop() : null;
  const streamStats = eventStreams ? await eventStreams.stop(30_000) : null;
  if (streamStats) log(`event streams: ${JSON.stringify(streamStats)}`);
  const rssSampled = sampler.stop();
  if (!poll) {
    throw new BrokenRun(`${failure?.message}\n--- last lines of the service ---\n${service.lastLines()}`);
  }
  const rssPeak = service.peakRss();
  const serviceCpuSeconds = service.cpuSeconds() - cpuAtStart;
  if (poll.job.status !== 'Completed') {
    throw new BrokenRun(
      `the job ended ${poll.job.status}: ${poll.job.failureReason ?? '(no reason given)'}\n` +
        `--- last lines of the service ---\n${service.lastLines()}`,
    );
  }
  log(`Completed (seen after ${poll.observedSeconds.toFixed(2)} s)`);
  return {
    loadAtUpload,
    accepted,
    poll,
    pollers: pollerStats,
    rssAtStart,
    rssSampled,
    rssPeak,
    serviceCpuSeconds,
    streams: streamStats,
  };
}

/** The assignments that name the import (created or changed by it), against the mode's expectation. */
async function checkTable(
  pool: Pool,
  m: ImportMeasure,
  outcomes: Outcomes,
  problems: string[],
): Promise<{ importJobId: string; inTable: number }> {
  const importJobId = await db.jobId(pool, m.poll.job.code);
  const inTable = await db.countImported(pool, importJobId);
  checkTableCount(inTable, outcomes, problems);
  return { importJobId, inTable };
}

/** With the service stopped: COPY of the created rows (create), or COPY plus UPDATE ... FROM. */
async function measureBaseline(
  run: Run,
  last: ImportMeasure,
  imported: { importJobId: string; inTable: number },
  before: Pair[],
  problems: string[],
): Promise<Baseline> {
  const { importJobId, inTable } = imported;
  if (run.opts.mode === 'create') {
    const copy = await measureCopy(run, importJobId);
    if (copy.rows !== inTable) problems.push(`COPY loaded ${copy.rows} rows, the import created ${inTable}`);
    return { kind: 'copy', ...copy };
  }
  const { dbUrl: url, pool, tmp, opts } = run;
  const upsertRun = { url, pool, tmp, mode: opts.mode, importJobId, preAssigned: before, log };
  return { kind: 'upsert', result: await measureUpsertBaseline(upsertRun, last.poll.job, problems) };
}

/**
 * The floor: COPY of exactly the rows the import created, into the same table emptied (unique index,
 * foreign keys and other indexes in place), from a file saved just before.
 */
async function measureCopy(run: Run, importJobId: string): Promise<{ rows: number; seconds: number }> {
  const file = join(run.tmp, 'created-rows.copy');
  const exported = await db.exportImportedRows(run.dbUrl, importJobId, file);
  await db.truncateAssignments(run.pool);
  await db.checkpoint(run.pool);
  log(`COPY of ${exported} rows into the emptied table`);
  const copy = await db.timeCopy(run.dbUrl, file);
  log(`COPY took ${copy.seconds.toFixed(2)} s`);
  return copy;
}

/** The row-by-row baseline on the same file, from the same starting table. */
async function measureNaive(
  run: Run,
  data: Dataset,
  serviceRowsPerSecond: number,
  problems: string[],
): Promise<NaiveSummary> {
  await db.resetAssignments(run.pool, data.existingPairs);
  log(`naive engine: ${run.opts.naiveRows} rows, four round trips each`);
  const pool = new Pool({ connectionString: run.dbUrl, max: 1 });
  try {
    const result = await runNaiveImport(pool, data.path, run.opts.naiveRows);
    const want = data.prefix;
    const got = {
      rows: result.rows,
      created: result.created,
      skipped: result.skipped,
      errors: result.errors,
    };
    const expected = {
      rows: want.rows,
      created: want.created,
      skipped: want.unknownClient + want.alreadyAssigned,
      errors: want.invalid,
    };
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      problems.push(`naive engine counted ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    }
    const rowsPerSecond = result.rows / result.seconds;
    log(`naive engine took ${result.seconds.toFixed(1)} s`);
    return {
      rows: result.rows,
      seconds: result.seconds,
      rowsPerSecond,
      extrapolated: result.rows < data.expected.rows,
      fullFileSecondsEstimate: data.expected.rows / rowsPerSecond,
      serviceSpeedup: serviceRowsPerSecond / rowsPerSecond,
    };
  } finally {
    await pool.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Bull's keys for this run's queue prefix; each run uses its own, so nothing else is touched. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<
      string[]
    >) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

void main();
