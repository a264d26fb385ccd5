import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, LinkButton, Stack, useStyles2 } from '@grafana/ui';

import { identityDashboardUrl } from '../../constants';
import { formatTime } from '../../services/format';
import type { IdentityDetail } from '../../services/identityDetail';
import { testIds } from '../testIds';

interface Props {
  identity: IdentityDetail;
}

/** Shows the attributes of one identity and its permission creep score with each access level's part. */
export function IdentitySummary({ identity }: Props) {
  const styles = useStyles2(getSummaryStyles);

  return (
    <section data-testid={testIds.identity.summary}>
      <Stack direction="column" gap={2}>
        <dl className={styles.details}>
          <dt>ARN</dt>
          <dd>{identity.identityId}</dd>
          <dt>Type</dt>
          <dd>
            {identity.identityType} {identity.isServiceLinked && <Badge text="service-linked" color="blue" />}
          </dd>
          <dt>Account</dt>
          <dd>{identity.accountId}</dd>
          <dt>Path</dt>
          <dd>{identity.path ?? 'None'}</dd>
          <dt>Permissions boundary</dt>
          <dd>{identity.permissionsBoundaryArn ?? 'None'}</dd>
          <dt>Created</dt>
          <dd>{formatTime(identity.createdAt, 'Unknown')}</dd>
          <dt>Last used</dt>
          <dd>{formatTime(identity.lastUsedAt, 'No record')}</dd>
          <dt>Permission creep score</dt>
          <dd>{describeCreepScore(identity)}</dd>
        </dl>
        <div>
          <LinkButton href={identityDashboardUrl(identity.identityId)} icon="apps" variant="secondary">
            Open the identity dashboard
          </LinkButton>
        </div>
      </Stack>
    </section>
  );
}

function describeCreepScore(identity: IdentityDetail): string {
  const creep = identity.creepScore;
  if (creep === null) {
    return identity.identityType === 'group'
      ? 'Not scored: groups have no score of their own'
      : 'Not scored: no last accessed report for this identity';
  }

  const parts = [
    `Permissions management ${creep.permissionsManagement}`,
    `Write ${creep.write}`,
    `Read ${creep.read}`,
    `Tagging ${creep.tagging}`,
    `List ${creep.list}`,
  ].join(', ');
  const services =
    identity.grantedServices === null
      ? ''
      : `; ${identity.unusedServices} of ${identity.grantedServices} granted services unused`;

  return `${creep.score} of 100 (${parts}${services})`;
}

/** Styles of an identity's attribute list, shared with the summary of other clouds' identities. */
export const getSummaryStyles = (theme: GrafanaTheme2) => ({
  details: css({
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    dt: {
      color: theme.colors.text.secondary,
    },
    dd: {
      margin: 0,
      wordBreak: 'break-all',
    },
  }),
});
