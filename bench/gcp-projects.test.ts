import type { Row } from '../cli/import/aws-authz/parse';
import { policyTarget } from '../cli/import/gcp/import';
import { parseIamPolicy } from '../cli/import/gcp/iam-policy';
import { gcpRowId } from '../cli/import/gcp/write';
import { generateHierarchy, generateProject, planProjects, type GcpPlan } from './gcp-projects';
import { predefinedRoleCatalogue } from './gcp-role-catalogue';

type Binding = { role: string; members: string[]; condition?: unknown };

const plan: GcpPlan = planProjects(1_000, 3);
const catalogue = predefinedRoleCatalogue();
const projects = plan.projects.map((project) => generateProject(plan, project, catalogue));
const bindingsOf = (rows: Row[] | undefined) => (rows ?? []).flatMap((row) => row.bindings as Binding[]);
const allBindings = projects.flatMap((project) => bindingsOf(project.rows.gcp_resourcemanager_project_policies));

describe('planProjects', () => {
  test('splits every identity over projects', () => {
    expect(plan.projects).toHaveLength(10);
    expect(plan.projects.reduce((sum, project) => sum + project.identities, 0)).toBe(1_000);
  });

  test('names valid project IDs', () => {
    for (const project of plan.projects) {
      expect(policyTarget({ projectId: project.projectId, sourceSchema: 'public' }).resource).toBe(
        `projects/${project.projectId}`
      );
    }
  });

  test('puts four projects in a folder', () => {
    expect(plan.folders).toHaveLength(3);
  });
});

describe('generateHierarchy', () => {
  test('binds members at the organisation and each folder', () => {
    const rows = generateHierarchy(plan);
    expect(rows.gcp_resourcemanager_folder_policies).toHaveLength(plan.folders.length);
    expect(bindingsOf(rows.gcp_resourcemanager_organization_policies).map((binding) => binding.role)).toContain(
      'roles/resourcemanager.organizationAdmin'
    );
  });
});

describe('generateProject', () => {
  test('is deterministic for one seed', () => {
    const again = generateProject(plan, plan.projects[0], catalogue);
    expect(JSON.stringify(again.rows)).toBe(JSON.stringify(projects[0].rows));
  });

  test('writes policies the get-iam-policy parser accepts', () => {
    for (const project of projects) {
      const policy = project.rows.gcp_resourcemanager_project_policies?.[0] as Row;
      expect(() =>
        parseIamPolicy({ bindings: policy.bindings, etag: policy.etag, version: policy.version })
      ).not.toThrow();
    }
  });

  test('creates the planned identities', () => {
    plan.projects.forEach((projectPlan, index) => {
      const counts = projects[index].counts;
      expect(counts.serviceAccounts + counts.users + counts.groups).toBe(projectPlan.identities);
      expect(projects[index].identityIds).toHaveLength(projectPlan.identities);
    });
  });

  test('binds every identity of the project', () => {
    const project = projects[0];
    const bound = new Set(
      bindingsOf(project.rows.gcp_resourcemanager_project_policies).flatMap((binding) => binding.members)
    );
    expect(project.identityIds.filter((identity) => !bound.has(identity))).toEqual([]);
  });

  test('links each key to its service account', () => {
    for (const project of projects) {
      const ids = new Set(
        (project.rows.gcp_iam_service_accounts ?? []).map((row) => gcpRowId('gcp_iam_service_accounts', row))
      );
      for (const key of project.rows.gcp_iam_service_account_keys ?? []) {
        expect(ids.has(String(key._cq_parent_id))).toBe(true);
      }
    }
  });

  test('lists the predefined catalogue in every project', () => {
    for (const project of projects) {
      expect(project.rows.gcp_iam_predefined_roles).toHaveLength(catalogue.length);
    }
  });

  test('grants basic, impersonation and custom roles', () => {
    const roles = new Set(allBindings.map((binding) => binding.role));
    expect(roles).toContain('roles/owner');
    expect(roles).toContain('roles/editor');
    expect(roles).toContain('roles/iam.serviceAccountTokenCreator');
    expect([...roles].some((role) => role.startsWith('projects/'))).toBe(true);
  });

  test('binds conditionally, across projects, outside the domain and publicly', () => {
    const members = allBindings.flatMap((binding) => binding.members);
    expect(allBindings.some((binding) => binding.condition)).toBe(true);
    expect(members).toContain('allUsers');
    expect(members.some((member) => member.endsWith('@partner.example') || member.endsWith('@gmail.com'))).toBe(true);
    const crossProject = projects.some((project) =>
      bindingsOf(project.rows.gcp_resourcemanager_project_policies)
        .flatMap((binding) => binding.members)
        .some((member) => member.includes('.iam.gserviceaccount.com') && !member.includes(`@${project.projectId}.`))
    );
    expect(crossProject).toBe(true);
  });

  test('writes deny policies in CloudQuery shape, some without rules', () => {
    const policies = projects.flatMap((project) => project.rows.gcp_iam_deny_policies ?? []);
    expect(policies.length).toBeGreaterThan(0);
    const withRules = policies.filter((policy) => policy.rules !== null);
    expect(withRules.length).toBeGreaterThan(0);
    const rule = (withRules[0].rules as Array<{ Kind: { DenyRule: { denied_permissions: string[] } } }>)[0];
    expect(rule.Kind.DenyRule.denied_permissions).toContain('iam.googleapis.com/serviceAccountKeys.create');
  });
});

describe('predefinedRoleCatalogue', () => {
  test('holds the roles the CIS controls name', () => {
    const names = catalogue.map((role) => role.name);
    for (const name of [
      'roles/iam.serviceAccountUser',
      'roles/iam.serviceAccountTokenCreator',
      'roles/iam.serviceAccountAdmin',
      'roles/cloudkms.admin',
      'roles/cloudkms.cryptoKeyEncrypterDecrypter',
    ]) {
      expect(names).toContain(name);
    }
  });

  test('gives Owner every permission of Editor', () => {
    const owner = new Set(catalogue.find((role) => role.name === 'roles/owner')?.permissions);
    const editor = catalogue.find((role) => role.name === 'roles/editor')?.permissions ?? [];
    expect(editor.filter((permission) => !owner.has(permission))).toEqual([]);
    expect(owner.size).toBeGreaterThan(editor.length);
  });
});
