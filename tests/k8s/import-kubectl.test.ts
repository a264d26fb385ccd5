import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ClusterBuilder, serviceAccount, user, type KubeObject } from '../../cli/demo/k8s-builders';
import { addKubernetesDefaults } from '../../cli/demo/k8s-defaults';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

// openciem import kubectl, run as a user runs it, on the List that
// `kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts -A -o json`
// prints (apiVersion v1, kind List, items of each kind with apiVersion and kind set).

const scratch = mkdtempSync(path.join(os.tmpdir(), 'openciem-kubectl-'));

function writeJson(name: string, document: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return file;
}

function labCluster(withDebugger: boolean): KubeObject {
  const builder = addKubernetesDefaults(new ClusterBuilder(), ['default', 'kube-system', 'team']);
  builder
    .serviceAccount('team', 'bot')
    .clusterRoleBinding('bot-admin', 'cluster-admin', [serviceAccount('team', 'bot')]);
  if (withDebugger) {
    builder
      .role('team', 'debugger', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }])
      .roleBinding('team', 'debugger', { kind: 'Role', name: 'debugger' }, [user('carol')]);
  }
  return builder.build();
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  await db.drop();
  rmSync(scratch, { recursive: true, force: true });
});

async function count(table: string, context: string): Promise<number> {
  const result = await db.client.query(`SELECT count(*)::int AS n FROM public.${table} WHERE context = $1`, [context]);
  return result.rows[0].n;
}

