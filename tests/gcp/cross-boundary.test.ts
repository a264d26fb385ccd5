import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  binding,
  folder,
  folderPolicy,
  loadGcp,
  organization,
  project,
  projectPolicy,
  role,
  serviceAccount,
  serviceAccountMember,
} from './fixture';
import { findingsOf } from './queries';

// Members from outside the project or organisation that grants them roles.
//
// Sources (Google Cloud documentation):
//   Types of service accounts (cloud.google.com/iam/docs/service-account-types): a user-managed
//     service account is NAME@PROJECT_ID.iam.gserviceaccount.com, in the project that created it;
//     the Compute Engine default service account is PROJECT_NUMBER-compute@developer.gserviceaccount.com.
//   Service agents (cloud.google.com/iam/docs/service-agents): Google-managed accounts that act
//     for a service in the customer's project.
//   CIS GCP 1.1 audit: no email account outside the organisation domain should be granted
//     permissions, Google-owned service accounts excepted. Consumer Gmail accounts are never
//     corporate credentials.
//   IAM Policy reference, Binding.members: principal:// and principalSet:// members are
//     identities of workforce and workload identity pools, which come from an external provider.

const org = '100000000030';
const otherOrg = '100000000031';
const team = '200000000030';
const home = 'cb-home';
const sibling = 'cb-sibling';
const stranger = 'cb-stranger';
const nested = 'cb-nested';
const loneProject = 'cb-lone';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadGcp(db.client, {
    gcp_cloudresourcemanager_organizations: [
      organization(org, 'example.com', 'C0home'),
      organization(otherOrg, 'example.org', 'C0other'),
    ],
    gcp_resourcemanager_folders: [folder(team, `organizations/${org}`, org)],
    gcp_resourcemanager_projects: [
      project(home, '300000000030', `organizations/${org}`),
      project(sibling, '300000000031', `organizations/${org}`),
      project(stranger, '300000000032', `organizations/${otherOrg}`),
      project(nested, '300000000033', `folders/${team}`),
    ],
    gcp_iam_service_accounts: [
      serviceAccount(home, 'app'),
      serviceAccount(sibling, 'reporter'),
      serviceAccount(stranger, 'vendor-sync'),
      serviceAccount(nested, 'builder'),
    ],
    gcp_iam_predefined_roles: [
      role(home, 'roles/editor', ['compute.instances.create']),
      role(home, 'roles/viewer', ['compute.instances.list']),
    ],
    gcp_resourcemanager_project_policies: [
      projectPolicy(home, [
        binding('roles/viewer', [
          serviceAccountMember(home, 'app'),
          serviceAccountMember(sibling, 'reporter'),
          'serviceAccount:300000000031-compute@developer.gserviceaccount.com',
          'serviceAccount:unknown@cb-unsynced.iam.gserviceaccount.com',
          'serviceAccount:service-300000000030@gcp-sa-pubsub.iam.gserviceaccount.com',
          'user:alice@example.com',
          'user:partner@example.net',
          'user:pat@gmail.com',
          'domain:example.org',
          'principal://iam.googleapis.com/locations/global/workforcePools/partners/subject/sam',
          'allUsers',
        ]),
        binding('roles/editor', [serviceAccountMember(stranger, 'vendor-sync')]),
        binding('roles/editor', ['user:secondary@example.co.uk']),
      ]),
      projectPolicy(loneProject, [binding('roles/viewer', ['user:pat@gmail.com', 'user:someone@unknown.example'])]),
    ],
    gcp_resourcemanager_folder_policies: [
      folderPolicy(team, [binding('roles/viewer', [serviceAccountMember(nested, 'builder')])]),
    ],
  });
  await db.client.query(
    `INSERT INTO ciem.gcp_known_domains (domain, organization_id) VALUES ('example.co.uk', 'organizations/${org}')`
  );
  await db.client.query('SELECT ciem.refresh()');
}, 120_000);

afterAll(async () => {
  await db.drop();
});

async function trustOf(accountId: string, identityId: string) {
  const result = await db.client.query(
    'SELECT trusted_from, classification, evidence FROM ciem.gcp_cross_boundary_trust WHERE account_id = $1 AND identity_id = $2',
    [accountId, identityId]
  );
  return result.rows;
}

test('own service account is inside', async () => {
  // Types of service accounts: NAME@PROJECT_ID.iam.gserviceaccount.com belongs to PROJECT_ID.
  expect(await trustOf(home, serviceAccountMember(home, 'app'))).toEqual([]);
});

