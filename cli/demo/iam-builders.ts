import { createHash } from 'node:crypto';

/** Builders for the entries of a get-account-authorization-details document. */

export type PolicyDocument = { Version: '2012-10-17'; Statement: Array<Record<string, unknown>> };

export interface ManagedPolicy {
  name: string;
  /** Account id, or 'aws' for an AWS-managed policy. */
  owner: string;
  path?: string;
  description?: string;
  /** Versions oldest first; the last one is the default unless defaultVersion says otherwise. */
  versions: PolicyDocument[];
  defaultVersion?: number;
}

export function policyDocument(...statements: Array<Record<string, unknown>>): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function policyArn(policy: Pick<ManagedPolicy, 'name' | 'owner' | 'path'>): string {
  return `arn:aws:iam::${policy.owner}:policy${policy.path ?? '/'}${policy.name}`;
}

/**
 * IAM unique ids are a four-letter prefix (AIDA users, AGPA groups, AROA roles, ANPA policies,
 * AIPA instance profiles) and 17 upper-case characters; the demo derives them from the ARN so
 * every run produces the same ids.
 */
export function uniqueId(prefix: string, arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(arn).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) {
    id += alphabet[digest[i] % alphabet.length];
  }
  return id;
}

/** The AWS CLI's timestamp form, `days` before the reference date. */
export function daysBefore(asOf: Date, days: number): string {
  return new Date(asOf.getTime() - days * 86_400_000).toISOString().replace('.000Z', '+00:00');
}

export function managedPolicyDetail(policy: ManagedPolicy, attachmentCount: number, asOf: Date, ageDays: number) {
  const arn = policyArn(policy);
  const defaultIndex = policy.defaultVersion ?? policy.versions.length - 1;
  return {
    PolicyName: policy.name,
    PolicyId: uniqueId('ANPA', arn),
    Arn: arn,
    Path: policy.path ?? '/',
    DefaultVersionId: `v${defaultIndex + 1}`,
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: daysBefore(asOf, ageDays),
    UpdateDate: daysBefore(asOf, Math.max(ageDays - 30 * (policy.versions.length - 1), 1)),
    PolicyVersionList: policy.versions.map((document, index) => ({
      Document: document,
      VersionId: `v${index + 1}`,
      IsDefaultVersion: index === defaultIndex,
      CreateDate: daysBefore(asOf, Math.max(ageDays - 30 * index, 1)),
    })),
  };
}

export function attached(policy: ManagedPolicy) {
  return { PolicyName: policy.name, PolicyArn: policyArn(policy) };
}

export function trustPolicy(principal: Record<string, unknown>, condition?: Record<string, unknown>): PolicyDocument {
  const statement: Record<string, unknown> = { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' };
  if (condition) {
    statement.Condition = condition;
  }
  return policyDocument(statement);
}
