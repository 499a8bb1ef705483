/**
 * Parsing of API_KEYS ("name:secret,name:secret") and API_KEYS_FILE (one "name:secret" a line).
 * Problems name the variable and the entry, never the secret, so a start-up log cannot leak one.
 */
export interface ApiKey {
  /** Who the key belongs to: recorded as the owner of the imports it creates. */
  name: string;
  secret: string;
}

export const MIN_SECRET_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Sent in an HTTP header: printable ASCII without spaces.
const SECRET = /^[\x21-\x7e]+$/;

/**
 * `entries` are the raw entries with where each came from (e.g. `API_KEYS entry 2`,
 * `API_KEYS_FILE line 7`); `variable` names the source in whole-list problems.
 */
export function parseApiKeys(
  entries: { text: string; where: string }[],
  variable: string,
  problems: string[],
): ApiKey[] {
  const keys: ApiKey[] = [];
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const { text, where } of entries) {
    const colon = text.indexOf(':');
    if (colon < 0) {
      problems.push(`${where}: expected name:secret`);
      continue;
    }
    const name = text.slice(0, colon).trim();
    const secret = text.slice(colon + 1).trim();
    if (!NAME.test(name)) {
      problems.push(
        `${where}: the key name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
      continue;
    }
    if (secret.length < MIN_SECRET_LENGTH || !SECRET.test(secret)) {
      problems.push(
        `${where} (key "${name}"): the secret must be at least ${MIN_SECRET_LENGTH} printable characters without spaces`,
      );
      continue;
    }
    if (names.has(name)) {
      problems.push(`${variable}: the key name "${name}" is used more than once`);
      continue;
    }
    if (secrets.has(secret)) {
      problems.push(`${variable}: key "${name}" has the same secret as another key`);
      continue;
    }
    names.add(name);
    secrets.add(secret);
    keys.push({ name, secret });
  }
  if (entries.length === 0) problems.push(`${variable} is set but contains no name:secret entry`);
  return keys;
}

/** API_KEYS: comma-separated entries. */
export function apiKeyEntriesFromList(value: string): { text: string; where: string }[] {
  return value
    .split(',')
    .map((text, i) => ({ text: text.trim(), where: `API_KEYS entry ${i + 1}` }))
    .filter((entry) => entry.text !== '');
}

/** API_KEYS_FILE: one entry a line; blank lines and lines starting with # are ignored. */
export function apiKeyEntriesFromFile(content: string): { text: string; where: string }[] {
  return content
    .split(/\r?\n/)
    .map((text, i) => ({ text: text.trim(), where: `API_KEYS_FILE line ${i + 1}` }))
    .filter((entry) => entry.text !== '' && !entry.text.startsWith('#'));
}
