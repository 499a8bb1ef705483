// The upload form: a drop zone that is also the file picker's label, the mode, "dry run first" (on by
// default) and the template. Errors the API gives before a job exists are explained in words.
import { API, ApiError, downloadBlob, errorOf, query, send } from './api.js';
import { el, notice } from './dom.js';
import type { ImportJob } from './types.js';

const MODES: [value: string, label: string][] = [
  ['create', 'create: new assignments only'],
  ['upsert', 'upsert: create new, update existing'],
  ['update', 'update: existing ones only'],
];

export function uploadForm(onCreated: (job: ImportJob) => void): HTMLElement {
  const input = el('input', { type: 'file', id: 'file-input', name: 'file', accept: '.csv,.xlsx,text/csv' });
  const chosen = el('span', { class: 'chosen', id: 'file-chosen' }, 'No file chosen');
  const zone = el(
    'label',
    { for: 'file-input', class: 'drop-zone', id: 'drop-zone' },
    el('strong', {}, 'Drop a CSV file here'),
    ' or press to pick one (.csv; .xlsx where the service accepts it)',
    chosen,
  );
  const mode = el('select', { id: 'mode', name: 'mode' });
  for (const [value, label] of MODES) mode.append(el('option', { value }, label));
  const dryRun = el('input', { type: 'checkbox', id: 'dry-run', name: 'dryRun', checked: true });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'upload-button' }, 'Upload');
  const template = el('button', { type: 'button', id: 'template-button' }, 'Download the template');
  const status = el('div', { class: 'upload-status', 'aria-live': 'polite' });
  let file: File | null = null;

  const choose = (f: File | null) => {
    file = f;
    chosen.textContent = f ? `${f.name} (${new Intl.NumberFormat().format(f.size)} bytes)` : 'No file chosen';
    status.replaceChildren();
  };
  input.addEventListener('change', () => choose(input.files?.[0] ?? null));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    choose(event.dataTransfer?.files[0] ?? null);
  });
  template.addEventListener('click', () => {
    downloadBlob(`${API}/template`, 'service-import-template.csv').catch((e: unknown) =>
      status.replaceChildren(notice('error', `The template could not be downloaded: ${String(e)}`)),
    );
  });

  const form = el(
    'form',
    { class: 'upload card', id: 'upload-form', 'aria-labelledby': 'upload-title' },
    el('h2', { id: 'upload-title' }, 'New import'),
    input,
    zone,
    el('div', { class: 'field' }, el('label', { for: 'mode' }, 'Mode'), mode),
    el(
      'div',
      { class: 'field check' },
      dryRun,
      el('label', { for: 'dry-run' }, 'Dry run first (check without writing)'),
    ),
    el('div', { class: 'buttons' }, submit, template),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!file) {
      status.replaceChildren(
        notice('error', 'Choose a file first: drop it on the box or press it to pick one.'),
      );
      return;
    }
    submit.disabled = true;
    status.replaceChildren(el('p', { class: 'muted' }, `Uploading ${file.name}…`));
    upload(file, mode.value, dryRun.checked)
      .then(onCreated)
      .catch((e: unknown) => status.replaceChildren(explainUploadError(e)))
      .finally(() => (submit.disabled = false));
  });
  return form;
}

async function upload(file: File, mode: string, dryRun: boolean): Promise<ImportJob> {
  const body = new FormData();
  body.append('file', file, file.name);
  const res = await send(`${API}${query({ mode, dryRun: dryRun ? 'true' : undefined })}`, {
    method: 'POST',
    body,
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as ImportJob;
}

/** The service's 4xx in words, the columns found and expected listed when the header lacks some. */
export function explainUploadError(e: unknown): HTMLElement {
  if (!(e instanceof ApiError)) return notice('error', `The upload failed: ${String(e)}`);
  const box = el('div', { class: 'error-box', role: 'alert', id: 'upload-error' });
  const title = UPLOAD_ERRORS[e.status] ?? `The service refused the file (${e.status})`;
  box.append(el('p', { class: 'error' }, el('strong', {}, title), ': ', e.message));
  const columns =
    /Missing required column\(s\): (.*?)\. Found columns: (.*?)\. Required: (.*?); optional: (.*?)\.$/.exec(
      e.message,
    );
  if (columns) {
    const [, missing, found, required, optional] = columns;
    box.append(
      el(
        'dl',
        { class: 'columns' },
        el('dt', {}, 'Missing'),
        el('dd', {}, missing),
        el('dt', {}, 'Columns found'),
        el('dd', {}, found),
        el('dt', {}, 'Columns expected'),
        el('dd', {}, `${required} (required); ${optional} (optional)`),
      ),
    );
  }
  return box;
}

const UPLOAD_ERRORS: Record<number, string> = {
  400: 'The file cannot be imported',
  408: 'The upload took too long',
  413: 'The file is too large',
  415: 'This is not a CSV text file',
  422: 'This Idempotency-Key was used for another file',
  429: 'Too many imports right now',
  503: 'The service is unavailable, nothing was created',
};
