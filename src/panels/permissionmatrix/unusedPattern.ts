import type { GrafanaTheme2 } from '@grafana/data';

/** Diagonal stripes over a cell's colour, the mark of a grant that was not used in the tracking window. */
export function unusedPattern(theme: GrafanaTheme2): string {
  const stripe = theme.colors.background.primary;

  return `repeating-linear-gradient(135deg, ${stripe} 0 3px, transparent 3px 7px)`;
}
