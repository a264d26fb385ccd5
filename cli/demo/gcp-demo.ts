import type { Client } from 'pg';

import type { Row } from '../import/aws-authz/parse';
import { gcpRowId, writeGcpRows, type GcpRows } from '../import/gcp/write';

/**
 * The Google Cloud part of the demo organisation: one organisation (example.com) with a
 * production folder and three projects, written into CloudQuery's GCP tables. The data triggers
 * every GCP rule:
 * - acme-prod: an owner, a developers group with Editor and an owner service account with an old
 *   key. A user has Token Creator (impersonation) and another a conditional Service Account User.
 *   A service agent, a sibling project's service account and a deleted user are bound, and a deny
 *   policy protects the project from deletion except for gcp-admins.
 * - acme-data: allUsers on reports, a contractor of another domain, a disabled service account,
 *   the separations of duties CIS 1.8 and 1.11 ask for broken, and a deny policy listed without
 *   its rules.
 * - acme-sandbox: a Gmail account with Editor and a CI service account with a recent key.
 */
export const gcpDemoProjects = {
  production: 'acme-prod',
  data: 'acme-data',
  sandbox: 'acme-sandbox',
} as const;

export const gcpDemoOrganization = { number: '100200300400', domain: 'example.com', customerId: 'C01demo7x' };

const productionFolder = '500600700800';
const projectNumbers: Record<string, string> = {
  'acme-prod': '410000000001',
  'acme-data': '410000000002',
  'acme-sandbox': '410000000003',
};

// Each predefined role with a handful of its permissions; Google's roles hold many more.
// NOTE: the demo catalogue is abridged, so effective permissions of the demo are a sample.
// Owner has every Editor permission and manages roles and permissions ("Roles overview").
const editorPermissions = [
  'resourcemanager.projects.get',
  'iam.serviceAccounts.actAs',
  'iam.serviceAccountKeys.create',
  'compute.instances.create',
  'compute.instances.delete',
  'storage.buckets.create',
  'storage.buckets.delete',
  'storage.objects.get',
  'bigquery.datasets.create',
  'bigquery.tables.getData',
];

const predefinedRoles: Record<string, { title: string; permissions: string[] }> = {
  'roles/owner': {
    title: 'Owner',
    permissions: [
      ...editorPermissions,
      'resourcemanager.projects.delete',
      'resourcemanager.projects.getIamPolicy',
      'resourcemanager.projects.setIamPolicy',
      'iam.serviceAccounts.getAccessToken',
    ],
  },
  'roles/editor': { title: 'Editor', permissions: editorPermissions },
  'roles/viewer': {
    title: 'Viewer',
    permissions: [
      'resourcemanager.projects.get',
      'compute.instances.list',
      'storage.buckets.list',
      'bigquery.datasets.get',
    ],
  },
  'roles/browser': { title: 'Browser', permissions: ['resourcemanager.projects.get', 'resourcemanager.folders.get'] },
  'roles/iam.serviceAccountTokenCreator': {
    title: 'Service Account Token Creator',
    permissions: [
      'iam.serviceAccounts.getAccessToken',
      'iam.serviceAccounts.getOpenIdToken',
      'iam.serviceAccounts.signBlob',
      'iam.serviceAccounts.signJwt',
      'iam.serviceAccounts.implicitDelegation',
    ],
  },
  'roles/iam.serviceAccountUser': {
    title: 'Service Account User',
    permissions: ['iam.serviceAccounts.actAs', 'iam.serviceAccounts.get', 'iam.serviceAccounts.list'],
  },
  'roles/iam.serviceAccountAdmin': {
    title: 'Service Account Admin',
    permissions: [
      'iam.serviceAccounts.create',
      'iam.serviceAccounts.delete',
      'iam.serviceAccounts.get',
      'iam.serviceAccounts.list',
      'iam.serviceAccounts.setIamPolicy',
      'iam.serviceAccounts.update',
    ],
  },
  'roles/storage.objectViewer': {
    title: 'Storage Object Viewer',
    permissions: ['storage.objects.get', 'storage.objects.list'],
  },
  'roles/bigquery.dataEditor': {
    title: 'BigQuery Data Editor',
    permissions: ['bigquery.tables.create', 'bigquery.tables.getData', 'bigquery.tables.updateData'],
  },
  'roles/cloudkms.admin': {
    title: 'Cloud KMS Admin',
    permissions: ['cloudkms.cryptoKeys.create', 'cloudkms.cryptoKeys.setIamPolicy', 'cloudkms.keyRings.create'],
  },
  'roles/cloudkms.cryptoKeyEncrypterDecrypter': {
    title: 'Cloud KMS CryptoKey Encrypter/Decrypter',
    permissions: ['cloudkms.cryptoKeyVersions.useToEncrypt', 'cloudkms.cryptoKeyVersions.useToDecrypt'],
  },
  'roles/resourcemanager.organizationAdmin': {
    title: 'Organization Administrator',
    permissions: [
      'resourcemanager.organizations.get',
      'resourcemanager.organizations.setIamPolicy',
      'resourcemanager.folders.list',
      'resourcemanager.projects.list',
    ],
  },
};

