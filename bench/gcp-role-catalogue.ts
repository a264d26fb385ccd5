/**
 * A synthetic catalogue of Google Cloud predefined roles for the bench, written as
 * gcp_iam_predefined_roles rows are. Permissions are SERVICE.RESOURCE.VERB over real service
 * prefixes and resource types. The roles are the basic roles, an admin, editor and viewer role of
 * each service, a viewer role of each resource type, and the IAM and Cloud KMS roles that the GCP
 * rules and CIS controls name: 202 roles and 4,298 role-permission pairs, about 140 KB per project.
 * NOTE: Google's catalogue has far more roles and permissions, so GCP effective permissions here
 * have fewer rows per grant than in a real project.
 */

export interface PredefinedRole {
  name: string;
  title: string;
  permissions: string[];
}

const services: Record<string, string[]> = {
  compute: ['instances', 'disks', 'firewalls', 'networks', 'subnetworks', 'images', 'snapshots', 'instanceTemplates'],
  storage: ['buckets', 'objects', 'hmacKeys', 'managedFolders'],
  bigquery: ['datasets', 'tables', 'jobs', 'routines', 'models'],
  pubsub: ['topics', 'subscriptions', 'snapshots', 'schemas'],
  cloudsql: ['instances', 'databases', 'users', 'backupRuns'],
  container: ['clusters', 'pods', 'deployments', 'secrets', 'services'],
  run: ['services', 'jobs', 'revisions', 'executions'],
  cloudfunctions: ['functions', 'operations'],
  logging: ['logs', 'sinks', 'buckets', 'views', 'logMetrics'],
  monitoring: ['alertPolicies', 'dashboards', 'timeSeries', 'uptimeCheckConfigs'],
  secretmanager: ['secrets', 'versions'],
  dataflow: ['jobs', 'snapshots'],
  dataproc: ['clusters', 'jobs', 'workflowTemplates'],
  spanner: ['instances', 'databases', 'backups'],
  bigtable: ['instances', 'tables', 'clusters', 'backups'],
  datastore: ['entities', 'indexes', 'databases'],
  redis: ['instances', 'operations'],
  dns: ['managedZones', 'resourceRecordSets', 'policies'],
  artifactregistry: ['repositories', 'packages', 'tags'],
  cloudbuild: ['builds', 'triggers', 'connections'],
  composer: ['environments', 'operations'],
  aiplatform: ['endpoints', 'models', 'datasets', 'pipelineJobs'],
  cloudscheduler: ['jobs', 'locations'],
  cloudtasks: ['queues', 'tasks'],
  serviceusage: ['services', 'quotas'],
  networkservices: ['gateways', 'meshes', 'httpRoutes'],
  certificatemanager: ['certs', 'certmaps'],
  apigateway: ['apis', 'gateways', 'apiconfigs'],
  file: ['instances', 'backups', 'snapshots'],
  healthcare: ['datasets', 'fhirStores', 'dicomStores'],
};

const verbs = [
  'get',
  'list',
  'create',
  'update',
  'delete',
  'getIamPolicy',
  'setIamPolicy',
  'setLabels',
  'use',
  'export',
];
const readVerbs = ['get', 'list'];
const writeVerbs = ['get', 'list', 'create', 'update', 'delete', 'setLabels', 'use'];

const iamPermissions = [
  'iam.roles.create',
  'iam.roles.delete',
  'iam.roles.get',
  'iam.roles.list',
  'iam.roles.update',
  'iam.serviceAccounts.actAs',
  'iam.serviceAccounts.create',
  'iam.serviceAccounts.delete',
  'iam.serviceAccounts.get',
  'iam.serviceAccounts.getAccessToken',
  'iam.serviceAccounts.getIamPolicy',
  'iam.serviceAccounts.getOpenIdToken',
  'iam.serviceAccounts.implicitDelegation',
  'iam.serviceAccounts.list',
  'iam.serviceAccounts.setIamPolicy',
  'iam.serviceAccounts.signBlob',
  'iam.serviceAccounts.signJwt',
  'iam.serviceAccounts.update',
  'iam.serviceAccountKeys.create',
  'iam.serviceAccountKeys.delete',
  'iam.serviceAccountKeys.get',
  'iam.serviceAccountKeys.list',
];

const resourceManagerPermissions = [
  'resourcemanager.projects.get',
  'resourcemanager.projects.list',
  'resourcemanager.projects.update',
  'resourcemanager.projects.delete',
  'resourcemanager.projects.getIamPolicy',
  'resourcemanager.projects.setIamPolicy',
  'resourcemanager.folders.get',
  'resourcemanager.folders.list',
  'resourcemanager.organizations.get',
  'resourcemanager.organizations.getIamPolicy',
  'resourcemanager.organizations.setIamPolicy',
];

