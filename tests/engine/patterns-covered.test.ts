import { readFileSync } from 'node:fs';
import path from 'node:path';

import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';

// Migration 0029 gives ciem.patterns_covered a body the planner can inline. Whether an unconditional
// Deny covers an Allow decides explicit_deny against allowed (IAM User Guide, "Policy evaluation
// logic": an explicit Deny overrides any Allow), so the new body must return exactly what the one
// of migration 0011 returns on every input, NULL and empty arrays included.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.client, { sourceSchema: 'public' });

  // Migration 0011's function, read from its file, as the reference.
  const migration = readFileSync(path.join(__dirname, '../../sql-views/0011_effective_permissions.sql'), 'utf8');
  const original = /CREATE FUNCTION ciem\.patterns_covered\(.*?\n\$\$;/s.exec(migration);
  if (original === null) {
    throw new Error('sql-views/0011_effective_permissions.sql no longer defines ciem.patterns_covered');
  }
  await db.client.query(original[0].replace('ciem.patterns_covered', 'pg_temp.patterns_covered_0011'));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

// Resource pattern lists as the engine aggregates them: NULL when no statement of that kind
// matched, and the shapes of real policies otherwise.
const PATTERN_LISTS: ReadonlyArray<string[] | null> = [
  null,
  [],
  ['*'],
  ['arn:aws:s3:::*'],
  ['arn:aws:s3:::b/*'],
  ['arn:aws:s3:::b/x/*'],
  ['arn:aws:s3:::b/x/*', 'arn:aws:s3:::c'],
  ['arn:aws:s3:::b/*', 'arn:aws:s3:::c'],
  ['arn:aws:iam::*:role/app-?'],
];

test('patterns_covered matches migration 0011 on every pair', async () => {
  const pairs = PATTERN_LISTS.flatMap((allowed) => PATTERN_LISTS.map((denied) => [allowed, denied] as const));

  const answers = await db.client.query<{ allowed: string[] | null; denied: string[] | null; now: boolean | null; before: boolean | null }>(
    `SELECT p.allowed, p.denied,
            ciem.patterns_covered(p.allowed, p.denied) AS now,
            pg_temp.patterns_covered_0011(p.allowed, p.denied) AS before
       FROM jsonb_to_recordset($1::jsonb) AS p(allowed text[], denied text[])`,
    [JSON.stringify(pairs.map(([allowed, denied]) => ({ allowed, denied })))]
  );

  expect(answers.rows).toHaveLength(pairs.length);
  expect(answers.rows.filter((row) => row.now !== row.before)).toEqual([]);

  // The grid contains every kind of result, so an always-false or always-NULL body would fail above.
  expect(new Set(answers.rows.map((row) => row.before))).toEqual(new Set([true, false, null]));
});

test('bucket Deny covers objects, not every bucket', async () => {
  const covered = await db.client.query<{ inside: boolean; everywhere: boolean }>(
    `SELECT ciem.patterns_covered('{arn:aws:s3:::b/x/*}', '{arn:aws:s3:::b/*}') AS inside,
            ciem.patterns_covered('{arn:aws:s3:::*}', '{arn:aws:s3:::b/*}') AS everywhere`
  );

  expect(covered.rows[0]).toEqual({ inside: true, everywhere: false });
});

test('planner inlines patterns_covered', async () => {
  // Columns of a table, so that the planner cannot fold the call into a constant.
  await db.client.query('CREATE TEMP TABLE pattern_pairs (allowed text[], denied text[])');
  const plan = await db.client.query<{ 'QUERY PLAN': string }>(
    'EXPLAIN (VERBOSE, COSTS OFF) SELECT ciem.patterns_covered(p.allowed, p.denied) FROM pattern_pairs p'
  );
  const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');

  expect(text).toContain('patterns_all_covered');
  expect(text).not.toContain('patterns_covered(');
});
