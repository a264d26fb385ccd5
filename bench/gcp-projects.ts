import type { Row } from '../cli/import/aws-authz/parse';
import { gcpRowId, type GcpRows } from '../cli/import/gcp/write';
import { unevenAccountSizes } from './cloud-mix';
import { teams } from './customer-policies';
import { catalogPermissions, predefinedRoleCatalogue, type PredefinedRole } from './gcp-role-catalogue';
import { Random, ZipfSampler } from './random';

/** Fixed so that key ages are the same in every run. */
const asOf = new Date('2026-11-01T00:00:00Z');

// Shape of the Google Cloud organisation. The fractions are estimates of an organisation with one
// project per team and environment, not measured statistics.
const identitiesPerProject = 100;
const minimumProjects = 3;
const projectsPerFolder = 4;
const serviceAccountFraction = 0.45;
const userFraction = 0.4;
const keyFraction = 0.4;
const disabledFraction = 0.03;
const customRolesPerProject = 2;
const conditionalFraction = 0.05;
const crossProjectFraction = 0.04;
const denyPolicyFraction = 0.3;
const publicProjectFraction = 0.1;

export const gcpOrganization = { number: '700000000001', domain: 'bench-gcp.example', customerId: 'C0bench01' };

export interface ProjectPlan {
  index: number;
  projectId: string;
  projectNumber: string;
  /** folders/N the project sits in. */
  folder: string;
  /** Service accounts, users and groups of the project. */
  identities: number;
}

export interface GcpPlan {
  seed: number;
  folders: string[];
  projects: ProjectPlan[];
}

export interface ProjectCounts {
  serviceAccounts: number;
  users: number;
  groups: number;
  bindings: number;
  conditionalBindings: number;
  customRoles: number;
  keys: number;
  denyPolicies: number;
}

export interface GeneratedProject {
  projectId: string;
  rows: GcpRows;
  counts: ProjectCounts;
  /** Member strings of the project's identities, for choosing what to read. */
  identityIds: string[];
}

/**
 * Splits Google Cloud identities over projects of uneven size, one project per 100 identities and
 * at least three, in folders of four projects under one organisation.
 */
export function planProjects(identities: number, seed: number): GcpPlan {
  const random = new Random(seed).fork('gcp plan');
  const sizes = unevenAccountSizes(identities, identitiesPerProject, minimumProjects, random);
  const folders = Array.from(
    { length: Math.ceil(sizes.length / projectsPerFolder) },
    (_, index) => `folders/${710000000001 + index}`
  );
  const projects = sizes.map((size, index) => ({
    index,
    projectId: `bench-${teams[index % teams.length]}-${String(index).padStart(4, '0')}`,
    projectNumber: String(720000000001 + index),
    folder: folders[Math.floor(index / projectsPerFolder)],
    identities: size,
  }));
  return { seed, folders, projects };
}

/**
 * Rows of the organisation, its folders and their allow policies: administrators and auditors
 * at the top, a viewer group per folder, and the organisation's domain as browser.
 */
