import type { DataFrame } from '@grafana/data';

import { describeMissingFields, fieldByName, selectFrame } from '../shared/frameFields';
import { readBoolean, readText } from '../shared/sqlValues';
import { ACCESS_LEVELS, higherLevel, toAccessLevel, type AccessLevel } from './accessLevels';

/** The highest access level that one identity is granted in one service. */
export interface MatrixCell {
  identity: string;
  service: string;
  level: AccessLevel;
  /** True when the grant was not used in the tracking window; undefined when the result has no unused field. */
  unused?: boolean;
}

export interface Matrix {
  /** Identity ARNs in the order of the query's rows. */
  identities: string[];
  /** Service prefixes, alphabetical. */
  services: string[];
  cells: Map<string, MatrixCell>;
  /** False when the query result has no unused field, so no cell can be marked. */
  hasUsage: boolean;
}

export const REQUIRED_FIELDS = ['identity_arn', 'service', 'access_level'] as const;

const SOURCE = 'an identity, service and access level query (identity_arn, service, access_level, unused)';

export type MatrixRead =
  { kind: 'matrix'; matrix: Matrix } | { kind: 'empty' } | { kind: 'unreadable'; message: string };

/** Returns the key of the cell of one identity and service. */
export function cellKey(identity: string, service: string): string {
  return `${identity}\n${service}`;
}

/**
 * Reads the identity × service cells from the first frame that has the required fields, in any field order.
 *
 * Several rows for one identity and service combine into one cell with the highest level, which is unused only when
 * every row is unused.
 */
export function readMatrix(series: DataFrame[]): MatrixRead {
  if (series.length === 0 || series.every((frame) => frame.length === 0)) {
    return { kind: 'empty' };
  }

  const selection = selectFrame(series, REQUIRED_FIELDS);
  if ('missing' in selection) {
    return { kind: 'unreadable', message: describeMissingFields(selection.missing, SOURCE) };
  }

  const { frame } = selection;
  const identityValues = fieldByName(frame, 'identity_arn')?.values ?? [];
  const serviceValues = fieldByName(frame, 'service')?.values ?? [];
  const levelValues = fieldByName(frame, 'access_level')?.values ?? [];
  const unusedValues = fieldByName(frame, 'unused')?.values;

  const identities = new Set<string>();
  const services = new Set<string>();
  const cells = new Map<string, MatrixCell>();

  for (let row = 0; row < frame.length; row++) {
    const identity = readText(identityValues[row]);
    const service = readText(serviceValues[row]);
    const levelText = readText(levelValues[row]);

    // A row without a grant (for example a LEFT JOIN that found none) has no cell.
    if (identity === undefined || service === undefined || levelText === undefined) {
      continue;
    }

    const level = toAccessLevel(levelText);
    if (level === undefined) {
      return {
        kind: 'unreadable',
        message: `Row ${row + 1} has access_level "${levelText}", which is not one of ${ACCESS_LEVELS.join(', ')}.`,
      };
    }

    const unused = unusedValues === undefined ? undefined : readBoolean(unusedValues[row]);
    identities.add(identity);
    services.add(service);

    const key = cellKey(identity, service);
    const existing = cells.get(key);
    cells.set(
      key,
      existing
        ? {
            ...existing,
            level: higherLevel(existing.level, level),
            unused: unused === undefined ? undefined : Boolean(existing.unused && unused),
          }
        : { identity, service, level, unused }
    );
  }

  if (cells.size === 0) {
    return { kind: 'empty' };
  }

  return {
    kind: 'matrix',
    matrix: {
      identities: [...identities],
      services: [...services].sort((left, right) => left.localeCompare(right)),
      cells,
      hasUsage: unusedValues !== undefined,
    },
  };
}
