import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { classificationColor, classificationStyle } from './classifications';

interface Props {
  classifications: string[];
  /** True when some edge has Deny statements only, which the graph draws faint and grey. */
  hasDenyOnly: boolean;
}

/** Renders the edge styles of the classifications that the graph shows. */
export function TrustLegend({ classifications, hasDenyOnly }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <ul className={styles.legend} aria-label="Trust classifications">
      {classifications.map((classification) => {
        const style = classificationStyle(classification);
        return (
          <li key={classification} className={styles.item}>
            <LineSample color={classificationColor(theme, classification)} dash={style.dash} />
            {style.label}
          </li>
        );
      })}
      {hasDenyOnly && (
        <li className={styles.item}>
          <LineSample color={theme.colors.text.secondary} opacity={0.5} />
          Deny only
        </li>
      )}
    </ul>
  );
}

/** Draws a short line in the style of an edge. */
function LineSample({ color, dash, opacity }: { color: string; dash?: string; opacity?: number }) {
  return (
    <svg width={24} height={8} aria-hidden="true">
      <line
        x1={0}
        y1={4}
        x2={24}
        y2={4}
        stroke={color}
        strokeWidth={2}
        strokeDasharray={dash}
        strokeOpacity={opacity}
      />
    </svg>
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
});
