import type { ArgumentsHost } from '@nestjs/common';
import { UploadRejectedError } from '../csv/upload-rejections';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { InvalidInputError, UnsupportedMediaTypeError } from './domain-errors';

/** Runs the filter on `error` and returns the status and body it answered with. */
function answer(error: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const response = {
    headersSent: false,
    set: () => response,
    status: (status: number) => ((sent.status = status), response),
    json: (body: unknown) => ((sent.body = body), response),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(error, host);
  return sent;
}

describe('AllExceptionsFilter: the one mapping from domain errors to HTTP', () => {
  it.each([
    [400, 'Bad Request'],
    [415, 'Unsupported Media Type'],
  ] as const)('answers an upload rejected with %d as the domain error of that status', (status, error) => {
    const rejected = answer(new UploadRejectedError(status, 'The file is not a CSV.'));
    const domain = answer(
      status === 415
        ? new UnsupportedMediaTypeError('The file is not a CSV.')
        : new InvalidInputError('The file is not a CSV.'),
    );
    expect(rejected).toEqual({
      status,
      body: { statusCode: status, error, message: 'The file is not a CSV.' },
    });
    expect(rejected).toEqual(domain);
  });
});
