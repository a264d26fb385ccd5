import type { ActivityRow } from './write-activity';

/** Builders of rows of CloudQuery's activity tables, in the shape the AWS source plugin writes. */

const time = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

export interface AccessKeySpec {
  id: string;
  active: boolean;
  createdAt: Date;
  lastUsedAt?: Date;
  lastUsedService?: string;
}

export interface CredentialReportSpec {
  accountId: string;
  userName: string;
  createdAt: Date;
  /** Console password: when it was set and last used; absent when the user has none. */
  password?: { changedAt: Date; lastUsedAt?: Date };
  mfaActive?: boolean;
  /** Up to two keys, in the report's slots 1 and 2. */
  accessKeys?: AccessKeySpec[];
}

/**
 * One row of aws_iam_credential_reports. The report marks an absent password or key with
 * "N/A", which CloudQuery stores as NULL; password_enabled is the report's "true"/"false".
 */
export function credentialReportRow(spec: CredentialReportSpec): ActivityRow {
  const [key1, key2] = spec.accessKeys ?? [];
  return {
    arn: `arn:aws:iam::${spec.accountId}:user/${spec.userName}`,
    user: spec.userName,
    user_creation_time: time(spec.createdAt),
    password_enabled: spec.password ? 'true' : 'false',
    password_status: spec.password ? 'true' : 'false',
    password_last_changed: time(spec.password?.changedAt),
    password_last_used: time(spec.password?.lastUsedAt),
    password_next_rotation: null,
    mfa_active: spec.mfaActive ?? false,
    access_key1_active: key1?.active ?? false,
    access_key_1_last_rotated: time(key1?.createdAt),
    access_key_1_last_used_date: time(key1?.lastUsedAt),
    access_key1_last_used_region: key1?.lastUsedAt ? 'eu-west-1' : null,
    access_key1_last_used_service: key1?.lastUsedService ?? null,
    access_key2_active: key2?.active ?? false,
    access_key_2_last_rotated: time(key2?.createdAt),
    access_key_2_last_used_date: time(key2?.lastUsedAt),
    access_key2_last_used_region: key2?.lastUsedAt ? 'eu-west-1' : null,
    access_key2_last_used_service: key2?.lastUsedService ?? null,
    cert1_active: false,
    cert2_active: false,
    cert_1_last_rotated: null,
    cert_2_last_rotated: null,
  };
}

/** One row of aws_iam_user_access_keys per key of the user. */
export function accessKeyRows(accountId: string, userName: string, keys: AccessKeySpec[]): ActivityRow[] {
  const userArn = `arn:aws:iam::${accountId}:user/${userName}`;
  return keys.map((key) => ({
    account_id: accountId,
    user_arn: userArn,
    user_name: userName,
    user_id: null,
    access_key_id: key.id,
    status: key.active ? 'Active' : 'Inactive',
    create_date: time(key.createdAt),
    last_rotated: time(key.createdAt),
    last_used: time(key.lastUsedAt),
    last_used_service_name: key.lastUsedService ?? null,
  }));
}

export type LastAccessedOwner = 'user' | 'role' | 'group' | 'policy';

export interface ServiceAccessSpec {
  service: string;
  serviceName?: string;
  /** Undefined: not used within the tracking period (LastAuthenticated NULL). */
  lastAuthenticated?: Date;
  /** Tracked actions by bare name (CreateBucket) and their last use; null when AWS lists the action without use. */
  trackedActions?: Record<string, Date | null>;
}

const tableOf: Record<LastAccessedOwner, { table: string; column: string }> = {
  user: { table: 'aws_iam_user_last_accessed_details', column: 'user_arn' },
  role: { table: 'aws_iam_role_last_accessed_details', column: 'role_arn' },
  group: { table: 'aws_iam_group_last_accessed_details', column: 'group_arn' },
  policy: { table: 'aws_iam_policy_last_accessed_details', column: 'arn' },
};

export function lastAccessedTable(owner: LastAccessedOwner): string {
  return tableOf[owner].table;
}

/**
 * Rows of a last accessed report: one per service, with TrackedActionsLastAccessed as the SDK
 * marshals it (PascalCase fields, RFC 3339 times, null for a missing value), or null.
 */
export function lastAccessedRows(owner: LastAccessedOwner, accountId: string, ownerArn: string, services: ServiceAccessSpec[]): ActivityRow[] {
  return services.map((spec) => ({
    account_id: accountId,
    [tableOf[owner].column]: ownerArn,
    job_id: 'demo-job',
    service_name: spec.serviceName ?? spec.service,
    service_namespace: spec.service,
    last_authenticated: time(spec.lastAuthenticated),
    last_authenticated_entity: spec.lastAuthenticated ? ownerArn : null,
    last_authenticated_region: spec.lastAuthenticated ? 'eu-west-1' : null,
    total_authenticated_entities: spec.lastAuthenticated ? 1 : 0,
    tracked_actions_last_accessed: spec.trackedActions
      ? Object.entries(spec.trackedActions).map(([action, at]) => ({
          ActionName: action,
          LastAccessedEntity: at ? ownerArn : null,
          LastAccessedRegion: at ? 'eu-west-1' : null,
          LastAccessedTime: at ? at.toISOString().replace('.000Z', 'Z') : null,
        }))
      : null,
  }));
}
