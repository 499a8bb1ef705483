import { importCodeOf, pinoHttpOptions } from './pino-options';

describe('importCodeOf', () => {
  const code = 'AbCdEfGhIjKlMnOpQr_-12';

  it('finds the import code in the URLs of one import', () => {
    for (const url of [
      `/api/service-imports/${code}`,
      `/api/service-imports/${code}/events`,
      `/api/service-imports/${code}/rows?outcome=Error`,
      `/api/service-imports/${code}?x=1`,
    ]) {
      expect({ url, code: importCodeOf(url) }).toEqual({ url, code });
    }
  });

  it('finds none elsewhere', () => {
    for (const url of [
      '/api/service-imports',
      '/api/service-imports/template',
      `/api/service-imports/${code}x`,
      `/api/clients/${code}`,
      '/health',
    ]) {
      expect({ url, code: importCodeOf(url) }).toEqual({ url, code: null });
    }
  });
});

describe('pinoHttpOptions', () => {
  it('redacts credentials and keeps probes and scrapes out of the request log', () => {
    const options = pinoHttpOptions({ level: 'info', format: 'json' });
    expect(options.level).toBe('info');
    expect(options.transport).toBeUndefined();
    expect(options.redact).toMatchObject({
      paths: expect.arrayContaining(['req.headers.authorization', 'req.headers["x-api-key"]']),
    });
    const ignore = (options.autoLogging as { ignore: (req: { url: string }) => boolean }).ignore;
    expect(ignore({ url: '/health' })).toBe(true);
    expect(ignore({ url: '/metrics?x' })).toBe(true);
    expect(ignore({ url: '/api/service-imports' })).toBe(false);
  });

  it('writes pretty logs only when asked', () => {
    expect(pinoHttpOptions({ level: 'debug', format: 'pretty' }).transport).toEqual({
      target: 'pino-pretty',
    });
  });
});
