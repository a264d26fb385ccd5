// Grafana re-imports an app's dashboard only when its "revision" differs from the imported one
// (grafana/grafana pkg/services/plugindashboards/service/dashboard_updater.go), so a change that keeps the revision
// never reaches users who already have the dashboard. dashboard-revisions.json records the content hash of each
// revision; a dashboard whose content no longer matches the hash of its revision fails here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { readDashboardFiles, type Dashboard } from './grafana/dashboard-model';

const recordFile = path.join(__dirname, 'dashboard-revisions.json');
const recorded = JSON.parse(readFileSync(recordFile, 'utf8')) as Record<string, Record<string, string>>;
const dashboards = readDashboardFiles();

/** Serialises a JSON value with sorted keys, so that formatting and key order do not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareKeys(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Compares by UTF-16 code units, as the default sort does, so that the order does not depend on the locale.
function compareKeys(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** The SHA-256 of everything in the dashboard but revision and version, which Grafana sets on save. */
function contentHash(dashboard: Dashboard): string {
  const { revision: _revision, version: _version, ...content } = dashboard;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

describe.each(dashboards)('$file', ({ file, dashboard }) => {
  const history = recorded[file] ?? {};
  const hash = contentHash(dashboard);

  test('matches the content recorded for its revision', () => {
    const expected = history[String(dashboard.revision)];
    const advice =
      expected === undefined
        ? `revision ${dashboard.revision} is not recorded: add "${dashboard.revision}": "${hash}" under "${file}" in ${path.basename(recordFile)}`
        : `the content changed without a new revision: set "revision": ${dashboard.revision + 1} in dashboards/${file} and add "${dashboard.revision + 1}": "${hash}" under "${file}" in ${path.basename(recordFile)}`;

    expect({ file, hash, advice: hash === expected ? 'none' : advice }).toEqual({
      file,
      hash: expected,
      advice: 'none',
    });
  });

  test('has the highest recorded revision', () => {
    const revisions = Object.keys(history).map(Number);

    expect(Math.max(dashboard.revision, ...revisions)).toBe(dashboard.revision);
  });
});

test('records only dashboards that exist', () => {
  const files = dashboards.map(({ file }) => file);

  expect(Object.keys(recorded).filter((file) => !files.includes(file))).toEqual([]);
});
