import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { classificationColor, classificationStyle } from './classifications';

interface Props {
  classifications: string[];
}

/** Renders the edge styles of the classifications that the graph shows. */
export function TrustLegend({ classifications }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();

  return (
    <ul className={styles.legend} aria-label="Trust classifications">
      {classifications.map((classification) => {
        const style = classificationStyle(classification);
        return (
          <li key={classification} className={styles.item}>
            <svg width={24} height={8} aria-hidden="true">
              <line
                x1={0}
                y1={4}
                x2={24}
                y2={4}
                stroke={classificationColor(theme, classification)}
                strokeWidth={2}
                strokeDasharray={style.dash}
              />
            </svg>
            {style.label}
          </li>
        );
      })}
      <li className={styles.item}>
        <svg width={24} height={8} aria-hidden="true">
          <line x1={0} y1={4} x2={24} y2={4} stroke={theme.colors.text.secondary} strokeWidth={2} strokeOpacity={0.5} />
        </svg>
        Deny only
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
});
