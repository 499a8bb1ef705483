import type { RevertSummary } from './revert-measure';
/** The benchmark's output: a table for people, one JSON line for machines. */
import type { Outcomes } from './counters';
import type { Expected } from './dataset';
import type { ProgressGaps } from './import-client';
import type { StreamStats } from './event-streams';
import type { BenchMode } from './options';
import type { PollerStats } from './pollers';
import type { UpsertBaseline } from './upsert-baseline';

export interface NaiveSummary {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** True when the naive engine ran on the first rows only and the full-file time is estimated. */
  extrapolated: boolean;
  fullFileSecondsEstimate: number;
  /** Service rows/s divided by naive rows/s. */
  serviceSpeedup: number;
}

export interface BenchSummary {
  ok: boolean;
  problems: string[];
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; postgres: string };
  /** 1-minute load average before the upload and at the end: other work on the machine skews the figures. */
  loadAverage: { atUpload: number; atEnd: number };
  mode: BenchMode;
  /** Upsert and update: the share of the file's new pairs assigned before the import (0 in create). */
  existing: number;
  rows: number;
  fileBytes: number;
  seed: number;
  batchSize: number | null;
  seededWith: string;
  /** What the generator wrote. */
  expected: Expected;
  /** What the counters had to be in this mode (they were checked exactly). */
  outcomes: Outcomes;
  job: {
    code: string;
    status: string;
    createdCount: number;
    updatedCount: number;
    unchangedCount: number;
    skippedCount: number;
    errorCount: number;
  };
  uploadSeconds: number;
  /** From the 202 to the job's startedDate: time spent in the queue. */
  queueSeconds: number | null;
  /** From the 202 to Completed (the job's completedDate, same clock). */
  importSeconds: number;
  /** From the 202 to the poll that saw Completed (±0.25 s). */
  importSecondsObserved: number;
  rowsPerSecond: number;
  createdPerSecond: number;
  /** CPU seconds of the service process (API + worker) from the upload to the end of the job. */
  serviceCpuSeconds: number;
  copy: { rows: number; seconds: number; rowsPerSecond: number } | null;
  /** COPY seconds / import seconds: 1 would be an import as fast as COPY. Create mode only. */
  copyToImportRatio: number | null;
  /** Upsert and update: COPY of the created rows plus one UPDATE ... FROM, and its seconds / import seconds. */
  upsertBaseline: (UpsertBaseline & { toImportRatio: number }) | null;
  rssMb: { atStart: number; sampledMax: number; peak: number; samples: number };
  pollers: PollerStats | null;
  progress: ProgressGaps;
  naive: NaiveSummary | null;
  /** --sse N: the same import again with N event streams open, against the run without them. */
  sse: SseSummary | null;
  /** --revert: the import's revert, and in create mode DELETE of the same rows. */
  revert?: RevertSummary | null;
}

export interface SseSummary {
  streams: StreamStats;
  importSeconds: { without: number; with: number; ratio: number };
  /** CPU seconds of the service process from the 202 (with streams: from the release) to the end. */
  serviceCpuSeconds: { without: number; with: number };
  poll: { without: PollerStats | null; with: PollerStats | null };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 2): string => n.toFixed(digits);
