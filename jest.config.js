/**
 * Two projects: `unit` (fast, no servers) and `integration` (real Postfix, Samba AD, TLS servers, Bolt and
 * botbuilder HTTP paths on loopback). `npm test` runs both; in CI (CI=true) a missing server is a failure.
 */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
};

module.exports = {
  // Integration suites start real servers (Samba takes ~15 s to provision); unit tests finish long before.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/global-build.js',
    },
  ],
};
