import { parseCli, UsageError } from './args';

describe('parseCli', () => {
  it('reads an upload with its options, the URL normalised', () => {
    expect(
      parseCli(
        ['upload', 'a.csv', '--url', 'http://h:3000/api/', '--api-key', 'k', '--dry-run', '--out', 'd'],
        {},
      ),
    ).toMatchObject({
      command: 'upload',
      target: 'a.csv',
      url: 'http://h:3000',
      apiKey: 'k',
      dryRun: true,
      out: 'd',
    });
  });

  it('falls back to SERVICE_IMPORT_URL and SERVICE_IMPORT_API_KEY, then to localhost', () => {
    expect(
      parseCli(['status', 'abc'], { SERVICE_IMPORT_URL: 'https://x.example', SERVICE_IMPORT_API_KEY: 's' }),
    ).toMatchObject({ command: 'status', target: 'abc', url: 'https://x.example', apiKey: 's' });
    expect(parseCli(['list', '--limit', '5'], {})).toMatchObject({
      url: 'http://localhost:3000',
      apiKey: undefined,
      limit: 5,
    });
  });

  it('shows the help without a command or with --help', () => {
    expect(parseCli([], {}).command).toBe('help');
    expect(parseCli(['upload', '-h'], {}).command).toBe('help');
  });

  it.each([
    [['frobnicate']],
    [['upload']],
    [['upload', 'a.csv', 'b.csv']],
    [['status']],
    [['list', 'extra']],
    [['status', 'x', '--dry-run']],
    [['upload', 'a.csv', '--bogus']],
    [['list', '--page', '0']],
    [['list', '--url', 'ftp://x']],
  ])('rejects %j', (argv) => {
    expect(() => parseCli(argv, {})).toThrow(UsageError);
  });
});

describe('parseCli export', () => {
  it('takes no argument and repeatable --client and --service', () => {
    expect(parseCli(['export', '--client', 'C1', '--client', 'c2', '--service', 'S1'], {})).toMatchObject({
      command: 'export',
      clients: ['C1', 'c2'],
      services: ['S1'],
    });
    expect(parseCli(['export'], {})).toMatchObject({ command: 'export', clients: undefined });
    expect(() => parseCli(['export', 'file.csv'], {})).toThrow('"export" takes no argument.');
    expect(() => parseCli(['list', '--client', 'C1'], {})).toThrow(UsageError);
  });
});

describe('parseCli import codes', () => {
  const COMMANDS = ['status', 'cancel', 'commit', 'retry', 'revert'];
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  /** Codes as the service makes them (22 base64url characters), many beginning with "-". */
  function codes(): string[] {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % ALPHABET.length;
    const random = (prefix: string) =>
      prefix + Array.from({ length: 22 - prefix.length }, () => ALPHABET[next()]).join('');
    const fixed = ['-h', '-o', '--', '--h', '---', '-', '_', 'A'].map(random);
    return [...fixed, ...Array.from({ length: 300 }, () => random(''))];
  }

  it('takes every code as the command argument, wherever it stands, however it begins', () => {
    for (const command of COMMANDS) {
      for (const code of codes()) {
        const forms = [
          [command, code],
          [command, code, '--url', 'http://h:1'],
          [command, '--url', 'http://h:1', code],
          [command, '--url', 'http://h:1', '--', code],
        ];
        for (const argv of forms) {
          expect({ argv, parsed: parseCli(argv, {}) }).toMatchObject({ parsed: { command, target: code } });
        }
      }
    }
  });

  it('leaves an option value that looks like a code to the option', () => {
    const key = '-'.repeat(22);
    const argv = ['status', 'A'.repeat(22), '--url', 'http://h:1'];
    expect(parseCli([...argv, `--api-key=${key}`], {})).toMatchObject({
      target: 'A'.repeat(22),
      apiKey: key,
    });
    // Not moved away as a code: node's own message says how to give a value that begins with "-".
    expect(() => parseCli([...argv, '--api-key', key], {})).toThrow(/--api-key=-XYZ/);
    expect(() => parseCli(['status', '-x'], {})).toThrow(UsageError);
  });
});
