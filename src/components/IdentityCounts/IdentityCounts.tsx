import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Card, Stack, useStyles2 } from '@grafana/ui';

import { PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { cloudLabel, isCloud } from '../../services/clouds';
import type { CloudIdentityCounts } from '../../services/identities';
import { writeIdentityFilters } from '../../services/identityFilters';
import { FIRST_PAGE } from '../../services/identityQueries';
import { testIds } from '../testIds';

interface Props {
  counts: CloudIdentityCounts[];
}

/** Shows one card per cloud with its identities by type; each card links to the Identities page of its cloud. */
export function IdentityCounts({ counts }: Props) {
  const styles = useStyles2(getStyles);

  if (counts.length === 0) {
    return (
      <p data-testid={testIds.home.noIdentities}>
        No identities yet: sync a cloud with CloudQuery or run openciem import, then openciem refresh.
      </p>
    );
  }

  return (
    <Stack gap={2} wrap="wrap">
      {counts.map((cloud) => (
        <Card
          key={cloud.cloud}
          href={identitiesUrl(cloud.cloud)}
          className={styles.card}
          data-testid={testIds.home.identityCount(cloud.cloud)}
        >
          <Card.Heading>{cloudLabel(cloud.cloud)}</Card.Heading>
          <Card.Description>
            <span className={styles.count}>{cloud.identities.toLocaleString()}</span>
            <span className={styles.types}>
              {cloud.types
                .map((type) => `${type.identities.toLocaleString()} ${type.identityType.replace(/_/g, ' ')}`)
                .join(', ')}
            </span>
          </Card.Description>
        </Card>
      ))}
    </Stack>
  );
}

/** Returns the Identities page filtered to the cloud; a cloud the filter does not offer opens the whole list. */
function identitiesUrl(cloud: string): string {
  const base = `${PLUGIN_BASE_URL}/${ROUTES.Identities}`;
  return isCloud(cloud) ? `${base}?${writeIdentityFilters({ ...FIRST_PAGE, cloud }).toString()}` : base;
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    minWidth: theme.spacing(24),
    flex: 1,
  }),
  count: css({
    display: 'block',
    fontSize: theme.typography.h2.fontSize,
    color: theme.colors.text.primary,
  }),
  types: css({
    color: theme.colors.text.secondary,
  }),
});
