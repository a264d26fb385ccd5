import type { Decision } from './decision';

/**
 * A disagreement between OpenCIEM and iam-simulate where OpenCIEM makes the decision that AWS
 * documents. The differential test accepts only the disagreements listed here.
 */
export interface KnownDifference {
  /** The AWS managed policy whose role shows the difference; absent when every policy does. */
  policy?: string;
  /** The action in canonical case, service:Name. */
  action: string;
  openciem: Decision;
  simulator: Decision;
  /** Why OpenCIEM's decision is the one AWS makes, in one or two sentences. */
  reason: string;
  /** The AWS documentation page that states the rule. */
  citation: `https://docs.aws.amazon.com/${string}`;
}

export const knownDifferences: KnownDifference[] = [];

/** Returns the entry that explains a disagreement, if any. */
export function findKnownDifference(
  entries: readonly KnownDifference[],
  policy: string,
  action: string,
  openciem: string,
  simulator: string
): KnownDifference | undefined {
  return entries.find(
    (entry) =>
      (entry.policy === undefined || entry.policy === policy) &&
      entry.action === action &&
      entry.openciem === openciem &&
      entry.simulator === simulator
  );
}