const kmsPermissions = [
  'cloudkms.keyRings.create',
  'cloudkms.keyRings.get',
  'cloudkms.keyRings.list',
  'cloudkms.cryptoKeys.create',
  'cloudkms.cryptoKeys.get',
  'cloudkms.cryptoKeys.list',
  'cloudkms.cryptoKeys.setIamPolicy',
  'cloudkms.cryptoKeyVersions.useToEncrypt',
  'cloudkms.cryptoKeyVersions.useToDecrypt',
];

function servicePermissions(service: string, allowed: string[]): string[] {
  return services[service].flatMap((resource) => allowed.map((verb) => `${service}.${resource}.${verb}`));
}

const titleCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Builds the catalogue; the same on every call. */
export function predefinedRoleCatalogue(): PredefinedRole[] {
  const all = [
    ...Object.keys(services).flatMap((service) => servicePermissions(service, verbs)),
    ...iamPermissions,
    ...resourceManagerPermissions,
    ...kmsPermissions,
  ];
  // Owner has every permission of the catalogue. Editor has all but those that change IAM
  // policies and roles, and Viewer the get and list permissions.
  const editor = all.filter((permission) => !/\.(setIamPolicy|roles\.(create|delete|update))$/.test(permission));
  const viewer = all.filter((permission) => /\.(get|list)$/.test(permission));
  const roles: PredefinedRole[] = [
    { name: 'roles/owner', title: 'Owner', permissions: all },
    { name: 'roles/editor', title: 'Editor', permissions: editor },
    { name: 'roles/viewer', title: 'Viewer', permissions: viewer },
    {
      name: 'roles/browser',
      title: 'Browser',
      permissions: ['resourcemanager.projects.get', 'resourcemanager.folders.get', 'resourcemanager.folders.list'],
    },
  ];

  for (const service of Object.keys(services)) {
    const label = titleCase(service);
    roles.push(
      { name: `roles/${service}.admin`, title: `${label} Admin`, permissions: servicePermissions(service, verbs) },
      {
        name: `roles/${service}.editor`,
        title: `${label} Editor`,
        permissions: servicePermissions(service, writeVerbs),
      },
      { name: `roles/${service}.viewer`, title: `${label} Viewer`, permissions: servicePermissions(service, readVerbs) }
    );
    for (const resource of services[service]) {
      roles.push({
        name: `roles/${service}.${resource}Viewer`,
        title: `${label} ${titleCase(resource)} Viewer`,
        permissions: readVerbs.map((verb) => `${service}.${resource}.${verb}`),
      });
    }
  }

  const iam = (suffix: string) => iamPermissions.filter((permission) => permission.endsWith(suffix));
  roles.push(
    {
      name: 'roles/iam.serviceAccountTokenCreator',
      title: 'Service Account Token Creator',
      permissions: [
        ...iam('.getAccessToken'),
        ...iam('.getOpenIdToken'),
        ...iam('.signBlob'),
        ...iam('.signJwt'),
        ...iam('.implicitDelegation'),
      ],
    },
    {
      name: 'roles/iam.serviceAccountUser',
      title: 'Service Account User',
      permissions: ['iam.serviceAccounts.actAs', 'iam.serviceAccounts.get', 'iam.serviceAccounts.list'],
    },
    {
      name: 'roles/iam.serviceAccountAdmin',
      title: 'Service Account Admin',
      permissions: iamPermissions.filter(
        (permission) =>
          permission.startsWith('iam.serviceAccounts.') && !/(actAs|Token|sign|Delegation)/.test(permission)
      ),
    },
    {
      name: 'roles/iam.serviceAccountKeyAdmin',
      title: 'Service Account Key Admin',
      permissions: iamPermissions.filter((permission) => permission.startsWith('iam.serviceAccountKeys.')),
    },
    {
      name: 'roles/iam.roleAdmin',
      title: 'Role Administrator',
      permissions: iamPermissions.filter((permission) => permission.startsWith('iam.roles.')),
    },
    {
      name: 'roles/cloudkms.admin',
      title: 'Cloud KMS Admin',
      permissions: kmsPermissions.filter((permission) => !permission.includes('.useTo')),
    },
    {
      name: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      title: 'Cloud KMS CryptoKey Encrypter/Decrypter',
      permissions: kmsPermissions.filter((permission) => permission.includes('.useTo')),
    },
    {
      name: 'roles/resourcemanager.organizationAdmin',
      title: 'Organization Administrator',
      permissions: resourceManagerPermissions.filter((permission) => !permission.includes('projects.delete')),
    },
    {
      name: 'roles/resourcemanager.folderViewer',
      title: 'Folder Viewer',
      permissions: ['resourcemanager.folders.get', 'resourcemanager.folders.list'],
    }
  );
  return roles;
}

/** Returns every permission of the catalogue, for custom roles to draw from. */
export function catalogPermissions(catalogue: PredefinedRole[]): string[] {
  return catalogue.find((role) => role.name === 'roles/owner')?.permissions ?? [];
}
