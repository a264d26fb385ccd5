import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, builder, daysAgo, loadCase, resultsOf, statusesOf } from './fixture';

// CIS AWS Foundations Benchmark v3.0.0, controls 1.2, 1.19 and 1.20. The audits read the AWS
// API operations GetAlternateContact (contact type SECURITY), ListServerCertificates
// (Expiration), ListAnalyzers (status ACTIVE, per Region) and, for the active Regions, the
// Regions' opt-in status as CloudQuery's aws_regions stores it.

const full = account(41);
const sparse = account(42);
const noRegions = account(43);

const certificate = (accountId: string, name: string, expiration: string) => ({
  account_id: accountId,
  id: `ASCA${name.toUpperCase()}`,
  arn: `arn:aws:iam::${accountId}:server-certificate/${name}`,
  server_certificate_id: `ASCA${name.toUpperCase()}`,
  server_certificate_name: name,
  upload_date: daysAgo(400),
  expiration,
});

const region = (accountId: string, name: string, optInStatus: string, enabled: boolean | null) => ({
  account_id: accountId,
  region: name,
  partition: 'aws',
  opt_in_status: optInStatus,
  enabled,
});

const analyzer = (accountId: string, regionName: string, status: string) => ({
  account_id: accountId,
  region: regionName,
  arn: `arn:aws:access-analyzer:${regionName}:${accountId}:analyzer/main`,
  name: 'main',
  type: 'ACCOUNT',
  status,
});

const regionResource = (accountId: string, regionName: string) =>
  `arn:aws:access-analyzer:${regionName}:${accountId}:analyzer/*`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadCase(
    db.client,
    [full, sparse, noRegions].map((id) => builder(id).user({ name: 'someone', ageDays: 100 })),
    {
      aws_account_alternate_contacts: [
        {
          account_id: full,
          alternate_contact_type: 'SECURITY',
          name: 'Security team',
          email_address: 'security@example.com',
        },
        {
          account_id: sparse,
          alternate_contact_type: 'BILLING',
          name: 'Finance',
          email_address: 'billing@example.com',
        },
      ],
      aws_iam_server_certificates: [
        certificate(full, 'expired', daysAgo(10)),
        certificate(full, 'valid', daysAgo(-90)),
      ],
      aws_regions: [
        region(full, 'eu-west-1', 'opt-in-not-required', true),
        region(full, 'us-east-1', 'opt-in-not-required', true),
        region(full, 'ap-east-1', 'not-opted-in', false),
        region(sparse, 'eu-west-1', 'opt-in-not-required', true),
        region(sparse, 'me-south-1', 'opted-in', null),
      ],
      aws_accessanalyzer_analyzers: [analyzer(full, 'eu-west-1', 'ACTIVE'), analyzer(full, 'us-east-1', 'DISABLED')],
    }
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

// Audit 1.2: contact information is specified in the Security section of Alternate Contacts.
describe('CIS 1.2 security contact', () => {
  test('SECURITY contact passes', async () => {
    const [row] = await resultsOf(db.client, '1.2', full);
    expect(row.status).toBe('pass');
    expect(row.evidence.security_contact).toEqual({ name: 'Security team', email_address: 'security@example.com' });
  });

  test('only a billing contact fails', async () => {
    expect(await statusesOf(db.client, '1.2', sparse)).toEqual({ [sparse]: 'fail' });
  });
});

// Audit 1.19: list-server-certificates shows no certificate whose Expiration has passed.
describe('CIS 1.19 expired server certificates', () => {
  test('expired certificate fails, valid passes', async () => {
    expect(await statusesOf(db.client, '1.19', full)).toEqual({
      [`arn:aws:iam::${full}:server-certificate/expired`]: 'fail',
      [`arn:aws:iam::${full}:server-certificate/valid`]: 'pass',
    });
  });

  test('evidence gives the expiry', async () => {
    const rows = await resultsOf(db.client, '1.19', full);
    expect(rows[0].evidence).toEqual(
      expect.objectContaining({ server_certificate_name: 'expired', days_since_expiry: 10 })
    );
  });

  test('account storing none passes', async () => {
    const [row] = await resultsOf(db.client, '1.19', sparse);
    expect(row.status).toBe('pass');
    expect(row.evidence).toEqual({ server_certificates: 0 });
  });
});

// Audit 1.20: in each active region, list-analyzers shows an analyzer with status ACTIVE.
describe('CIS 1.20 IAM Access Analyzer in all regions', () => {
  test('judges each enabled region', async () => {
    expect(await statusesOf(db.client, '1.20', full)).toEqual({
      [regionResource(full, 'eu-west-1')]: 'pass',
      [regionResource(full, 'us-east-1')]: 'fail',
    });
  });

  test('opted-in region without analyzer fails', async () => {
    expect(await statusesOf(db.client, '1.20', sparse)).toEqual({
      [regionResource(sparse, 'eu-west-1')]: 'fail',
      [regionResource(sparse, 'me-south-1')]: 'fail',
    });
  });

  test('evidence shows the inactive analyzer', async () => {
    const rows = await resultsOf(db.client, '1.20', full);
    const usEast = rows.find((row) => row.resource === regionResource(full, 'us-east-1'))!;
    expect(usEast.evidence.analyzers).toEqual([expect.objectContaining({ status: 'DISABLED' })]);
  });

  test('account without regions is unknown', async () => {
    const [row] = await resultsOf(db.client, '1.20', noRegions);
    expect(row.status).toBe('unknown');
    expect(row.evidence.missing).toContain('aws_regions');
  });
});

// A destination in append mode keeps every sync's rows and drops the primary keys, so one
// certificate or region can appear twice.
test('duplicate rows keep one result each', async () => {
  await db.client.query(
    'ALTER TABLE public.aws_iam_server_certificates DROP CONSTRAINT aws_iam_server_certificates_cqpk'
  );
  await db.client.query('ALTER TABLE public.aws_regions DROP CONSTRAINT aws_regions_cqpk');
  await db.client.query(
    'INSERT INTO public.aws_iam_server_certificates SELECT * FROM public.aws_iam_server_certificates'
  );
  await db.client.query('INSERT INTO public.aws_regions SELECT * FROM public.aws_regions');

  await db.client.query('SELECT ciem.refresh()');

  expect(await statusesOf(db.client, '1.19', full)).toEqual({
    [`arn:aws:iam::${full}:server-certificate/expired`]: 'fail',
    [`arn:aws:iam::${full}:server-certificate/valid`]: 'pass',
  });
  expect(await resultsOf(db.client, '1.19', full)).toHaveLength(2);
  expect(await resultsOf(db.client, '1.20', full)).toHaveLength(2);
});
