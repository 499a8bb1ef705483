import { ImportMode } from '../import/rules/import-mode';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiClient, Job } from './api-client';
import type { CliOptions } from './args';
import { followImport } from './follow';
import { formatInt, table } from './format';
import { progressDisplay } from './progress-display';
import { jobDetails, reasonsTable, topReasons } from './summary';

export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

/** Exit codes of `upload`, `commit` and `retry`. */
export const EXIT_ALL_IMPORTED = 0;
export const EXIT_FAILED = 1;
export const EXIT_SOME_NOT_IMPORTED = 2;

export async function upload(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const file = resolve(options.target!);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new Error(`No such file: ${file}`);
  const outDir = await outFolder(options.out ?? dirname(file));

  const queued = await client.upload(file, options.dryRun, options.mode);
  io.err.write(
    `Uploaded ${basename(file)} (${formatInt(info.size)} bytes): import ${queued.code}${describe(queued)}\n`,
  );
  return followAndReport(
    client,
    queued,
    join(outDir, `${basename(file, extname(file))}-not-imported.csv`),
    io,
  );
}

/** `commit <code>`: the real run of a Completed dry run, followed as an upload is. */
export async function commit(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const outDir = await outFolder(options.out ?? '.');
  const queued = await client.commit(options.target!);
  io.err.write(`Committing dry run ${options.target}: import ${queued.code}${describe(queued)}\n`);
  return followAndReport(client, queued, reportIn(outDir, queued), io);
}

/** `retry <code>`: the rows an import did not import, imported again and followed as an upload is. */
export async function retry(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const outDir = await outFolder(options.out ?? '.');
  const queued = await client.retry(options.target!, {
    outcome: options.outcome,
    reason: options.reason,
    dryRun: options.dryRun,
  });
  const picked = [options.outcome, options.reason].filter(Boolean).join(' ');
  io.err.write(
    `Retrying the ${picked ? `${picked} ` : ''}rows not imported of import ${options.target}: import ${queued.code}` +
      `${describe(queued)}\n`,
  );
  return followAndReport(client, queued, reportIn(outDir, queued), io);
}

/** `revert <code>`: the undo of an import, followed as an upload is; its report lists what it kept. */
export async function revert(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const outDir = await outFolder(options.out ?? '.');
  const queued = await client.revert(options.target!, options.dryRun);
  io.err.write(
    `Reverting import ${options.target}: revert ${queued.code}${queued.dryRun ? ' (dry run)' : ''}\n`,
  );
  return followAndReport(client, queued, reportIn(outDir, queued), io);
}

async function outFolder(path: string): Promise<string> {
  const outDir = resolve(path);
  const outInfo = await stat(outDir).catch(() => null);
  if (!outInfo?.isDirectory()) throw new Error(`--out must be an existing folder: ${outDir}`);
  return outDir;
}

/** A derived import's report: named after the file and the new import, so no run overwrites another's. */
function reportIn(outDir: string, job: Job): string {
  const name = basename(job.fileName, extname(job.fileName)) || 'import';
  return join(outDir, `${name}-${job.code}-not-imported.csv`);
}

function describe(job: Job): string {
  const notes = [
    job.mode !== ImportMode.Create ? `mode ${job.mode}` : '',
    job.dryRun ? 'dry run' : '',
  ].filter(Boolean);
  return notes.length > 0 ? ` (${notes.join(', ')})` : '';
}

/** Follows the import with a progress display, prints the summary, and saves the report if there is one. */
async function followAndReport(client: ApiClient, queued: Job, report: string, io: Io): Promise<number> {
  const display = progressDisplay(io.err);
  const interrupt = () => {
    display.stop();
    io.err.write(
      `\nStopped following. The import goes on; see it with: service-import status ${queued.code}\n`,
    );
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  let job: Job;
  try {
    job = await followImport(client, queued.code, {
      onUpdate: (j) => display.update(j),
      onFallback: (why) => {
        display.stop();
        io.err.write(`Live events unavailable (${why}); polling every second.\n`);
      },
    });
  } finally {
    display.stop();
    process.removeListener('SIGINT', interrupt);
  }

  io.out.write(`\nImport ${job.code}: ${job.status}${job.dryRun ? ' (dry run)' : ''}\n`);
  io.out.write(jobDetails({ ...job, notImportedDownloadUrl: null }));
  if (job.status !== 'Completed') return EXIT_FAILED;
  if (job.skippedCount + job.errorCount === 0) return EXIT_ALL_IMPORTED;

  io.out.write('\n' + reasonsTable(await topReasons(client, job)));
  await client.downloadReport(job.code, report);
  io.out.write(`\nRows not imported: ${report}\n`);
  return EXIT_SOME_NOT_IMPORTED;
}

export async function status(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const job = await client.get(options.target!);
  io.out.write(`Import ${job.code}\n${jobDetails(job)}`);
  return 0;
}

export async function cancel(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const job = await client.cancel(options.target!);
  io.out.write(`Import ${job.code}: ${job.status}\n${jobDetails(job)}`);
  return 0;
}

export async function list(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const page = await client.list({ status: options.status, page: options.page, limit: options.limit });
  if (page.items.length === 0) {
    io.out.write(
      page.total === 0 ? 'No imports.\n' : `No imports on page ${page.page} (${page.total} in all).\n`,
    );
    return 0;
  }
  io.out.write(
    table(
      [
        'Code',
        'Status',
        'Mode',
        'File',
        'Rows',
        'Created',
        'Updated',
        'Unchanged',
        'Skipped',
        'Errors',
        'Created at',
      ],
      page.items.map((j) => [
        j.code,
        j.dryRun ? `${j.status} (dry run)` : j.status,
        j.mode,
        j.fileName,
        `${formatInt(j.processedItems)}/${j.totalItems === null ? '?' : formatInt(j.totalItems)}`,
        formatInt(j.createdCount),
        formatInt(j.updatedCount),
        formatInt(j.unchangedCount),
        formatInt(j.skippedCount),
        formatInt(j.errorCount),
        j.createdDate,
      ]),
      [4, 5, 6, 7, 8, 9],
    ),
  );
  const first = (page.page - 1) * page.limit + 1;
  io.out.write(`${first}-${first + page.items.length - 1} of ${page.total}\n`);
  return 0;
}

// `export` is a reserved word: the command's function has another name, exported under the command's.
export { exportAssignments as export } from './export';
