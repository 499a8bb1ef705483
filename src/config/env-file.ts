import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * Reads a `.env` file (KEY=value lines, `#` comments, quoted values) into process.env with Node's own
 * parser (util.parseEnv, the one behind process.loadEnvFile and --env-file; Node 20.12+). Variables
 * already set in the environment win over the file, as with dotenv; a missing file is no error (the
 * file is optional). Assigned here rather than by process.loadEnvFile so that the rule "the
 * environment wins" is this code's, and holds for whatever process.env object the caller sees.
 */
export function loadEnvFile(path = '.env'): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
}
