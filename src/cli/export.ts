/**
 * `service-import export`: the assignment export, written to stdout as it arrives (a million
 * assignments never sit in memory), its data lines counted on the way and checked against the count
 * the service sends first (X-Total-Count), so a transfer cut short is an error, not a short file.
 */
import { once } from 'node:events';
import type { ApiClient } from './api-client';
import type { CliOptions } from './args';
import type { Io } from './commands';
import { formatInt } from './format';

const QUOTE = 0x22;
const LF = 0x0a;

/** Counts the records of our own CSV writer's output: LF outside quotes (the export ends lines with CRLF). */
export class RecordCounter {
  records = 0;
  private quoted = false;

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) this.quoted = !this.quoted;
      else if (byte === LF && !this.quoted) this.records++;
    }
  }
}

export async function exportAssignments(client: ApiClient, options: CliOptions, io: Io): Promise<number> {
  const res = await client.exportAssignments({ clients: options.clients, services: options.services });
  const expected = Number(res.headers.get('x-total-count'));
  const counter = new RecordCounter();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    counter.push(chunk);
    if (!io.out.write(chunk)) await once(io.out, 'drain');
  }
  const rows = counter.records - 1; // the header
  if (rows !== expected) {
    io.err.write(
      `service-import: the export ended after ${formatInt(rows)} of ${formatInt(expected)} assignments.\n`,
    );
    return 1;
  }
  io.err.write(`Exported ${formatInt(rows)} assignment${rows === 1 ? '' : 's'}.\n`);
  return 0;
}
