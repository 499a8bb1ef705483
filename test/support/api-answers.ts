// What the answers of every JSON endpoint share (timestamps, the global ValidationPipe's and the JSON
// body parser's errors), checked one way in every spec; each spec keeps its own expected messages.
import request from 'supertest';
import type { App } from 'supertest/types';

/** A timestamp as the API writes it: ISO 8601 in UTC, with milliseconds. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A 400 from the ValidationPipe in the common error shape, `message` (a list) holding `expected`. */
export function expectFieldError(res: request.Response, expected: string): void {
  expect(res.body).toEqual({
    statusCode: 400,
    error: 'Bad Request',
    message: expect.arrayContaining([expected]),
  });
}

/** A POST of `raw`, which is not JSON, to `path` answers 400 in the common error shape. */
export async function expectMalformedJsonRejected(http: App, path: string, raw: string): Promise<void> {
  const res = await request(http).post(path).set('Content-Type', 'application/json').send(raw).expect(400);
  expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
}