/** Hashes every Kubernetes table's rows, to show that a rejected import changed nothing. */
async function digest(): Promise<string> {
  const tables = await db.client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'k8s_%' ORDER BY 1"
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await db.client.query(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t._cq_id), '')) AS digest FROM public.${table_name} t`
    );
    parts.push(`${table_name}:${rows.rows[0].digest}`);
  }
  return parts.join(',');
}

describe('a cluster export', () => {
  const file = writeJson('lab.json', labCluster(true));

  beforeAll(() => {
    const imported = runCli(['import', 'kubectl', file, '--context', 'lab', '--database-url', db.url]);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    const migrated = runCli(['migrate', '--database-url', db.url]);
    expect(migrated.status).toBe(0);
  });

  test('prints what it wrote', () => {
    const again = runCli(['import', 'kubectl', file, '--context', 'lab', '--database-url', db.url]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(
      `Imported context lab from ${file} into schema public: 1 Roles, 11 ClusterRoles, 1 RoleBindings, 6 ClusterRoleBindings, 5 ServiceAccounts.\n`
    );
  });

  test('writes CloudQuery-shaped rows', async () => {
    const rows = await db.client.query(
      `SELECT context, kind, api_version, namespace, labels, subjects, role_ref, _cq_source_name
         FROM public.k8s_rbac_role_bindings WHERE context = 'lab'`
    );
    expect(rows.rows).toEqual([
      {
        context: 'lab',
        kind: 'RoleBinding',
        api_version: 'rbac.authorization.k8s.io/v1',
        namespace: 'team',
        labels: null,
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'carol' }],
        role_ref: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'debugger' },
        _cq_source_name: 'openciem-import-kubectl',
      },
    ]);
    const clusterRole = await db.client.query(
      "SELECT namespace, aggregation_rule FROM public.k8s_rbac_cluster_roles WHERE context = 'lab' AND name = 'admin'"
    );
    expect(clusterRole.rows).toEqual([
      {
        namespace: '',
        aggregation_rule: {
          clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }],
        },
      },
    ]);
  });

  test('views read the imported cluster', async () => {
    const rows = await db.client.query(
      "SELECT category, identity_arn FROM ciem.findings WHERE cloud = 'kubernetes' AND account_id = 'lab' AND category IN ('admin_equivalent', 'privilege_escalation') ORDER BY 1, 2"
    );
    expect(rows.rows).toEqual([
      { category: 'admin_equivalent', identity_arn: 'Group:system:masters' },
      { category: 'admin_equivalent', identity_arn: 'ServiceAccount:team/bot' },
      {
        category: 'privilege_escalation',
        identity_arn: 'ServiceAccount:kube-system/clusterrole-aggregation-controller',
      },
      { category: 'privilege_escalation', identity_arn: 'User:carol' },
    ]);
  });

  test('a new import replaces the context and refreshes', async () => {
    runCli(['import', 'kubectl', file, '--context', 'other-lab', '--database-url', db.url]);
    const smaller = writeJson('lab-smaller.json', labCluster(false));
    const result = runCli(['import', 'kubectl', smaller, '--context', 'lab', '--database-url', db.url]);
    expect(result.status).toBe(0);

    expect(await count('k8s_rbac_role_bindings', 'lab')).toBe(0);
    expect(await count('k8s_rbac_role_bindings', 'other-lab')).toBe(1);
    const carol = await db.client.query(
      "SELECT account_id FROM ciem.findings WHERE cloud = 'kubernetes' AND identity_arn = 'User:carol' ORDER BY 1"
    );
    expect(carol.rows).toEqual([{ account_id: 'other-lab' }]);
  });
});

describe('other kinds and objects without uid', () => {
  test('are ignored or given a uid, with a warning', async () => {
    const file = writeJson('mixed.json', {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team', uid: 'p1' } },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'handmade', namespace: 'team' } },
      ],
    });
    const result = runCli(['import', 'kubectl', file, '--context', 'mixed', '--database-url', db.url]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('warning: ignored items of other kinds: 1 Pod');
    expect(result.stderr).toContain('warning: 1 objects have no metadata.uid');
    expect(await count('k8s_core_service_accounts', 'mixed')).toBe(1);
  });
});

describe('rejected files', () => {
  const reject = async (args: string[], message: string, hint?: string) => {
    const before = await digest();
    const result = runCli(['import', 'kubectl', ...args, '--database-url', db.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    if (hint) {
      expect(result.stderr).toContain(hint);
    }
    expect(await digest()).toBe(before);
  };
  const howTo =
    'Create the file with: kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts -A -o json > FILE';

  test('without --context', async () => {
    await reject([writeJson('ok.json', labCluster(true))], "required option '--context <name>' not specified");
  });

  test('with an empty context', async () => {
    await reject(
      [writeJson('ok2.json', labCluster(true)), '--context', ' '],
      'invalid --context " "',
      'kubectl config get-contexts -o name'
    );
  });

  test('missing file', async () => {
    const missing = path.join(scratch, 'absent.json');
    await reject([missing, '--context', 'lab'], `cannot read ${missing}: not found`, howTo);
  });

  test('empty file', async () => {
    const file = writeJson('empty.json', '  \n');
    await reject([file, '--context', 'lab'], `${file} is empty`, howTo);
  });

  test('a directory', async () => {
    await reject([scratch, '--context', 'lab'], `cannot read ${scratch}: is a directory`, howTo);
  });

  test('truncated JSON', async () => {
    const file = writeJson('truncated.json', JSON.stringify(labCluster(true)).slice(0, 500));
    await reject([file, '--context', 'lab'], `${file} is not valid JSON`, howTo);
  });

  test('YAML output', async () => {
    const file = writeJson('list.yaml', 'apiVersion: v1\nitems: []\nkind: List\n');
    await reject([file, '--context', 'lab'], `${file} is YAML; the import reads JSON`, 'Print JSON with -o json');
  });

  test('a single object', async () => {
    const file = writeJson('role.json', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'x' },
    });
    await reject(
      [file, '--context', 'lab'],
      '$: expected a List with items, as kubectl get -o json prints it, got an object of kind Role',
      howTo
    );
  });

  test('a List without RBAC objects', async () => {
    const file = writeJson('pods.json', {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'Pod', metadata: { name: 'web' } }],
    });
    await reject(
      [file, '--context', 'lab'],
      '$.items: holds no Role, ClusterRole, RoleBinding, ClusterRoleBinding or ServiceAccount'
    );
  });

  test('an invalid item names its path', async () => {
    const document = labCluster(true);
    const items = document.items as KubeObject[];
    const index = items.findIndex((item) => item.kind === 'RoleBinding');
    items[index] = { ...items[index], roleRef: { kind: 'Group', name: 'x' } };
    const file = writeJson('bad-roleref.json', document);
    await reject([file, '--context', 'lab'], `items[${index}].roleRef.kind: expected Role or ClusterRole, got "Group"`);
  });

  test('a namespaced object without namespace', async () => {
    const file = writeJson('no-namespace.json', {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'x', uid: 'r1' }, rules: [] },
      ],
    });
    await reject([file, '--context', 'lab'], 'items[0].metadata.namespace: is missing');
  });
});
