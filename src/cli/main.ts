#!/usr/bin/env node
/**
 * The `service-import` command-line client (package.json "bin" → bin/service-import.js → here, once
 * compiled). Talks to the HTTP API only: nothing of the service runs in this process.
 */
import { ApiClient, ConnectionError, HttpError } from './api-client';
import { parseCli, USAGE, UsageError } from './args';
import * as commands from './commands';

export async function run(
  argv: string[],
  io: commands.Io = { out: process.stdout, err: process.stderr },
): Promise<number> {
  try {
    const options = parseCli(argv, process.env);
    if (options.command === 'help') {
      io.out.write(USAGE);
      return 0;
    }
    const client = new ApiClient(options.url, options.apiKey);
    return await commands[options.command](client, options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`service-import: ${error.message}\n\n${USAGE}`);
    } else if (error instanceof HttpError || error instanceof ConnectionError) {
      io.err.write(`service-import: ${error.message}\n`);
    } else {
      io.err.write(`service-import: ${(error as Error).message ?? String(error)}\n`);
    }
    return 1;
  }
}

/** Exits once the output is flushed, without waiting for fetch's idle keep-alive sockets to close. */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

if (require.main === module) {
  void run(process.argv.slice(2)).then(exitWhenFlushed);
}
