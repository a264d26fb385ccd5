import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseAuthorizationDetails } from '../cli/import/aws-authz/parse';
import { loadRankedManagedPolicies } from './managed-corpus';
import { generateAccount, planOrganisation, type GeneratorInputs } from './organisation';
import { Random } from './random';
import { loadServiceActions } from './service-actions';

let corpusDir: string;

beforeAll(() => {
  corpusDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-bench-test-'));
});

afterAll(() => {
  rmSync(corpusDir, { recursive: true, force: true });
});

/** Writes a corpus of three policies in the data set's shape, so the tests need no file outside the repository. */
function writeSmallCorpus(): string {
  const file = path.join(corpusDir, 'corpus.json');
  const policy = (name: string, arn: string | null, action: string) => ({
    name,
    arn,
    version: 'v1',
    createdate: '2020-01-01T00:00:00+00:00',
    updatedate: null,
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] },
  });
  writeFileSync(
    file,
    JSON.stringify([
      policy('ReadOnlyAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '*:Get*'),
      policy(
        'AWSLambdaBasicExecutionRole',
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'logs:*'
      ),
      policy('RetiredPolicy', null, 's3:*'),
    ])
  );
  return file;
}

async function smallInputs(): Promise<GeneratorInputs> {
  return {
    managedPolicies: loadRankedManagedPolicies(new Random(1), writeSmallCorpus()),
    serviceActions: await loadServiceActions(),
  };
}

describe('planOrganisation', () => {
  test('splits every identity over accounts', () => {
    const plan = planOrganisation(10_001, 7);
    expect(plan.accounts).toHaveLength(6);
    expect(plan.accounts.reduce((sum, account) => sum + account.users + account.roles, 0)).toBe(10_001);
  });

  test('gives small scales three accounts', () => {
    expect(planOrganisation(100, 1).accounts).toHaveLength(3);
  });

  test('rejects a scale below 10', () => {
    expect(() => planOrganisation(5, 1)).toThrow('the scale 5 is invalid');
  });
});

describe('loadRankedManagedPolicies', () => {
  test('skips retired policies and adds AdministratorAccess', () => {
    const names = loadRankedManagedPolicies(new Random(1), writeSmallCorpus()).map((policy) => policy.name);
    expect(names).not.toContain('RetiredPolicy');
    expect(names).toContain('AdministratorAccess');
  });

  test('ranks popular policies first', () => {
    const names = loadRankedManagedPolicies(new Random(1), writeSmallCorpus()).map((policy) => policy.name);
    expect(names.slice(0, 3)).toEqual(['AWSLambdaBasicExecutionRole', 'ReadOnlyAccess', 'AdministratorAccess']);
  });

  test('keeps the path of service-role policies', () => {
    const lambda = loadRankedManagedPolicies(new Random(1), writeSmallCorpus()).find(
      (policy) => policy.name === 'AWSLambdaBasicExecutionRole'
    );
    expect(lambda?.path).toBe('/service-role/');
  });

  test('names the missing corpus file', () => {
    expect(() => loadRankedManagedPolicies(new Random(1), '/nonexistent/corpus.json')).toThrow(
      '/nonexistent/corpus.json is missing'
    );
  });
});

describe('generateAccount', () => {
  test('is deterministic for one seed', async () => {
    const inputs = await smallInputs();
    const plan = planOrganisation(300, 3);
    const first = generateAccount(plan, plan.accounts[0], inputs);
    const second = generateAccount(plan, plan.accounts[0], inputs);
    expect(JSON.stringify(first.authorizationDetails)).toBe(JSON.stringify(second.authorizationDetails));
  });

  test('writes exports the importer accepts without warnings', async () => {
    const inputs = await smallInputs();
    const plan = planOrganisation(300, 3);
    for (const account of plan.accounts) {
      const generated = generateAccount(plan, account, inputs);
      const parsed = parseAuthorizationDetails(generated.authorizationDetails, generated.accountId);
      expect(parsed.warnings).toEqual([]);
      expect(parsed.rows.get('aws_iam_users')).toHaveLength(account.users);
      expect(parsed.rows.get('aws_iam_roles')).toHaveLength(account.roles);
    }
  });

  test('shares each customer policy between identities', async () => {
    const inputs = await smallInputs();
    const plan = planOrganisation(3_000, 3);
    const generated = generateAccount(plan, plan.accounts[0], inputs);
    expect(generated.counts.attachments / generated.counts.customerPolicies).toBeGreaterThan(10);
  });

  test('gives a fraction of identities a permissions boundary', async () => {
    const inputs = await smallInputs();
    const plan = planOrganisation(3_000, 3);
    const { counts } = generateAccount(plan, plan.accounts[0], inputs);
    expect(counts.boundedIdentities).toBeGreaterThan(0);
    expect(counts.boundedIdentities).toBeLessThan(counts.users + counts.roles);
  });
});
