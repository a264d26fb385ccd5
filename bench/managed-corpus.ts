import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { administratorAccess } from '../cli/demo/policies';
import type { ManagedPolicy, PolicyDocument } from '../cli/demo/iam-builders';
import { packageRoot } from '../cli/package-root';
import type { Random } from './random';

/**
 * The AWS-managed policy documents collected by the iam-dataset project
 * (github.com/iann0036/iam-dataset), as one JSON array of {name, arn, version, createdate,
 * updatedate, document}, kept beside the repository. Only this developer tool reads it: the
 * product never depends on files outside the repository.
 */
export const defaultCorpusPath = path.join(
  packageRoot(),
  '..',
  'shared',
  'data',
  'iam',
  'aws-managed-policies',
  'aws-managed-policies.json'
);

/**
 * Policies that most AWS accounts attach, ranked first so that they draw most attachments.
 * The order is an estimate from common usage (service roles for Lambda, EC2 and EKS, then the
 * read-only job functions), not a measured statistic.
 */
const popularNames = [
  'AWSLambdaBasicExecutionRole',
  'AmazonSSMManagedInstanceCore',
  'ReadOnlyAccess',
  'AmazonS3ReadOnlyAccess',
  'CloudWatchAgentServerPolicy',
  'AmazonEC2ContainerRegistryReadOnly',
  'AdministratorAccess',
  'AmazonECSTaskExecutionRolePolicy',
  'AWSLambdaVPCAccessExecutionRole',
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'SecurityAudit',
  'ViewOnlyAccess',
  'IAMUserChangePassword',
  'AmazonS3FullAccess',
  'AmazonDynamoDBFullAccess',
  'CloudWatchLogsFullAccess',
  'AWSXRayDaemonWriteAccess',
  'AmazonEC2ReadOnlyAccess',
  'AWSCloudFormationReadOnlyAccess',
  'IAMReadOnlyAccess',
  'AmazonRDSReadOnlyAccess',
  'AWSSupportAccess',
];

interface CorpusEntry {
  name: string;
  /** Null for policies AWS has retired; the data set keeps their last document. */
  arn: string | null;
  document: { Version?: string; Statement: Array<Record<string, unknown>> };
}

/**
 * Reads the corpus and returns its policies ranked by expected popularity: the popular names
 * first, then the rest in a seeded random order. AdministratorAccess is absent from the data set
 * (its file was too large to copy), so the demo's definition, Allow "*" on "*", is added.
 */
export function loadRankedManagedPolicies(random: Random, corpusPath: string = defaultCorpusPath): ManagedPolicy[] {
  assertCorpusExists(corpusPath);
  const entries = JSON.parse(readFileSync(corpusPath, 'utf8')) as unknown;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`${corpusPath} is not a JSON array of policies; expected [{name, arn, document}, ...]`);
  }

  const policies = new Map<string, ManagedPolicy>();
  entries.forEach((entry: CorpusEntry, index) => {
    if (typeof entry?.name !== 'string' || !Array.isArray(entry.document?.Statement)) {
      throw new Error(`${corpusPath}: entry [${index}] lacks name or document.Statement`);
    }
    // Retired policies can no longer be attached, so no export contains them.
    if (typeof entry.arn === 'string') {
      policies.set(entry.name, toManagedPolicy(entry.name, entry.arn, entry.document.Statement));
    }
  });
  policies.set(administratorAccess.name, administratorAccess);

  const popular = popularNames.filter((name) => policies.has(name));
  const rest = random.shuffle([...policies.keys()].filter((name) => !popular.includes(name)).sort());
  return [...popular, ...rest].map((name) => policies.get(name)!);
}

/** Throws an error that names the path and the fix when the corpus file is missing. */
export function assertCorpusExists(corpusPath: string): void {
  if (!existsSync(corpusPath)) {
    throw new Error(
      `the AWS-managed policy corpus ${corpusPath} is missing. The bench draws real policies from it: ` +
        'put the iam-dataset managed-policy file (one JSON array) there, or pass its location with --corpus FILE.'
    );
  }
}

function toManagedPolicy(name: string, arn: string, statements: Array<Record<string, unknown>>): ManagedPolicy {
  // arn:aws:iam::aws:policy/service-role/Name has the path /service-role/.
  const resource = arn.split(':').slice(5).join(':');
  const pathPart = resource.slice('policy'.length, resource.length - name.length);
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  return { name, owner: 'aws', path: pathPart || '/', versions: [document] };
}
