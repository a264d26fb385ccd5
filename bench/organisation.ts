import { AccountBuilder } from '../cli/demo/account-builder';
import { policyArn, trustPolicy, type ManagedPolicy, type PolicyDocument } from '../cli/demo/iam-builders';
import {
  generateBoundaryPolicies,
  generateCustomerPolicies,
  generateInlinePolicy,
  teams,
  type PolicyContext,
} from './customer-policies';
import { splitProportionally } from './cloud-mix';
import { Random, ZipfSampler } from './random';
import type { ServiceActions } from './service-actions';

/** Fixed so that ages and last-used dates are the same in every run. */
const asOf = new Date('2026-11-01T00:00:00Z');

// Shape of the organisation. The fractions are estimates of a typical AWS organisation (roles
// outnumber users, most policies come from a small shared set), not measured statistics.
const identitiesPerAccount = 2_000;
const minimumAccounts = 3;
const userFraction = 0.35;
const usersPerGroup = 15;
const identitiesPerCustomerPolicy = 40;
const boundariesPerAccount = 3;
const boundaryFraction = 0.2;
const userInlineFraction = 0.1;
const roleInlineFraction = 0.15;
const groupInlineFraction = 0.2;
const managedPolicyExponent = 1.1;
/** AWS-managed policies in use grow with the square root of identities: 126 at 1,000, 400 at 10,000. */
const managedPoolPerRootIdentity = 4;
const customerPolicyExponent = 1.0;

export interface AccountPlan {
  index: number;
  accountId: string;
  users: number;
  roles: number;
}

export interface OrganisationPlan {
  seed: number;
  identities: number;
  accounts: AccountPlan[];
}

/** Inputs shared by every account: the ranked AWS-managed policies and the catalogue's actions. */
export interface GeneratorInputs {
  managedPolicies: ManagedPolicy[];
  serviceActions: ServiceActions;
}

export interface AccountCounts {
  users: number;
  roles: number;
  groups: number;
  customerPolicies: number;
  boundaryPolicies: number;
  inlinePolicies: number;
  /** Identities (users and roles) with a permissions boundary. */
  boundedIdentities: number;
  /** Managed-policy attachments to users, groups and roles. */
  attachments: number;
  /** ARNs of the AWS-managed policies this account attaches. */
  awsManagedPolicies: Set<string>;
}

export interface GeneratedAccount {
  accountId: string;
  /** The account's IAM data in the shape `aws iam get-account-authorization-details` prints. */
  authorizationDetails: Record<string, unknown>;
  counts: AccountCounts;
  /** ARNs of the account's users and roles, for choosing what to explain. */
  identityArns: string[];
}

/**
 * Splits identities over accounts of uneven size: one account per 2,000 identities, at least
 * three. Account ids start with 9999 so that they stand out from real ones.
 */
export function planOrganisation(identities: number, seed: number): OrganisationPlan {
  if (!Number.isInteger(identities) || identities < 10) {
    throw new Error(`the scale ${identities} is invalid; use a whole number of identities of at least 10`);
  }
  const random = new Random(seed).fork('plan');
  const accountCount = Math.max(minimumAccounts, Math.ceil(identities / identitiesPerAccount));
  const weights = Array.from({ length: accountCount }, () => 1 + 2 * random.next());
  const sizes = splitProportionally(identities, weights);

  const accounts = sizes.map((size, index) => {
    const users = Math.round(size * userFraction);
    return { index, accountId: `9999${String(index + 1).padStart(8, '0')}`, users, roles: size - users };
  });
  return { seed, identities, accounts };
}

/**
 * Generates one account of the plan. Accounts are generated one at a time, so that only one
 * account's export is in memory at a time, whatever the scale.
 */
