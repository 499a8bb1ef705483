import { ConfigError, loadConfig } from '../../src/config/app-config';

/** The problems loadConfig names for `env`; fails the test when it accepts the environment. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to reject the environment');
}
