import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { migrate } from '../../cli/migrate/run';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

// `openciem import gcp-iam-policy` on the JSON that `gcloud projects get-iam-policy ID
// --format=json` prints: an allow policy with bindings (role, members, optional condition),
// etag, version and auditConfigs (IAM reference, "Policy"; gcloud reference, "gcloud projects
// get-iam-policy", "gcloud resource-manager folders get-iam-policy", "gcloud organizations
// get-iam-policy").

const scratch = mkdtempSync(path.join(os.tmpdir(), 'openciem-gcp-import-'));

function file(name: string, content: unknown): string {
  const target = path.join(scratch, name);
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return target;
}

const condition = {
  title: 'expires 2030',
  description: 'temporary access',
  expression: 'request.time < timestamp("2030-01-01T00:00:00Z")',
};

const prodPolicy = {
  auditConfigs: [{ auditLogConfigs: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }], service: 'allServices' }],
  bindings: [
    { members: ['user:alice@example.com', 'group:devs@example.com'], role: 'roles/owner' },
    {
      members: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com', 'deleted:user:bob@example.com?uid=123456789'],
      role: 'roles/editor',
    },
    { condition, members: ['user:carol@example.com'], role: 'roles/iam.serviceAccountUser' },
  ],
  etag: 'BwYB3kR1ZNk=',
  version: 3,
};

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.client, { sourceSchema: 'public' });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

async function grants(scope: string) {
  const result = await db.client.query(
    'SELECT identity_id, role_id, is_conditional, grant_id FROM ciem.gcp_identity_grants WHERE scope = $1 ORDER BY grant_id, identity_id',
    [scope]
  );
  return result.rows;
}

