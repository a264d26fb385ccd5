// The tree functions of migration 0031 for Kubernetes, Google Cloud and Azure identities, on small
// handwritten data of each cloud and on the demo. The Identity page must show the same permissions
// as ciem.cloud_effective_permissions, so the demo checks compare the two for every identity. The
// queries are the page's own (src/services/cloudIdentityQueries.ts).
//
// Sources:
//   Kubernetes, Using RBAC Authorization (kubernetes.io/docs/reference/access-authn-authz/rbac/):
//     a RoleBinding grants the permissions of its role within its namespace only. Rules name
//     resources by API group, the core API group written "", and subresources as
//     resource/subresource (pods/exec).
//   Google Cloud, Understanding roles (cloud.google.com/iam/docs/understanding-roles): permission
//     names are service.resource.verb (storage.buckets.get).
//   Google Cloud, Resource hierarchy (cloud.google.com/iam/docs/resource-hierarchy-access-control):
//     a folder's allow policy is inherited by the projects below it.
//   Azure, Resource providers and types (learn.microsoft.com/azure/azure-resource-manager/management/
//     resource-providers-and-types): operations are {provider}/{resource type}/{action}, and
//     Understand Azure role definitions: operation strings are case-insensitive.
import type { Client } from 'pg';

import { ClusterBuilder, group, serviceAccount, user } from '../../cli/demo/k8s-builders';
import { loadDemo } from '../../cli/demo/load';
import {
  buildCloudPermissionNodesQuery,
  buildCloudPermissionSummaryQuery,
  buildIdentityGrantsQuery,
  type CloudIdentityScope,
} from '../../src/services/cloudIdentityQueries';
import { identityIsPerAccount } from '../../src/services/clouds';
import { HOSTILE_TEXTS } from '../../src/test/sqlLiterals';
import {
  assignmentRow,
  builtInDefinitions,
  loadAzure,
  resourceGroupScope,
  roleDefinitionRow,
  subscriptionId,
  subscriptionRow,
  subscriptionScope,
} from '../azure/fixture';
import { binding, folder, folderPolicy, loadGcp, organization, project, projectPolicy, role } from '../gcp/fixture';
import { loadClusters } from '../k8s/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface GroupRow {
  permission_group: string;
  permissions: number;
  allowed: number;
  conditional: number;
  denied: number;
  scopes: number;
}

interface NodeRow {
  permission: string;
  account_id: string;
  scope_type: string;
  scope: string;
  decision: string;
  granted_by: string;
  detail: string;
}

// Creating a database, migrating it and loading three clouds took about 5 s in a local run on a
// shared 2-core machine, and loading the demo about as long.
const SETUP_TIMEOUT_MS = 300_000;

const org = '700000000001';
const platformFolder = '710000000001';
const projectA = 'tree-project-a';
const projectB = 'tree-project-b';

// A member whose id contains the characters that URLs and SQL literals must keep: ':', '@', '/'
// and a quote.
const quotedMember = "user:o'brien/ops@example.com";
const analyst = 'user:analyst@example.com';
const platformGroup = 'group:platform@example.com';

const azurePrincipal = 'e0000000-0000-4000-8000-000000000001';
const computeReader = {
  guid: 'f1000000-0000-4000-8000-000000000001',
  roleName: 'Mixed Case Reader',
  type: 'CustomRole' as const,
  assignableScopes: [subscriptionScope()],
  permissions: [
    {
      actions: ['Microsoft.Compute/virtualMachines/read', 'microsoft.compute/disks/read', '*/read'],
      dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
    },
  ],
};

let handwritten: TestDatabase;
let demo: TestDatabase;

