/** The benchmark's side of the HTTP API: upload the file, then follow the job until it ends. */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The fields of the job DTO the benchmark reads. */
export interface ImportJob {
  code: string;
  status: 'Queued' | 'InProgress' | 'Completed' | 'Failed' | 'Cancelled';
  phase?: string | null;
  totalItems: number | null;
  processedItems: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  skippedCount: number;
  errorCount: number;
  startedDate: string | null;
  completedDate: string | null;
  failureReason?: string | null;
}

const FINAL = new Set(['Completed', 'Failed', 'Cancelled']);

export interface Accepted {
  job: ImportJob;
  uploadSeconds: number;
  /** performance.now() when the 202 arrived: the start of the import's clock. */
  acceptedAt: number;
  /** The same moment on the wall clock, to compare with the job's completedDate. */
  acceptedWallMs: number;
}

/** Where the service listens and the credential every API call carries (X-API-Key). */
export interface Api {
  baseUrl: string;
  headers: Record<string, string>;
}

/**
 * Streams the file from disk as multipart field `file` (a file-backed Blob is never read into memory);
 * `mode` other than create goes as `?mode=`.
 */
export async function upload(api: Api, path: string, mode = 'create'): Promise<Accepted> {
  const blob = await openAsBlob(path, { type: 'text/csv' });
  const form = new FormData();
  form.append('file', blob as unknown as Blob, basename(path));
  const started = performance.now();
  const query = mode === 'create' ? '' : `?mode=${encodeURIComponent(mode)}`;
  const res = await fetch(`${api.baseUrl}/api/service-imports${query}`, {
    method: 'POST',
    body: form,
    headers: api.headers,
  });
  const acceptedAt = performance.now();
  const acceptedWallMs = Date.now();
  const body = await res.text();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}, not 202: ${body.slice(0, 500)}`);
  return {
    job: JSON.parse(body) as ImportJob,
    uploadSeconds: (acceptedAt - started) / 1000,
    acceptedAt,
    acceptedWallMs,
  };
}

/** One observation of the job; `t` is seconds since the 202. */
export interface Sample {
  t: number;
  status: string;
  phase: string | null;
  processed: number;
}

export interface PollResult {
  job: ImportJob;
  samples: Sample[];
  /** Seconds from the 202 to the poll that first saw the final status. */
  observedSeconds: number;
}

/**
 * GETs the job every `intervalMs` until it ends. A job whose status, phase and counter stay the same
 * for `stallSeconds` is reported as stuck rather than waited on forever.
 */
export async function pollUntilDone(
  api: Api,
  accepted: Accepted,
  intervalMs = 250,
  stallSeconds = 300,
): Promise<PollResult> {
  const url = `${api.baseUrl}/api/service-imports/${encodeURIComponent(accepted.job.code)}`;
  const samples: Sample[] = [];
  let lastChange = performance.now();
  for (let tick = 1; ; tick++) {
    const res = await fetch(url, { headers: api.headers, signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) {
      throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    const job = (await res.json()) as ImportJob;
    const now = performance.now();
    const sample = {
      t: (now - accepted.acceptedAt) / 1000,
      status: job.status,
      phase: job.phase ?? null,
      processed: job.processedItems,
    };
    const prev = samples[samples.length - 1];
    if (
      !prev ||
      prev.status !== sample.status ||
      prev.phase !== sample.phase ||
      prev.processed !== sample.processed
    ) {
      lastChange = now;
    }
    samples.push(sample);
    if (FINAL.has(job.status)) return { job, samples, observedSeconds: sample.t };
    if (now - lastChange > stallSeconds * 1000) {
      throw new Error(
        `the job made no progress for ${stallSeconds} s (status ${job.status}, ${job.processedItems} rows)`,
      );
    }
    // A fixed schedule, so a slow answer does not stretch the interval.
    await sleep(Math.max(0, accepted.acceptedAt + tick * intervalMs - performance.now()));
  }
}

export interface ProgressGaps {
  /** Times processedItems changed. */
  advances: number;
  /** Longest stretch (s) without an advance, from the 202 to the final status. */
  maxGapSeconds: number;
  /** Where that stretch was, in words. */
  maxGapAt: string;
  /** The longest stretch between the first and the last advance only (the batch cadence). */
  maxGapWhileImportingSeconds: number;
}

/** How steadily the counter moved, at the resolution of the poll interval. */
export function progressGaps(samples: Sample[], endSeconds: number): ProgressGaps {
  const marks: { t: number; sample: Sample | null }[] = [{ t: 0, sample: null }];
  for (let i = 1; i < samples.length; i++) {
    if (samples[i].processed !== samples[i - 1].processed) {
      marks.push({ t: samples[i].t, sample: samples[i] });
    }
  }
  // The first poll may already see rows: that is an advance too.
  if (samples.length > 0 && samples[0].processed > 0) {
    marks.splice(1, 0, { t: samples[0].t, sample: samples[0] });
  }
  marks.push({ t: endSeconds, sample: null });

  let maxGap = 0;
  let at = '';
  let whileImporting = 0;
  for (let i = 1; i < marks.length; i++) {
    const gap = marks[i].t - marks[i - 1].t;
    const from = marks[i - 1].sample;
    const inner = i > 1 && i < marks.length - 1;
    if (inner) whileImporting = Math.max(whileImporting, gap);
    if (gap > maxGap) {
      maxGap = gap;
      at = !from
        ? `before the first batch (${phasesBetween(samples, 0, marks[i].t)})`
        : i === marks.length - 1
          ? `after the last batch (${phasesBetween(samples, from.t, endSeconds)})`
          : `after row ${from.processed}`;
    }
  }
  return {
    advances: marks.length - 2,
    maxGapSeconds: maxGap,
    maxGapAt: at,
    maxGapWhileImportingSeconds: whileImporting,
  };
}

/** The distinct status/phase values seen in a time window, e.g. "Queued → InProgress/Counting". */
function phasesBetween(samples: Sample[], from: number, to: number): string {
  const seen: string[] = [];
  for (const s of samples) {
    if (s.t < from || s.t > to) continue;
    const label = s.phase ? `${s.status}/${s.phase}` : s.status;
    if (seen[seen.length - 1] !== label) seen.push(label);
  }
  return seen.join(' → ') || 'not observed';
}
