import { decodePolicyDocument, encodePolicyDocument } from '../policy-document';
import {
  InputError,
  arrayAt,
  goJsonTime,
  objectAt,
  optionalBooleanAt,
  optionalIntegerAt,
  optionalStringAt,
  optionalTimestampAt,
  stringAt,
  type JsonObject,
} from './fields';

/** Rows for one CloudQuery table, before the `_cq_*` columns are added. */
export type Row = Record<string, unknown>;

export interface ParsedExport {
  accountId: string;
  /** Rows keyed by table name; child rows carry `_parent` (the parent row) until ids are assigned. */
  rows: Map<string, Row[]>;
  warnings: string[];
}

const topLevelKeys = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
const paginationKeys = ['Marker', 'IsTruncated'];

/**
 * Turns the output of `aws iam get-account-authorization-details` into rows of CloudQuery's AWS
 * IAM tables. Throws InputError with the JSON path of the first entry that does not match the
 * documented shape (IAM API reference, GetAccountAuthorizationDetails).
 */
export function parseAuthorizationDetails(document: unknown, accountIdOption?: string): ParsedExport {
  const root = objectAt(document, '$');
  checkTopLevel(root);

  const warnings: string[] = [];
  const accountId = chooseAccount(root, accountIdOption, warnings);
  const rows = new Map<string, Row[]>();
  const add = (table: string, row: Row) => {
    const list = rows.get(table) ?? [];
    list.push(row);
    rows.set(table, list);
  };

  const groups = arrayAt(root, 'GroupDetailList', '$').map((entry, index) =>
    readGroup(entry, `GroupDetailList[${index}]`, accountId, add)
  );
  const groupsByName = new Map(groups.map((group) => [group.group_name as string, group]));

  arrayAt(root, 'UserDetailList', '$').forEach((entry, index) =>
    readUser(entry, `UserDetailList[${index}]`, accountId, groupsByName, add, warnings)
  );
  const instanceProfiles = new Map<string, Row>();
  arrayAt(root, 'RoleDetailList', '$').forEach((entry, index) =>
    readRole(entry, `RoleDetailList[${index}]`, accountId, add, instanceProfiles)
  );
  instanceProfiles.forEach((profile) => add('aws_iam_instance_profiles', profile));
  arrayAt(root, 'Policies', '$').forEach((entry, index) => readPolicy(entry, `Policies[${index}]`, accountId, add));

  add('aws_iam_account_authorization_details', authorizationDetailsRow(root, accountId));
  return { accountId, rows, warnings };
}

function checkTopLevel(root: JsonObject): void {
  const keys = Object.keys(root);
  const known = keys.filter((key) => topLevelKeys.includes(key));
  if (known.length === 0) {
    throw new InputError(
      '$',
      `this is not get-account-authorization-details output: expected the keys ${topLevelKeys.join(', ')}, found ${keys.length ? keys.slice(0, 5).join(', ') : 'an empty object'}`
    );
  }
  const unknown = keys.filter((key) => !topLevelKeys.includes(key) && !paginationKeys.includes(key));
  if (unknown.length > 0) {
    throw new InputError('$', `unexpected top-level keys ${unknown.join(', ')} next to ${known.join(', ')}`);
  }
  if (root.IsTruncated === true) {
    throw new InputError(
      '$.IsTruncated',
      'the file holds one page of a truncated listing; run the AWS CLI without --max-items so it fetches every page'
    );
  }
}

/**
 * Picks the account the rows belong to. CloudQuery writes the synced account into every row's
 * account_id, AWS-managed policies included; an export covers one account, so the account that
 * owns the most users, groups, roles and customer-managed policies is taken when none is given.
 */
