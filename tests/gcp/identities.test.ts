import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  binding,
  folderPolicy,
  loadGcp,
  organizationPolicy,
  projectPolicy,
  serviceAccount,
  serviceAccountMember,
} from './fixture';
import { columnsOf } from './queries';

// Google Cloud identities and grants in the shape of ciem.identities.
//
// Sources (Google Cloud documentation):
//   IAM Policy reference (cloud.google.com/iam/docs/reference/rest/v1/Policy), Binding.members:
//     user:EMAIL, group:EMAIL, serviceAccount:EMAIL, domain:DOMAIN, allUsers,
//     allAuthenticatedUsers, deleted:user:EMAIL?uid=ID (a deleted account, which IAM keeps in the
//     binding), principal:// and principalSet:// identifiers of workforce and workload identity pools.
//   Service agents (cloud.google.com/iam/docs/service-agents): Google-managed service accounts
//     such as service-PROJECT_NUMBER@gcp-sa-SERVICE.iam.gserviceaccount.com and
//     PROJECT_NUMBER@cloudservices.gserviceaccount.com.

const projectId = 'id-project';
const otherProject = 'id-other';
const folderNumber = '200000000009';
const organizationNumber = '100000000009';

const members = {
  user: 'user:alice@example.com',
  group: 'group:devs@example.com',
  domain: 'domain:example.com',
  allUsers: 'allUsers',
  allAuthenticatedUsers: 'allAuthenticatedUsers',
  deleted: 'deleted:user:former@example.com?uid=123456789012345678901',
  agent: 'serviceAccount:service-300000000009@gcp-sa-pubsub.iam.gserviceaccount.com',
  apisAgent: 'serviceAccount:300000000009@cloudservices.gserviceaccount.com',
  workforceUser: 'principal://iam.googleapis.com/locations/global/workforcePools/partners/subject/sam@partner.example',
  workforceGroup: 'principalSet://iam.googleapis.com/locations/global/workforcePools/partners/group/auditors',
  external: 'serviceAccount:ci@id-vendor.iam.gserviceaccount.com',
};

const ownAccount = serviceAccount(projectId, 'deployer');
const roamingAccount = serviceAccount(otherProject, 'reporter');

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadGcp(db.client, {
    gcp_iam_service_accounts: [ownAccount, roamingAccount],
    gcp_resourcemanager_project_policies: [
      projectPolicy(projectId, [
        binding('roles/viewer', [...Object.values(members), serviceAccountMember(otherProject, 'reporter')]),
        binding('roles/editor', [serviceAccountMember(projectId, 'deployer')]),
      ]),
      projectPolicy(otherProject, [binding('roles/viewer', [members.user])]),
    ],
    gcp_resourcemanager_folder_policies: [
      folderPolicy(folderNumber, [binding('roles/browser', ['group:platform@example.com'])]),
    ],
    gcp_resourcemanager_organization_policies: [
      organizationPolicy(organizationNumber, [binding('roles/viewer', ['user:cfo@example.com'])]),
    ],
  });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

async function identity(accountId: string, identityId: string) {
  const result = await db.client.query(
    `SELECT cloud, account_id, identity_id, identity_type, display_name, path, created_at, last_used_at,
            permissions_boundary_arn, is_service_linked
       FROM ciem.gcp_identities WHERE account_id = $1 AND identity_id = $2`,
    [accountId, identityId]
  );
  return result.rows;
}

test('columns match ciem.identities', async () => {
  // The lead's union of the clouds reads the same columns from every cloud.
  expect(await columnsOf(db.client, 'gcp_identities')).toEqual(await columnsOf(db.client, 'identities'));
});

test.each([
  ['user', members.user, 'user'],
  ['group', members.group, 'group'],
  ['domain', members.domain, 'domain'],
  ['allUsers', members.allUsers, 'public'],
  ['allAuthenticatedUsers', members.allAuthenticatedUsers, 'public'],
  ['deleted user', members.deleted, 'user'],
  ['service agent', members.agent, 'service_account'],
  ['workforce subject', members.workforceUser, 'user'],
  ['workforce group', members.workforceGroup, 'group'],
])('member type of %s', async (_name, member, expectedType) => {
  // IAM Policy reference, members: the prefix names the kind of principal.
  const rows = await identity(projectId, member);
  expect(rows).toHaveLength(1);
  expect(rows[0].identity_type).toBe(expectedType);
  expect(rows[0].cloud).toBe('gcp');
});

test('listed service account appears once under its project', async () => {
  // A service account belongs to the project that lists it, wherever it is granted roles.
  const reporter = serviceAccountMember(otherProject, 'reporter');
  const rows = await db.client.query(
    'SELECT account_id, identity_type, display_name FROM ciem.gcp_identities WHERE identity_id = $1',
    [reporter]
  );
  expect(rows.rows).toEqual([{ account_id: otherProject, identity_type: 'service_account', display_name: 'reporter' }]);
});

test('service account of an unsynced project is a member', async () => {
  expect((await identity(projectId, members.external))[0]).toMatchObject({
    identity_type: 'service_account',
    is_service_linked: false,
  });
});

test('deleted member kept and marked', async () => {
  // IAM Policy reference: deleted:user:EMAIL?uid=ID is a deleted account still in the binding.
  expect(await identity(projectId, members.deleted)).toEqual([
    expect.objectContaining({ identity_type: 'user', display_name: 'former@example.com (deleted)' }),
  ]);
});

test('service agents are service linked', async () => {
  // Service agents: Google creates and manages these accounts.
  expect((await identity(projectId, members.agent))[0].is_service_linked).toBe(true);
  expect((await identity(projectId, members.apisAgent))[0].is_service_linked).toBe(true);
  expect((await identity(projectId, serviceAccountMember(projectId, 'deployer')))[0].is_service_linked).toBe(false);
});

test('folder and organization members use the resource name as account', async () => {
  // Bindings on folders and organisations belong to no project.
  expect(await identity(`folders/${folderNumber}`, 'group:platform@example.com')).toHaveLength(1);
  expect(await identity(`organizations/${organizationNumber}`, 'user:cfo@example.com')).toHaveLength(1);
});

test('user bound in two projects is an identity of each', async () => {
  const rows = await db.client.query('SELECT account_id FROM ciem.gcp_identities WHERE identity_id = $1 ORDER BY 1', [
    members.user,
  ]);
  expect(rows.rows.map((row) => row.account_id)).toEqual([otherProject, projectId]);
});

test('no creation or last-use times', async () => {
  // CloudQuery's GCP tables carry no creation or activity time for service accounts or members.
  const rows = await db.client.query(
    'SELECT count(*)::int AS n FROM ciem.gcp_identities WHERE created_at IS NOT NULL OR last_used_at IS NOT NULL'
  );
  expect(rows.rows[0].n).toBe(0);
});
