import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';

type Export = {
  UserDetailList: Array<Record<string, any>>;
  GroupDetailList: Array<Record<string, any>>;
  RoleDetailList: Array<Record<string, any>>;
  Policies: Array<Record<string, any>>;
};

const readExport = (file: string): Export => JSON.parse(readFileSync(file, 'utf8'));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'openciem-import-'));
const cloudsplainingAccount = '200611803367';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

async function count(table: string, accountId?: string): Promise<number> {
  const where = accountId ? ' WHERE account_id = $1' : '';
  const result = await db.client.query(`SELECT count(*)::int AS n FROM public.${table}${where}`, accountId ? [accountId] : []);
  return result.rows[0].n;
}

/** A digest of every IAM table's rows, to prove that a rejected import changed nothing. */
async function snapshot(): Promise<string> {
  const tables = await db.client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'aws_iam_%' ORDER BY 1"
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await db.client.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t._cq_id), '')) AS digest FROM public.${table_name} t`);
    parts.push(`${table_name}:${rows.rows[0].digest}`);
  }
  return parts.join(',');
}

describe('import aws-authz on the cloudsplaining example export', () => {
  const file = readExport(exportFiles.cloudsplaining);

  beforeAll(async () => {
    const result = runCli(['import', 'aws-authz', exportFiles.cloudsplaining, '--database-url', db.url]);
    expect(result.stderr).toContain('the file mixes accounts');
    expect(result.status).toBe(0);
  });

  test('writes every user, group, role and policy', async () => {
    expect(await count('aws_iam_users')).toBe(44);
    expect(await count('aws_iam_groups')).toBe(5);
    expect(await count('aws_iam_roles')).toBe(78);
    expect(await count('aws_iam_policies')).toBe(84);
  });

  test('writes one child row per inline policy, attachment, membership and version', async () => {
    const sum = (list: Array<Record<string, any>>, key: string) => list.reduce((n, item) => n + (item[key]?.length ?? 0), 0);
    expect(await count('aws_iam_user_policies')).toBe(sum(file.UserDetailList, 'UserPolicyList'));
    expect(await count('aws_iam_user_attached_policies')).toBe(sum(file.UserDetailList, 'AttachedManagedPolicies'));
    expect(await count('aws_iam_user_groups')).toBe(sum(file.UserDetailList, 'GroupList'));
    expect(await count('aws_iam_group_policies')).toBe(sum(file.GroupDetailList, 'GroupPolicyList'));
    expect(await count('aws_iam_group_attached_policies')).toBe(sum(file.GroupDetailList, 'AttachedManagedPolicies'));
    expect(await count('aws_iam_role_policies')).toBe(sum(file.RoleDetailList, 'RolePolicyList'));
    expect(await count('aws_iam_role_attached_policies')).toBe(sum(file.RoleDetailList, 'AttachedManagedPolicies'));
    expect(await count('aws_iam_policy_versions')).toBe(sum(file.Policies, 'PolicyVersionList'));
    expect(await count('aws_iam_user_policies')).toBeGreaterThan(0);
    expect(await count('aws_iam_user_groups')).toBeGreaterThan(0);
  });

  test('takes the account that owns most entities', async () => {
    expect(await count('aws_iam_users', cloudsplainingAccount)).toBe(44);
    expect(await count('aws_iam_account_authorization_details', cloudsplainingAccount)).toBe(1);
  });

  test('user columns match the file', async () => {
    const user = file.UserDetailList.find((item) => item.UserName === 'fn1-privesc3-partial-user')!;
    const row = (await db.client.query('SELECT * FROM public.aws_iam_users WHERE arn = $1', [user.Arn])).rows[0];
    expect(row.user_name).toBe(user.UserName);
    expect(row.user_id).toBe(user.UserId);
    expect(row.path).toBe(user.Path);
    expect(row.create_date.toISOString()).toBe('2023-03-09T10:41:45.000Z');
    expect(row.tags).toEqual({});
    expect(row.permissions_boundary).toBeNull();
    expect(row._cq_parent_id).toBeNull();
    expect(row._cq_source_name).toBe('openciem-import-aws-authz');
  });

  test('_cq_id follows plugin-sdk CalculateCQID', async () => {
    const user = file.UserDetailList[0];
    // SHA-256 over (column name, value) pairs sorted by name, then a SHA-1 name-based UUID in the
    // nil namespace: uuid.NewSHA1(uuid.Nil, sha256.Sum(...)) in cloudquery/plugin-sdk v4.
    const inner = createHash('sha256').update('account_id').update(cloudsplainingAccount).update('arn').update(user.Arn).digest();
    const outer = createHash('sha1').update(Buffer.alloc(16)).update(inner).digest();
    outer[6] = (outer[6] & 0x0f) | 0x50;
    outer[8] = (outer[8] & 0x3f) | 0x80;
    const hex = outer.subarray(0, 16).toString('hex');
    const expected = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

    const row = (await db.client.query('SELECT _cq_id FROM public.aws_iam_users WHERE arn = $1', [user.Arn])).rows[0];
    expect(row._cq_id).toBe(expected);
  });

  test('child rows link to their parents through _cq_parent_id', async () => {
    const orphans = await db.client.query(`
      SELECT 'attached' AS kind FROM public.aws_iam_user_attached_policies c LEFT JOIN public.aws_iam_users p ON c._cq_parent_id = p._cq_id WHERE p._cq_id IS NULL OR p.arn <> c.user_arn
      UNION ALL SELECT 'groups' FROM public.aws_iam_user_groups c LEFT JOIN public.aws_iam_users p ON c._cq_parent_id = p._cq_id WHERE p._cq_id IS NULL OR p.arn <> c.user_arn
      UNION ALL SELECT 'role inline' FROM public.aws_iam_role_policies c LEFT JOIN public.aws_iam_roles p ON c._cq_parent_id = p._cq_id WHERE p._cq_id IS NULL OR p.arn <> c.role_arn
      UNION ALL SELECT 'versions' FROM public.aws_iam_policy_versions c LEFT JOIN public.aws_iam_policies p ON c._cq_parent_id = p._cq_id WHERE p._cq_id IS NULL OR p.arn <> c.policy_arn
      UNION ALL SELECT 'group inline' FROM public.aws_iam_group_attached_policies c LEFT JOIN public.aws_iam_groups p ON c._cq_parent_id = p._cq_id WHERE p._cq_id IS NULL OR p.arn <> c.group_arn`);
    expect(orphans.rows).toEqual([]);
  });

  test('group membership carries the group ARN', async () => {
    const member = file.UserDetailList.find((item) => item.GroupList.length > 0)!;
    const group = file.GroupDetailList.find((item) => item.GroupName === member.GroupList[0])!;
    const row = (await db.client.query('SELECT * FROM public.aws_iam_user_groups WHERE user_arn = $1 AND group_name = $2', [member.Arn, group.GroupName])).rows[0];
    expect(row.arn).toBe(group.Arn);
    expect(row.group_id).toBe(group.GroupId);
  });

  test('trust policies and inline policies are jsonb objects equal to the file', async () => {
    const role = file.RoleDetailList.find((item) => item.RolePolicyList.length > 0)!;
    const row = (await db.client.query('SELECT assume_role_policy_document, role_last_used FROM public.aws_iam_roles WHERE arn = $1', [role.Arn])).rows[0];
    expect(row.assume_role_policy_document).toEqual(role.AssumeRolePolicyDocument);

    const inline = (await db.client.query('SELECT policy_name, policy_document FROM public.aws_iam_role_policies WHERE role_arn = $1 ORDER BY policy_name', [role.Arn])).rows;
    const expected = [...role.RolePolicyList].sort((a, b) => a.PolicyName.localeCompare(b.PolicyName));
    expect(inline.map((item) => item.policy_document)).toEqual(expected.map((item) => item.PolicyDocument));
    const kind = await db.client.query("SELECT jsonb_typeof(policy_document) AS t FROM public.aws_iam_role_policies LIMIT 1");
    expect(kind.rows[0].t).toBe('object');
  });

  test('role_last_used keeps Go marshalling of RoleLastUsed', async () => {
    const used = file.RoleDetailList.find((item) => item.RoleLastUsed?.LastUsedDate)!;
    const row = (await db.client.query('SELECT role_last_used FROM public.aws_iam_roles WHERE arn = $1', [used.Arn])).rows[0];
    expect(row.role_last_used).toEqual({
      LastUsedDate: new Date(used.RoleLastUsed.LastUsedDate.replace(' ', 'T')).toISOString().replace('.000Z', 'Z'),
      Region: used.RoleLastUsed.Region,
    });
  });

  test('policy versions hold the decoded and the encoded document', async () => {
    const policy = file.Policies.find((item) => item.PolicyVersionList.length > 1) ?? file.Policies[0];
    const rows = (await db.client.query('SELECT * FROM public.aws_iam_policy_versions WHERE policy_arn = $1 ORDER BY version_id', [policy.Arn])).rows;
    const versions = [...policy.PolicyVersionList].sort((a, b) => a.VersionId.localeCompare(b.VersionId));
    expect(rows.map((row) => row.version_id)).toEqual(versions.map((item) => item.VersionId));
    expect(rows.map((row) => row.is_default_version)).toEqual(versions.map((item) => item.IsDefaultVersion));
    expect(rows.map((row) => row.document_json)).toEqual(versions.map((item) => item.Document));
    expect(JSON.parse(decodeURIComponent(rows[0].document))).toEqual(versions[0].Document);

    const policyRow = (await db.client.query('SELECT * FROM public.aws_iam_policies WHERE arn = $1', [policy.Arn])).rows[0];
    expect(policyRow.default_version_id).toBe(policy.DefaultVersionId);
    expect(policyRow.id).toBe(policy.PolicyId);
    expect(policyRow.attachment_count).toBe(String(policy.AttachmentCount));
    expect(policyRow.is_attachable).toBe(policy.IsAttachable);
  });

  test('AWS-managed policies are stored under the imported account, as CloudQuery does', async () => {
    const managed = await db.client.query("SELECT count(*)::int AS n FROM public.aws_iam_policies WHERE arn LIKE 'arn:aws:iam::aws:policy/%' AND account_id = $1", [cloudsplainingAccount]);
    expect(managed.rows[0].n).toBe(38);
  });

  test('the tables have CloudQuery column types and primary key', async () => {
    const columns = await db.client.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'aws_iam_roles' ORDER BY ordinal_position"
    );
    const types = Object.fromEntries(columns.rows.map((row) => [row.column_name, row.data_type]));
    expect(types).toMatchObject({
      _cq_id: 'uuid',
      _cq_parent_id: 'uuid',
      _cq_sync_time: 'timestamp without time zone',
      _cq_source_name: 'text',
      assume_role_policy_document: 'jsonb',
      create_date: 'timestamp without time zone',
      max_session_duration: 'bigint',
      role_last_used: 'jsonb',
    });
    const key = await db.client.query("SELECT conname FROM pg_constraint WHERE conrelid = 'public.aws_iam_roles'::regclass AND contype = 'p'");
    expect(key.rows[0].conname).toBe('aws_iam_roles_cqpk');
  });
});

describe('import aws-authz replacing an account', () => {
  test('re-import replaces only that account and keeps ids', async () => {
    await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public' });
    const before = (await db.client.query('SELECT arn, _cq_id FROM public.aws_iam_roles WHERE account_id = $1 ORDER BY arn', ['123456789012'])).rows;
    const otherAccount = await count('aws_iam_roles', cloudsplainingAccount);

    await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public' });

    const after = (await db.client.query('SELECT arn, _cq_id FROM public.aws_iam_roles WHERE account_id = $1 ORDER BY arn', ['123456789012'])).rows;
    expect(after).toEqual(before);
    expect(before).toHaveLength(4);
    expect(await count('aws_iam_roles', cloudsplainingAccount)).toBe(otherAccount);
  });

  test('URL-encoded documents import like decoded ones', async () => {
    const original = readExport(exportFiles.cloudmapper);
    const encoded = JSON.parse(JSON.stringify(original));
    for (const role of encoded.RoleDetailList) {
      role.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(role.AssumeRolePolicyDocument));
      for (const inline of role.RolePolicyList) {
        inline.PolicyDocument = encodeURIComponent(JSON.stringify(inline.PolicyDocument));
      }
    }
    for (const policy of encoded.Policies) {
      for (const version of policy.PolicyVersionList) {
        version.Document = encodeURIComponent(JSON.stringify(version.Document));
      }
    }
    const file = path.join(scratch, 'encoded.json');
    writeFileSync(file, JSON.stringify(encoded));

    await importAuthorizationDetails(db.client, file, { sourceSchema: 'public', accountId: '999999999999' });

    const decoded = (await db.client.query("SELECT arn, assume_role_policy_document FROM public.aws_iam_roles WHERE account_id = '999999999999' ORDER BY arn")).rows;
    const expected = [...original.RoleDetailList].sort((a, b) => a.Arn.localeCompare(b.Arn));
    expect(decoded.map((row) => row.assume_role_policy_document)).toEqual(expected.map((role) => role.AssumeRolePolicyDocument));
    const versions = (await db.client.query("SELECT document_json FROM public.aws_iam_policy_versions WHERE account_id = '999999999999' AND jsonb_typeof(document_json) = 'object'")).rows;
    expect(versions).toHaveLength(original.Policies.reduce((n, policy) => n + policy.PolicyVersionList.length, 0));
  });
});

describe('import aws-authz rejecting bad files', () => {
  const cases: Array<{ name: string; content: string; message: RegExp }> = [
    { name: 'empty.json', content: '', message: /empty\.json is empty/ },
    { name: 'truncated.json', content: readFileSync(exportFiles.cloudmapper, 'utf8').slice(0, 5000), message: /truncated\.json is not valid JSON .*truncated/ },
    { name: 'ec2.json', content: JSON.stringify({ Reservations: [] }), message: /ec2\.json is not a valid get-account-authorization-details export: \$: .*expected the keys UserDetailList/ },
    { name: 'array.json', content: '[1, 2]', message: /array\.json is not a valid .*expected an object, got an array/ },
    {
      name: 'bad-document.json',
      content: JSON.stringify({ ...readExport(exportFiles.cloudmapper), Policies: [{ PolicyName: 'p', PolicyId: 'ANPA1', Arn: 'arn:aws:iam::123456789012:policy/p', PolicyVersionList: [{ VersionId: 'v1', Document: '%7B%22Version' }] }] }),
      message: /Policies\[0\]\.PolicyVersionList\[0\]\.Document: the document is not valid JSON/,
    },
    {
      name: 'missing-arn.json',
      content: JSON.stringify({ UserDetailList: [{ UserName: 'x', UserId: 'AIDA1' }] }),
      message: /UserDetailList\[0\]\.Arn: is missing/,
    },
  ];

  test.each(cases)('$name gives a clear error and changes nothing', async ({ name, content, message }) => {
    const file = path.join(scratch, name);
    writeFileSync(file, content);
    const before = await snapshot();

    const result = runCli(['import', 'aws-authz', file, '--database-url', db.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(file);
    expect(await snapshot()).toBe(before);
  });

  test('a missing file names the path', () => {
    const result = runCli(['import', 'aws-authz', path.join(scratch, 'nope.json'), '--database-url', db.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*nope\.json: not found/);
  });

  test('an invalid account id is rejected', () => {
    const result = runCli(['import', 'aws-authz', exportFiles.cloudmapper, '--account-id', '12345', '--database-url', db.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('invalid --account-id "12345"');
  });

  test('a failure while writing rolls back the whole import', async () => {
    await db.client.query('CREATE SCHEMA broken');
    await db.client.query('CREATE TABLE broken.aws_iam_policies (_cq_id uuid PRIMARY KEY, account_id text)');
    await db.client.query('CREATE TABLE broken.marker (id int)');

    const result = runCli(['import', 'aws-authz', exportFiles.cloudmapper, '--source-schema', 'broken', '--database-url', db.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/table broken\.aws_iam_policies exists but lacks the columns .*arn/);
    const tables = await db.client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'broken' ORDER BY 1");
    expect(tables.rows.map((row) => row.table_name)).toEqual(['aws_iam_policies', 'marker']);
  });
});
