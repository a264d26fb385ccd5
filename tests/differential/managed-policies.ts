import { readFileSync } from 'node:fs';

import { exportFiles, managedPoliciesFile } from '../support/paths';

/** An IAM policy document as AWS returns it; only Statement is read here. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
}

/** One AWS managed policy with the document of its default version. */
export interface ManagedPolicy {
  name: string;
  arn: string;
  /** The default version id, such as "v3". */
  version: string;
  document: PolicyDocument;
  /** The file the policy was read from. */
  source: string;
  /** True when the snapshot has no ARN for the policy and arn was derived from its name. */
  arnDerived: boolean;
}

/**
 * The iam-dataset snapshot leaves out the managed policies whose upstream files are too large to
 * copy. The cloudsplaining example export is a real account's get-account-authorization-details
 * output that contains two of them, so they are taken from there.
 */
const policiesFromExport = ['AdministratorAccess', 'PowerUserAccess'];

/** Reads the AWS managed policies of the snapshot plus those taken from the real export, sorted by name. */
export function readManagedPolicies(): ManagedPolicy[] {
  const snapshot = parseSnapshot(JSON.parse(readFileSync(managedPoliciesFile, 'utf8')));
  const names = new Set(snapshot.map((policy) => policy.name));
  const missing = policiesFromExport.filter((name) => !names.has(name));
  const policies = [...snapshot, ...readFromExport(exportFiles.cloudsplaining, missing)];
  return policies.sort(byName);
}

function byName(a: ManagedPolicy, b: ManagedPolicy): number {
  if (a.name === b.name) {
    return 0;
  }
  return a.name < b.name ? -1 : 1;
}

function parseSnapshot(value: unknown): ManagedPolicy[] {
  if (!Array.isArray(value)) {
    throw new Error(`${managedPoliciesFile}: expected a JSON array of policies`);
  }
  return value.map((entry, index) => {
    const where = `${managedPoliciesFile}[${index}]`;
    const record = asRecord(entry, where);
    const name = stringField(record, 'name', where);
    // The snapshot has arn null for 75 policies that AWS no longer lists. Their documents are still
    // evaluated, under the ARN that an AWS managed policy of that name at path / would have.
    const arnDerived = record.arn === null;
    return {
      name,
      arn: arnDerived ? `arn:aws:iam::aws:policy/${name}` : stringField(record, 'arn', where),
      version: stringField(record, 'version', where),
      document: documentField(record.document, `${where}.document`),
      source: managedPoliciesFile,
      arnDerived,
    };
  });
}

/** Reads the default version of each named policy from a get-account-authorization-details export. */
function readFromExport(file: string, names: string[]): ManagedPolicy[] {
  if (names.length === 0) {
    return [];
  }
  const root = asRecord(JSON.parse(readFileSync(file, 'utf8')), file);
  const entries = Array.isArray(root.Policies) ? root.Policies : [];
  return names.map((name) => {
    const index = entries.findIndex((entry) => asRecord(entry, file).PolicyName === name);
    if (index < 0) {
      throw new Error(`${file}: the AWS managed policy ${name} is not in Policies`);
    }
    const where = `${file}.Policies[${index}]`;
    const policy = asRecord(entries[index], where);
    const version = stringField(policy, 'DefaultVersionId', where);
    const versions = Array.isArray(policy.PolicyVersionList) ? policy.PolicyVersionList : [];
    const defaultVersion = versions.map((item) => asRecord(item, where)).find((item) => item.VersionId === version);
    if (!defaultVersion) {
      throw new Error(`${where}: the default version ${version} is not in PolicyVersionList`);
    }
    return {
      name,
      arn: stringField(policy, 'Arn', where),
      version,
      document: documentField(defaultVersion.Document, `${where}.${version}.Document`),
      source: file,
      arnDerived: false,
    };
  });
}

function documentField(value: unknown, where: string): PolicyDocument {
  // Exports may carry documents URL-encoded, as the IAM API returns them.
  const parsed = typeof value === 'string' ? JSON.parse(decodeURIComponent(value)) : value;
  const document = asRecord(parsed, where);
  if (document.Statement === undefined) {
    throw new Error(`${where}: the policy document has no Statement`);
  }
  return document as unknown as PolicyDocument;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function stringField(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${where}.${key}: expected a non-empty string`);
  }
  return value;
}

/** Returns the statements of a document as a list; AWS allows a single statement object. */
export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** Returns a string-or-list policy element as a list; an absent element is an empty list. */
export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