type Binding = { role: string; members: string[]; condition?: { title: string; expression: string } };

const sa = (project: string, name: string) => `${name}@${project}.iam.gserviceaccount.com`;

/** Builds the demo's GCP rows, with key and timestamp ages relative to asOf. */
export function generateGcpDemo(asOf: Date): GcpRows {
  const { production, data, sandbox } = gcpDemoProjects;
  const at = (days: number) => new Date(asOf.getTime() - days * 86_400_000).toISOString().replace('Z', '');
  const projects = [production, data, sandbox];

  const accounts: Row[] = [
    serviceAccount(production, 'terraform', 'Terraform deployer', 1),
    serviceAccount(production, 'web-frontend', 'Web frontend', 2),
    serviceAccount(data, 'etl-runner', 'ETL runner', 3),
    serviceAccount(data, 'legacy-etl', 'Legacy ETL (retired)', 4, true),
    serviceAccount(sandbox, 'ci-runner', 'CI runner', 5),
  ];
  const account = (email: string) => accounts.find((row) => row.email === email) as Row;
  const keys: Row[] = [
    key(account(sa(production, 'terraform')), 'a1f3c9e27b6d4e58', 'USER_MANAGED', at(420), at(420 - 3650)),
    key(account(sa(production, 'terraform')), 'c0ffee11223344aa', 'SYSTEM_MANAGED', at(3), at(-12)),
    key(account(sa(sandbox, 'ci-runner')), '7d2e41b09a8c3f66', 'USER_MANAGED', at(21), at(21 - 3650)),
    key(account(sa(data, 'etl-runner')), '5be0aa7731c94d20', 'SYSTEM_MANAGED', at(5), at(-10)),
  ];

  const productionBindings: Binding[] = [
    { role: 'roles/owner', members: ['user:alice.admin@example.com', `serviceAccount:${sa(production, 'terraform')}`] },
    {
      role: 'roles/editor',
      members: [
        'group:developers@example.com',
        `serviceAccount:${sa(sandbox, 'ci-runner')}`,
        `serviceAccount:${projectNumbers[production]}@cloudservices.gserviceaccount.com`,
      ],
    },
    { role: 'roles/iam.serviceAccountTokenCreator', members: ['user:bob.sre@example.com'] },
    {
      role: 'roles/iam.serviceAccountUser',
      members: ['user:carol.release@example.com'],
      condition: { title: 'release window', expression: 'request.time.getDayOfWeek("Europe/Berlin") == 2' },
    },
    {
      role: 'roles/viewer',
      members: ['group:security@example.com', 'deleted:user:former.employee@example.com?uid=104872930018274650123'],
    },
    { role: 'roles/storage.objectViewer', members: [`serviceAccount:${sa(production, 'web-frontend')}`] },
  ];
  const dataBindings: Binding[] = [
    { role: 'roles/storage.objectViewer', members: ['allUsers'] },
    {
      role: 'roles/bigquery.dataEditor',
      members: [`serviceAccount:${sa(data, 'etl-runner')}`, `serviceAccount:${sa(data, 'legacy-etl')}`],
    },
    { role: `projects/${data}/roles/etlOperator`, members: ['group:analysts@example.com'] },
    { role: 'roles/viewer', members: ['user:contractor@example.net'] },
    { role: 'roles/iam.serviceAccountAdmin', members: ['user:dave.data@example.com'] },
    { role: 'roles/iam.serviceAccountUser', members: ['user:dave.data@example.com'] },
    { role: 'roles/cloudkms.admin', members: ['user:erin.keys@example.com'] },
    {
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      members: ['user:erin.keys@example.com', `serviceAccount:${sa(data, 'etl-runner')}`],
    },
  ];
  const sandboxBindings: Binding[] = [
    { role: 'roles/editor', members: ['user:pat.tinkerer@gmail.com', `serviceAccount:${sa(sandbox, 'ci-runner')}`] },
    { role: 'roles/viewer', members: ['group:developers@example.com'] },
  ];

  return {
    gcp_cloudresourcemanager_organizations: [
      {
        name: `organizations/${gcpDemoOrganization.number}`,
        display_name: gcpDemoOrganization.domain,
        lifecycle_state: 'ACTIVE',
        // The v1 Organizations API writes creationTime as RFC 3339 text.
        creation_time: new Date(asOf.getTime() - 1900 * 86_400_000).toISOString(),
        owner: { directoryCustomerId: gcpDemoOrganization.customerId },
      },
    ],
    gcp_resourcemanager_folders: [
      {
        organization_id: gcpDemoOrganization.number,
        name: `folders/${productionFolder}`,
        parent: `organizations/${gcpDemoOrganization.number}`,
        display_name: 'Production',
        state: 'ACTIVE',
        create_time: at(1500),
      },
    ],
    gcp_resourcemanager_projects: [
      projectRow(production, `folders/${productionFolder}`, at(1400)),
      projectRow(data, `folders/${productionFolder}`, at(1100)),
      projectRow(sandbox, `organizations/${gcpDemoOrganization.number}`, at(300)),
    ],
    gcp_resourcemanager_organization_policies: [
      policyRow('organization_id', gcpDemoOrganization.number, [
        { role: 'roles/resourcemanager.organizationAdmin', members: ['group:gcp-admins@example.com'] },
        { role: 'roles/browser', members: ['domain:example.com'] },
      ]),
    ],
    gcp_resourcemanager_folder_policies: [
      policyRow('folder_id', productionFolder, [{ role: 'roles/viewer', members: ['group:auditors@example.com'] }]),
    ],
    gcp_resourcemanager_project_policies: [
      policyRow('project_id', production, productionBindings),
      policyRow('project_id', data, dataBindings),
      policyRow('project_id', sandbox, sandboxBindings),
    ],
    gcp_iam_service_accounts: accounts,
    gcp_iam_service_account_keys: keys,
    gcp_iam_predefined_roles: projects.flatMap((project) =>
      Object.entries(predefinedRoles).map(([name, definition]) =>
        roleRow(project, name, definition.title, definition.permissions)
      )
    ),
    gcp_iam_roles: [
      roleRow(data, `projects/${data}/roles/etlOperator`, 'ETL Operator', [
        'bigquery.jobs.create',
        'bigquery.tables.getData',
        'storage.objects.get',
      ]),
    ],
    gcp_iam_deny_policies: [
      {
        project_id: production,
        name: `policies/cloudresourcemanager.googleapis.com%2Fprojects%2F${projectNumbers[production]}/denypolicies/protect-production`,
        uid: '6f1c2d7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
        kind: 'DenyPolicy',
        display_name: 'Protect production',
        annotations: {},
        etag: 'MTc=',
        create_time: at(200),
        update_time: at(60),
        delete_time: null,
        // CloudQuery marshals the Go protobuf struct of each rule.
        rules: [
          {
            description: 'Only gcp-admins may delete the project or its buckets',
            Kind: {
              DenyRule: {
                denied_principals: ['principalSet://goog/public:all'],
                exception_principals: ['principalSet://goog/group/gcp-admins@example.com'],
                denied_permissions: [
                  'cloudresourcemanager.googleapis.com/projects.delete',
                  'storage.googleapis.com/buckets.delete',
                ],
              },
            },
          },
        ],
        managing_authority: null,
      },
      {
        project_id: data,
        name: `policies/cloudresourcemanager.googleapis.com%2Fprojects%2F${projectNumbers[data]}/denypolicies/legacy-guard`,
        uid: '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a',
        kind: 'DenyPolicy',
        display_name: 'Legacy guard',
        annotations: {},
        etag: 'MTI=',
        create_time: at(700),
        update_time: at(700),
        delete_time: null,
        // ListPolicies, which the open CloudQuery plugin calls, returns policies without rules.
        rules: null,
        managing_authority: null,
      },
    ],
  };

  function projectRow(projectId: string, parent: string, created: string): Row {
    return {
      project_id: projectId,
      name: `projects/${projectNumbers[projectId]}`,
      parent,
      state: 'ACTIVE',
      display_name: projectId,
      create_time: created,
      labels: { owner: 'platform' },
    };
  }
}

