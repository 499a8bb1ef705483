// Every call the page makes goes through here: the public REST API, the same calls a REST client makes.
import { askForKey, currentKey, forgetKey } from './key.js';
import type { ImportJob, Page } from './types.js';

export const API = '/api/service-imports';

/** An answer other than 2xx, with the service's message (a list of field messages joined). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

function headersWithKey(init?: HeadersInit): Headers {
  const headers = new Headers(init);
  const key = currentKey();
  if (key) headers.set('X-API-Key', key);
  return headers;
}

/** fetch with the tab's key; a 401 asks for a key (again) and repeats the request with it. */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const hadKey = currentKey() !== null;
    const res = await fetch(path, { ...init, headers: headersWithKey(init.headers) });
    if (res.status !== 401) return res;
    if (hadKey) forgetKey();
    await askForKey(hadKey);
  }
}

export async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: unknown = text;
  let message = `${res.status} ${res.statusText}`;
  try {
    body = JSON.parse(text);
    const m = (body as { message?: unknown }).message;
    if (Array.isArray(m)) message = m.join('; ');
    else if (typeof m === 'string') message = m;
  } catch {
    if (text) message = text.slice(0, 500);
  }
  return new ApiError(res.status, message, body);
}

export async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await send(path, init);
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(name, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const getJob = (code: string) => json<ImportJob>(`${API}/${encodeURIComponent(code)}`);
export const post = (path: string) => json<ImportJob>(path, { method: 'POST' });
export const listJobs = (status: string, page: number, limit: number) =>
  json<Page<ImportJob>>(`${API}${query({ status, page, limit })}`);

/** Saves what `path` answers as a file, the key sent as a header (a plain link could not send it). */
export async function downloadBlob(path: string, fileName: string): Promise<void> {
  const res = await send(path);
  if (!res.ok) throw await errorOf(res);
  const url = URL.createObjectURL(await res.blob());
  try {
    clickLink(url, fileName);
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** Follows a route answering `{url}` (`?redirect=false`): a freshly signed link that needs no key. */
export async function downloadSigned(path: string): Promise<void> {
  const { url } = await json<{ url: string }>(`${path}${path.includes('?') ? '&' : '?'}redirect=false`);
  clickLink(url, '');
}

function clickLink(href: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}
