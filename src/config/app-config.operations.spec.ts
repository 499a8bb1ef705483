import { ConfigError, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('loadConfig: logs and metrics', () => {
  it('defaults to JSON logs at info and no separate metrics port', () => {
    const config = loadConfig({});
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.metricsPort).toBeNull();
  });

  it('reads LOG_LEVEL, LOG_FORMAT and METRICS_PORT', () => {
    const config = loadConfig({ LOG_LEVEL: 'warn', LOG_FORMAT: 'pretty', METRICS_PORT: '9464' });
    expect(config.log).toEqual({ level: 'warn', format: 'pretty' });
    expect(config.metricsPort).toBe(9464);
  });

  it('names a bad value', () => {
    expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
    expect(problemsOf({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT must be one of json, pretty (got "xml")']);
    expect(problemsOf({ METRICS_PORT: '70000' })).toEqual([
      'METRICS_PORT must be a whole number from 1 to 65535 (got "70000")',
    ]);
  });

  it('refuses METRICS_PORT = PORT where the API listens, allows it for a worker (no HTTP server)', () => {
    expect(problemsOf({ PORT: '3000', METRICS_PORT: '3000' })).toEqual([
      'METRICS_PORT must differ from PORT (both are 3000)',
    ]);
    expect(loadConfig({ APP_ROLE: 'worker', PORT: '3000', METRICS_PORT: '3000' }).metricsPort).toBe(3000);
  });
});
