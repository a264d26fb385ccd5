import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  binding,
  denyPolicy,
  loadGcp,
  projectPolicy,
  role,
  serviceAccount,
  serviceAccountKey,
  serviceAccountMember,
} from './fixture';
import { findingsOf } from './queries';

// The Google Cloud finding rules, one case per rule, read from the shared ciem.findings.
//
// Sources (Google Cloud documentation):
//   Roles overview (cloud.google.com/iam/docs/roles-overview), basic roles: Owner has all Editor
//     permissions and manages roles and permissions; Editor adds permissions that modify state.
//     Google Cloud roles and permissions (cloud.google.com/iam/docs/roles-permissions/cloud) lists
//     Admin (roles/admin) and Writer (roles/writer) beside Owner (Legacy) and Editor (Legacy).
//   allUsers is anyone on the internet and
//     allAuthenticatedUsers anyone authenticated with a Google account or a service account (IAM
//     Policy reference, Binding.members).
//   Roles for managing and impersonating service accounts
//     (cloud.google.com/iam/docs/service-account-permissions): iam.serviceAccounts.actAs lets a
//     principal use a service account's access; Service Account Token Creator lets it create
//     short-lived credentials; granted on a project they cover every service account in it.
//   Use service account impersonation (cloud.google.com/docs/authentication/use-service-account-impersonation):
//     iam.serviceAccounts.getAccessToken is required to impersonate a service account.
//   Service agents (cloud.google.com/iam/docs/service-agents): Google creates these accounts and
//     grants them roles.
//   CIS GCP 1.4 and 1.7: user-managed keys expire ten years after creation and key rotation is
//     the customer's task; the benchmark asks for 90 days.

const basic = 'fd-basic';
const publicProject = 'fd-public';
const keys = 'fd-keys';
const impersonation = 'fd-imp';
const impersonationNoOwner = 'fd-imp-plain';
const inactive = 'fd-inactive';

const agent = 'serviceAccount:service-300000000020@gcp-sa-cloudbuild.iam.gserviceaccount.com';
const adminBot = serviceAccount(impersonation, 'admin-bot');
const worker = serviceAccount(impersonation, 'worker');
const plainWorker = serviceAccount(impersonationNoOwner, 'worker');
const app = serviceAccount(keys, 'app');
const legacy = serviceAccount(inactive, 'legacy', { disabled: true });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadGcp(db.client, {
    gcp_iam_predefined_roles: [
      role(basic, 'roles/owner', [
        'resourcemanager.projects.setIamPolicy',
        'iam.serviceAccounts.actAs',
        'iam.serviceAccounts.getAccessToken',
      ]),
      role(basic, 'roles/editor', ['compute.instances.create', 'iam.serviceAccounts.actAs']),
      role(basic, 'roles/viewer', ['compute.instances.list']),
      role(basic, 'roles/storage.objectViewer', ['storage.objects.get']),
      role(basic, 'roles/iam.serviceAccountTokenCreator', [
        'iam.serviceAccounts.getAccessToken',
        'iam.serviceAccounts.signBlob',
        'iam.serviceAccounts.signJwt',
      ]),
      role(basic, 'roles/iam.serviceAccountUser', ['iam.serviceAccounts.actAs']),
    ],
    gcp_iam_service_accounts: [adminBot, worker, plainWorker, app, legacy],
    gcp_iam_service_account_keys: [
      serviceAccountKey(app, { id: 'old-user-key', ageDays: 120 }),
      serviceAccountKey(app, { id: 'young-user-key', ageDays: 10 }),
      serviceAccountKey(app, { id: 'old-disabled-key', ageDays: 300, disabled: true }),
      serviceAccountKey(app, { id: 'old-expired-key', ageDays: 400, expiresInDays: -5 }),
      serviceAccountKey(app, { id: 'google-key', ageDays: 200, type: 'SYSTEM_MANAGED', expiresInDays: 30 }),
    ],
    gcp_resourcemanager_project_policies: [
      projectPolicy(basic, [
        binding('roles/owner', ['user:owner@example.com']),
        binding('roles/editor', ['user:editor@example.com', 'user:multi@example.com', agent]),
        binding('roles/admin', ['user:temp-admin@example.com'], {
          title: 'break glass',
          expression: 'request.time < timestamp("2030-01-01T00:00:00Z")',
        }),
        binding('roles/admin', ['user:new-admin@example.com']),
        binding('roles/writer', ['user:new-writer@example.com']),
      ]),
      projectPolicy(publicProject, [
        binding('roles/viewer', ['allUsers']),
        binding('roles/storage.objectViewer', ['allAuthenticatedUsers']),
        binding('roles/editor', ['user:multi@example.com']),
      ]),
      projectPolicy(impersonation, [
        binding('roles/owner', ['user:root@example.com', serviceAccountMember(impersonation, 'admin-bot')]),
        binding('roles/iam.serviceAccountTokenCreator', ['user:tina@example.com', 'user:denied@example.com']),
        binding('roles/iam.serviceAccountUser', ['user:cond@example.com'], {
          title: 'deploy window',
          expression: 'request.time.getHours("UTC") < 6',
        }),
      ]),
      projectPolicy(impersonationNoOwner, [binding('roles/iam.serviceAccountTokenCreator', ['user:paul@example.com'])]),
      projectPolicy(inactive, [
        binding('roles/viewer', [
          serviceAccountMember(inactive, 'legacy'),
          'deleted:user:former@example.com?uid=5550001',
        ]),
      ]),
    ],
    gcp_iam_deny_policies: [
      denyPolicy(impersonation, '300000000021', 'no-tokens', [
        {
          deniedPrincipals: ['principal://goog/subject/denied@example.com'],
          deniedPermissions: ['iam.googleapis.com/serviceAccounts.*'],
        },
      ]),
    ],
  });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

