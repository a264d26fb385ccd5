import type { GrafanaTheme2 } from '@grafana/data';

/**
 * The access levels of the Service Authorization Reference, from the least risky to the most, in the order of
 * ciem.access_level_weight: List and Tagging 1, Read 2, Write 3, Permissions management 5.
 */
export const ACCESS_LEVELS = ['List', 'Tagging', 'Read', 'Write', 'Permissions management'] as const;

export type AccessLevel = (typeof ACCESS_LEVELS)[number];

// Colour names of Grafana's visualisation palette, resolved per theme.
const LEVEL_COLORS: Record<AccessLevel, string> = {
  List: 'blue',
  Tagging: 'purple',
  Read: 'green',
  Write: 'orange',
  'Permissions management': 'red',
};

/** Returns the access level that `value` names, or undefined when it names none. */
export function toAccessLevel(value: string): AccessLevel | undefined {
  return ACCESS_LEVELS.find((level) => level === value);
}

/** Returns the riskier of two access levels. */
export function higherLevel(left: AccessLevel, right: AccessLevel): AccessLevel {
  return ACCESS_LEVELS.indexOf(left) >= ACCESS_LEVELS.indexOf(right) ? left : right;
}

/** Resolves the cell colour of an access level for the current theme. */
export function levelColor(theme: GrafanaTheme2, level: AccessLevel): string {
  return theme.visualization.getColorByName(LEVEL_COLORS[level]);
}
