import { defineConfig } from 'eslint/config';
import json from '@eslint/json';
import baseConfig from './.config/eslint.config.mjs';

const iamSimulateMessage =
  '@cloud-copilot/iam-simulate is licensed AGPL-3.0 and OpenCIEM Apache-2.0, so the product must not import it; only tests/ use it, as an independent oracle for the differential test.';


export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      // Compiled command line tool (npm run build:cli).
      'lib/',
      // Browser harness bundle (tests/browser/harness/bundle.ts).
      '.harness/',
      // Managed by @grafana/create-plugin; extended through the root files instead.
      '.config/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
    ],
  },
  // The scaffold's rules are for code; scoping them keeps them off the dashboard JSON.
  ...baseConfig.map((config) => ({ files: ['**/*.{js,mjs,cjs,jsx,ts,tsx}'], ...config })),
  {
    // The app logs through src/services/logger.ts, which sends entries to Grafana's monitoring as well.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      // The base configuration allows console.log, info, warn and error. Options given here replace that allow list.
      'no-console': ['error', {}],
    },
  },
  {
    files: ['src/**/*.{js,jsx,ts,tsx}', 'cli/**/*.{js,ts}'],
    rules: {
      // Options given here replace the base configuration's, so moment stays on the list.
      'no-restricted-imports': [
        'error',
        {
          paths: ['moment', { name: '@cloud-copilot/iam-simulate', message: iamSimulateMessage }],
          patterns: [{ group: ['@cloud-copilot/iam-simulate/*'], message: iamSimulateMessage }],
        },
      ],
    },
  },
  {
    // ESLint lints only JavaScript files unless a configuration names other files.
    files: ['webpack.config.ts', 'playwright.config.ts', 'cli/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts'],
  },
  {
    // The JSON language of @eslint/json replaces the JavaScript parser, so the base rules do not apply.
    files: ['dashboards/**/*.json'],
    plugins: { json },
    language: 'json/json',
    extends: ['json/recommended'],
  },
]);
