// The import page's entry point: a hash router (`#/` the upload form and history, `#/imports/<code>`
// one job), so a job's address can be shared with someone holding the same key.
import { forgetKey, updateForgetButton } from './key.js';
import { el } from './dom.js';
import { history } from './history.js';
import { jobView } from './job.js';
import { uploadForm } from './upload.js';

const main = document.getElementById('main') as HTMLElement;
let current = new AbortController();

function open(code: string): void {
  location.hash = `#/imports/${encodeURIComponent(code)}`;
}

function route(): void {
  current.abort(); // closes the events stream of the job shown before
  current = new AbortController();
  const match = /^#\/imports\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (match) {
    document.title = `Import ${match[1]} · service-import`;
    const back = el('p', { class: 'back' }, el('a', { href: '#/' }, '← New import and history'));
    const view = el('div', { id: 'job' });
    main.replaceChildren(back, view);
    jobView(match[1], view, current.signal, open);
  } else {
    document.title = 'Imports · service-import';
    main.replaceChildren(
      uploadForm((job) => open(job.code)),
      history(),
    );
  }
  main.focus({ preventScroll: true });
}

document.getElementById('forget-key')?.addEventListener('click', () => {
  forgetKey();
  route();
});
window.addEventListener('hashchange', route);
updateForgetButton();
route();
