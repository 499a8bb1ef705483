// Two projects: fast pure unit specs next to the code, and e2e specs in test/ that talk to the real
// PostgreSQL, Redis/Bull and S3-compatible server started by test/setup/global-setup.ts.
// Every e2e spec file gets its own throwaway database and Bull prefix, so files can run in parallel.
const tsJest = [
  'ts-jest',
  { tsconfig: 'tsconfig.json', astTransformers: { before: ['<rootDir>/test/setup/swagger-transformer.js'] } },
];

// What both projects share: TypeScript through ts-jest, in Node.
const project = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  testTimeout: 120000,
  // No forceExit: every spec closes what it opens (apps, Redis clients, pools, servers, child processes),
  // so the run exits on its own. "Jest did not exit one second after the test run" means a spec leaks a
  // handle: `npx jest --detectOpenHandles <spec>` names it.
  projects: [
    { ...project, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...project,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
