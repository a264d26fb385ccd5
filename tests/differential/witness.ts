import type { CatalogueAction } from './action-catalogue';
import { simulate, type SimulatorOutcome, type SimulatorRequest } from './simulator';

/**
 * What the simulator decides on concrete resources: allowed on one of them without a condition,
 * allowed on one only under a condition, or allowed on none that it evaluated.
 */
export type WitnessDecision = 'allowed' | 'conditional' | 'not-allowed';

export interface WitnessResult {
  arn: string;
  outcome: SimulatorOutcome;
}

export interface WitnessCheck {
  /** Undefined when the simulator evaluated no witness, because none fits the action's resource types. */
  decision: WitnessDecision | undefined;
  results: WitnessResult[];
}

// Keeps the extra simulations per disagreement bounded; the first witnesses come from the patterns that decided.
const maxWitnesses = 8;

/**
 * Runs the simulator on concrete resources where its decision on resource "*" disagrees with
 * OpenCIEM. For "*" iam-simulate 0.1.173 matches a policy's resource patterns without the ARN
 * segment rules: a "*" account segment does not reach the empty account of an EC2 snapshot, and a
 * statement on another service's resources counts. On a concrete ARN, it checks the ARN against
 * the action's resource types and evaluates the statements one by one.
 */
export async function checkWitnesses(
  request: SimulatorRequest,
  candidatePatterns: string[],
  entry: CatalogueAction | undefined
): Promise<WitnessCheck> {
  // An action without resource types is only ever requested on "*", so no concrete ARN applies.
  if (!entry || entry.arnFormats.length === 0) {
    return { decision: undefined, results: [] };
  }
  const arns = new Set<string>();
  for (const pattern of candidatePatterns) {
    witnessArns(pattern, entry.arnFormats, request.accountId).forEach((arn) => arns.add(arn));
  }

  const results: WitnessResult[] = [];
  for (const arn of [...arns].slice(0, maxWitnesses)) {
    results.push({ arn, outcome: await simulate({ ...request, resource: arn }) });
  }
  return { decision: witnessDecision(results), results };
}

export function witnessDecision(results: WitnessResult[]): WitnessDecision | undefined {
  const decided = results.flatMap((result) => (result.outcome.kind === 'decision' ? [result.outcome] : []));
  if (decided.length === 0) {
    return undefined;
  }
  if (decided.some((outcome) => outcome.decision === 'allowed' && !outcome.dependsOnCondition)) {
    return 'allowed';
  }
  if (decided.some((outcome) => outcome.dependsOnCondition)) {
    return 'conditional';
  }
  return 'not-allowed';
}

/**
 * Returns concrete ARNs that a policy resource pattern names, shaped like the given ARN formats.
 * Each format filled with sample values is a witness when the pattern matches it, which covers
 * formats with an empty region or account. The pattern itself with its wildcards filled in is a
 * witness too. A region or account that is only "*" is tried empty and with a sample value, and
 * a wildcard in the resource part with one and with two path parts. Only ARNs that fit a format
 * are kept; the simulator still checks them against the action's resource types. Patterns with
 * policy variables give none, because the request carries no context to resolve them.
 */
export function witnessArns(pattern: string, formats: string[], accountId: string): string[] {
  if (pattern.includes('${')) {
    return [];
  }
  const arns = new Set<string>();
  const expression = arnPatternExpression(pattern);
  for (const format of formats) {
    const filled = fillFormat(format, accountId);
    if (expression.test(filled)) {
      arns.add(filled);
    }
  }
  fillPattern(pattern, accountId).forEach((arn) => arns.add(arn));
  const shapes = formats.map(formatExpression);
  return [...arns].filter((arn) => shapes.some((shape) => shape.test(arn)));
}

/** Compiles an ARN format into a regular expression in which each ${...} placeholder is any non-empty text. */
export function formatExpression(format: string): RegExp {
  const source = format
    .split(/(\$\{[^}]*\})/)
    .map((part) => (part.startsWith('${') ? '.+' : arnPatternExpression(part).source.slice(1, -1)))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

/** Compiles a Resource value into a regular expression; ARNs compare case-sensitively. */
export function arnPatternExpression(pattern: string): RegExp {
  const source = [...pattern]
    .map((character) => {
      if (character === '*') {
        return '.*';
      }
      if (character === '?') {
        return '.';
      }
      return character.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`, 's');
}

const sampleRegion = 'us-east-1';
const sampleName = 'witness';

function fillFormat(format: string, accountId: string): string {
  return format
    .replace(/\$\{Partition\}/g, 'aws')
    .replace(/\$\{Region\}/g, sampleRegion)
    .replace(/\$\{Account\}/g, accountId)
    .replace(/\$\{[^}]*\}/g, sampleName)
    .replace(/\*/g, sampleName);
}

function fillPattern(pattern: string, accountId: string): string[] {
  const segments = pattern.split(':');
  if (segments.length < 6 || segments[0] !== 'arn') {
    return [];
  }
  const [, partition, service, region, account] = segments;
  const resource = segments.slice(5).join(':');
  // A "*" in the resource part also spans "/", so an object key or a role path fits it.
  const resources = resource.includes('*') ? [fillWildcards(resource), fillWildcards(resource, `${sampleName}/${sampleName}`)] : [resource];
  const regions = isOnlyWildcard(region) ? [sampleRegion, ''] : [fillWildcards(region)];
  const accounts = isOnlyWildcard(account) ? [accountId, ''] : [fillWildcards(account)];
  const filledPartition = isOnlyWildcard(partition) ? 'aws' : fillWildcards(partition);

  const arns: string[] = [];
  for (const filledResource of resources) {
    for (const filledRegion of regions) {
      for (const filledAccount of accounts) {
        arns.push(['arn', filledPartition, fillWildcards(service), filledRegion, filledAccount, filledResource].join(':'));
      }
    }
  }
  return arns;
}

function isOnlyWildcard(segment: string): boolean {
  return /^\*+$/.test(segment);
}

function fillWildcards(text: string, value = sampleName): string {
  return text.replace(/\*/g, value).replace(/\?/g, 'x');
}