export function generateHierarchy(plan: GcpPlan): GcpRows {
  const organization = `organizations/${gcpOrganization.number}`;
  const folderNumber = (folder: string) => folder.split('/')[1];
  return {
    gcp_cloudresourcemanager_organizations: [
      {
        name: organization,
        display_name: gcpOrganization.domain,
        lifecycle_state: 'ACTIVE',
        creation_time: '2019-05-01T10:00:00.000Z',
        owner: { directoryCustomerId: gcpOrganization.customerId },
      },
    ],
    gcp_resourcemanager_folders: plan.folders.map((folder, index) => ({
      organization_id: gcpOrganization.number,
      name: folder,
      parent: organization,
      display_name: `${teams[index % teams.length]} folder ${index + 1}`,
      state: 'ACTIVE',
      create_time: '2020-01-15T09:00:00',
    })),
    gcp_resourcemanager_organization_policies: [
      policyRow('organization_id', gcpOrganization.number, [
        { role: 'roles/resourcemanager.organizationAdmin', members: [`group:gcp-admins@${gcpOrganization.domain}`] },
        { role: 'roles/browser', members: [`domain:${gcpOrganization.domain}`] },
        { role: 'roles/viewer', members: [`group:security-auditors@${gcpOrganization.domain}`] },
      ]),
    ],
    gcp_resourcemanager_folder_policies: plan.folders.map((folder, index) =>
      policyRow('folder_id', folderNumber(folder), [
        { role: 'roles/viewer', members: [`group:${teams[index % teams.length]}-leads@${gcpOrganization.domain}`] },
        {
          role: 'roles/resourcemanager.folderViewer',
          members: [`group:folder-${index}-readers@${gcpOrganization.domain}`],
        },
      ])
    ),
  };
}

type Binding = { role: string; members: string[]; condition?: { title: string; expression: string } };

/**
 * Generates one project: its service accounts and their keys, users and groups of the
 * organisation (a few from outside it), custom roles, and the allow policy with conditional and
 * cross-project bindings. The project also lists the predefined role catalogue, as CloudQuery
 * lists it for each project. Some projects have a deny policy or bind allUsers.
 */