function chooseAccount(root: JsonObject, accountIdOption: string | undefined, warnings: string[]): string {
  const counts = new Map<string, number>();
  for (const key of topLevelKeys) {
    arrayAt(root, key, '$').forEach((entry, index) => {
      const arn = stringAt(objectAt(entry, `${key}[${index}]`), 'Arn', `${key}[${index}]`);
      const account = arn.split(':')[4];
      if (account && /^\d{12}$/.test(account)) {
        counts.set(account, (counts.get(account) ?? 0) + 1);
      }
    });
  }

  if (accountIdOption !== undefined) {
    const foreign = [...counts.keys()].filter((account) => account !== accountIdOption);
    if (foreign.length > 0) {
      warnings.push(`entities of other accounts (${foreign.join(', ')}) are imported as account ${accountIdOption}`);
    }
    return accountIdOption;
  }

  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (ranked.length === 0) {
    throw new InputError('$', 'no ARN in the file names a 12-digit account; pass --account-id');
  }
  if (ranked.length > 1) {
    const others = ranked.slice(1).map(([account, count]) => `${account} (${count} entities)`);
    warnings.push(
      `the file mixes accounts; importing everything as ${ranked[0][0]} (${ranked[0][1]} entities), also found ${others.join(', ')}. Pass --account-id to choose.`
    );
  }
  return ranked[0][0];
}

type AddRow = (table: string, row: Row) => void;

function readGroup(entry: unknown, path: string, accountId: string, add: AddRow): Row {
  const group = objectAt(entry, path);
  const row: Row = {
    account_id: accountId,
    arn: stringAt(group, 'Arn', path),
    create_date: optionalTimestampAt(group, 'CreateDate', path),
    group_id: stringAt(group, 'GroupId', path),
    group_name: stringAt(group, 'GroupName', path),
    path: optionalStringAt(group, 'Path', path),
  };
  add('aws_iam_groups', row);

  readAttachedPolicies(group, path).forEach((policy) =>
    add('aws_iam_group_attached_policies', {
      _parent: row,
      account_id: accountId,
      group_arn: row.arn,
      policy_arn: policy.arn,
      policy_name: policy.name,
    })
  );
  readInlinePolicies(group, 'GroupPolicyList', path).forEach((policy) =>
    add('aws_iam_group_policies', {
      _parent: row,
      account_id: accountId,
      group_arn: row.arn,
      policy_document: policy.document,
      group_name: row.group_name,
      policy_name: policy.name,
    })
  );
  return row;
}

function readUser(
  entry: unknown,
  path: string,
  accountId: string,
  groupsByName: Map<string, Row>,
  add: AddRow,
  warnings: string[]
): void {
  const user = objectAt(entry, path);
  const row: Row = {
    account_id: accountId,
    arn: stringAt(user, 'Arn', path),
    tags: readTags(user, path),
    create_date: optionalTimestampAt(user, 'CreateDate', path),
    path: optionalStringAt(user, 'Path', path),
    user_id: stringAt(user, 'UserId', path),
    user_name: stringAt(user, 'UserName', path),
    // GetAccountAuthorizationDetails does not return PasswordLastUsed; the credential report does.
    password_last_used: null,
    permissions_boundary: readPermissionsBoundary(user, path),
  };
  add('aws_iam_users', row);

  readAttachedPolicies(user, path).forEach((policy) =>
    add('aws_iam_user_attached_policies', {
      _parent: row,
      account_id: accountId,
      user_arn: row.arn,
      policy_name: policy.name,
      user_id: row.user_id,
      policy_arn: policy.arn,
    })
  );
  readInlinePolicies(user, 'UserPolicyList', path).forEach((policy) =>
    add('aws_iam_user_policies', {
      _parent: row,
      account_id: accountId,
      user_arn: row.arn,
      user_id: row.user_id,
      policy_document: policy.document,
      policy_name: policy.name,
      user_name: row.user_name,
    })
  );

  arrayAt(user, 'GroupList', path).forEach((name, index) => {
    if (typeof name !== 'string' || name === '') {
      throw new InputError(`${path}.GroupList[${index}]`, 'expected a group name');
    }
    const group = groupsByName.get(name);
    if (!group) {
      warnings.push(`${row.arn} is a member of group ${name}, which is not in GroupDetailList; its ARN assumes path /`);
    }
    add('aws_iam_user_groups', {
      _parent: row,
      account_id: accountId,
      user_arn: row.arn,
      user_id: row.user_id,
      arn: group?.arn ?? `arn:aws:iam::${accountId}:group/${name}`,
      create_date: group?.create_date ?? null,
      group_id: group?.group_id ?? null,
      group_name: name,
      path: group?.path ?? null,
    });
  });
}

