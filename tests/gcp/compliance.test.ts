import { createTestDatabase, type TestDatabase } from '../support/database';
import { createViewOfMigration, rowDifferences } from '../compliance/stored-results';
import {
  binding,
  loadGcp,
  organization,
  project,
  projectPolicy,
  serviceAccount,
  serviceAccountKey,
  serviceAccountMember,
} from './fixture';
import { columnsOf, findingsOf } from './queries';

// CIS Google Cloud Platform Foundation Benchmark v3.0.0, section 1, as the audit procedures of
// the benchmark state them (control ids and audit text as Prowler's cis_3.0_gcp.json reproduces
// the benchmark):
//   1.1 no email account outside the organisation domain in project, folder or organisation
//       policies (Google-owned service accounts excluded);
//   1.4 `gcloud iam service-accounts keys list --managed-by=user` lists no key for a
//       user-managed service account;
//   1.5 no SERVICE_ACCOUNT_NAME@PROJECT_ID.iam.gserviceaccount.com account holds a role
//       matching *Admin, *admin, roles/editor or roles/owner;
//   1.6 `get-iam-policy ... | grep roles/iam.serviceAccountUser` (and TokenCreator) prints
//       nothing;
//   1.7 every user-managed key has a validAfterTime within the past 90 days;
//   1.8 no member holds both roles/iam.serviceAccountAdmin and roles/iam.serviceAccountUser;
//   1.11 no member holds roles/cloudkms.admin with an encrypter or decrypter role.

const benchmark = 'CIS Google Cloud Platform Foundation Benchmark';
const org = '100000000040';
const good = 'cis-good';
const bad = 'cis-bad';
const noOrg = 'cis-no-org';
const noKeys = 'cis-no-keys';

const goodAccount = serviceAccount(good, 'clean');
const keyedAccount = serviceAccount(bad, 'keyed');
const adminAccount = serviceAccount(bad, 'admin-bot');

let db: TestDatabase;

async function statuses(controlId: string, accountId: string): Promise<Record<string, string>> {
  const result = await db.client.query(
    'SELECT resource, status FROM ciem.gcp_compliance_results WHERE control_id = $1 AND account_id = $2 ORDER BY resource',
    [controlId, accountId]
  );
  return Object.fromEntries(result.rows.map((row) => [row.resource, row.status]));
}

