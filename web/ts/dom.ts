// Small DOM and formatting helpers: elements built with textContent (never innerHTML), numbers in the
// browser's locale, dates in local time with UTC in the title.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  append(node, ...children);
  return node;
}

export function append(node: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

const numberFormat = new Intl.NumberFormat();
const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const num = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : numberFormat.format(n);
export const rate = (n: number) => rateFormat.format(n);
export const percent = (fraction: number) => percentFormat.format(fraction);

/** A <time> in local time, its UTC form in the title (shown on hover). */
export function time(iso: string | null): HTMLElement | string {
  if (!iso) return '–';
  const date = new Date(iso);
  return el(
    'time',
    { datetime: iso, title: `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC` },
    dateFormat.format(date),
  );
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${rest} s`;
  return `${rest} s`;
}

export const importLink = (code: string) => el('a', { href: `#/imports/${code}` }, code);

/** A status line for errors and confirmations; `role=alert` so screen readers announce it. */
export function notice(kind: 'error' | 'ok', text: string): HTMLElement {
  return el(
    'p',
    { class: kind === 'error' ? 'error' : 'ok', role: kind === 'error' ? 'alert' : 'status' },
    text,
  );
}