function readRole(
  entry: unknown,
  path: string,
  accountId: string,
  add: AddRow,
  instanceProfiles: Map<string, Row>
): void {
  const role = objectAt(entry, path);
  const row: Row = {
    account_id: accountId,
    assume_role_policy_document: documentAt(role, 'AssumeRolePolicyDocument', path),
    tags: readTags(role, path),
    arn: stringAt(role, 'Arn', path),
    create_date: optionalTimestampAt(role, 'CreateDate', path),
    path: optionalStringAt(role, 'Path', path),
    role_id: stringAt(role, 'RoleId', path),
    role_name: stringAt(role, 'RoleName', path),
    // GetAccountAuthorizationDetails omits Description and MaxSessionDuration (GetRole returns
    // them); they are read when a tool has added them to the export.
    description: optionalStringAt(role, 'Description', path),
    max_session_duration: optionalIntegerAt(role, 'MaxSessionDuration', path),
    permissions_boundary: readPermissionsBoundary(role, path),
    role_last_used: readRoleLastUsed(role, path),
  };
  add('aws_iam_roles', row);

  readAttachedPolicies(role, path).forEach((policy) =>
    add('aws_iam_role_attached_policies', {
      _parent: row,
      account_id: accountId,
      role_arn: row.arn,
      policy_arn: policy.arn,
      policy_name: policy.name,
    })
  );
  readInlinePolicies(role, 'RolePolicyList', path).forEach((policy) =>
    add('aws_iam_role_policies', {
      _parent: row,
      account_id: accountId,
      role_arn: row.arn,
      policy_document: policy.document,
      policy_name: policy.name,
      role_name: row.role_name,
    })
  );

  arrayAt(role, 'InstanceProfileList', path).forEach((item, index) => {
    const profilePath = `${path}.InstanceProfileList[${index}]`;
    const profile = objectAt(item, profilePath);
    const id = stringAt(profile, 'InstanceProfileId', profilePath);
    instanceProfiles.set(id, {
      account_id: accountId,
      id,
      tags: readTags(profile, profilePath),
      arn: stringAt(profile, 'Arn', profilePath),
      create_date: optionalTimestampAt(profile, 'CreateDate', profilePath),
      instance_profile_id: id,
      instance_profile_name: stringAt(profile, 'InstanceProfileName', profilePath),
      path: optionalStringAt(profile, 'Path', profilePath),
      roles: encodeNestedDocuments(arrayAt(profile, 'Roles', profilePath)),
    });
  });
}

function readPolicy(entry: unknown, path: string, accountId: string, add: AddRow): void {
  const policy = objectAt(entry, path);
  const policyId = stringAt(policy, 'PolicyId', path);
  const row: Row = {
    account_id: accountId,
    id: policyId,
    // The export carries no policy tags; CloudQuery fetches them with ListPolicyTags.
    tags: null,
    arn: stringAt(policy, 'Arn', path),
    attachment_count: optionalIntegerAt(policy, 'AttachmentCount', path),
    create_date: optionalTimestampAt(policy, 'CreateDate', path),
    default_version_id: optionalStringAt(policy, 'DefaultVersionId', path),
    description: optionalStringAt(policy, 'Description', path),
    is_attachable: optionalBooleanAt(policy, 'IsAttachable', path),
    path: optionalStringAt(policy, 'Path', path),
    permissions_boundary_usage_count: optionalIntegerAt(policy, 'PermissionsBoundaryUsageCount', path),
    policy_id: policyId,
    policy_name: stringAt(policy, 'PolicyName', path),
    update_date: optionalTimestampAt(policy, 'UpdateDate', path),
  };
  add('aws_iam_policies', row);

  arrayAt(policy, 'PolicyVersionList', path).forEach((item, index) => {
    const versionPath = `${path}.PolicyVersionList[${index}]`;
    const version = objectAt(item, versionPath);
    const document = documentAt(version, 'Document', versionPath);
    add('aws_iam_policy_versions', {
      _parent: row,
      account_id: accountId,
      policy_arn: row.arn,
      document_json: document,
      create_date: optionalTimestampAt(version, 'CreateDate', versionPath),
      document: typeof version.Document === 'string' ? version.Document : encodePolicyDocument(document),
      is_default_version: optionalBooleanAt(version, 'IsDefaultVersion', versionPath) ?? false,
      version_id: stringAt(version, 'VersionId', versionPath),
    });
  });
}