test('service account of a sibling project is same organization', async () => {
  const [row] = await trustOf(home, serviceAccountMember(sibling, 'reporter'));
  expect(row).toMatchObject({ trusted_from: `projects/${sibling}`, classification: 'same_organization' });
  expect(await findingsOf(db.client, serviceAccountMember(sibling, 'reporter'), 'cross_account_trust')).toEqual([
    expect.objectContaining({ account_id: home, severity: 'low', finding_key: `cross_boundary@${home}` }),
  ]);
});

test('default service account is found by project number', async () => {
  // Types of service accounts: PROJECT_NUMBER-compute@developer.gserviceaccount.com.
  expect(await trustOf(home, 'serviceAccount:300000000031-compute@developer.gserviceaccount.com')).toEqual([
    expect.objectContaining({ trusted_from: `projects/${sibling}`, classification: 'same_organization' }),
  ]);
});

test('service account of another organization is external', async () => {
  expect(await trustOf(home, serviceAccountMember(stranger, 'vendor-sync'))).toEqual([
    expect.objectContaining({ trusted_from: `projects/${stranger}`, classification: 'external' }),
  ]);
  expect(await findingsOf(db.client, serviceAccountMember(stranger, 'vendor-sync'), 'cross_account_trust')).toEqual([
    expect.objectContaining({ severity: 'high' }),
  ]);
});

test('service account of an unsynced project is external', async () => {
  const [row] = await trustOf(home, 'serviceAccount:unknown@cb-unsynced.iam.gserviceaccount.com');
  expect(row.classification).toBe('external');
  expect(row.evidence).toMatchObject({ home_project: 'cb-unsynced', home_in_data: false });
  expect(
    await findingsOf(db.client, 'serviceAccount:unknown@cb-unsynced.iam.gserviceaccount.com', 'cross_account_trust')
  ).toEqual([expect.objectContaining({ severity: 'medium' })]);
});

test('service agent is google managed', async () => {
  // Service agents act for a Google service in the project; they are no finding.
  const agent = 'serviceAccount:service-300000000030@gcp-sa-pubsub.iam.gserviceaccount.com';
  expect(await trustOf(home, agent)).toEqual([expect.objectContaining({ classification: 'google_managed' })]);
  expect(await findingsOf(db.client, agent, 'cross_account_trust')).toEqual([]);
});

test('service account below a folder is inside the folder', async () => {
  // The folder contains the project, so the project's own service account is inside it.
  expect(await trustOf(`folders/${team}`, serviceAccountMember(nested, 'builder'))).toEqual([]);
});

test('user of the organization domain is inside', async () => {
  expect(await trustOf(home, 'user:alice@example.com')).toEqual([]);
});

test('user of another domain is external', async () => {
  // CIS GCP 1.1: an account of another domain is outside the organisation.
  expect(await trustOf(home, 'user:partner@example.net')).toEqual([
    expect.objectContaining({ trusted_from: 'example.net', classification: 'external' }),
  ]);
  expect(await findingsOf(db.client, 'user:partner@example.net', 'cross_account_trust')).toEqual([
    expect.objectContaining({
      severity: 'medium',
      title: `User of example.net, outside the organisation, holds roles on ${home}`,
    }),
  ]);
});

test('domain member of another organization is external', async () => {
  expect(await trustOf(home, 'domain:example.org')).toEqual([expect.objectContaining({ classification: 'external' })]);
});

test('known secondary domain is inside', async () => {
  // ciem.gcp_known_domains adds domains the organisation display name does not show.
  expect(await trustOf(home, 'user:secondary@example.co.uk')).toEqual([]);
});

test('gmail account is external without organization data', async () => {
  // CIS GCP 1.1: consumer accounts such as Gmail are never corporate identities.
  expect(await trustOf(loneProject, 'user:pat@gmail.com')).toEqual([
    expect.objectContaining({
      classification: 'external',
      evidence: expect.objectContaining({ consumer_domain: true }),
    }),
  ]);
});

test('unknown domain without organization data is undecided', async () => {
  expect(await trustOf(loneProject, 'user:someone@unknown.example')).toEqual([
    expect.objectContaining({ classification: 'unknown_domain' }),
  ]);
  expect(await findingsOf(db.client, 'user:someone@unknown.example', 'cross_account_trust')).toEqual([]);
});

test('workforce pool principal is federated', async () => {
  const member = 'principal://iam.googleapis.com/locations/global/workforcePools/partners/subject/sam';
  expect(await trustOf(home, member)).toEqual([
    expect.objectContaining({
      classification: 'federated',
      trusted_from: 'principal://iam.googleapis.com/locations/global/workforcePools/partners',
    }),
  ]);
});

test('public members are classified public', async () => {
  // Their findings come from the public member rule.
  expect(await trustOf(home, 'allUsers')).toEqual([expect.objectContaining({ classification: 'public' })]);
  expect(await findingsOf(db.client, 'allUsers', 'cross_account_trust')).toEqual([]);
});