beforeAll(async () => {
  handwritten = await createTestDatabase();
  await loadClusters(handwritten.client, [
    {
      context: 'prod',
      builder: new ClusterBuilder()
        .role('payments', 'secret-reader', [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
          { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['create'] },
        ])
        .roleBinding('payments', 'alice-secrets', { kind: 'Role', name: 'secret-reader' }, [user('alice')])
        .clusterRole('health', [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }])
        .clusterRoleBinding('alice-health', 'health', [user('alice')])
        .serviceAccount('ci', 'deployer'),
    },
    {
      context: 'staging',
      builder: new ClusterBuilder()
        .clusterRole('deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['update'] }])
        .clusterRoleBinding('alice-deploy', 'deployer', [user('alice'), group('dev'), serviceAccount('ci', 'bot')]),
    },
  ]);

  const predefined = [
    role(projectA, 'roles/storage.objectViewer', ['storage.objects.get', 'storage.objects.list']),
    role(projectA, 'roles/compute.viewer', ['compute.instances.get']),
  ];
  await loadGcp(handwritten.client, {
    gcp_cloudresourcemanager_organizations: [organization(org, 'example.com')],
    gcp_resourcemanager_folders: [folder(platformFolder, `organizations/${org}`, org)],
    gcp_resourcemanager_projects: [
      project(projectA, '720000000001', `folders/${platformFolder}`),
      project(projectB, '720000000002', `folders/${platformFolder}`),
    ],
    gcp_iam_predefined_roles: predefined,
    gcp_resourcemanager_folder_policies: [
      folderPolicy(platformFolder, [binding('roles/compute.viewer', [platformGroup])]),
    ],
    gcp_resourcemanager_project_policies: [
      projectPolicy(projectA, [
        binding('roles/storage.objectViewer', [quotedMember, analyst]),
        binding('roles/compute.viewer', [analyst], {
          title: 'office hours',
          expression: 'request.time.getHours() < 18',
        }),
      ]),
      projectPolicy(projectB, [binding('roles/storage.objectViewer', [analyst])]),
    ],
  });

  await loadAzure(handwritten.client, {
    azure_subscription_subscriptions: [subscriptionRow()],
    azure_authorization_role_definitions: [...builtInDefinitions, computeReader].map((definition) =>
      roleDefinitionRow(definition)
    ),
    azure_authorization_role_assignments: [
      assignmentRow({
        name: 'tree-01',
        principalId: azurePrincipal,
        principalType: 'ServicePrincipal',
        role: computeReader.guid,
        scope: resourceGroupScope('web'),
      }),
    ],
  });

  demo = await createTestDatabase();
  await loadDemo(demo.client, 'public', new Date());
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await handwritten?.drop();
  await demo?.drop();
});

async function summaryOf(client: Client, scope: CloudIdentityScope): Promise<GroupRow[]> {
  return (await client.query<GroupRow>(buildCloudPermissionSummaryQuery(scope))).rows;
}

async function nodesOf(client: Client, scope: CloudIdentityScope, permissionGroup: string): Promise<NodeRow[]> {
  return (await client.query<NodeRow>(buildCloudPermissionNodesQuery(scope, permissionGroup))).rows;
}

async function errorOf(client: Client, sql: string): Promise<string> {
  return client.query(sql).then(
    () => 'no error',
    (error: Error) => error.message
  );
}

const groupsOf = (rows: GroupRow[]) => rows.map((row) => row.permission_group);

describe('Kubernetes tree', () => {
  const alice = (accountId: string | null): CloudIdentityScope => ({
    cloud: 'kubernetes',
    identityId: 'User:alice',
    accountId,
  });

  test('groups by API group and resource within the cluster', async () => {
    const rows = await summaryOf(handwritten.client, alice('prod'));

    expect(groupsOf(rows)).toEqual(['core/pods', 'core/secrets', 'non-resource URLs']);
  });

  test('files a subresource under its resource', async () => {
    const pods = await nodesOf(handwritten.client, alice('prod'), 'core/pods');

    expect(pods.map((row) => row.permission)).toEqual(['create pods', 'create pods/exec']);
  });

  test('keeps a RoleBinding at its namespace', async () => {
    const secrets = await nodesOf(handwritten.client, alice('prod'), 'core/secrets');

    expect(secrets.map((row) => [row.permission, row.scope_type, row.scope])).toEqual([
      ['get secrets', 'namespace', 'payments'],
      ['list secrets', 'namespace', 'payments'],
    ]);
    expect(JSON.parse(secrets[0].granted_by)).toEqual([
      expect.objectContaining({ role: 'Role:payments/secret-reader', binding: 'RoleBinding:payments/alice-secrets' }),
    ]);
  });

  test('keeps the clusters of one id apart', async () => {
    const staging = await summaryOf(handwritten.client, alice('staging'));
    const everywhere = await summaryOf(handwritten.client, alice(null));

    expect(groupsOf(staging)).toEqual(['apps/deployments']);
    expect(groupsOf(everywhere)).toEqual(['apps/deployments', 'core/pods', 'core/secrets', 'non-resource URLs']);
  });

  test('counts distinct permissions of a group', async () => {
    const [secrets] = (await summaryOf(handwritten.client, alice('prod'))).filter(
      (row) => row.permission_group === 'core/secrets'
    );

    expect(secrets).toEqual({
      permission_group: 'core/secrets',
      permissions: 2,
      allowed: 2,
      conditional: 0,
      denied: 0,
      scopes: 1,
    });
  });

  test('rejects a cluster where the id holds nothing', async () => {
    const message = await errorOf(handwritten.client, buildCloudPermissionSummaryQuery(alice('dev')));

    expect(message).toBe('kubernetes identity User:alice not found in account dev');
  });

  test('returns no permission for a group the identity lacks', async () => {
    expect(await nodesOf(handwritten.client, alice('prod'), 'apps/deployments')).toEqual([]);
  });
});

