import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  binding,
  denyPolicy,
  folder,
  folderPolicy,
  loadGcp,
  organization,
  organizationPolicy,
  project,
  projectPolicy,
  role,
  serviceAccountMember,
} from './fixture';
import { decisionsOf, permissionsOf } from './queries';

// Effective permissions of Google Cloud members: roles expanded into permissions through
// project, folder and organisation bindings, with conditions and deny policies.
//
// Sources (Google Cloud documentation):
//   Roles overview (cloud.google.com/iam/docs/roles-overview): roles are collections of
//     permissions, granted to principals; custom roles belong to a project or an organisation.
//   Deny policies (cloud.google.com/iam/docs/deny-overview): "Deny policies, like allow policies,
//     are inherited through the resource hierarchy", so a binding on a folder or organisation
//     reaches the projects below it.
//   Conditions overview (cloud.google.com/iam/docs/conditions-overview): a conditional role
//     binding grants the role only if the condition evaluates to true. Conditional bindings do
//     not override a binding of the same role without condition.
//   Deny policies (cloud.google.com/iam/docs/deny-overview): IAM always checks relevant deny
//     policies before allow policies; a deny policy applies to the resources below its
//     attachment point.
//   IAM v2 API reference, DenyRule: deniedPrincipals and deniedPermissions are denied except
//     exceptionPrincipals and exceptionPermissions; a rule with a denialCondition applies when
//     the condition evaluates to true.
//   Permissions supported in deny policies (cloud.google.com/iam/docs/deny-permissions-support):
//     deny policies name permissions SERVICE_FQDN/RESOURCE.ACTION, SERVICE_FQDN usually being the
//     v1 service id followed by .googleapis.com.
//   IAM REST reference, Role.stage: a DISABLED role does not contribute permissions;
//     roles.delete: existing bindings to a deleted custom role have no effect.

const org = '100000000001';
const engineering = '200000000001';
const projectA = 'ep-project-a';
const projectB = 'ep-project-b';
const projectGo = 'ep-project-go';
const projectUnread = 'ep-project-unread';