function readAttachedPolicies(entity: JsonObject, path: string): Array<{ name: string; arn: string }> {
  return arrayAt(entity, 'AttachedManagedPolicies', path).map((item, index) => {
    const itemPath = `${path}.AttachedManagedPolicies[${index}]`;
    const policy = objectAt(item, itemPath);
    return { name: stringAt(policy, 'PolicyName', itemPath), arn: stringAt(policy, 'PolicyArn', itemPath) };
  });
}

function readInlinePolicies(entity: JsonObject, key: string, path: string): Array<{ name: string; document: JsonObject }> {
  return arrayAt(entity, key, path).map((item, index) => {
    const itemPath = `${path}.${key}[${index}]`;
    const policy = objectAt(item, itemPath);
    return { name: stringAt(policy, 'PolicyName', itemPath), document: documentAt(policy, 'PolicyDocument', itemPath) };
  });
}

function documentAt(parent: JsonObject, key: string, path: string): JsonObject {
  if (parent[key] === undefined || parent[key] === null) {
    throw new InputError(`${path}.${key}`, 'is missing');
  }
  try {
    return decodePolicyDocument(parent[key]);
  } catch (error) {
    throw new InputError(`${path}.${key}`, (error as Error).message);
  }
}

/** CloudQuery stores AWS tags as one flat object, {"Key": "Value"}, and {} when there are none. */
function readTags(entity: JsonObject, path: string): JsonObject {
  const tags: JsonObject = {};
  arrayAt(entity, 'Tags', path).forEach((item, index) => {
    const tagPath = `${path}.Tags[${index}]`;
    const tag = objectAt(item, tagPath);
    tags[stringAt(tag, 'Key', tagPath)] = optionalStringAt(tag, 'Value', tagPath) ?? '';
  });
  return tags;
}

/** The SDK's AttachedPermissionsBoundary as Go marshals it, or null when there is no boundary. */
function readPermissionsBoundary(entity: JsonObject, path: string): JsonObject | null {
  if (entity.PermissionsBoundary === undefined || entity.PermissionsBoundary === null) {
    return null;
  }
  const boundaryPath = `${path}.PermissionsBoundary`;
  const boundary = objectAt(entity.PermissionsBoundary, boundaryPath);
  return {
    PermissionsBoundaryArn: stringAt(boundary, 'PermissionsBoundaryArn', boundaryPath),
    PermissionsBoundaryType: optionalStringAt(boundary, 'PermissionsBoundaryType', boundaryPath) ?? 'Policy',
  };
}

/** The SDK's RoleLastUsed as Go marshals it: nil fields become null, times are RFC 3339. */
function readRoleLastUsed(role: JsonObject, path: string): JsonObject {
  if (role.RoleLastUsed === undefined || role.RoleLastUsed === null) {
    return { LastUsedDate: null, Region: null };
  }
  const lastUsedPath = `${path}.RoleLastUsed`;
  const lastUsed = objectAt(role.RoleLastUsed, lastUsedPath);
  const date = optionalStringAt(lastUsed, 'LastUsedDate', lastUsedPath);
  return {
    LastUsedDate: date === null ? null : goJsonTime(date, `${lastUsedPath}.LastUsedDate`),
    Region: optionalStringAt(lastUsed, 'Region', lastUsedPath),
  };
}

/**
 * CloudQuery keeps the raw SDK structs in aws_iam_account_authorization_details and in
 * aws_iam_instance_profiles.roles, where the IAM API leaves policy documents URL-encoded.
 */
function authorizationDetailsRow(root: JsonObject, accountId: string): Row {
  return {
    account_id: accountId,
    group_detail_list: encodeNestedDocuments(arrayAt(root, 'GroupDetailList', '$')),
    policies: encodeNestedDocuments(arrayAt(root, 'Policies', '$')),
    role_detail_list: encodeNestedDocuments(arrayAt(root, 'RoleDetailList', '$')),
    user_detail_list: encodeNestedDocuments(arrayAt(root, 'UserDetailList', '$')),
  };
}

const documentKeys = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

function encodeNestedDocuments(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(encodeNestedDocuments);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value as JsonObject)) {
    const isDocument = documentKeys.has(key) && item !== null && typeof item === 'object' && !Array.isArray(item);
    copy[key] = isDocument ? encodePolicyDocument(item as JsonObject) : encodeNestedDocuments(item);
  }
  return copy;
}
