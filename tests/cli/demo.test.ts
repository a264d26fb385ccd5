import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/global-setup';
import { repositoryRoot } from '../support/paths';

/** The demo started by the running test, stopped after it even when an assertion fails, so Jest can exit. */
let running: ChildProcess | undefined;

afterEach(() => {
  if (running !== undefined && running.exitCode === null && running.signalCode === null) {
    running.kill('SIGINT');
  }
  running = undefined;
});

describe('demo with an embedded PostgreSQL', () => {
  test('serves the demo organisation to the read-only role and stops on Ctrl-C', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-demo-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['bin/openciem.js', 'demo', '--data-dir', dataDir, '--port', String(port), '--no-grafana'],
      {
        cwd: repositoryRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    running = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${stdout}\n${stderr}`)), 90_000);
      child.stdout.on('data', () => {
        if (stdout.includes('Press Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`demo exited early:\n${stdout}\n${stderr}`)));
    });

    const password = /Password:\s+(\S+)/.exec(stdout)?.[1];
    expect(password).toBe(readFileSync(path.join(dataDir, 'grafana-reader-password'), 'utf8').trim());
    expect(stdout).toContain(`Host URL:  127.0.0.1:${port}`);
    expect(stdout).toContain('UID:       openciem-postgres');

    const reader = new Client({ host: '127.0.0.1', port, user: 'openciem_grafana', password, database: 'openciem' });
    await reader.connect();
    const rows = await reader.query(
      "SELECT account_id, count(*)::int AS n FROM ciem.identities WHERE cloud = 'aws' GROUP BY 1 ORDER BY 1"
    );
    const clouds = await reader.query('SELECT DISTINCT cloud FROM ciem.identities ORDER BY 1');
    await reader.end();
    expect(clouds.rows.map((row) => row.cloud)).toEqual(['aws', 'azure', 'gcp', 'kubernetes']);
    expect(rows.rows).toEqual([
      { account_id: '111122223333', n: 6 },
      { account_id: '123456789012', n: 7 },
      { account_id: '444455556666', n: 4 },
      { account_id: '777788889999', n: 8 },
    ]);

    // 130 (128 + SIGINT) is the shell's status for a program stopped by Ctrl-C.
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(existsSync(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false);
    const again = new Client({ host: '127.0.0.1', port, user: 'openciem_grafana', password, database: 'openciem' });
    await expect(again.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);
});

describe('demo into an existing database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  test('loads the organisation, migrates and exits', async () => {
    const result = runCli(['demo', '--database-url', db.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Loaded the demo organisation (4 accounts) into schema public.');
    const rows = await db.client.query(
      "SELECT identity_id, is_service_linked FROM ciem.identities WHERE identity_type = 'role' AND is_service_linked"
    );
    expect(rows.rows.map((row) => row.identity_id).sort()).toEqual([
      'arn:aws:iam::111122223333:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations',
      'arn:aws:iam::777788889999:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
    ]);
  });

  test('loading twice keeps the same rows', async () => {
    const before = await db.client.query('SELECT _cq_id FROM public.aws_iam_roles ORDER BY 1');
    const result = runCli(['demo', '--database-url', db.url]);
    expect(result.status).toBe(0);
    const after = await db.client.query('SELECT _cq_id FROM public.aws_iam_roles ORDER BY 1');
    expect(after.rows).toEqual(before.rows);
  });

  test('never-used roles have no last use and boundaries are visible', async () => {
    const rows = await db.client.query(
      "SELECT display_name, last_used_at, permissions_boundary_arn FROM ciem.identities WHERE display_name IN ('PublicReadRole', 'erin.dev') ORDER BY 1"
    );
    expect(rows.rows[0]).toMatchObject({
      display_name: 'PublicReadRole',
      last_used_at: null,
      permissions_boundary_arn: null,
    });
    expect(rows.rows[1]).toMatchObject({
      display_name: 'erin.dev',
      permissions_boundary_arn: 'arn:aws:iam::123456789012:policy/DeveloperBoundary',
    });
  });
});
