import type { Client } from 'pg';

import { AccountBuilder } from '../../cli/demo/account-builder';
import { parseAuthorizationDetails } from '../../cli/import/aws-authz/parse';
import { writeExport } from '../../cli/import/aws-authz/write';
import { writeHygieneRows, type HygieneRows } from '../../cli/import/hygiene-rows';
import { migrate } from '../../cli/migrate/run';

export interface ComplianceResult {
  control_id: string;
  account_id: string;
  resource: string;
  resource_type: string;
  status: string;
  evidence: Record<string, unknown>;
}

const dayMs = 86_400_000;

/** An ISO timestamp `days` before now; negative days lie in the future. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * dayMs).toISOString();
}

/** An account of its own per test case, so cases never see each other's rows. */
export function account(index: number): string {
  return `3000000000${String(index).padStart(2, '0')}`;
}

export function builder(accountId: string): AccountBuilder {
  return new AccountBuilder(accountId, `case-${accountId}`, new Date());
}

/** Writes the IAM exports and the hygiene rows, then migrates, which ends with ciem.refresh(). */
export async function loadCase(client: Client, builders: AccountBuilder[], hygiene: HygieneRows = {}): Promise<void> {
  for (const accountBuilder of builders) {
    await writeExport(client, 'public', parseAuthorizationDetails(accountBuilder.build(), accountBuilder.accountId));
  }
  const accountIds = builders.map((accountBuilder) => accountBuilder.accountId);
  if (Object.keys(hygiene).length > 0) {
    await writeHygieneRows(client, 'public', accountIds, hygiene);
  }
  await migrate(client, { sourceSchema: 'public' });
}

export async function resultsOf(client: Client, controlId: string, accountId: string): Promise<ComplianceResult[]> {
  const result = await client.query<ComplianceResult>(
    `SELECT control_id, account_id, resource, resource_type, status, evidence
       FROM ciem.compliance_results
      WHERE control_id = $1 AND account_id = $2
      ORDER BY resource`,
    [controlId, accountId]
  );
  return result.rows;
}

/** The status of each resource the control judged in the account, keyed by resource. */
export async function statusesOf(
  client: Client,
  controlId: string,
  accountId: string
): Promise<Record<string, string>> {
  const rows = await resultsOf(client, controlId, accountId);
  return Object.fromEntries(rows.map((row) => [row.resource, row.status]));
}

interface ReportUser {
  account: string;
  /** IAM user name, or '<root_account>' for the root user's row. */
  user: string;
  createdDaysAgo?: number;
  passwordEnabled?: boolean;
  passwordLastUsedDaysAgo?: number | null;
  passwordLastChangedDaysAgo?: number | null;
  mfaActive?: boolean;
  key1?: { rotatedDaysAgo: number; lastUsedDaysAgo: number | null; active?: boolean };
  key2?: { rotatedDaysAgo: number; lastUsedDaysAgo: number | null; active?: boolean };
}

/**
 * One row of aws_iam_credential_reports as CloudQuery writes it ("Getting credential reports for
 * your AWS account", IAM User Guide): N/A dates are NULL, the root user's password_enabled is
 * not_supported, and a key's dates are N/A when the key is not active.
 */
export function reportRow(spec: ReportUser): Record<string, unknown> {
  const isRoot = spec.user === '<root_account>';
  const arn = isRoot ? `arn:aws:iam::${spec.account}:root` : `arn:aws:iam::${spec.account}:user/${spec.user}`;
  const date = (days: number | null | undefined) => (days === null || days === undefined ? null : daysAgo(days));
  const key = (value: ReportUser['key1']) => ({
    active: value !== undefined && value.active !== false,
    rotated: value !== undefined && value.active !== false ? date(value.rotatedDaysAgo) : null,
    used: value !== undefined ? date(value.lastUsedDaysAgo) : null,
  });
  const key1 = key(spec.key1);
  const key2 = key(spec.key2);
  const passwordEnabled = isRoot ? 'not_supported' : spec.passwordEnabled ? 'TRUE' : 'FALSE';
  return {
    arn,
    user: spec.user,
    user_creation_time: daysAgo(spec.createdDaysAgo ?? 400),
    password_enabled: passwordEnabled,
    password_status: passwordEnabled,
    password_last_used: date(spec.passwordLastUsedDaysAgo),
    password_last_changed: spec.passwordEnabled
      ? date(spec.passwordLastChangedDaysAgo ?? spec.createdDaysAgo ?? 400)
      : null,
    mfa_active: spec.mfaActive ?? false,
    access_key1_active: key1.active,
    access_key_1_last_rotated: key1.rotated,
    access_key_1_last_used_date: key1.used,
    access_key2_active: key2.active,
    access_key_2_last_rotated: key2.rotated,
    access_key_2_last_used_date: key2.used,
    cert1_active: false,
    cert2_active: false,
  };
}