export function generateProject(
  plan: GcpPlan,
  project: ProjectPlan,
  catalogue = predefinedRoleCatalogue()
): GeneratedProject {
  const random = new Random(plan.seed).fork(`project-${project.index}`);
  const at = (days: number) => new Date(asOf.getTime() - days * 86_400_000).toISOString().replace('Z', '');
  const team = project.projectId.split('-')[1];
  const counts: ProjectCounts = {
    serviceAccounts: Math.round(project.identities * serviceAccountFraction),
    users: Math.round(project.identities * userFraction),
    groups: 0,
    bindings: 0,
    conditionalBindings: 0,
    customRoles: customRolesPerProject,
    keys: 0,
    denyPolicies: 0,
  };
  counts.groups = project.identities - counts.serviceAccounts - counts.users;

  const permissions = catalogPermissions(catalogue);
  const customRoles = Array.from({ length: customRolesPerProject }, (_, index) => ({
    project_id: project.projectId,
    name: `projects/${project.projectId}/roles/${team}Operator${index}`,
    title: `${team} operator ${index}`,
    description: null,
    included_permissions: random.sample(permissions, random.integer(10, 60)).sort(),
    // One custom role in ten is disabled, and grants nothing.
    stage: random.chance(0.1) ? 'DISABLED' : 'GA',
    deleted: false,
  }));

  // Roles most members hold are narrow service roles; basic and IAM roles are rarer.
  const rolePool = [
    ...catalogue.filter((role) => /^roles\/[a-z]+\.(viewer|editor)$/.test(role.name)).map((role) => role.name),
    ...catalogue.filter((role) => /Viewer$/.test(role.name)).map((role) => role.name),
    ...customRoles.map((role) => String(role.name)),
    ...catalogue.filter((role) => /^roles\/[a-z]+\.admin$/.test(role.name)).map((role) => role.name),
    'roles/viewer',
    'roles/editor',
    'roles/iam.serviceAccountUser',
    'roles/iam.serviceAccountTokenCreator',
    'roles/iam.serviceAccountAdmin',
    'roles/cloudkms.cryptoKeyEncrypterDecrypter',
    'roles/cloudkms.admin',
    'roles/owner',
  ];
  const roleSampler = new ZipfSampler(rolePool.length, 0.9);
  const members = new Map<string, Set<string>>();
  const conditional: Binding[] = [];
  const grant = (member: string) => {
    for (let count = random.integer(1, 3); count > 0; count--) {
      const role = rolePool[roleSampler.draw(random)];
      if (random.chance(conditionalFraction)) {
        conditional.push({
          role,
          members: [member],
          condition: { title: 'office hours', expression: 'request.time.getHours("Europe/Berlin") < 19' },
        });
        continue;
      }
      const set = members.get(role) ?? new Set<string>();
      set.add(member);
      members.set(role, set);
    }
  };

  const identityIds: string[] = [];
  const accounts: Row[] = [];
  const keys: Row[] = [];
  for (let index = 0; index < counts.serviceAccounts; index++) {
    const email = `sa-${team}-${String(index).padStart(4, '0')}@${project.projectId}.iam.gserviceaccount.com`;
    const uniqueId = `1${project.projectNumber}${String(index).padStart(8, '0')}`;
    const account: Row = {
      project_id: project.projectId,
      unique_id: uniqueId,
      name: `projects/${project.projectId}/serviceAccounts/${email}`,
      email,
      display_name: `${team} workload ${index}`,
      description: null,
      oauth2_client_id: uniqueId,
      disabled: random.chance(disabledFraction),
    };
    accounts.push(account);
    identityIds.push(`serviceAccount:${email}`);
    grant(`serviceAccount:${email}`);
    if (random.chance(keyFraction)) {
      for (let key = random.integer(1, 2); key > 0; key--) {
        const created = random.integer(1, 900);
        keys.push(keyRow(account, random, at(created), at(created - 3650)));
      }
    }
  }
  counts.keys = keys.length;

  for (let index = 0; index < counts.users; index++) {
    // 2 % of users are outside the organisation: a partner domain, or a consumer account.
    const domain = random.chance(0.02) ? random.pick(['partner.example', 'gmail.com']) : gcpOrganization.domain;
    const member = `user:${team}.user${String(project.index).padStart(4, '0')}${String(index).padStart(4, '0')}@${domain}`;
    identityIds.push(member);
    grant(member);
  }
  for (let index = 0; index < counts.groups; index++) {
    const member = `group:${project.projectId}-team-${String(index).padStart(3, '0')}@${gcpOrganization.domain}`;
    identityIds.push(member);
    grant(member);
  }

  // Service accounts of other projects that this one trusts, such as a shared CI runner.
  const otherProjects = plan.projects.filter((other) => other.index !== project.index);
  for (let index = 0; index < Math.ceil(project.identities * crossProjectFraction); index++) {
    const other = random.pick(otherProjects);
    const otherTeam = other.projectId.split('-')[1];
    const serviceAccountIndex = random.integer(
      0,
      Math.max(0, Math.round(other.identities * serviceAccountFraction) - 1)
    );
    const email = `sa-${otherTeam}-${String(serviceAccountIndex).padStart(4, '0')}@${other.projectId}.iam.gserviceaccount.com`;
    const set = members.get('roles/editor') ?? new Set<string>();
    set.add(`serviceAccount:${email}`);
    members.set('roles/editor', set);
  }
  // The Google APIs service agent has Editor in every project.
  members.set(
    'roles/editor',
    (members.get('roles/editor') ?? new Set()).add(
      `serviceAccount:${project.projectNumber}@cloudservices.gserviceaccount.com`
    )
  );
  if (random.chance(publicProjectFraction)) {
    members.set('roles/storage.objectsViewer', new Set(['allUsers']));
  }

  const bindings: Binding[] = [
    ...[...members].map(([role, set]) => ({ role, members: [...set].sort() })),
    ...conditional,
  ];
  counts.bindings = bindings.length;
  counts.conditionalBindings = conditional.length;

  const rows: GcpRows = {
    gcp_resourcemanager_projects: [
      {
        project_id: project.projectId,
        name: `projects/${project.projectNumber}`,
        parent: project.folder,
        state: 'ACTIVE',
        display_name: project.projectId,
        create_time: at(random.integer(60, 2000)),
        labels: { team },
      },
    ],
    gcp_resourcemanager_project_policies: [policyRow('project_id', project.projectId, bindings)],
    gcp_iam_service_accounts: accounts,
    gcp_iam_service_account_keys: keys,
    gcp_iam_roles: customRoles,
    gcp_iam_predefined_roles: catalogue.map((role) => predefinedRoleRow(project.projectId, role)),
    gcp_iam_deny_policies: [],
  };
  if (random.chance(denyPolicyFraction)) {
    rows.gcp_iam_deny_policies = [denyPolicyRow(project, random, at)];
    counts.denyPolicies = 1;
  }
  return { projectId: project.projectId, rows, counts, identityIds };
}

