import { InvalidArgumentError } from 'commander';

import type { Random } from './random';

/** The clouds the bench can generate, by the names ciem.identities.cloud uses. */
export const cloudNames = ['aws', 'kubernetes', 'gcp', 'azure'] as const;

export type CloudName = (typeof cloudNames)[number];

/** A cloud of the mix and its weight: its share of identities is weight / the sum of the weights. */
export interface CloudWeight {
  cloud: CloudName;
  weight: number;
}

/**
 * Weights of `--clouds` when a cloud is named without one: AWS 40 %, Kubernetes, Google Cloud
 * and Azure 20 % each when all four are named. The split is an estimate of an organisation that
 * grew on AWS and added the others, not a measured statistic.
 */
export const defaultWeights: Record<CloudName, number> = { aws: 4, kubernetes: 2, gcp: 2, azure: 2 };

/** The minimum number of identities of each cloud in the mix. */
export const minimumCloudIdentities = 10;

/**
 * Parses `--clouds`: cloud names separated by commas, each optionally followed by =WEIGHT, such
 * as `aws,kubernetes,gcp,azure` or `aws=1,gcp=1`.
 */
export function parseClouds(value: string): CloudWeight[] {
  const parts = value.split(',').map((part) => part.trim());
  const mix: CloudWeight[] = [];
  for (const part of parts) {
    const [name, weightText, extra] = part.split('=');
    if (!(cloudNames as readonly string[]).includes(name) || extra !== undefined) {
      throw new InvalidArgumentError(
        `"${part}" is not a cloud; use ${cloudNames.join(', ')}, each optionally with =WEIGHT, such as aws,gcp=3`
      );
    }
    const cloud = name as CloudName;
    const weight = weightText === undefined ? defaultWeights[cloud] : Number(weightText);
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new InvalidArgumentError(`the weight "${weightText}" of ${cloud} is not a positive number`);
    }
    if (mix.some((entry) => entry.cloud === cloud)) {
      throw new InvalidArgumentError(`${cloud} is named twice in "${value}"`);
    }
    mix.push({ cloud, weight });
  }
  return mix;
}

/**
 * Splits identities over the clouds of the mix in proportion to their weights (largest
 * remainder), so the parts sum to identities. Each cloud gets at least the generators' minimum.
 */
export function splitIdentities(identities: number, mix: CloudWeight[]): Map<CloudName, number> {
  const parts = splitProportionally(
    identities,
    mix.map((entry) => entry.weight)
  );
  const split = new Map<CloudName, number>();
  mix.forEach((entry, index) => {
    if (parts[index] < minimumCloudIdentities) {
      throw new Error(
        `${identities} identities give ${entry.cloud} only ${parts[index]}; raise the scale or the weight of ${entry.cloud} so that each cloud gets at least ${minimumCloudIdentities}`
      );
    }
    split.set(entry.cloud, parts[index]);
  });
  return split;
}

/** Describes the mix for the report, such as "aws 40 %, kubernetes 20 %". */
export function describeMix(mix: CloudWeight[]): string {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  return mix.map((entry) => `${entry.cloud} ${Math.round((100 * entry.weight) / total)} %`).join(', ');
}

/**
 * Splits identities over accounts of uneven size: one account per perAccount identities and at
 * least minimum, each weighted 1 to 2 at random. Clusters, projects and subscriptions use it.
 */
export function unevenAccountSizes(identities: number, perAccount: number, minimum: number, random: Random): number[] {
  const count = Math.max(minimum, Math.ceil(identities / perAccount));
  return splitProportionally(
    identities,
    Array.from({ length: count }, () => 1 + random.next())
  );
}

/** Splits total into whole parts proportional to weights (largest remainder), summing to total. */
export function splitProportionally(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const parts = exact.map(Math.floor);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder);
  const missing = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) {
    parts[order[i].index] += 1;
  }
  return parts;
}
