/**
 * Messages between the report writer (main thread) and its report thread. The thread reads the
 * rows (or change records) from the database itself, formats them and sends the report's bytes in chunks; it stays at
 * most MAX_CHUNKS_AHEAD chunks ahead of storage (each chunk is acknowledged once storage took it).
 */
export const MAX_CHUNKS_AHEAD = 2;

/** The not-imported report (the header is the uploaded file's), or the change log file. */
export type ReportJob =
  | { kind: 'not-imported'; databaseUrl: string; importId: string; header: string[]; withOrigins: boolean }
  | { kind: 'changes'; databaseUrl: string; importId: string };

export type ToReportThread = { type: 'start'; job: ReportJob } | { type: 'ack' };

export type FromReportThread =
  { type: 'chunk'; bytes: Uint8Array } | { type: 'done' } | { type: 'error'; message: string };
