// Times in tests and snapshots are UTC whatever the machine's zone.
process.env.TZ = 'UTC';

const scaffold = require('./.config/jest.config');

// The scaffold transforms only .js/.ts; d3-color 3.1.1 and later publish .mjs entry points.
const swcOptions = scaffold.transform['^.+\\.(t|j)sx?$'][1];
const transform = { ...scaffold.transform, '^.+\\.mjs$': ['@swc/jest', swcOptions] };

const nodeProject = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    {
      ...scaffold,
      displayName: 'plugin',
      transform,
      rootDir: __dirname,
    },
    {
      ...nodeProject,
      displayName: 'cli',
      rootDir: __dirname,
      testMatch: ['<rootDir>/cli/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
    },
    {
      ...nodeProject,
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      // The end-to-end suite needs the Grafana of docker compose and runs with npm run e2e, never with npm test.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/e2e/'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