describe('basic roles', () => {
  test('owner is admin equivalent', async () => {
    // Roles overview: Owner can do everything Editor can and manage roles and permissions.
    expect(await findingsOf(db.client, 'user:owner@example.com', 'admin_equivalent')).toEqual([
      expect.objectContaining({
        account_id: basic,
        severity: 'critical',
        finding_key: `roles/owner@projects/${basic}`,
      }),
    ]);
  });

  test('editor modifies infrastructure', async () => {
    // Roles overview: Editor adds permissions that modify state, not the management of roles.
    const [finding] = await findingsOf(db.client, 'user:editor@example.com', 'infrastructure_modification');
    expect(finding).toMatchObject({
      severity: 'high',
      title: `Holds the basic role roles/editor on projects/${basic}`,
    });
    expect(finding.evidence.grants).toEqual([{ grant_id: `projects/${basic}#bindings[1]`, condition: null }]);
  });

  test('newer basic roles count like owner and editor', async () => {
    // Google Cloud roles and permissions: roles/admin and roles/writer are the basic roles beside
    // Owner (Legacy) and Editor (Legacy).
    expect(await findingsOf(db.client, 'user:new-admin@example.com', 'admin_equivalent')).toEqual([
      expect.objectContaining({ severity: 'critical', finding_key: `roles/admin@projects/${basic}` }),
    ]);
    expect(await findingsOf(db.client, 'user:new-writer@example.com', 'infrastructure_modification')).toEqual([
      expect.objectContaining({ severity: 'high', finding_key: `roles/writer@projects/${basic}` }),
    ]);
  });

  test('conditional admin is high', async () => {
    // Conditions overview: the role is granted only if the condition evaluates to true. The
    // legacy basic roles take no conditions, roles/admin does.
    expect(await findingsOf(db.client, 'user:temp-admin@example.com', 'admin_equivalent')).toEqual([
      expect.objectContaining({ severity: 'high', evidence: expect.objectContaining({ conditional: true }) }),
    ]);
  });

  test('service agent finding is info', async () => {
    // Service agents: Google grants their roles; the customer cannot change the account.
    expect(await findingsOf(db.client, agent, 'infrastructure_modification')).toEqual([
      expect.objectContaining({ severity: 'info', evidence: expect.objectContaining({ user_changeable: false }) }),
    ]);
  });

  test('one finding per project', async () => {
    const findings = await findingsOf(db.client, 'user:multi@example.com', 'infrastructure_modification');
    expect(findings.map((finding) => finding.account_id)).toEqual([basic, publicProject]);
  });
});

describe('public members', () => {
  test('allUsers is critical', async () => {
    // Binding.members: allUsers is anyone on the internet, with or without a Google account.
    expect(await findingsOf(db.client, 'allUsers', 'public_trust')).toEqual([
      expect.objectContaining({
        account_id: publicProject,
        identity_type: 'public',
        severity: 'critical',
        finding_key: `roles/viewer@projects/${publicProject}`,
      }),
    ]);
  });

  test('allAuthenticatedUsers is high', async () => {
    // Binding.members: allAuthenticatedUsers is anyone signed in with a Google account or a
    // service account.
    expect(await findingsOf(db.client, 'allAuthenticatedUsers', 'public_trust')).toEqual([
      expect.objectContaining({
        severity: 'high',
        finding_key: `roles/storage.objectViewer@projects/${publicProject}`,
        evidence: expect.objectContaining({
          audience: 'anyone signed in with a Google account or a service account',
          conditional: false,
        }),
      }),
    ]);
  });
});