const alice = 'user:alice@example.com';
const bob = 'user:bob@example.com';
const carol = 'user:carol@example.com';
const dave = 'user:dave@example.com';
const admins = 'group:admins@example.com';
const auditors = 'group:auditors@example.com';
const orgReader = 'user:reader@example.com';
const deployer = serviceAccountMember(projectA, 'deployer');
const conditionExpression = 'request.time < timestamp("2030-01-01T00:00:00Z")';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const predefined = [
    role(projectA, 'roles/storage.admin', ['storage.buckets.create', 'storage.buckets.delete', 'storage.objects.get']),
    role(projectA, 'roles/viewer', ['resourcemanager.projects.get', 'storage.buckets.list']),
    role(projectA, 'roles/browser', ['resourcemanager.projects.get', 'resourcemanager.projects.delete']),
  ];
  await loadGcp(db.client, {
    gcp_cloudresourcemanager_organizations: [organization(org, 'example.com')],
    gcp_resourcemanager_folders: [folder(engineering, `organizations/${org}`, org)],
    gcp_resourcemanager_projects: [
      project(projectA, '300000000001', `folders/${engineering}`),
      project(projectB, '300000000002', `organizations/${org}`),
      project(projectGo, '300000000003', `organizations/${org}`),
      project(projectUnread, '300000000004', `organizations/${org}`),
    ],
    gcp_iam_predefined_roles: [...predefined, ...predefined.map((row) => ({ ...row, project_id: projectB }))],
    gcp_iam_roles: [
      role(projectA, `projects/${projectA}/roles/bucketReader`, ['storage.buckets.get', 'storage.objects.list']),
      role(projectA, `organizations/${org}/roles/tagAuditor`, ['resourcemanager.tagKeys.list']),
      role(projectA, `projects/${projectA}/roles/retired`, ['compute.instances.delete'], { stage: 'DISABLED' }),
      role(projectA, `projects/${projectA}/roles/removed`, ['compute.instances.start'], { deleted: true }),
    ],
    gcp_resourcemanager_organization_policies: [organizationPolicy(org, [binding('roles/viewer', [orgReader])])],
    gcp_resourcemanager_folder_policies: [folderPolicy(engineering, [binding('roles/viewer', [auditors])])],
    gcp_resourcemanager_project_policies: [
      projectPolicy(projectA, [
        binding('roles/storage.admin', [
          alice,
          bob,
          carol,
          dave,
          admins,
          deployer,
          'deleted:user:gone@example.com?uid=42',
        ]),
        binding(`projects/${projectA}/roles/bucketReader`, [alice]),
        binding(`organizations/${org}/roles/tagAuditor`, [alice]),
        binding(`projects/${projectA}/roles/retired`, [alice]),
        binding(`projects/${projectA}/roles/removed`, [alice]),
        binding('roles/browser', [alice, bob]),
        binding('roles/viewer', [carol], { title: 'until 2030', expression: conditionExpression }),
        binding('roles/browser', [alice], { title: 'until 2030', expression: conditionExpression }),
      ]),
      projectPolicy(projectB, [binding('roles/storage.admin', [alice])]),
      projectPolicy(projectGo, [binding('roles/storage.admin', [alice])]),
      projectPolicy(projectUnread, [binding('roles/storage.admin', [alice])]),
    ],
    gcp_iam_deny_policies: [
      denyPolicy(projectA, '300000000001', 'bucket-guard', [
        {
          deniedPrincipals: [
            'principal://goog/subject/bob@example.com',
            'principal://iam.googleapis.com/projects/-/serviceAccounts/deployer@ep-project-a.iam.gserviceaccount.com',
          ],
          deniedPermissions: ['storage.googleapis.com/buckets.delete'],
        },
        {
          deniedPrincipals: ['principalSet://goog/public:all'],
          exceptionPrincipals: ['principal://goog/subject/alice@example.com'],
          deniedPermissions: ['storage.googleapis.com/buckets.*'],
          exceptionPermissions: ['storage.googleapis.com/buckets.list'],
          denialCondition: { title: 'production buckets', expression: "resource.matchTag('123/env', 'prod')" },
        },
        {
          deniedPrincipals: ['principalSet://goog/group/admins@example.com'],
          deniedPermissions: ['storage.googleapis.com/objects.get'],
        },
        {
          deniedPrincipals: ['principalSet://goog/public:all'],
          exceptionPrincipals: ['principalSet://goog/group/admins@example.com'],
          deniedPermissions: ['cloudresourcemanager.googleapis.com/projects.delete'],
        },
      ]),
      denyPolicy(
        projectGo,
        '300000000003',
        'go-shaped',
        [
          {
            deniedPrincipals: ['principal://goog/subject/alice@example.com'],
            deniedPermissions: ['storage.googleapis.com/buckets.delete'],
          },
        ],
        'cloudquery'
      ),
      denyPolicy(projectUnread, '300000000004', 'listed-only', [], 'unread'),
      {
        ...denyPolicy(projectB, '300000000002', 'org-guard', [
          {
            deniedPrincipals: ['principal://goog/subject/reader@example.com'],
            deniedPermissions: ['storage.googleapis.com/buckets.list'],
          },
        ]),
        name: `policies/cloudresourcemanager.googleapis.com%2Forganizations%2F${org}/denypolicies/org-guard`,
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('predefined role expands to its permissions', async () => {
  // Roles overview: a role is a collection of permissions granted by binding it.
  const decisions = await decisionsOf(db.client, projectB, alice);
  expect(decisions).toEqual({
    'storage.buckets.create': 'allowed',
    'storage.buckets.delete': 'allowed',
    'storage.objects.get': 'allowed',
  });
});

test('project and organization custom roles expand', async () => {
  // Roles overview: custom roles are named projects/ID/roles/NAME or organizations/ID/roles/NAME.
  const rows = await permissionsOf(db.client, projectA, alice);
  const grantedBy = (permission: string) =>
    rows.find((row) => row.permission === permission)?.granted_by.map((grant) => grant.role);
  expect(grantedBy('storage.objects.list')).toEqual([`projects/${projectA}/roles/bucketReader`]);
  expect(grantedBy('resourcemanager.tagKeys.list')).toEqual([`organizations/${org}/roles/tagAuditor`]);
});

test('disabled and deleted roles grant nothing', async () => {
  // IAM REST reference: a DISABLED role "will not contribute permissions"; bindings to a
  // deleted custom role "have no effect" (roles.delete).
  const decisions = await decisionsOf(db.client, projectA, alice);
  expect(decisions['compute.instances.delete']).toBeUndefined();
  expect(decisions['compute.instances.start']).toBeUndefined();

  const reasons = await db.client.query(
    `SELECT role_id, reason FROM ciem.gcp_unexpanded_grants WHERE member = $1 ORDER BY role_id`,
    [alice]
  );
  expect(reasons.rows).toEqual([
    { role_id: `projects/${projectA}/roles/removed`, reason: 'custom role deleted: its bindings have no effect' },
    { role_id: `projects/${projectA}/roles/retired`, reason: 'role at stage DISABLED grants no permissions' },
  ]);
});

test('folder grant reaches the projects below it', async () => {
  // Deny policies: allow policies are inherited through the resource hierarchy.
  const inFolder = await permissionsOf(db.client, projectA, auditors);
  expect(inFolder.map((row) => [row.permission, row.scope_type, row.scope, row.decision])).toEqual([
    ['resourcemanager.projects.get', 'folder', `folders/${engineering}`, 'allowed'],
    ['storage.buckets.list', 'folder', `folders/${engineering}`, 'allowed'],
  ]);
  expect(await permissionsOf(db.client, projectB, auditors)).toEqual([]);
});

test('organization grant reaches every project', async () => {
  // Deny policies: allow policies are inherited through the resource hierarchy.
  const accounts = await db.client.query(
    `SELECT DISTINCT account_id FROM ciem.gcp_effective_permissions WHERE identity_id = $1 ORDER BY 1`,
    [orgReader]
  );
  expect(accounts.rows.map((row) => row.account_id)).toEqual([projectA, projectB, projectGo, projectUnread]);
});

test('conditional binding gives a conditional decision', async () => {
  // Conditions overview: the role is granted only while the condition is true, which a
  // snapshot of the policy cannot decide.
  const rows = await permissionsOf(db.client, projectA, carol);
  const viewer = rows.find((row) => row.permission === 'resourcemanager.projects.get');
  expect(viewer?.decision).toBe('conditional');
  expect(viewer?.granted_by).toEqual([
    {
      role: 'roles/viewer',
      grant_id: `projects/${projectA}#bindings[6]`,
      condition: { title: 'until 2030', expression: conditionExpression },
    },
  ]);
});

test('unconditional binding wins over a conditional one', async () => {
  // Conditions overview: a principal bound to a role without condition always has the role.
  const rows = await permissionsOf(db.client, projectA, alice);
  const projectsGet = rows.find((row) => row.permission === 'resourcemanager.projects.get');
  expect(projectsGet?.decision).toBe('allowed');
  expect(projectsGet?.granted_by.map((grant) => [grant.grant_id, grant.condition === null])).toEqual([
    [`projects/${projectA}#bindings[5]`, true],
    [`projects/${projectA}#bindings[7]`, false],
  ]);
});

test('deny rule beats an allow', async () => {
  // Deny policies: IAM checks deny policies before allow policies, whatever roles are granted.
  const rows = await permissionsOf(db.client, projectA, bob);
  const deleteRow = rows.find((row) => row.permission === 'storage.buckets.delete');
  expect(deleteRow?.decision).toBe('denied');
  expect(deleteRow?.denied_by.map((rule) => rule.rule_id)).toEqual([
    expect.stringMatching(/denypolicies\/bucket-guard#rules\[0\]$/),
    expect.stringMatching(/denypolicies\/bucket-guard#rules\[1\]$/),
  ]);
});

test('deny names a service account by its principal identifier', async () => {
  // Deny policies: principal://iam.googleapis.com/projects/-/serviceAccounts/EMAIL names a
  // service account.
  expect((await decisionsOf(db.client, projectA, deployer))['storage.buckets.delete']).toBe('denied');
});

test('exception principal escapes the deny', async () => {
  // DenyRule: principals in exceptionPrincipals are not denied.
  const decisions = await decisionsOf(db.client, projectA, alice);
  expect(decisions['storage.buckets.create']).toBe('allowed');
  expect(decisions['storage.buckets.delete']).toBe('allowed');
});

test('denial condition makes the decision conditional', async () => {
  // DenyRule: a rule with a denial condition applies when the condition is true, which depends
  // on the request.
  const decisions = await decisionsOf(db.client, projectA, dave);
  expect(decisions['storage.buckets.create']).toBe('conditional');
});

test('exception permission escapes a wildcard deny', async () => {
  // DenyRule: permissions in exceptionPermissions are not denied, even when a wildcard in
  // deniedPermissions covers them.
  const rows = await permissionsOf(db.client, projectA, carol);
  const deniedBy = (permission: string) =>
    rows.find((row) => row.permission === permission)?.denied_by.map((rule) => rule.rule_id);
  expect(deniedBy('storage.buckets.create')).toEqual([expect.stringMatching(/bucket-guard#rules\[1\]$/)]);
  expect(deniedBy('storage.buckets.list')).toEqual([]);
});

test('wildcard deny leaves other resources alone', async () => {
  // storage.googleapis.com/buckets.* names bucket permissions only.
  const decisions = await decisionsOf(db.client, projectA, dave);
  expect(decisions['storage.objects.get']).toBe('allowed');
});

test('deny on a group applies to the group member', async () => {
  // Deny policies: principalSet://goog/group/EMAIL names a Google group.
  const decisions = await decisionsOf(db.client, projectA, admins);
  expect(decisions['storage.objects.get']).toBe('denied');
});

test('group deny against a user depends on membership', async () => {
  // Who belongs to admins@example.com is directory data the sync lacks, so the rule is listed
  // for review instead of deciding.
  const rows = await permissionsOf(db.client, projectA, dave);
  const objects = rows.find((row) => row.permission === 'storage.objects.get');
  expect(objects?.decision).toBe('allowed');
  expect(objects?.membership_dependent_denies).toEqual([
    expect.objectContaining({
      rule_id: expect.stringMatching(/bucket-guard#rules\[2\]$/),
      depends_on: 'group membership',
    }),
  ]);
});

test('group exception against a user depends on membership', async () => {
  // cloudresourcemanager.googleapis.com/projects.delete is resourcemanager.projects.delete in
  // allow policies (Permissions supported in deny policies lists the exception).
  const rows = await permissionsOf(db.client, projectA, bob);
  const deleteProject = rows.find((row) => row.permission === 'resourcemanager.projects.delete');
  expect(deleteProject?.decision).toBe('denied');
  expect(deleteProject?.membership_dependent_denies).toEqual([
    expect.objectContaining({
      rule_id: expect.stringMatching(/bucket-guard#rules\[3\]$/),
      depends_on: 'exception group membership',
    }),
  ]);
});

test('CloudQuery rule shape reads like the REST shape', async () => {
  // CloudQuery marshals the Go protobuf struct: {"Kind": {"DenyRule": {"denied_principals": ...}}}.
  expect((await decisionsOf(db.client, projectGo, alice))['storage.buckets.delete']).toBe('denied');
});

test('organization deny policy reaches projects below', async () => {
  // Deny policies: a deny policy attached to an organisation applies to every resource in it.
  expect((await decisionsOf(db.client, projectB, orgReader))['storage.buckets.list']).toBe('denied');
  expect((await decisionsOf(db.client, projectA, orgReader))['storage.buckets.list']).toBe('denied');
});

test('deny policy without rules is reported unread', async () => {
  // ListPolicies returns deny policy metadata without rules, so such a policy cannot be judged.
  const rows = await permissionsOf(db.client, projectUnread, alice);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.unread_deny_policies).toEqual([expect.stringMatching(/denypolicies\/listed-only$/)]);
  }
  expect((await permissionsOf(db.client, projectB, alice))[0].unread_deny_policies).toEqual([]);
});

test('deleted members hold nothing', async () => {
  // IAM keeps bindings of deleted accounts, which grant nothing unless the account is restored.
  expect(await permissionsOf(db.client, projectA, 'deleted:user:gone@example.com?uid=42')).toEqual([]);
});