/**
 * Builds a deny policy as CloudQuery stores it, with the Go protobuf struct of each rule. Everyone
 * but the administrators is denied project deletion and key creation. Half the policies add a
 * conditional rule on a group, and one in eight is listed without its rules, as ListPolicies
 * returns it.
 */
function denyPolicyRow(project: ProjectPlan, random: Random, at: (days: number) => string): Row {
  const rules: unknown[] = [
    {
      description: 'Only gcp-admins may delete the project or create service-account keys',
      Kind: {
        DenyRule: {
          denied_principals: ['principalSet://goog/public:all'],
          exception_principals: [`principalSet://goog/group/gcp-admins@${gcpOrganization.domain}`],
          denied_permissions: [
            'cloudresourcemanager.googleapis.com/projects.delete',
            'iam.googleapis.com/serviceAccountKeys.create',
          ],
        },
      },
    },
  ];
  if (random.chance(0.5)) {
    rules.push({
      description: 'Contractors may not read secrets outside office hours',
      Kind: {
        DenyRule: {
          denied_principals: [`principalSet://goog/group/contractors@${gcpOrganization.domain}`],
          denied_permissions: ['secretmanager.googleapis.com/versions.*'],
          denial_condition: { title: 'after hours', expression: 'request.time.getHours("Europe/Berlin") >= 19' },
        },
      },
    });
  }
  return {
    project_id: project.projectId,
    name: `policies/cloudresourcemanager.googleapis.com%2Fprojects%2F${project.projectNumber}/denypolicies/guard-${project.index}`,
    uid: random.guid(),
    kind: 'DenyPolicy',
    display_name: 'Guard the project',
    annotations: {},
    etag: 'MTA=',
    create_time: at(400),
    update_time: at(100),
    delete_time: null,
    rules: random.chance(0.125) ? null : rules,
    managing_authority: null,
  };
}

function keyRow(account: Row, random: Random, created: string, expires: string): Row {
  const id = Array.from({ length: 16 }, () => Math.floor(random.next() * 16).toString(16)).join('');
  const userManaged = random.chance(0.6);
  return {
    _cq_parent_id: gcpRowId('gcp_iam_service_accounts', account),
    project_id: account.project_id,
    service_account_unique_id: account.unique_id,
    name: `projects/${account.project_id}/serviceAccounts/${account.email}/keys/${id}`,
    key_algorithm: 'KEY_ALG_RSA_2048',
    valid_after_time: created,
    valid_before_time: expires,
    key_origin: 'GOOGLE_PROVIDED',
    key_type: userManaged ? 'USER_MANAGED' : 'SYSTEM_MANAGED',
    disabled: false,
  };
}

function predefinedRoleRow(projectId: string, role: PredefinedRole): Row {
  return {
    project_id: projectId,
    name: role.name,
    title: role.title,
    description: null,
    included_permissions: role.permissions,
    stage: 'GA',
    deleted: false,
  };
}

/** Builds an allow policy row in the shape that `gcloud ... get-iam-policy --format=json` prints and CloudQuery stores. */
function policyRow(column: string, id: string, bindings: Binding[]): Row {
  return {
    [column]: id,
    bindings,
    etag: `BwY${id.slice(-6)}`,
    version: bindings.some((binding) => binding.condition) ? 3 : 1,
    audit_configs: null,
  };
}
