// Two projects: fast pure unit specs next to the code, and e2e specs in test/ that talk to the real
// PostgreSQL, Redis/Bull and S3-compatible server started by test/setup/global-setup.ts.
// Every e2e spec file gets its own throwaway database and Bull prefix, so files can run in parallel.
const tsJest = [
  'ts-jest',
  { tsconfig: 'tsconfig.json', astTransformers: { before: ['<rootDir>/test/setup/swagger-transformer.js'] } },
];

module.exports = {
  testTimeout: 120000,
  // Specs cut Redis and storage on purpose; a client of a closed app may still be backing off its
  // reconnect for a moment. Do not let that keep the run open.
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleFileExtensions: ['ts', 'js', 'json'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleFileExtensions: ['ts', 'js', 'json'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