describe('Google Cloud tree', () => {
  const member = (identityId: string): CloudIdentityScope => ({ cloud: 'gcp', identityId, accountId: null });

  test('groups by the service of the permission name', async () => {
    const rows = await summaryOf(handwritten.client, member(analyst));

    expect(groupsOf(rows)).toEqual(['compute', 'storage']);
  });

  test('lists a member in every project it holds a role in', async () => {
    const storage = await nodesOf(handwritten.client, member(analyst), 'storage');

    expect(storage.map((row) => [row.permission, row.account_id])).toEqual([
      ['storage.objects.get', projectA],
      ['storage.objects.get', projectB],
      ['storage.objects.list', projectA],
      ['storage.objects.list', projectB],
    ]);
    expect((await summaryOf(handwritten.client, member(analyst)))[1]).toMatchObject({ permissions: 2, scopes: 2 });
  });

  test('marks a conditional binding conditional', async () => {
    const [compute] = await nodesOf(handwritten.client, member(analyst), 'compute');

    expect(compute.decision).toBe('conditional');
    expect(JSON.parse(compute.granted_by)[0].condition).toEqual({
      title: 'office hours',
      expression: 'request.time.getHours() < 18',
    });
  });

  test('lists a folder grant under each project below the folder', async () => {
    const compute = await nodesOf(handwritten.client, member(platformGroup), 'compute');

    expect(compute.map((row) => [row.account_id, row.scope_type, row.scope])).toEqual([
      [projectA, 'folder', `folders/${platformFolder}`],
      [projectB, 'folder', `folders/${platformFolder}`],
    ]);
  });

  test('reads an id with quote, slash and at sign', async () => {
    const rows = await summaryOf(handwritten.client, member(quotedMember));
    const grants = await handwritten.client.query(buildIdentityGrantsQuery(member(quotedMember)));

    expect(groupsOf(rows)).toEqual(['storage']);
    expect(grants.rows).toHaveLength(1);
  });

  test.each(HOSTILE_TEXTS)('finds no member for hostile text: %j', async (text) => {
    const message = await errorOf(handwritten.client, buildCloudPermissionSummaryQuery(member(text)));

    expect(message).toBe(`gcp identity ${text} not found`);
  });
});

describe('Azure tree', () => {
  const principal: CloudIdentityScope = { cloud: 'azure', identityId: azurePrincipal, accountId: null };

  test('groups by resource provider without case', async () => {
    const rows = await summaryOf(handwritten.client, principal);

    expect(rows.map((row) => [row.permission_group, row.permissions])).toEqual([
      ['*', 1],
      ['Microsoft.Compute', 2],
      ['Microsoft.Storage', 1],
    ]);
  });

  test('fetches a provider in any case', async () => {
    const lower = await nodesOf(handwritten.client, principal, 'microsoft.compute');
    const written = await nodesOf(handwritten.client, principal, 'Microsoft.Compute');

    expect(lower.map((row) => row.permission).sort()).toEqual(
      ['Microsoft.Compute/virtualMachines/read', 'microsoft.compute/disks/read'].sort()
    );
    expect(written).toEqual(lower);
  });

  test('marks data actions and names the assignment', async () => {
    const [blobs] = await nodesOf(handwritten.client, principal, 'Microsoft.Storage');

    expect(JSON.parse(blobs.detail)).toMatchObject({ is_data_action: true });
    expect(JSON.parse(blobs.granted_by)).toEqual([
      expect.objectContaining({ role_name: 'Mixed Case Reader', grant_id: expect.stringContaining('tree-01') }),
    ]);
    expect([blobs.account_id, blobs.scope_type, blobs.scope]).toEqual([
      subscriptionId,
      'resource_group',
      resourceGroupScope('web'),
    ]);
  });
});