describe('service-account keys', () => {
  test('old user-managed key only', async () => {
    // A user-managed key stays valid for ten years. A copy of a disabled, expired or
    // Google-managed key cannot be used.
    const findings = await findingsOf(db.client, serviceAccountMember(keys, 'app'), 'unused_credential');
    expect(findings.map((finding) => finding.finding_key)).toEqual(['key:old-user-key:rotation']);
    expect(findings[0].evidence).toMatchObject({
      age_days: 120,
      gcp_key_rotation_days: 90,
      key_type: 'USER_MANAGED',
      last_used_at: null,
    });
  });

  test('rotation setting moves the threshold', async () => {
    await db.client.query("UPDATE ciem.settings SET value = '5' WHERE key = 'gcp_key_rotation_days'");
    await db.client.query('SELECT ciem.refresh()');
    const findings = await findingsOf(db.client, serviceAccountMember(keys, 'app'), 'unused_credential');
    expect(findings.map((finding) => finding.finding_key)).toEqual([
      'key:old-user-key:rotation',
      'key:young-user-key:rotation',
    ]);

    await db.client.query("UPDATE ciem.settings SET value = '90' WHERE key = 'gcp_key_rotation_days'");
    await db.client.query('SELECT ciem.refresh()');
  });
});

describe('impersonation', () => {
  test('token creator over an owner service account is critical', async () => {
    // Roles for managing and impersonating service accounts: Token Creator on the project
    // reaches every service account in it, including admin-bot, which holds roles/owner.
    const [finding] = await findingsOf(db.client, 'user:tina@example.com', 'privilege_escalation');
    expect(finding).toMatchObject({
      account_id: impersonation,
      severity: 'critical',
      finding_key: `impersonation@${impersonation}`,
    });
    expect(finding.evidence.owner_service_accounts).toEqual([serviceAccountMember(impersonation, 'admin-bot')]);
    expect(finding.evidence.service_accounts).toEqual([
      serviceAccountMember(impersonation, 'admin-bot'),
      serviceAccountMember(impersonation, 'worker'),
    ]);
    expect(finding.evidence.permissions.map((permission: { permission: string }) => permission.permission)).toEqual([
      'iam.serviceAccounts.getAccessToken',
      'iam.serviceAccounts.signBlob',
      'iam.serviceAccounts.signJwt',
    ]);
  });

  test('token creator without an owner target is high', async () => {
    expect(await findingsOf(db.client, 'user:paul@example.com', 'privilege_escalation')).toEqual([
      expect.objectContaining({ account_id: impersonationNoOwner, severity: 'high' }),
    ]);
  });

  test('conditional actAs is medium', async () => {
    // Conditions overview: the binding applies only inside its window.
    expect(await findingsOf(db.client, 'user:cond@example.com', 'privilege_escalation')).toEqual([
      expect.objectContaining({
        severity: 'medium',
        title: `Can impersonate the service accounts of ${impersonation} with iam.serviceAccounts.actAs`,
      }),
    ]);
  });

  test('denied permissions are no finding', async () => {
    // Deny policies: a denied permission cannot be used whatever role grants it.
    expect(await findingsOf(db.client, 'user:denied@example.com', 'privilege_escalation')).toEqual([]);
  });

  test('owners are left to the admin rule', async () => {
    expect(await findingsOf(db.client, 'user:root@example.com', 'privilege_escalation')).toEqual([]);
    expect(await findingsOf(db.client, 'user:root@example.com', 'admin_equivalent')).toHaveLength(1);
  });
});

describe('inactive identities', () => {
  test('disabled service account with roles', async () => {
    // A disabled service account cannot authenticate, so its roles serve no one.
    expect(await findingsOf(db.client, serviceAccountMember(inactive, 'legacy'), 'unused_identity')).toEqual([
      expect.objectContaining({
        severity: 'low',
        finding_key: 'disabled_with_roles',
        evidence: expect.objectContaining({ status: 'disabled' }),
      }),
    ]);
  });

  test('deleted account still bound', async () => {
    // IAM Policy reference: IAM keeps deleted:user: members in bindings until they are removed.
    expect(await findingsOf(db.client, 'deleted:user:former@example.com?uid=5550001', 'unused_identity')).toEqual([
      expect.objectContaining({
        title: `Deleted user former@example.com is still bound on projects/${inactive}`,
        evidence: expect.objectContaining({ status: 'deleted' }),
      }),
    ]);
  });
});
