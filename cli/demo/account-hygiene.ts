import type { Client } from 'pg';

import { writeHygieneRows, type HygieneRows } from '../import/hygiene-rows';
import { cloudQueryId } from '../import/cq-id';
import { daysBefore, uniqueId } from './iam-builders';
import { demoAccounts } from './organisation';

/**
 * Account hygiene of the demo organisation: password policies, account summaries, MFA devices,
 * server certificates, regions and IAM Access Analyzer analyzers, with dates relative to asOf.
 * Each account passes some CIS controls and fails others:
 * - management: a strong password policy, root MFA on a hardware device, analyzers everywhere.
 * - security: root MFA on a virtual device (fails 1.6), no analyzer in us-east-1.
 * - production: a weak password policy, a root access key, an expired server certificate, no analyzer.
 * - development: no password policy, no root MFA, an analyzer still being created in us-east-1.
 *
 * Alternate contacts are left out, so the security-contact control shows as unknown.
 */
export function generateAccountHygiene(asOf: Date): HygieneRows {
  const { management, security, production, development } = demoAccounts;
  const accounts = [management, security, production, development];
  const rootArn = (account: string) => `arn:aws:iam::${account}:root`;
  const userArn = (account: string, name: string) => `arn:aws:iam::${account}:user/${name}`;

  const passwordPolicy = (account: string, minimumLength: number | null, reuse: number | null) => ({
    account_id: account,
    policy_exists: minimumLength !== null,
    minimum_password_length: minimumLength,
    password_reuse_prevention: reuse,
    allow_users_to_change_password: minimumLength !== null,
    expire_passwords: false,
    hard_expiry: false,
    max_password_age: null,
    require_lowercase_characters: minimumLength !== null,
    require_uppercase_characters: minimumLength !== null,
    require_numbers: minimumLength !== null,
    require_symbols: minimumLength !== null && minimumLength >= 14,
  });

  const accountSummary = (
    account: string,
    users: number,
    mfaEnabled: boolean,
    rootKeys: boolean,
    certificates: number
  ) => ({
    account_id: account,
    users,
    groups: 1,
    server_certificates: certificates,
    mfa_devices: 2,
    mfa_devices_in_use: 1,
    account_mfa_enabled: mfaEnabled,
    account_access_keys_present: rootKeys,
    account_signing_certificates_present: false,
    aliases: [`acme-${account}`],
  });

  // A user's MFA device row hangs under the user's row (same _cq_id as the importer derives).
  const userMfaDevice = (account: string, userName: string, serialNumber: string, enabledDaysAgo: number) => ({
    _cq_parent_id: cloudQueryId({ account_id: account, arn: userArn(account, userName) }, ['account_id', 'arn']),
    account_id: account,
    serial_number: serialNumber,
    enable_date: daysBefore(asOf, enabledDaysAgo),
    user_name: userName,
  });

  const virtualDevice = (account: string, name: string, assignedTo: string | null, enabledDaysAgo: number | null) => ({
    account_id: account,
    serial_number: `arn:aws:iam::${account}:mfa/${name}`,
    tags: {},
    enable_date: enabledDaysAgo === null ? null : daysBefore(asOf, enabledDaysAgo),
    user: assignedTo === null ? null : { Arn: assignedTo },
  });

  const certificate = (account: string, name: string, uploadedDaysAgo: number, expiresInDays: number) => {
    const arn = `arn:aws:iam::${account}:server-certificate/${name}`;
    const id = uniqueId('ASCA', arn);
    return {
      account_id: account,
      id,
      arn,
      path: '/',
      server_certificate_id: id,
      server_certificate_name: name,
      upload_date: daysBefore(asOf, uploadedDaysAgo),
      expiration: daysBefore(asOf, -expiresInDays),
    };
  };

  const regions = accounts.flatMap((account) =>
    [
      { region: 'eu-west-1', opt_in_status: 'opt-in-not-required', enabled: true },
      { region: 'us-east-1', opt_in_status: 'opt-in-not-required', enabled: true },
      { region: 'ap-east-1', opt_in_status: 'not-opted-in', enabled: false },
    ].map((region) => ({
      account_id: account,
      partition: 'aws',
      endpoint: `ec2.${region.region}.amazonaws.com`,
      ...region,
    }))
  );

  const analyzer = (account: string, region: string, name: string, type: string, status: string) => ({
    account_id: account,
    region,
    arn: `arn:aws:access-analyzer:${region}:${account}:analyzer/${name}`,
    created_at: daysBefore(asOf, 300),
    name,
    status,
    type,
    status_reason: status === 'ACTIVE' ? null : { Code: 'SERVICE_LINKED_ROLE_CREATION_IN_PROGRESS' },
    tags: {},
  });

  return {
    aws_iam_password_policies: [
      passwordPolicy(management, 14, 24),
      passwordPolicy(security, 16, 24),
      passwordPolicy(production, 8, 5),
      passwordPolicy(development, null, null),
    ],
    aws_iam_accounts: [
      accountSummary(management, 3, true, false, 0),
      accountSummary(security, 2, true, false, 1),
      accountSummary(production, 1, true, true, 2),
      accountSummary(development, 3, false, false, 0),
    ],
    aws_iam_mfa_devices: [
      userMfaDevice(management, 'alice.admin', `arn:aws:iam::${management}:mfa/alice.admin`, 870),
      userMfaDevice(security, 'carol.secops', 'GAHT12345678', 590),
      userMfaDevice(development, 'erin.dev', `arn:aws:iam::${development}:mfa/erin.dev`, 480),
    ],
    aws_iam_virtual_mfa_devices: [
      virtualDevice(management, 'alice.admin', userArn(management, 'alice.admin'), 870),
      virtualDevice(security, 'root-account-mfa-device', rootArn(security), 400),
      virtualDevice(development, 'erin.dev', userArn(development, 'erin.dev'), 480),
      // Created but never assigned: not the root user's MFA.
      virtualDevice(development, 'root-account-mfa-device', null, null),
    ],
    aws_iam_server_certificates: [
      certificate(security, 'api.acme.example', 160, 200),
      certificate(production, 'legacy-portal.acme.example', 760, -30),
      certificate(production, 'orders.acme.example', 240, 120),
    ],
    aws_regions: regions,
    aws_accessanalyzer_analyzers: [
      analyzer(management, 'eu-west-1', 'acme-account', 'ACCOUNT', 'ACTIVE'),
      analyzer(management, 'us-east-1', 'acme-organisation', 'ORGANIZATION', 'ACTIVE'),
      analyzer(security, 'eu-west-1', 'security-account', 'ACCOUNT', 'ACTIVE'),
      analyzer(development, 'eu-west-1', 'development-account', 'ACCOUNT', 'ACTIVE'),
      analyzer(development, 'us-east-1', 'development-account', 'ACCOUNT', 'CREATING'),
    ],
  };
}

/** Writes the demo organisation's account hygiene into the CloudQuery tables of schema. */
export async function writeAccountHygiene(client: Client, schema: string, asOf: Date): Promise<void> {
  const { management, security, production, development } = demoAccounts;
  await writeHygieneRows(client, schema, [management, security, production, development], generateAccountHygiene(asOf));
}