describe('identity checks', () => {
  test.each([
    ["'aws'", 'cloud aws is not supported here: the policy engine decides AWS permissions'],
    ["'oracle'", "cloud 'oracle' is not kubernetes, gcp or azure"],
    ['NULL', 'cloud NULL is not kubernetes, gcp or azure'],
  ])('rejects cloud %s', async (cloud, message) => {
    const sql = `SELECT * FROM ciem.cloud_permission_summary(${cloud}, 'User:alice')`;

    expect(await errorOf(handwritten.client, sql)).toBe(message);
  });

  test('the error hint names the next step', async () => {
    const error = await handwritten.client
      .query("SELECT * FROM ciem.cloud_permission_nodes('gcp', 'user:nobody@example.com', 'storage')")
      .then(
        () => undefined,
        (caught: { hint?: string }) => caught
      );

    expect(error?.hint).toBe(
      'Use an identity_id of ciem.identities with this cloud. Run openciem refresh after a sync.'
    );
  });
});

describe('demo identities', () => {
  interface EffectiveRow {
    permission: string;
    account_id: string;
    scope_type: string;
    scope: string;
    decision: string;
  }

  const key = (row: EffectiveRow) =>
    [row.permission, row.account_id, row.scope_type, row.scope, row.decision].join(' | ');

  test(
    'the tree holds every effective permission of every identity',
    async () => {
      const identities = await demo.client.query<{
        cloud: 'kubernetes' | 'gcp' | 'azure';
        account_id: string;
        identity_id: string;
      }>("SELECT DISTINCT cloud, account_id, identity_id FROM ciem.identities WHERE cloud <> 'aws' ORDER BY 1, 2, 3");
      expect(identities.rows.length).toBeGreaterThan(40);

      let compared = 0;
      for (const identity of identities.rows) {
        const scope: CloudIdentityScope = {
          cloud: identity.cloud,
          identityId: identity.identity_id,
          accountId: identityIsPerAccount(identity.cloud) ? identity.account_id : null,
        };
        const expected = await demo.client.query<EffectiveRow>(
          `SELECT permission, account_id, scope_type, scope, decision FROM ciem.cloud_effective_permissions
          WHERE cloud = $1 AND identity_id = $2 AND ($3::text IS NULL OR account_id = $3)`,
          [scope.cloud, scope.identityId, scope.accountId]
        );

        const groups = await summaryOf(demo.client, scope);
        const nodes: NodeRow[] = [];
        for (const group of groups) {
          const rows = await nodesOf(demo.client, scope, group.permission_group);
          const decided = (decision: string) =>
            new Set(rows.filter((row) => row.decision === decision).map((row) => row.permission));

          expect([group.permissions, group.allowed, group.conditional, group.denied]).toEqual([
            new Set(rows.map((row) => row.permission)).size,
            decided('allowed').size,
            decided('conditional').size,
            decided('denied').size,
          ]);
          nodes.push(...rows);
        }

        expect(nodes.map(key).sort()).toEqual(expected.rows.map(key).sort());
        compared += expected.rows.length;
      }

      // The demo's three clouds hold over a thousand effective permissions.
      expect(compared).toBeGreaterThan(1000);
    },
    SETUP_TIMEOUT_MS
  );

  test('a demo decision of each kind reaches the tree', async () => {
    const decisions = new Set<string>();
    for (const identityId of [
      'serviceAccount:ci-runner@acme-sandbox.iam.gserviceaccount.com',
      'user:carol.release@example.com',
    ]) {
      const scope: CloudIdentityScope = { cloud: 'gcp', identityId, accountId: null };
      for (const group of await summaryOf(demo.client, scope)) {
        (await nodesOf(demo.client, scope, group.permission_group)).forEach((row) => decisions.add(row.decision));
      }
    }

    expect([...decisions].sort()).toEqual(['allowed', 'conditional', 'denied']);
  });
});
