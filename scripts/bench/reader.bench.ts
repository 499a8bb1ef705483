/**
 * Throughput of the CSV path on one core: UploadInspector over the bytes, then readDataRows +
 * validateRow, over a generated file (default 1,000,000 rows). Not a test; run with
 *   npx ts-node --transpile-only scripts/bench/reader.bench.ts [rows]
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pipeline } from 'stream/promises';
import { parse } from 'fast-csv';
import { IMPORT_HEADER, mapColumns } from '../../src/import/rules/columns';
import { readDataRows } from '../../src/csv/row-reader';
import { validateRow } from '../../src/import/rules/row-rules';
import { UploadInspector } from '../../src/csv/upload-inspector';

const HEADER = 'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes\n';

async function writeFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let buffer = HEADER;
  for (let i = 1; i <= rows; i++) {
    const client = `C${String(i % 100000).padStart(6, '0')}`;
    const service = `S${String(i % 1000).padStart(4, '0')}`;
    const notes = i % 10 === 0 ? '"Billed monthly, on site"' : i % 3 === 0 ? 'Café crème' : '';
    buffer += `${client},${service},${(i % 5) + 1},${i % 7 === 0 ? '' : '12.50'},2026-01-01,2026-12-31,${notes}\n`;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

function rate(rows: number, ms: number): string {
  return `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s`;
}

/** Wall time and this process's CPU time (less disturbed by other work on a shared machine). */
function stopwatch(): () => { ms: number; cpuMs: number; text: string } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const ms = performance.now() - wall;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    return { ms, cpuMs, text: `${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU` };
  };
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'csv-bench-'));
  const path = join(dir, 'bench.csv');
  try {
    await writeFile(path, rows);
    const mb = statSync(path).size / 1e6;
    console.log(`file: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB`);

    let t = stopwatch();
    const inspector = new UploadInspector({ header: IMPORT_HEADER, maxFieldChars: 65536 });
    await pipeline(createReadStream(path), inspector, async function* (source) {
      for await (const _chunk of source) yield* [];
    });
    const result = inspector.result();
    let took = t();
    console.log(
      `inspector: ${took.text} (${((mb / took.cpuMs) * 1000).toFixed(0)} MB per CPU-second), ` +
        `rowCount ${result.rowCount}, ${result.encoding}`,
    );

    t = stopwatch();
    let count = 0;
    const parser = createReadStream(path).pipe(
      parse({ delimiter: ',', quote: '"', escape: '"', trim: true, ignoreEmpty: true, headers: false }),
    );
    for await (const _row of parser) count++;
    took = t();
    console.log(
      `fast-csv alone: ${took.text}: ${rate(count - 1, took.ms)} wall, ${rate(count - 1, took.cpuMs)} CPU`,
    );

    const { columns } = mapColumns(result.header);
    t = stopwatch();
    let ok = 0;
    let failed = 0;
    for await (const row of readDataRows(createReadStream(path), {
      encoding: result.encoding,
      delimiter: result.delimiter,
      maxFieldChars: 65536,
    })) {
      if (validateRow(row.fields, columns, result.header.length, false).ok) ok++;
      else failed++;
    }
    took = t();
    console.log(
      `readDataRows + validateRow: ${took.text}: ${rate(ok + failed, took.ms)} wall, ` +
        `${rate(ok + failed, took.cpuMs)} CPU (${ok} ok, ${failed} errors)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
