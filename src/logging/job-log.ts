/**
 * A log line about one import, for Nest's `Logger`: with nestjs-pino the object's fields become JSON
 * fields (`{"importCode":"...","msg":"..."}`), so logs can be filtered by import without parsing
 * messages. The code is the one users see in the API.
 */
export function jobLog(importCode: string, msg: string, fields: Record<string, unknown> = {}) {
  return { importCode, msg, ...fields };
}