beforeAll(async () => {
  db = await createTestDatabase();
  await loadGcp(db.client, {
    gcp_cloudresourcemanager_organizations: [organization(org, 'example.com')],
    gcp_resourcemanager_projects: [
      project(good, '300000000040', `organizations/${org}`),
      project(bad, '300000000041', `organizations/${org}`),
    ],
    gcp_iam_service_accounts: [goodAccount, keyedAccount, adminAccount],
    gcp_iam_service_account_keys: [
      serviceAccountKey(goodAccount, { id: 'google-only', ageDays: 3, type: 'SYSTEM_MANAGED' }),
      serviceAccountKey(keyedAccount, { id: 'fresh', ageDays: 30 }),
      serviceAccountKey(keyedAccount, { id: 'stale', ageDays: 91 }),
    ],
    gcp_resourcemanager_project_policies: [
      projectPolicy(good, [
        binding('roles/viewer', ['user:alice@example.com', serviceAccountMember(good, 'clean')]),
        binding('roles/iam.serviceAccountAdmin', ['user:sam@example.com']),
        binding('roles/cloudkms.cryptoKeyEncrypterDecrypter', ['user:kim@example.com']),
        binding('roles/editor', ['serviceAccount:300000000040-compute@developer.gserviceaccount.com']),
      ]),
      projectPolicy(bad, [
        binding('roles/viewer', ['user:pat@gmail.com', 'user:partner@example.net']),
        binding('roles/storage.admin', [serviceAccountMember(bad, 'admin-bot')]),
        binding('roles/editor', ['serviceAccount:service-300000000041@gcp-sa-pubsub.iam.gserviceaccount.com']),
        binding('roles/iam.serviceAccountUser', ['user:sam@example.com']),
        binding('roles/iam.serviceAccountAdmin', ['user:sam@example.com']),
        binding('roles/iam.serviceAccountTokenCreator', [serviceAccountMember(bad, 'keyed')]),
        binding('roles/cloudkms.admin', ['user:kim@example.com']),
        binding('roles/cloudkms.cryptoKeyDecrypter', ['user:kim@example.com']),
      ]),
      projectPolicy(noOrg, [binding('roles/viewer', ['user:lee@unknown.example', 'user:pat@gmail.com'])]),
    ],
  });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('results have the columns of ciem.compliance_results', async () => {
  expect(await columnsOf(db.client, 'gcp_compliance_results')).toEqual(
    await columnsOf(db.client, 'compliance_results')
  );
});

test('controls list the whole section', async () => {
  const controls = await db.client.query(
    'SELECT control_id, decidable FROM ciem.compliance_controls WHERE benchmark = $1 AND version = $2 ORDER BY position',
    [benchmark, '3.0.0']
  );
  expect(controls.rows.map((row) => row.control_id)).toEqual([
    '1.1',
    '1.2',
    '1.3',
    '1.4',
    '1.5',
    '1.6',
    '1.7',
    '1.8',
    '1.9',
    '1.10',
    '1.11',
    '1.12',
    '1.13',
    '1.14',
    '1.15',
    '1.16',
    '1.17',
  ]);
  expect(controls.rows.filter((row) => row.decidable).map((row) => row.control_id)).toEqual([
    '1.1',
    '1.4',
    '1.5',
    '1.6',
    '1.7',
    '1.8',
    '1.11',
  ]);
});

test('1.1 corporate login credentials', async () => {
  expect(await statuses('1.1', good)).toEqual({
    'user:alice@example.com': 'pass',
    'user:kim@example.com': 'pass',
    'user:sam@example.com': 'pass',
  });
  expect(await statuses('1.1', bad)).toMatchObject({
    'user:pat@gmail.com': 'fail',
    'user:partner@example.net': 'fail',
  });
});

test('1.1 without organization domains', async () => {
  // Gmail is a consumer domain whatever the organisation; another domain needs the
  // organisation's domains to be judged.
  expect(await statuses('1.1', noOrg)).toEqual({ 'user:lee@unknown.example': 'unknown', 'user:pat@gmail.com': 'fail' });
});

test('1.4 user-managed keys', async () => {
  expect(await statuses('1.4', good)).toEqual({ [serviceAccountMember(good, 'clean')]: 'pass' });
  expect(await statuses('1.4', bad)).toEqual({
    [serviceAccountMember(bad, 'admin-bot')]: 'pass',
    [serviceAccountMember(bad, 'keyed')]: 'fail',
  });
});

test('1.5 service account admin roles', async () => {
  // The default compute account (PROJECT_NUMBER-compute@developer) and service agents are not
  // user-created accounts, which the audit leaves out.
  expect(await statuses('1.5', good)).toEqual({ [serviceAccountMember(good, 'clean')]: 'pass' });
  expect(await statuses('1.5', bad)).toEqual({
    [serviceAccountMember(bad, 'admin-bot')]: 'fail',
    [serviceAccountMember(bad, 'keyed')]: 'pass',
  });
});

test('1.6 service account roles at project level', async () => {
  expect(await statuses('1.6', good)).toEqual({ [`projects/${good}`]: 'pass' });
  expect(await statuses('1.6', bad)).toEqual({ [`projects/${bad}`]: 'fail' });
});

test('1.7 key rotation', async () => {
  const keyName = (id: string) => `projects/${bad}/serviceAccounts/keyed@${bad}.iam.gserviceaccount.com/keys/${id}`;
  expect(await statuses('1.7', bad)).toEqual({ [keyName('fresh')]: 'pass', [keyName('stale')]: 'fail' });
  expect(await statuses('1.7', good)).toEqual({});
});

test('1.8 service account separation of duties', async () => {
  expect(await statuses('1.8', good)).toEqual({ 'user:sam@example.com': 'pass' });
  expect(await statuses('1.8', bad)).toEqual({ 'user:sam@example.com': 'fail' });
});

test('1.11 KMS separation of duties', async () => {
  expect(await statuses('1.11', good)).toEqual({ 'user:kim@example.com': 'pass' });
  expect(await statuses('1.11', bad)).toEqual({ 'user:kim@example.com': 'fail' });
});

test('1.4 is unknown without the keys table', async () => {
  // A separate database whose sync lacks gcp_iam_service_account_keys.
  const other = await createTestDatabase();
  try {
    await loadGcp(other.client, { gcp_iam_service_accounts: [serviceAccount(noKeys, 'lonely')] });
    const result = await other.client.query(
      "SELECT status, evidence FROM ciem.gcp_compliance_results WHERE control_id = '1.4'"
    );
    expect(result.rows).toEqual([
      { status: 'unknown', evidence: { missing: 'gcp_iam_service_account_keys is not synced' } },
    ]);
  } finally {
    await other.drop();
  }
}, 120_000);

test('failed controls are findings', async () => {
  const findings = await findingsOf(db.client, 'user:sam@example.com', 'compliance');
  expect(findings).toEqual([
    expect.objectContaining({ account_id: bad, severity: 'low', finding_key: `cis-gcp-3.0.0:1.8@${bad}` }),
  ]);
});

test('stored results equal migration 0026', async () => {
  const original = await createViewOfMigration(db.client, '0026_gcp.sql', 'gcp_compliance_results');
  expect(await rowDifferences(db.client, 'ciem.gcp_compliance_results', original)).toBe(0);
});
