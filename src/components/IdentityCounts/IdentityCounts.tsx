import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Card, Stack, useStyles2 } from '@grafana/ui';

import { PLUGIN_BASE_URL, ROUTES } from '../../constants';
import type { IdentityCounts as Counts } from '../../services/identities';
import { testIds } from '../testIds';

interface Props {
  counts: Counts;
}

/** Shows the number of identities of each type on a card that links to the Identities page. */
export function IdentityCounts({ counts }: Props) {
  const styles = useStyles2(getStyles);
  const identitiesUrl = `${PLUGIN_BASE_URL}/${ROUTES.Identities}`;

  const cards = [
    { label: 'Users', count: counts.users },
    { label: 'Roles', count: counts.roles },
    { label: 'Groups', count: counts.groups },
  ];

  return (
    <Stack gap={2} wrap="wrap">
      {cards.map(({ label, count }) => (
        <Card key={label} href={identitiesUrl} className={styles.card} data-testid={testIds.home.identityCount(label)}>
          <Card.Heading>{label}</Card.Heading>
          <Card.Description>
            <span className={styles.count}>{count.toLocaleString()}</span>
          </Card.Description>
        </Card>
      ))}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    minWidth: theme.spacing(24),
    flex: 1,
  }),
  count: css({
    fontSize: theme.typography.h2.fontSize,
    color: theme.colors.text.primary,
  }),
});
