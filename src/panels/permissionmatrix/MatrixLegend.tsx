import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { ACCESS_LEVELS, levelColor } from './accessLevels';
import { unusedPattern } from './unusedPattern';

interface Props {
  /** True when the query result has the unused field. */
  hasUsage: boolean;
}

/** Renders the colours of the access levels and the mark of unused grants. */
export function MatrixLegend({ hasUsage }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <ul className={styles.legend} aria-label="Access levels">
      {ACCESS_LEVELS.map((level) => (
        <li key={level} className={styles.item}>
          <span className={styles.swatch} style={{ background: levelColor(theme, level) }} aria-hidden="true" />
          {level}
        </li>
      ))}
      <li className={styles.item}>
        <span
          className={styles.swatch}
          style={{ background: `${unusedPattern(theme)}, ${theme.colors.text.secondary}` }}
          aria-hidden="true"
        />
        {hasUsage ? 'Unused in the tracking window' : 'Unused (the query has no unused field)'}
      </li>
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    listStyle: 'none',
    margin: 0,
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  item: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(0.75) }),
  swatch: css({ width: 14, height: 14, borderRadius: 2, display: 'inline-block' }),
});
