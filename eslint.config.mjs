import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

// Checks that a dashboard file is valid JSON and reports where a syntax error is. The rules see an empty program.
// NOTE: @eslint/json (the JSON language plugin for ESLint) would lint the content too, but it is not a dependency yet.
const jsonSyntaxParser = {
  meta: { name: 'openciem-json-syntax' },
  parseForESLint(text) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw withLocation(error, text);
    }

    const lines = text.split('\n');
    const end = { line: lines.length, column: lines[lines.length - 1].length };
    const program = {
      type: 'Program',
      body: [],
      sourceType: 'module',
      range: [0, text.length],
      loc: { start: { line: 1, column: 0 }, end },
      tokens: [],
      comments: [],
    };

    return { ast: program };
  },
};

// ESLint reads the position of a parsing error from lineNumber and column (both 1-based).
function withLocation(error, text) {
  const position = /at position (\d+)/.exec(error.message);
  if (position) {
    const before = text.slice(0, Number(position[1])).split('\n');
    error.lineNumber = before.length;
    error.column = before[before.length - 1].length + 1;
  }

  return error;
}

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
  ...baseConfig,
  {
    // The app logs through src/services/logger.ts, which sends entries to Grafana's monitoring as well.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    files: ['dashboards/**/*.json'],
    languageOptions: { parser: jsonSyntaxParser },
    rules: {
      // This rule needs TypeScript type information, which a JSON file does not have.
      '@typescript-eslint/naming-convention': 'off',
    },
  },
]);
