import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Text, useStyles2, type IconName } from '@grafana/ui';

interface Props {
  /** Sentence that names what the panel cannot show. */
  title: string;
  /** Next step for the user. */
  children?: React.ReactNode;
  /** `info` for an empty result, `error` for a result the panel cannot read. */
  severity: 'info' | 'error';
  testId?: string;
}

/** Renders a centred message in place of the visualisation, for an empty or unreadable query result. */
export function PanelMessage({ title, children, severity, testId }: Props) {
  const styles = useStyles2(getStyles);
  const icon: IconName = severity === 'error' ? 'exclamation-triangle' : 'info-circle';

  return (
    <div className={styles.container} data-testid={testId} role={severity === 'error' ? 'alert' : 'status'}>
      <Icon name={icon} size="xl" className={severity === 'error' ? styles.errorIcon : styles.infoIcon} />
      <Text element="p" weight="medium">
        {title}
      </Text>
      {children && (
        <Text element="p" color="secondary">
          {children}
        </Text>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(1),
    height: '100%',
    padding: theme.spacing(2),
    textAlign: 'center',
  }),
  errorIcon: css({ color: theme.colors.error.text }),
  infoIcon: css({ color: theme.colors.text.secondary }),
});
