import { createTestDatabase, type TestDatabase } from '../support/database';
import { binding, folderPolicy, loadGcp, organizationPolicy, projectPolicy, role } from './fixture';
import { columnsOf } from './queries';

// Role grants of Google Cloud members at project, folder and organisation scope.
//
// Sources (Google Cloud documentation):
//   IAM Policy reference, Binding: a binding associates members with a role; allow policies are
//     read with get-iam-policy on projects, folders and organisations (gcloud reference).
//   Conditions overview (cloud.google.com/iam/docs/conditions-overview): a binding may carry a
//     condition (expression, title, description); the role is granted only while it is true.

const projectId = 'grant-project';
const condition = { title: 'office hours', expression: 'request.time.getHours("Europe/Berlin") < 18' };

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadGcp(db.client, {
    gcp_iam_predefined_roles: [
      role(projectId, 'roles/storage.objectViewer', ['storage.objects.get'], { title: 'Storage Object Viewer' }),
    ],
    gcp_resourcemanager_project_policies: [
      projectPolicy(projectId, [
        binding('roles/storage.objectViewer', [
          'user:alice@example.com',
          'group:devs@example.com',
          'domain:example.com',
          'allUsers',
        ]),
        binding('roles/storage.objectViewer', ['user:bob@example.com'], condition),
      ]),
    ],
    gcp_resourcemanager_folder_policies: [
      folderPolicy('200000000010', [binding('roles/browser', ['group:platform@example.com'])]),
    ],
    gcp_resourcemanager_organization_policies: [
      organizationPolicy('100000000010', [binding('roles/viewer', ['user:cfo@example.com'])]),
    ],
  });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

async function grantsOf(identityId: string) {
  const result = await db.client.query(
    `SELECT account_id, identity_type, role_id, role_name, scope_type, scope, via, condition, is_conditional, grant_id
       FROM ciem.gcp_identity_grants WHERE identity_id = $1 ORDER BY grant_id`,
    [identityId]
  );
  return result.rows;
}

test('columns follow the shared contract', async () => {
  expect(await columnsOf(db.client, 'gcp_identity_grants')).toEqual([
    { name: 'cloud', type: 'text' },
    { name: 'account_id', type: 'text' },
    { name: 'identity_id', type: 'text' },
    { name: 'identity_type', type: 'text' },
    { name: 'role_id', type: 'text' },
    { name: 'role_name', type: 'text' },
    { name: 'scope_type', type: 'text' },
    { name: 'scope', type: 'text' },
    { name: 'via', type: 'text' },
    { name: 'condition', type: 'jsonb' },
    { name: 'is_conditional', type: 'boolean' },
    { name: 'grant_id', type: 'text' },
  ]);
});

test('condition kept and marked conditional', async () => {
  // Conditions overview: the condition is part of the binding and limits when the role applies.
  expect(await grantsOf('user:bob@example.com')).toEqual([
    expect.objectContaining({ condition, is_conditional: true, grant_id: `projects/${projectId}#bindings[1]` }),
  ]);
  expect(await grantsOf('user:alice@example.com')).toEqual([
    expect.objectContaining({ condition: null, is_conditional: false }),
  ]);
});

test('via names group, domain and public grants', async () => {
  // Binding.members: group:, domain: and allUsers stand for many principals.
  const via = async (identityId: string) => (await grantsOf(identityId))[0].via;
  expect(await via('user:alice@example.com')).toBe('direct');
  expect(await via('group:devs@example.com')).toBe('group');
  expect(await via('domain:example.com')).toBe('domain');
  expect(await via('allUsers')).toBe('public');
});

test('grant names the binding and the role title', async () => {
  expect((await grantsOf('user:alice@example.com'))[0]).toMatchObject({
    account_id: projectId,
    role_id: 'roles/storage.objectViewer',
    role_name: 'Storage Object Viewer',
    scope_type: 'project',
    scope: `projects/${projectId}`,
    grant_id: `projects/${projectId}#bindings[0]`,
  });
});

test('role name falls back to the role id', async () => {
  // Without the role catalogue the last part of the role name is shown.
  expect((await grantsOf('group:platform@example.com'))[0].role_name).toBe('browser');
});

test('folder and organization bindings keep their scope', async () => {
  // gcloud resource-manager folders get-iam-policy and gcloud organizations get-iam-policy read them.
  expect((await grantsOf('group:platform@example.com'))[0]).toMatchObject({
    account_id: 'folders/200000000010',
    scope_type: 'folder',
    scope: 'folders/200000000010',
  });
  expect((await grantsOf('user:cfo@example.com'))[0]).toMatchObject({
    account_id: 'organizations/100000000010',
    scope_type: 'organization',
    scope: 'organizations/100000000010',
  });
});

test('effective permissions carry the shared columns first', async () => {
  const columns = await columnsOf(db.client, 'gcp_effective_permissions');
  expect(columns.slice(0, 8)).toEqual([
    { name: 'cloud', type: 'text' },
    { name: 'account_id', type: 'text' },
    { name: 'identity_id', type: 'text' },
    { name: 'permission', type: 'text' },
    { name: 'scope_type', type: 'text' },
    { name: 'scope', type: 'text' },
    { name: 'decision', type: 'text' },
    { name: 'granted_by', type: 'jsonb' },
  ]);
});
