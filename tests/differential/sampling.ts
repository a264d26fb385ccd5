import { createHash } from 'node:crypto';

import { actionsNamedBy, appliesToUnnamedActions, type ActionCatalogue } from './action-catalogue';
import type { PolicyDocument } from './managed-policies';

/**
 * Returns a generator of uniform 32-bit integers for a seed string. It is Marsaglia's xorshift32
 * (shifts 13, 17, 5; "Xorshift RNGs", Journal of Statistical Software 8(14), 2003), seeded with
 * the first four bytes of the seed's SHA-256, so equal seeds give equal sequences on every run.
 */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32BE(0) || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Draws count items without replacement (a partial Fisher-Yates shuffle) and returns them sorted. */
export function sampleOf(items: readonly string[], count: number, seed: string): string[] {
  const pool = [...items];
  const take = Math.min(count, pool.length);
  const next = seededRandom(seed);
  for (let index = 0; index < take; index++) {
    const pick = index + (next() % (pool.length - index));
    [pool[index], pool[pick]] = [pool[pick], pool[index]];
  }
  return pool.slice(0, take).sort();
}

/** Why an action is compared for a policy. */
export type SelectionReason = 'named' | 'not-action-complement' | 'sampled';

export interface SelectionOptions {
  seed: string;
  /** Actions drawn from those a policy does not name, when no NotAction statement reaches them. */
  sampledActions: number;
  /** Upper bound on the named actions compared per policy; all of them when absent. */
  maxNamedActions?: number;
  /** Upper bound on the actions compared from a NotAction complement; all of them when absent. */
  maxComplementActions?: number;
}

/**
 * Chooses the actions to compare for one policy: those its Action and NotAction values match, the
 * actions a NotAction statement reaches without naming them, and a seeded sample of the rest.
 */
export function selectActions(
  policyName: string,
  document: PolicyDocument,
  catalogue: ActionCatalogue,
  options: SelectionOptions
): Map<string, SelectionReason> {
  const named = [...actionsNamedBy(document, catalogue)].sort();
  const namedSet = new Set(named);
  const unnamed = catalogue.actions.map((entry) => entry.action).filter((action) => !namedSet.has(action));
  const selection = new Map<string, SelectionReason>();

  const keptNamed = options.maxNamedActions === undefined ? named : sampleOf(named, options.maxNamedActions, `${options.seed}/${policyName}/named`);
  keptNamed.forEach((action) => selection.set(action, 'named'));

  if (appliesToUnnamedActions(document)) {
    const limit = options.maxComplementActions ?? unnamed.length;
    sampleOf(unnamed, limit, `${options.seed}/${policyName}/complement`).forEach((action) => selection.set(action, 'not-action-complement'));
  } else {
    sampleOf(unnamed, options.sampledActions, `${options.seed}/${policyName}/sampled`).forEach((action) => selection.set(action, 'sampled'));
  }
  return selection;
}

/**
 * Chooses count policies: the required ones, which must exist, and a seeded sample of the rest.
 * Returns them sorted by name.
 */
export function samplePolicies<T extends { name: string }>(policies: T[], count: number, seed: string, required: readonly string[]): T[] {
  const byName = new Map(policies.map((policy) => [policy.name, policy]));
  const missing = required.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new Error(`the required policies ${missing.join(', ')} are not among the ${policies.length} policies`);
  }
  const others = policies.map((policy) => policy.name).filter((name) => !required.includes(name));
  const names = [...required, ...sampleOf(others, count - required.length, `${seed}/policies`)];
  return names.sort().map((name) => byName.get(name) as T);
}