export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** A three-column Markdown table (metric, value, target) that reads well in a terminal and a README. */
export function formatTable(s: BenchSummary): string {
  const rows: [string, string, string][] = [];
  const revert = s.revert ? revertRows(s.revert) : [];
  const e = s.expected;
  rows.push([
    'rows',
    `${int(s.rows)} (${int(e.created)} new, ${int(e.unknownClient)} unknown client, ` +
      `${int(e.alreadyAssigned)} already assigned, ${int(e.invalid)} invalid)`,
    '',
  ]);
  if (s.mode !== 'create') rows.push(...modeRows(s));
  rows.push([
    'CSV upload',
    `${fixed(mb(s.fileBytes), 1)} MB in ${fixed(s.uploadSeconds)} s (until the 202)`,
    '',
  ]);
  rows.push([
    'import seconds (202 → Completed)',
    `${fixed(s.importSeconds)} s (queue wait ${s.queueSeconds === null ? '?' : fixed(s.queueSeconds)} s)`,
    '',
  ]);
  rows.push(['import rows/s', `${int(s.rowsPerSecond)} (created rows/s ${int(s.createdPerSecond)})`, '']);
  rows.push([
    'service CPU during the import',
    `${fixed(s.serviceCpuSeconds, 1)} s (${int((s.serviceCpuSeconds / s.importSeconds) * 100)}% of one core; ` +
      `pollers included)`,
    '',
  ]);
  if (s.copy) {
    rows.push(['COPY seconds (created rows)', `${fixed(s.copy.seconds)} s for ${int(s.copy.rows)} rows`, '']);
    rows.push(['COPY rows/s', int(s.copy.rowsPerSecond), '']);
  }
  if (s.copyToImportRatio !== null) {
    rows.push([
      'COPY time / import time',
      fixed(s.copyToImportRatio),
      verdict(s.copyToImportRatio >= 0.5, '≥ 0.5, aim 0.75'),
    ]);
  }
  if (s.upsertBaseline) rows.push(...upsertBaselineRows(s.upsertBaseline, s.importSeconds));
  rows.push([
    'peak RSS (VmHWM)',
    `${fixed(s.rssMb.peak, 1)} MB (sampled max ${fixed(s.rssMb.sampledMax, 1)}, before upload ${fixed(s.rssMb.atStart, 1)})`,
    verdict(s.rssMb.peak < 300, '< 300 MB'),
  ]);
  if (s.pollers) {
    const p = s.pollers;
    rows.push([
      `poll latency p50 / p99 / max`,
      `${p.p50} / ${p.p99} / ${p.max} ms (${p.connections} pollers${p.rate ? ` at ${p.rate}/s each` : ''}, ` +
        `${int(p.requests)} answered, ${p.non2xx} not 2xx, ${p.errors} failed` +
        `${
          p.errors > 0
            ? ` (${Object.entries(p.errorKinds)
                .map(([k, n]) => `${k} ×${n}`)
                .join(', ')})`
            : ''
        })`,
      verdict(p.p99 < 100, 'p99 < 100 ms'),
    ]);
  }
  rows.push([
    'max progress gap',
    `${fixed(s.progress.maxGapSeconds)} s ${s.progress.maxGapAt}; between batches ` +
      `${fixed(s.progress.maxGapWhileImportingSeconds)} s; ${s.progress.advances} advances`,
    verdict(s.progress.maxGapSeconds <= 2, '≤ 2 s'),
  ]);
  if (s.naive) {
    const n = s.naive;
    rows.push(['naive seconds', `${fixed(n.seconds)} s for ${int(n.rows)} rows`, '']);
    rows.push([
      'naive rows/s',
      `${int(n.rowsPerSecond)}` +
        (n.extrapolated
          ? ` (first ${int(n.rows)} rows only; ${int(s.rows)} rows extrapolated: ${int(n.fullFileSecondsEstimate)} s)`
          : ''),
      '',
    ]);
    rows.push(['service rows/s / naive rows/s', `${fixed(n.serviceSpeedup, 1)}×`, '']);
  }
  if (s.sse) rows.push(...sseRows(s.sse));
  return markdownTable(['metric', 'value', 'target'], [...rows, ...revert]);
}

/** Upsert and update: what was pre-assigned, and the outcomes the import counted. */
function modeRows(s: BenchSummary): [string, string, string][] {
  const o = s.outcomes;
  const j = s.job;
  const preAssigned = o.updated + o.unchanged;
  return [
    [
      `--mode ${s.mode} --existing ${s.existing}`,
      `${int(preAssigned)} rows' pairs assigned beforehand (${int(preAssigned - s.expected.alreadyAssigned)} of ` +
        `the new ones and the ${int(s.expected.alreadyAssigned)} already assigned)`,
      '',
    ],
    [
      'import outcomes',
      `${int(j.createdCount)} created, ${int(j.updatedCount)} updated, ${int(j.unchangedCount)} unchanged, ` +
        `${int(j.skippedCount)} skipped, ${int(j.errorCount)} errors`,
      '',
    ],
  ];
}

