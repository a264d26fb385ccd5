import {
  attached,
  daysBefore,
  managedPolicyDetail,
  policyArn,
  uniqueId,
  type ManagedPolicy,
  type PolicyDocument,
} from './iam-builders';

interface UserSpec {
  name: string;
  ageDays: number;
  groups?: string[];
  managed?: ManagedPolicy[];
  inline?: Record<string, PolicyDocument>;
  boundary?: ManagedPolicy;
  tags?: Record<string, string>;
}

interface RoleSpec {
  name: string;
  path?: string;
  ageDays: number;
  trust: PolicyDocument;
  managed?: ManagedPolicy[];
  inline?: Record<string, PolicyDocument>;
  boundary?: ManagedPolicy;
  /** Days since last use; undefined means never used. */
  lastUsedDays?: number;
  instanceProfile?: boolean;
  tags?: Record<string, string>;
}

interface GroupSpec {
  name: string;
  ageDays: number;
  managed?: ManagedPolicy[];
  inline?: Record<string, PolicyDocument>;
}

/** Collects one account's identities and writes them as a get-account-authorization-details document. */
export class AccountBuilder {
  private users: UserSpec[] = [];
  private groups: GroupSpec[] = [];
  private roles: RoleSpec[] = [];
  private policies = new Map<string, ManagedPolicy>();

  constructor(
    readonly accountId: string,
    readonly name: string,
    private readonly asOf: Date
  ) {}

  group(spec: GroupSpec): this {
    this.groups.push(spec);
    return this;
  }

  user(spec: UserSpec): this {
    this.users.push(spec);
    return this;
  }

  role(spec: RoleSpec): this {
    this.roles.push(spec);
    return this;
  }

  /** Lists a policy in the account even when nothing attaches it. */
  policy(policy: ManagedPolicy): this {
    this.policies.set(policyArn(policy), policy);
    return this;
  }

  build(): Record<string, unknown> {
    const attachments = new Map<string, number>();
    const use = (policies: ManagedPolicy[] = []) => {
      policies.forEach((policy) => {
        this.policy(policy);
        attachments.set(policyArn(policy), (attachments.get(policyArn(policy)) ?? 0) + 1);
      });
      return policies.map(attached);
    };
    const inline = (documents: Record<string, PolicyDocument> = {}, key: 'PolicyDocument') =>
      Object.entries(documents).map(([name, document]) => ({ PolicyName: name, [key]: document }));
    const tags = (values: Record<string, string> = {}) => Object.entries(values).map(([Key, Value]) => ({ Key, Value }));
    const boundary = (policy?: ManagedPolicy) => {
      if (!policy) {
        return undefined;
      }
      this.policy(policy);
      return { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policyArn(policy) };
    };
    const iam = (resource: string, path = '/') => `arn:aws:iam::${this.accountId}:${resource}${path}`;

    const groupDetails = this.groups.map((group) => {
      const arn = `${iam('group')}${group.name}`;
      return {
        Path: '/',
        GroupName: group.name,
        GroupId: uniqueId('AGPA', arn),
        Arn: arn,
        CreateDate: daysBefore(this.asOf, group.ageDays),
        GroupPolicyList: inline(group.inline, 'PolicyDocument'),
        AttachedManagedPolicies: use(group.managed),
      };
    });

    const userDetails = this.users.map((user) => {
      const arn = `${iam('user')}${user.name}`;
      return {
        Path: '/',
        UserName: user.name,
        UserId: uniqueId('AIDA', arn),
        Arn: arn,
        CreateDate: daysBefore(this.asOf, user.ageDays),
        UserPolicyList: inline(user.inline, 'PolicyDocument'),
        GroupList: user.groups ?? [],
        AttachedManagedPolicies: use(user.managed),
        PermissionsBoundary: boundary(user.boundary),
        Tags: tags(user.tags),
      };
    });

    const roleDetails = this.roles.map((role) => {
      const path = role.path ?? '/';
      const arn = `${iam('role', path)}${role.name}`;
      const roleId = uniqueId('AROA', arn);
      const createDate = daysBefore(this.asOf, role.ageDays);
      const profileArn = `${iam('instance-profile', path)}${role.name}`;
      return {
        Path: path,
        RoleName: role.name,
        RoleId: roleId,
        Arn: arn,
        CreateDate: createDate,
        AssumeRolePolicyDocument: role.trust,
        InstanceProfileList: role.instanceProfile
          ? [
              {
                Path: path,
                InstanceProfileName: role.name,
                InstanceProfileId: uniqueId('AIPA', profileArn),
                Arn: profileArn,
                CreateDate: createDate,
                Roles: [{ Path: path, RoleName: role.name, RoleId: roleId, Arn: arn, CreateDate: createDate, AssumeRolePolicyDocument: role.trust }],
              },
            ]
          : [],
        RolePolicyList: inline(role.inline, 'PolicyDocument'),
        AttachedManagedPolicies: use(role.managed),
        PermissionsBoundary: boundary(role.boundary),
        Tags: tags(role.tags),
        RoleLastUsed:
          role.lastUsedDays === undefined ? {} : { LastUsedDate: daysBefore(this.asOf, role.lastUsedDays), Region: 'eu-west-1' },
      };
    });

    const policies = [...this.policies.values()].map((policy) =>
      managedPolicyDetail(policy, attachments.get(policyArn(policy)) ?? 0, this.asOf, policy.owner === 'aws' ? 2000 : 400)
    );

    return { UserDetailList: userDetails, GroupDetailList: groupDetails, RoleDetailList: roleDetails, Policies: policies };
  }
}