/** Writes the GCP demo rows into CloudQuery's GCP tables of the schema, replacing earlier demo rows. */
export async function writeGcpDemo(client: Client, schema: string, asOf: Date): Promise<void> {
  await writeGcpRows(client, schema, generateGcpDemo(asOf), 'openciem-demo');
}

/** Builds a user-managed service account row, with a 21-digit unique id like IAM's. */
function serviceAccount(projectId: string, name: string, displayName: string, index: number, disabled = false): Row {
  const email = sa(projectId, name);
  const uniqueId = `10${projectNumbers[projectId]}${String(index).padStart(7, '0')}`;
  return {
    project_id: projectId,
    unique_id: uniqueId,
    name: `projects/${projectId}/serviceAccounts/${email}`,
    email,
    display_name: displayName,
    description: null,
    oauth2_client_id: uniqueId,
    disabled,
  };
}

function key(account: Row, id: string, type: string, created: string, expires: string): Row {
  return {
    _cq_parent_id: gcpRowId('gcp_iam_service_accounts', account),
    project_id: account.project_id,
    service_account_unique_id: account.unique_id,
    name: `projects/${account.project_id}/serviceAccounts/${account.email}/keys/${id}`,
    key_algorithm: 'KEY_ALG_RSA_2048',
    valid_after_time: created,
    valid_before_time: expires,
    key_origin: 'GOOGLE_PROVIDED',
    key_type: type,
    disabled: false,
  };
}

function roleRow(projectId: string, name: string, title: string, permissions: string[]): Row {
  return {
    project_id: projectId,
    name,
    title,
    description: null,
    included_permissions: permissions,
    stage: 'GA',
    deleted: false,
  };
}

function policyRow(column: string, id: string, bindings: Binding[]): Row {
  const cleaned = bindings.map(({ condition, ...binding }) => (condition ? { ...binding, condition } : binding));
  return {
    [column]: id,
    bindings: cleaned,
    etag: 'BwYC' + id.slice(-6).replace(/[^A-Za-z0-9]/g, 'x'),
    version: cleaned.some((binding) => 'condition' in binding) ? 3 : 1,
    audit_configs: null,
  };
}
