/** One measured import and its baseline, turned into the figures the report prints. */
import { cpus, loadavg, totalmem } from 'node:os';
import type { Pool } from 'pg';
import type { Outcomes } from './counters';
import * as db from './database';
import type { Dataset } from './dataset';
import type { StreamStats } from './event-streams';
import { Accepted, PollResult, progressGaps } from './import-client';
import type { BenchOptions } from './options';
import type { PollerStats } from './pollers';
import { BenchSummary, SseSummary, mb } from './report';
import type { RssSampler } from './service-process';
import type { UpsertBaseline } from './upsert-baseline';

export interface ImportMeasure {
  loadAtUpload: number;
  accepted: Accepted;
  poll: PollResult;
  pollers: PollerStats | null;
  rssAtStart: number;
  rssSampled: ReturnType<RssSampler['stop']>;
  rssPeak: number;
  /** CPU seconds the service used from the upload to the end of the job. */
  serviceCpuSeconds: number;
  streams: StreamStats | null;
}

/** What the import is compared with: COPY of the created rows (create), or COPY plus UPDATE ... FROM. */
export type Baseline =
  { kind: 'copy'; rows: number; seconds: number } | { kind: 'upsert'; result: UpsertBaseline };

export interface SummaryInput {
  opts: BenchOptions;
  pool: Pool;
  data: Dataset;
  outcomes: Outcomes;
  measured: ImportMeasure;
  baseline: Baseline;
  seededWith: string;
  problems: string[];
}

export async function summarize(input: SummaryInput): Promise<BenchSummary> {
  const { opts, data, measured: m, baseline } = input;
  const job = m.poll.job;
  const importSeconds = serverSideSeconds(m.accepted, m.poll) ?? m.poll.observedSeconds;
  const started = job.startedDate ? Date.parse(job.startedDate) : NaN;
  const copy = baseline.kind === 'copy' ? { rows: baseline.rows, seconds: baseline.seconds } : null;
  const upsert = baseline.kind === 'upsert' ? baseline.result : null;
  return {
    ok: false,
    problems: input.problems,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      postgres: await db.serverVersion(input.pool),
    },
    loadAverage: { atUpload: m.loadAtUpload, atEnd: loadavg()[0] },
    mode: opts.mode,
    existing: opts.existing,
    rows: data.expected.rows,
    fileBytes: data.bytes,
    seed: opts.seed,
    batchSize: opts.batchSize ?? null,
    seededWith: input.seededWith,
    expected: data.expected,
    outcomes: input.outcomes,
    job: {
      code: job.code,
      status: job.status,
      createdCount: job.createdCount,
      updatedCount: job.updatedCount,
      unchangedCount: job.unchangedCount,
      skippedCount: job.skippedCount,
      errorCount: job.errorCount,
    },
    uploadSeconds: m.accepted.uploadSeconds,
    queueSeconds: Number.isNaN(started) ? null : Math.max(0, (started - m.accepted.acceptedWallMs) / 1000),
    importSeconds,
    importSecondsObserved: m.poll.observedSeconds,
    rowsPerSecond: data.expected.rows / importSeconds,
    serviceCpuSeconds: m.serviceCpuSeconds,
    createdPerSecond: job.createdCount / importSeconds,
    copy: copy && { ...copy, rowsPerSecond: copy.rows / copy.seconds },
    copyToImportRatio: copy && copy.seconds / importSeconds,
    upsertBaseline: upsert && { ...upsert, toImportRatio: upsert.seconds / importSeconds },
    rssMb: {
      atStart: mb(m.rssAtStart),
      sampledMax: mb(m.rssSampled.max),
      peak: mb(m.rssPeak),
      samples: m.rssSampled.count,
    },
    pollers: m.pollers,
    progress: progressGaps(m.poll.samples, m.poll.observedSeconds),
    naive: null,
    sse: null,
  };
}

/** The second run (streams open) against the first: import time and poll latency, and their ratios. */
export function compareStreams(
  summary: BenchSummary,
  without: ImportMeasure,
  withStreams: ImportMeasure,
): SseSummary {
  const seconds =
    serverSideSeconds(withStreams.accepted, withStreams.poll) ?? withStreams.poll.observedSeconds;
  return {
    streams: withStreams.streams as StreamStats,
    importSeconds: { without: summary.importSeconds, with: seconds, ratio: seconds / summary.importSeconds },
    serviceCpuSeconds: { without: without.serviceCpuSeconds, with: withStreams.serviceCpuSeconds },
    poll: { without: without.pollers, with: withStreams.pollers },
  };
}

/**
 * The job's completedDate on the same machine's clock is more precise than the 250 ms poll; it is
 * used when it is plausible (after the 202, not after the poll that saw it).
 */
function serverSideSeconds(accepted: Accepted, poll: PollResult): number | null {
  const completed = poll.job.completedDate ? Date.parse(poll.job.completedDate) : NaN;
  const seconds = (completed - accepted.acceptedWallMs) / 1000;
  return Number.isFinite(seconds) && seconds > 0 && seconds <= poll.observedSeconds ? seconds : null;
}