/** The DBA's baseline: its parts, its whole, and how it compares with the import. */
function upsertBaselineRows(b: UpsertBaseline & { toImportRatio: number }, importSeconds: number) {
  const rows: [string, string, string][] = [];
  if (b.copySeconds !== null) {
    rows.push([
      'baseline: COPY of the created rows',
      `${fixed(b.copySeconds)} s for ${int(b.created)} rows`,
      '',
    ]);
  }
  rows.push([
    'baseline: UPDATE … FROM a COPYed temp table',
    `${fixed(b.updateSeconds)} s for ${int(b.updated)} rows (temp table, COPY, ANALYZE, UPDATE, commit)`,
    '',
  ]);
  rows.push([
    'baseline seconds (one transaction)',
    `${fixed(b.seconds)} s; the import ${fixed(importSeconds)} s (its change log included)`,
    '',
  ]);
  rows.push([
    'baseline time / import time',
    fixed(b.toImportRatio),
    verdict(b.toImportRatio >= 0.6, 'aim ≥ 0.6 at 1M rows'),
  ]);
  return rows;
}

function sseRows(sse: SseSummary): [string, string, string][] {
  const st = sse.streams;
  const refused = Object.entries(st.refused).map(([k, n]) => `${k} ×${n}`);
  const t = sse.importSeconds;
  const poll = (p: PollerStats | null) => (p ? `${p.p50} / ${p.p99} / ${p.max} ms` : 'no pollers');
  const rows: [string, string, string][] = [
    [
      'event streams (second run)',
      `${int(st.opened)} of ${int(st.requested)} open within ${fixed(st.openSeconds)} s of the 202` +
        `${refused.length ? ` (refused: ${refused.join(', ')})` : ''}; ${int(st.events)} events, ` +
        `${int(st.ended)} ended`,
      '',
    ],
    [
      'import seconds without / with streams',
      `${fixed(t.without)} s / ${fixed(t.with)} s (${fixed(t.ratio)}×)`,
      verdict(t.ratio <= 1.2, '≤ 1.2×'),
    ],
    [
      'service CPU without / with streams',
      `${fixed(sse.serviceCpuSeconds.without, 1)} s / ${fixed(sse.serviceCpuSeconds.with, 1)} s ` +
        `(${fixed(sse.serviceCpuSeconds.with / sse.serviceCpuSeconds.without)}×; less sensitive to a busy machine)`,
      '',
    ],
  ];
  const p = sse.poll;
  rows.push([
    'poll p50 / p99 / max without / with streams',
    `${poll(p.without)} / ${poll(p.with)}` +
      (p.without && p.with ? ` (p99 ${fixed(p.with.p99 / Math.max(1, p.without.p99))}×)` : ''),
    p.with ? verdict(p.with.p99 < 100, 'p99 < 100 ms with streams') : '',
  ]);
  return rows;
}

function verdict(met: boolean, target: string): string {
  return `${target}: ${met ? 'met' : 'NOT met'}`;
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function revertRows(r: RevertSummary): [string, string, string][] {
  const rows: [string, string, string][] = [
    [
      'revert (POST /revert → Completed)',
      `${int(r.records)} change records in ${fixed(r.seconds)} s: ${int(r.rowsPerSecond)} rows/s`,
      '',
    ],
  ];
  if (r.delete && r.deleteToRevertRatio !== null) {
    rows.push([
      'DELETE ... WHERE import_job_id (same rows)',
      `${int(r.delete.rows)} rows in ${fixed(r.delete.seconds)} s`,
      `DELETE/revert ${fixed(r.deleteToRevertRatio)} (aim >= 0.5)`,
    ]);
  }
  return rows;
}

export function formatHeadline(s: BenchSummary): string {
  const m = s.machine;
  const mode = s.mode === 'create' ? '' : `--mode ${s.mode} --existing ${s.existing}, `;
  return (
    `service-import bench: ${int(s.rows)} rows, ${mode}seed ${s.seed}, ` +
    `batch size ${s.batchSize ?? 'service default'}; ` +
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres}; ` +
    `load average ${s.loadAverage.atUpload.toFixed(2)} at upload, ${s.loadAverage.atEnd.toFixed(2)} at end`
  );
}
