import { createWriteStream, openAsBlob } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ServiceImportJobDto } from '../import/dto/service-import-job.dto';
import type { ServiceImportRowPageDto } from '../import/rows/dto/service-import-row.dto';

/** An import as the API sends it: ServiceImportJobDto, its enums as the plain strings of the wire. */
export type Job = Omit<ServiceImportJobDto, 'status' | 'phase'> & { status: string; phase: string | null };

export interface JobPage {
  items: Job[];
  total: number;
  page: number;
  limit: number;
}

/** An answer other than the one expected, with the service's own message when it sent one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The service could not be reached at all (refused, DNS, reset). */
export class ConnectionError extends Error {}

/** The service-import HTTP API, through Node's fetch. */
export class ApiClient {
  /** e.g. http://localhost:3000/api/service-imports */
  readonly imports: string;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {
    this.imports = `${baseUrl}/api/service-imports`;
  }

  /** Streams the file from disk as multipart/form-data (field "file"). */
  async upload(file: string, dryRun: boolean, mode?: string): Promise<Job> {
    const form = new FormData();
    form.set('file', await openAsBlob(file, { type: 'text/csv' }), basename(file));
    const query = queryString({ dryRun: dryRun ? 'true' : undefined, mode });
    return this.json<Job>(`${this.imports}${query}`, { method: 'POST', body: form });
  }

  commit(code: string): Promise<Job> {
    return this.json<Job>(`${this.imports}/${encodeURIComponent(code)}/commit`, { method: 'POST' });
  }

  revert(code: string, dryRun: boolean): Promise<Job> {
    return this.json<Job>(
      `${this.imports}/${encodeURIComponent(code)}/revert${dryRun ? '?dryRun=true' : ''}`,
      {
        method: 'POST',
      },
    );
  }

  retry(code: string, query: { outcome?: string; reason?: string; dryRun: boolean }): Promise<Job> {
    const { dryRun, ...filters } = query;
    return this.json<Job>(
      `${this.imports}/${encodeURIComponent(code)}/retry${queryString({ ...filters, dryRun: dryRun ? 'true' : undefined })}`,
      { method: 'POST' },
    );
  }

  get(code: string): Promise<Job> {
    return this.json<Job>(`${this.imports}/${encodeURIComponent(code)}`);
  }

  cancel(code: string): Promise<Job> {
    return this.json<Job>(`${this.imports}/${encodeURIComponent(code)}/cancel`, { method: 'POST' });
  }

  list(query: { status?: string; page?: number; limit?: number }): Promise<JobPage> {
    return this.json<JobPage>(`${this.imports}${queryString(query)}`);
  }

  rows(code: string, query: { outcome?: string; reason?: string; page?: number; limit?: number }) {
    return this.json<ServiceImportRowPageDto>(
      `${this.imports}/${encodeURIComponent(code)}/rows${queryString(query)}`,
    );
  }

  /** Opens the assignment export (repeated ?client= and ?service=); the caller reads `body`. */
  async exportAssignments(query: { clients?: string[]; services?: string[] }): Promise<Response> {
    const params = new URLSearchParams();
    for (const code of query.clients ?? []) params.append('client', code);
    for (const code of query.services ?? []) params.append('service', code);
    const text = params.toString();
    const res = await this.fetch(
      `${this.baseUrl}/api/client-billable-services/export${text ? `?${text}` : ''}`,
      {
        headers: { Accept: 'text/csv' },
      },
    );
    if (res.status !== 200 || !res.body) throw await httpError(res);
    return res;
  }

  /** Opens the job's event stream; the caller reads `body`. */
  async events(code: string, signal: AbortSignal): Promise<Response> {
    const res = await this.fetch(`${this.imports}/${encodeURIComponent(code)}/events`, {
      headers: { Accept: 'text/event-stream' },
      signal,
    });
    if (res.status !== 200) throw await httpError(res);
    return res;
  }

  /**
   * Follows GET /{code}/not-imported to its signed link and saves the file (through a temporary
   * name, so a failed download leaves no half file). The redirect is followed by hand: the link is
   * its own credential and, on S3, must not receive our Authorization header.
   */
  async downloadReport(code: string, destination: string): Promise<void> {
    const first = await this.fetch(`${this.imports}/${encodeURIComponent(code)}/not-imported`, {
      redirect: 'manual',
    });
    const location = first.headers.get('location');
    if (first.status < 300 || first.status >= 400 || !location) throw await httpError(first);
    await first.body?.cancel();
    const link = new URL(location, `${this.imports}/`).toString();
    const res = await fetchOrFail(link, {});
    if (res.status !== 200 || !res.body) throw await httpError(res);
    const partial = `${destination}.part`;
    try {
      await pipeline(
        Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
        createWriteStream(partial),
      );
      await rename(partial, destination);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  private async json<T>(url: string, init: RequestInit = {}): Promise<T> {
    const res = await this.fetch(url, { ...init, headers: { Accept: 'application/json', ...init.headers } });
    if (res.status < 200 || res.status >= 300) throw await httpError(res);
    return (await res.json()) as T;
  }

  private fetch(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.apiKey) headers.set('Authorization', `Bearer ${this.apiKey}`);
    return fetchOrFail(url, { ...init, headers });
  }
}

async function fetchOrFail(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ConnectionError(`Cannot reach ${new URL(url).origin}: ${why}`);
  }
}

/** "HTTP 404 Not Found: No import with code "x"." from the service's {statusCode, error, message}. */
async function httpError(res: Response): Promise<HttpError> {
  let detail = '';
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { message?: string | string[] };
      detail = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? text);
    } catch {
      detail = text.slice(0, 300);
    }
  } catch {
    // no body
  }
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return new HttpError(res.status, detail ? `${status}: ${detail}` : status);
}

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
