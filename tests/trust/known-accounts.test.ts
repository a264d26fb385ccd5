import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '../support/database';
import { runCli } from '../support/cli';
import { caseAccountBuilder, loadAccounts, roleArn } from '../engine/fixture';
import { allowAssume, ownAccount, root, trust, vendorAccount } from './fixture';

// Rule: `openciem import known-accounts FILE` loads a list in the format of the known_aws_accounts
// project into ciem.trusted_accounts, replacing the list of the same source in one transaction;
// bad input fails with the file, the entry and the value, and changes nothing.

let db: TestDatabase;
let dir: string;

const file = (name: string, content: string) => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};
const importFile = (target: string, ...extra: string[]) =>
  runCli(['import', 'known-accounts', target, '--database-url', db.url, ...extra]);
const rows = async () =>
  (
    await db.client.query(
      'SELECT source, account_id, name, owner_type FROM ciem.trusted_accounts ORDER BY source, account_id, name'
    )
  ).rows;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), 'openciem-known-accounts-'));
  await loadAccounts(
    db.client,
    caseAccountBuilder(ownAccount).role({
      name: 'vendor',
      ageDays: 10,
      trust: trust(allowAssume({ AWS: root(vendorAccount) })),
    })
  );
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

test('import loads the list under the file name and refreshes classification', async () => {
  const target = file(
    'accounts.yaml',
    `- name: 'Vendor'\n  source: ['https://example.com']\n  accounts: ['${vendorAccount}']\n- name: ELB logs\n  type: aws\n  accounts: [012615275169]\n`
  );
  const result = importFile(target);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('Imported 2 accounts');
  expect(await rows()).toEqual([
    { source: 'accounts.yaml', account_id: '012615275169', name: 'ELB logs', owner_type: 'aws' },
    { source: 'accounts.yaml', account_id: vendorAccount, name: 'Vendor', owner_type: null },
  ]);
  const classified = await db.client.query('SELECT classification FROM ciem.cross_account_trust WHERE role_arn = $1', [
    roleArn('vendor', ownAccount),
  ]);
  expect(classified.rows[0].classification).toBe('trusted_third_party');
});

test('import replaces the same source and keeps others', async () => {
  importFile(file('ours.yaml', "- name: Partner\n  accounts: ['999988887777']\n"), '--source', 'ours');
  const result = importFile(file('accounts.yaml', "- name: Vendor renamed\n  accounts: ['300000000003']\n"));
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('replaced 2 rows');
  expect(await rows()).toEqual([
    { source: 'accounts.yaml', account_id: '300000000003', name: 'Vendor renamed', owner_type: null },
    { source: 'ours', account_id: '999988887777', name: 'Partner', owner_type: null },
  ]);
});

test('invalid account id names file, entry and value and changes nothing', async () => {
  const before = await rows();
  const target = file(
    'accounts.yaml',
    "- name: Good\n  accounts: ['111111111111']\n- name: Bad\n  accounts: ['12345']\n"
  );
  const result = importFile(target);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(
    `invalid known-accounts file ${target}: entry 2 (Bad) has the account id "12345", which is not 12 digits`
  );
  expect(await rows()).toEqual(before);
});

test('file that is not YAML is rejected', async () => {
  const target = file('broken.yaml', '- name: [unclosed\n');
  const result = importFile(target);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`invalid known-accounts file ${target}: it is not valid YAML`);
});

test('missing file names the file', async () => {
  const result = importFile(path.join(dir, 'absent.yaml'));
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('absent.yaml: not found');
});
