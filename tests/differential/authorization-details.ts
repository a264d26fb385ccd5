import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

import type { ManagedPolicy } from './managed-policies';

export const testAccountId = '999999999999';

/** One role of the fixture and the only policy attached to it. */
export interface PolicyRole {
  policy: ManagedPolicy;
  roleName: string;
  roleArn: string;
}

/** The subset of get-account-authorization-details output that the fixture fills. */
export interface AuthorizationDetails {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: Array<Record<string, unknown>>;
  Policies: Array<Record<string, unknown>>;
}

// IAM role names have at most 64 characters (IAM API reference, CreateRole, RoleName).
const maxRoleNameLength = 64;

/**
 * Names the role of a policy after the policy. Policy names may have 128 characters, so longer
 * names are cut and end in a hash of the full name, which keeps them unique.
 */
export function roleNameFor(policyName: string): string {
  if (policyName.length <= maxRoleNameLength) {
    return policyName;
  }
  const suffix = createHash('sha256').update(policyName).digest('hex').slice(0, 8);
  return `${policyName.slice(0, maxRoleNameLength - suffix.length - 1)}-${suffix}`;
}

/** Pairs every policy with its role; rejects two policies that would share an ARN or a role name. */
export function policyRoles(policies: ManagedPolicy[], accountId = testAccountId): PolicyRole[] {
  const seen = new Map<string, string>();
  const arns = new Map<string, string>();
  return policies.map((policy) => {
    const sameArn = arns.get(policy.arn);
    if (sameArn !== undefined) {
      throw new Error(`policies ${sameArn} and ${policy.name} have the same ARN ${policy.arn}`);
    }
    arns.set(policy.arn, policy.name);
    const roleName = roleNameFor(policy.name);
    const other = seen.get(roleName);
    if (other !== undefined) {
      throw new Error(`policies ${other} and ${policy.name} map to the same role name ${roleName}`);
    }
    seen.set(roleName, policy.name);
    return { policy, roleName, roleArn: `arn:aws:iam::${accountId}:role/${roleName}` };
  });
}

/**
 * Builds a get-account-authorization-details document with every policy in Policies (its default
 * version only) and one role per policy that has that policy attached and nothing else.
 */
export function buildAuthorizationDetails(roles: PolicyRole[]): AuthorizationDetails {
  return {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: roles.map(roleDetail),
    Policies: roles.map((role) => policyDetail(role.policy)),
  };
}

export function writeAuthorizationDetails(file: string, details: AuthorizationDetails): void {
  writeFileSync(file, JSON.stringify(details));
}

// EC2 may assume every role; the trust policy plays no part in the identity-policy decisions compared here.
const ec2TrustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function roleDetail(role: PolicyRole): Record<string, unknown> {
  return {
    Path: '/',
    RoleName: role.roleName,
    RoleId: uniqueId('AROA', role.roleArn),
    Arn: role.roleArn,
    AssumeRolePolicyDocument: ec2TrustPolicy,
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [{ PolicyName: role.policy.name, PolicyArn: role.policy.arn }],
    Tags: [],
  };
}

function policyDetail(policy: ManagedPolicy): Record<string, unknown> {
  return {
    PolicyName: policy.name,
    PolicyId: uniqueId('ANPA', policy.arn),
    Arn: policy.arn,
    Path: pathOfPolicyArn(policy.arn),
    DefaultVersionId: policy.version,
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    PolicyVersionList: [{ Document: policy.document, VersionId: policy.version, IsDefaultVersion: true }],
  };
}

/** Returns the path of a policy ARN: arn:aws:iam::aws:policy/service-role/Name has the path /service-role/. */
export function pathOfPolicyArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  if (parts[0] !== 'policy' || parts.length < 2) {
    throw new Error(`${arn} is not an IAM policy ARN`);
  }
  return `/${parts.slice(1, -1).map((part) => `${part}/`).join('')}`;
}

/**
 * Derives a stable IAM unique id from an ARN: the prefix of the entity type (AROA for roles,
 * ANPA for managed policies) and 17 upper-case letters and digits.
 */
function uniqueId(prefix: string, arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(arn).digest();
  let id = prefix;
  for (let index = 0; index < 17; index++) {
    id += alphabet[digest[index] % alphabet.length];
  }
  return id;
}
