import { parseArgs } from 'node:util';

export const USAGE = `Usage: service-import <command> [options]

Commands:
  upload <file.csv>   Upload a CSV, follow the import with a progress bar, print a summary and
                      download the rows not imported as <name>-not-imported.csv next to the file.
                      Exit code: 0 every row imported (created, updated or unchanged), 2 some rows
                      skipped or with errors, 1 the import Failed or was Cancelled (or any error).
  commit <code>       Run a Completed dry run for real (same file, same mode), then as upload;
                      the report goes to --out (default: the current folder).
  retry <code>        Import again the rows an import did not import (after fixing the data),
                      then as upload; --outcome and --reason pick which rows.
  revert <code>       Undo an import: delete what it created, restore what it updated (what changed
                      since is kept and reported), then as upload; exit 2 when something was kept.
  status <code>       Show an import.
  cancel <code>       Cancel a Queued or InProgress import.
  list                List imports, newest first.
  export              Write every assignment to stdout as a CSV in the import format
                      (service-import export > assignments.csv); --client and --service narrow it.
                      Exit code 1 when the file came out shorter than the service said.

Options:
  --url <url>         The service (default: $SERVICE_IMPORT_URL or http://localhost:3000)
  --api-key <key>     API key, sent as "Authorization: Bearer <key>" (default: $SERVICE_IMPORT_API_KEY)
  --mode <mode>       upload: create (default: only adds), upsert (adds and updates) or update
                      (only updates what exists)
  --dry-run           upload, retry, revert: check, write nothing (the counts say what would happen)
  --out <dir>         upload, commit, retry, revert: where to save the report of rows not imported
                      (default: next to the file; the current folder for commit and retry)
  --outcome <o>       retry: only Skipped or only Error rows
  --reason <reason>   retry: only the rows of this reason, e.g. CLIENT_NOT_FOUND
  --status <status>   list: only Queued, InProgress, Completed, Failed or Cancelled imports
  --page <n>          list: page number (default 1)
  --limit <n>         list: imports per page (default 20, at most 100)
  --client <code>     export: only this client's assignments (repeat for more)
  --service <code>    export: only this service's assignments (repeat for more)
  -h, --help          Show this help
`;

export type Command =
  'upload' | 'commit' | 'retry' | 'revert' | 'status' | 'cancel' | 'list' | 'export' | 'help';

export interface CliOptions {
  command: Command;
  /** The file (upload) or the import code (status, cancel). */
  target?: string;
  url: string;
  apiKey?: string;
  dryRun: boolean;
  mode?: string;
  out?: string;
  outcome?: string;
  reason?: string;
  status?: string;
  page?: number;
  limit?: number;
  /** export: client and service codes, each option repeatable. */
  clients?: string[];
  services?: string[];
}

/** A mistake in the command line: the message, then the usage, exit code 1. */
export class UsageError extends Error {}

const COMMAND_OPTIONS: Record<Exclude<Command, 'help'>, string[]> = {
  upload: ['dry-run', 'out', 'mode'],
  commit: ['out'],
  retry: ['dry-run', 'out', 'outcome', 'reason'],
  revert: ['dry-run', 'out'],
  status: [],
  cancel: [],
  list: ['status', 'page', 'limit'],
  export: ['client', 'service'],
};
const GLOBAL_OPTIONS = ['url', 'api-key', 'help'];

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: codesAsPositionals(argv),
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        'dry-run': { type: 'boolean' },
        mode: { type: 'string' },
        outcome: { type: 'string' },
        reason: { type: 'string' },
        out: { type: 'string' },
        status: { type: 'string' },
        page: { type: 'string' },
        limit: { type: 'string' },
        client: { type: 'string', multiple: true },
        service: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    return { command: 'help', url: '', dryRun: false };
  }
  if (!(command in COMMAND_OPTIONS)) throw new UsageError(`Unknown command "${command}".`);
  const name = command as Exclude<Command, 'help'>;
  for (const option of Object.keys(values)) {
    if (!GLOBAL_OPTIONS.includes(option) && !COMMAND_OPTIONS[name].includes(option)) {
      throw new UsageError(`The option --${option} does not apply to "${name}".`);
    }
  }
  const wanted = name === 'list' || name === 'export' ? 0 : 1;
  if (rest.length !== wanted) {
    const what = name === 'upload' ? 'a CSV file' : wanted === 0 ? 'no argument' : 'an import code';
    throw new UsageError(`"${name}" takes ${what}.`);
  }
  return {
    command: name,
    target: rest[0],
    url: baseUrl(values.url ?? env.SERVICE_IMPORT_URL ?? 'http://localhost:3000'),
    apiKey: (values['api-key'] ?? env.SERVICE_IMPORT_API_KEY)?.trim() || undefined,
    dryRun: values['dry-run'] ?? false,
    mode: oneOf('mode', values.mode, MODES),
    out: values.out,
    outcome: oneOf('outcome', values.outcome, OUTCOMES),
    reason: values.reason,
    status: values.status,
    page: positiveInt('page', values.page),
    limit: positiveInt('limit', values.limit),
    clients: values.client,
    services: values.service,
  };
}

/** An import code: 22 characters of base64url, so about one in 64 begins with "-". */
const IMPORT_CODE = /^[A-Za-z0-9_-]{22}$/;
const STRING_OPTIONS = new Set([
  'url',
  'api-key',
  'mode',
  'outcome',
  'reason',
  'out',
  'status',
  'page',
  'limit',
  'client',
  'service',
]);

/**
 * A code that begins with "-" would read as options (`status -hQ…` as --help, `status -o…` as an
 * unknown -o): such an argument, where it is not an option's value, goes after "--", as a positional.
 * No option of this CLI is 22 characters long, so nothing that is meant as an option is moved.
 */
function codesAsPositionals(argv: string[]): string[] {
  const kept: string[] = [];
  const codes: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      kept.push(...argv.slice(i));
      break;
    }
    const previous = i > 0 ? argv[i - 1] : '';
    const isValue =
      previous.startsWith('--') && !previous.includes('=') && STRING_OPTIONS.has(previous.slice(2));
    if (!isValue && arg.startsWith('-') && IMPORT_CODE.test(arg)) codes.push(arg);
    else kept.push(arg);
  }
  if (codes.length === 0) return argv;
  return kept.includes('--') ? [...kept, ...codes] : [...kept, '--', ...codes];
}

const MODES = ['create', 'upsert', 'update'];
const OUTCOMES = ['Skipped', 'Error'];

/** The server names the reasons (400 for an unknown one); modes and outcomes are checked here. */
function oneOf(name: string, text: string | undefined, allowed: string[]): string | undefined {
  if (text === undefined || allowed.includes(text)) return text;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${text}").`);
}

/** "http://host:3000/", "http://host:3000/api" → "http://host:3000". */
function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as http://localhost:3000 (got "${text}").`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) URL such as http://localhost:3000 (got "${text}").`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${url.origin}${path}`;
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(text))
    throw new UsageError(`--${name} must be a whole number of at least 1.`);
  return Number(text);
}