describe('import of a project policy', () => {
  beforeAll(() => {
    const result = runCli([
      'import',
      'gcp-iam-policy',
      file('prod.json', prodPolicy),
      '--project-id',
      'acme-prod',
      '--database-url',
      db.url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Imported the IAM policy of projects/acme-prod');
    expect(result.stdout).toContain('3 bindings (1 conditional), 5 members, version 3.');
  });

  test('stores the policy as gcloud prints it', async () => {
    const rows = await db.client.query(
      'SELECT project_id, bindings, audit_configs, etag, version FROM public.gcp_resourcemanager_project_policies'
    );
    expect(rows.rows).toEqual([
      {
        project_id: 'acme-prod',
        bindings: prodPolicy.bindings,
        audit_configs: prodPolicy.auditConfigs,
        etag: 'BwYB3kR1ZNk=',
        version: '3',
      },
    ]);
  });

  test('grants are visible after the import', async () => {
    // The import refreshes the ciem relations of a migrated database.
    expect(await grants('projects/acme-prod')).toEqual([
      {
        identity_id: 'group:devs@example.com',
        role_id: 'roles/owner',
        is_conditional: false,
        grant_id: 'projects/acme-prod#bindings[0]',
      },
      {
        identity_id: 'user:alice@example.com',
        role_id: 'roles/owner',
        is_conditional: false,
        grant_id: 'projects/acme-prod#bindings[0]',
      },
      {
        identity_id: 'deleted:user:bob@example.com?uid=123456789',
        role_id: 'roles/editor',
        is_conditional: false,
        grant_id: 'projects/acme-prod#bindings[1]',
      },
      {
        identity_id: 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
        role_id: 'roles/editor',
        is_conditional: false,
        grant_id: 'projects/acme-prod#bindings[1]',
      },
      {
        identity_id: 'user:carol@example.com',
        role_id: 'roles/iam.serviceAccountUser',
        is_conditional: true,
        grant_id: 'projects/acme-prod#bindings[2]',
      },
    ]);
  });

  test('a second import replaces the project policy only', async () => {
    const other = runCli([
      'import',
      'gcp-iam-policy',
      file('data.json', {
        bindings: [{ role: 'roles/viewer', members: ['user:dan@example.com'] }],
        etag: 'BwYAAAAAAAE=',
      }),
      '--project-id',
      'acme-data',
      '--database-url',
      db.url,
    ]);
    expect(other.status).toBe(0);
    const again = runCli([
      'import',
      'gcp-iam-policy',
      file('prod-v2.json', {
        bindings: [{ role: 'roles/viewer', members: ['user:alice@example.com'] }],
        etag: 'BwYB3kR1ZNm=',
        version: 1,
      }),
      '--project-id',
      'acme-prod',
      '--database-url',
      db.url,
    ]);
    expect(again.status).toBe(0);

    const rows = await db.client.query(
      'SELECT project_id, etag FROM public.gcp_resourcemanager_project_policies ORDER BY project_id'
    );
    expect(rows.rows).toEqual([
      { project_id: 'acme-data', etag: 'BwYAAAAAAAE=' },
      { project_id: 'acme-prod', etag: 'BwYB3kR1ZNm=' },
    ]);
    expect(await grants('projects/acme-prod')).toEqual([
      {
        identity_id: 'user:alice@example.com',
        role_id: 'roles/viewer',
        is_conditional: false,
        grant_id: 'projects/acme-prod#bindings[0]',
      },
    ]);
  });

  test('policy without bindings is an empty policy', async () => {
    // gcloud prints only etag and version for a policy without bindings.
    const result = runCli([
      'import',
      'gcp-iam-policy',
      file('empty.json', { etag: 'ACAB', version: 1 }),
      '--project-id',
      'acme-empty',
      '--database-url',
      db.url,
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('0 bindings (0 conditional), 0 members, version 1.');
  });
});

describe('import of folder and organization policies', () => {
  test('folder policy lands at folder scope', async () => {
    const result = runCli([
      'import',
      'gcp-iam-policy',
      file('folder.json', {
        bindings: [{ role: 'roles/browser', members: ['group:platform@example.com'] }],
        etag: 'BwYF',
      }),
      '--folder-id',
      'folders/200000000050',
      '--database-url',
      db.url,
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Imported the IAM policy of folders/200000000050');
    expect(await grants('folders/200000000050')).toEqual([
      {
        identity_id: 'group:platform@example.com',
        role_id: 'roles/browser',
        is_conditional: false,
        grant_id: 'folders/200000000050#bindings[0]',
      },
    ]);
  });

  test('organization policy lands at organization scope', async () => {
    const result = runCli([
      'import',
      'gcp-iam-policy',
      file('org.json', {
        bindings: [{ role: 'roles/resourcemanager.organizationAdmin', members: ['user:cio@example.com'] }],
        etag: 'BwYO',
      }),
      '--organization-id',
      '100000000050',
      '--database-url',
      db.url,
    ]);
    expect(result.status).toBe(0);
    expect(await grants('organizations/100000000050')).toEqual([
      {
        identity_id: 'user:cio@example.com',
        role_id: 'roles/resourcemanager.organizationAdmin',
        is_conditional: false,
        grant_id: 'organizations/100000000050#bindings[0]',
      },
    ]);
  });
});

describe('rejected input', () => {
  // Options and file are checked before any connection, so these runs need no database.
  const valid = file('valid.json', prodPolicy);

  test.each([
    ['no target', [valid], 'error: missing --project-id'],
    [
      'two targets',
      [valid, '--project-id', 'acme-prod', '--folder-id', '1'],
      'error: give only one of --project-id, --folder-id and --organization-id',
    ],
    [
      'invalid project id',
      [valid, '--project-id', 'My Project'],
      'error: invalid --project-id "My Project": a project ID has 6 to 30 lowercase letters',
    ],
    ['project number', [valid, '--project-id', '123456789012'], 'error: invalid --project-id "123456789012"'],
    [
      'invalid folder id',
      [valid, '--folder-id', 'engineering'],
      'error: invalid --folder-id "engineering": a folder ID is a number',
    ],
    ['missing file', [path.join(scratch, 'absent.json'), '--project-id', 'acme-prod'], 'absent.json: not found'],
  ])('%s', (_name, args, message) => {
    const result = runCli(['import', 'gcp-iam-policy', ...args]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });

  test.each([
    [
      'YAML output',
      'bindings:\n- members:\n  - user:alice@example.com\n  role: roles/owner\netag: BwYB3kR1ZNk=\n',
      'it looks like YAML, the default output of gcloud',
    ],
    ['truncated JSON', '{"bindings": [{"role": "roles/owner", "members": ["user:al', 'the file may be truncated'],
    ['empty file', '   \n', 'is empty'],
    ['array', [prodPolicy], '$: expected one policy object, got an array'],
    ['another export', { UserDetailList: [], Policies: [] }, '$: has neither bindings nor etag'],
    [
      'bad member',
      { bindings: [{ role: 'roles/viewer', members: ['alice@example.com'] }], etag: 'x' },
      '$.bindings[0].members[0]: "alice@example.com" is not an IAM member',
    ],
    [
      'bad role',
      { bindings: [{ role: 'owner', members: ['user:alice@example.com'] }], etag: 'x' },
      '$.bindings[0].role: "owner" is not a role name',
    ],
    [
      'condition without expression',
      {
        bindings: [{ role: 'roles/viewer', members: ['user:alice@example.com'], condition: { title: 't' } }],
        etag: 'x',
      },
      '$.bindings[0].condition.expression: is missing',
    ],
  ])('%s', (name, content, message) => {
    const result = runCli([
      'import',
      'gcp-iam-policy',
      file(`${name.replace(/\s+/g, '-')}.json`, content),
      '--project-id',
      'acme-prod',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('gcloud projects get-iam-policy acme-prod --format=json > FILE');
  });

  test('table of another shape is left untouched', async () => {
    // A table that neither CloudQuery nor the importer created is not written to.
    await db.client.query('CREATE SCHEMA foreign_shape');
    await db.client.query(
      'CREATE TABLE foreign_shape.gcp_resourcemanager_project_policies (project_id text, policy text)'
    );
    await db.client.query(
      "INSERT INTO foreign_shape.gcp_resourcemanager_project_policies VALUES ('acme-prod', 'kept')"
    );

    const result = runCli([
      'import',
      'gcp-iam-policy',
      valid,
      '--project-id',
      'acme-prod',
      '--source-schema',
      'foreign_shape',
      '--database-url',
      db.url,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'table foreign_shape.gcp_resourcemanager_project_policies exists but lacks the columns'
    );

    const rows = await db.client.query(
      'SELECT project_id, policy FROM foreign_shape.gcp_resourcemanager_project_policies'
    );
    expect(rows.rows).toEqual([{ project_id: 'acme-prod', policy: 'kept' }]);
  });
});

test('import before migrate creates the table', async () => {
  // Without the ciem schema there is nothing to refresh; migrate afterwards reads the table.
  const fresh = await createTestDatabase();
  try {
    const result = runCli([
      'import',
      'gcp-iam-policy',
      file('fresh.json', prodPolicy),
      '--project-id',
      'acme-prod',
      '--database-url',
      fresh.url,
    ]);
    expect(result.status).toBe(0);
    await migrate(fresh.client, { sourceSchema: 'public' });
    const count = await fresh.client.query('SELECT count(*)::int AS n FROM ciem.gcp_identity_grants');
    expect(count.rows[0].n).toBe(5);
  } finally {
    await fresh.drop();
  }
}, 120_000);