export function generateAccount(
  plan: OrganisationPlan,
  account: AccountPlan,
  inputs: GeneratorInputs
): GeneratedAccount {
  const random = new Random(plan.seed).fork(`account-${account.index}`);
  const context: PolicyContext = { random, accountId: account.accountId, actions: inputs.serviceActions };
  const identities = account.users + account.roles;

  const customers = generateCustomerPolicies(context, 8 + Math.ceil(identities / identitiesPerCustomerPolicy));
  const boundaries = generateBoundaryPolicies(context, boundariesPerAccount);
  const managedPool = Math.min(
    inputs.managedPolicies.length,
    Math.round(managedPoolPerRootIdentity * Math.sqrt(plan.identities))
  );
  const managedSampler = new ZipfSampler(managedPool, managedPolicyExponent);
  const customerSampler = new ZipfSampler(customers.length, customerPolicyExponent);
  const drawManaged = () => inputs.managedPolicies[managedSampler.draw(random)];
  const drawCustomer = () => customers[customerSampler.draw(random)];
  const drawMixed = (awsShare: number) => (random.chance(awsShare) ? drawManaged() : drawCustomer());

  const builder = new AccountBuilder(account.accountId, `bench-${account.index + 1}`, asOf);
  const counts: AccountCounts = {
    users: account.users,
    roles: account.roles,
    groups: 0,
    customerPolicies: customers.length,
    boundaryPolicies: boundaries.length,
    inlinePolicies: 0,
    boundedIdentities: 0,
    attachments: 0,
    awsManagedPolicies: new Set(),
  };
  const attach = (policies: ManagedPolicy[]) => {
    const unique = [...new Map(policies.map((policy) => [policyArn(policy), policy])).values()];
    counts.attachments += unique.length;
    unique
      .filter((policy) => policy.owner === 'aws')
      .forEach((policy) => counts.awsManagedPolicies.add(policyArn(policy)));
    return unique;
  };
  const inline = (name: string, fraction: number): Record<string, PolicyDocument> | undefined => {
    if (!random.chance(fraction)) {
      return undefined;
    }
    counts.inlinePolicies += 1;
    return { [`${name}-inline`]: generateInlinePolicy(context, name) };
  };
  const boundary = () => {
    if (!random.chance(boundaryFraction)) {
      return undefined;
    }
    counts.boundedIdentities += 1;
    return random.pick(boundaries);
  };

  const groupNames: string[] = [];
  const groupCount = Math.max(3, Math.ceil(account.users / usersPerGroup));
  for (let index = 0; index < groupCount; index++) {
    const name = `${random.pick(teams)}-group-${String(index).padStart(4, '0')}`;
    groupNames.push(name);
    const managed = attach(Array.from({ length: random.integer(1, 2) }, () => drawMixed(0.6)));
    builder.group({ name, ageDays: random.integer(30, 2000), managed, inline: inline(name, groupInlineFraction) });
  }
  counts.groups = groupCount;
  const groupSampler = new ZipfSampler(groupNames.length, 0.8);

  const identityArns: string[] = [];
  for (let index = 0; index < account.users; index++) {
    const team = random.pick(teams);
    const name = `${team}.user${String(index).padStart(6, '0')}`;
    const groups = new Set(Array.from({ length: random.integer(1, 3) }, () => groupNames[groupSampler.draw(random)]));
    builder.user({
      name,
      ageDays: random.integer(1, 2500),
      groups: [...groups],
      managed: attach(Array.from({ length: random.integer(1, 2) }, () => drawMixed(0.5))),
      inline: inline(name, userInlineFraction),
      boundary: boundary(),
      tags: { team },
    });
    identityArns.push(`arn:aws:iam::${account.accountId}:user/${name}`);
  }

  for (let index = 0; index < account.roles; index++) {
    const team = random.pick(teams);
    const { kind, trust, instanceProfile } = roleTrust(random, account.accountId, plan);
    const name = `${team}-${kind}-${String(index).padStart(6, '0')}`;
    const path = kind === 'lambda' || kind === 'ecs-task' ? '/service-role/' : '/';
    builder.role({
      name,
      path,
      ageDays: random.integer(1, 2500),
      trust,
      managed: attach(Array.from({ length: random.integer(2, 4) }, () => drawMixed(0.6))),
      inline: inline(name, roleInlineFraction),
      boundary: boundary(),
      lastUsedDays: random.chance(0.7) ? random.integer(0, 400) : undefined,
      instanceProfile,
      tags: { team },
    });
    identityArns.push(`arn:aws:iam::${account.accountId}:role${path}${name}`);
  }

  // Policies that nothing attaches are still listed, as a real export lists them.
  customers.forEach((policy) => builder.policy(policy));
  return { accountId: account.accountId, authorizationDetails: builder.build(), counts, identityArns };
}

/** Chooses who may assume a role: an AWS service, people in this or another account, or a vendor. */
function roleTrust(random: Random, accountId: string, plan: OrganisationPlan) {
  const draw = random.next();
  if (draw < 0.25) {
    return { kind: 'lambda', trust: trustPolicy({ Service: 'lambda.amazonaws.com' }), instanceProfile: false };
  }
  if (draw < 0.45) {
    return { kind: 'ec2', trust: trustPolicy({ Service: 'ec2.amazonaws.com' }), instanceProfile: true };
  }
  if (draw < 0.6) {
    return { kind: 'ecs-task', trust: trustPolicy({ Service: 'ecs-tasks.amazonaws.com' }), instanceProfile: false };
  }
  if (draw < 0.8) {
    const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
    return {
      kind: 'operator',
      trust: trustPolicy({ AWS: `arn:aws:iam::${accountId}:root` }, mfa),
      instanceProfile: false,
    };
  }
  if (draw < 0.95) {
    const other = random.pick(plan.accounts).accountId;
    return { kind: 'cross-account', trust: trustPolicy({ AWS: `arn:aws:iam::${other}:root` }), instanceProfile: false };
  }
  // 210987654321 is an example account id of the AWS documentation, outside the organisation.
  const externalId = { StringEquals: { 'sts:ExternalId': `vendor-${random.integer(1000, 9999)}` } };
  return {
    kind: 'vendor',
    trust: trustPolicy({ AWS: 'arn:aws:iam::210987654321:root' }, externalId),
    instanceProfile: false,
  };
}
