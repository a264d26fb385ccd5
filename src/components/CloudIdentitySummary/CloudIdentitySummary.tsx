import React from 'react';
import { Badge, LinkButton, Stack, useStyles2 } from '@grafana/ui';

import { identityDashboardUrl } from '../../constants';
import { accountLabel, cloudLabel } from '../../services/clouds';
import { formatTime } from '../../services/format';
import type { Identity } from '../../services/identities';
import { getSummaryStyles } from '../IdentitySummary/IdentitySummary';
import { testIds } from '../testIds';

interface Props {
  identity: Identity;
  /** The other accounts in which ciem.identities lists the same Google Cloud member or Azure principal. */
  otherAccounts: string[];
}

/** Badge text for is_service_linked in each cloud (docs/kubernetes.md, docs/gcp.md). */
const BUILT_IN_LABELS: Record<string, string> = {
  kubernetes: 'Kubernetes built-in',
  gcp: 'Google service agent',
};

const NOT_RECORDED = 'Not in the synced data';

/** Shows the attributes of a Kubernetes, Google Cloud or Azure identity. */
export function CloudIdentitySummary({ identity, otherAccounts }: Props) {
  const styles = useStyles2(getSummaryStyles);
  const dashboardUrl = `${identityDashboardUrl(identity.identityId)}&var-cloud=${encodeURIComponent(identity.cloud)}&var-account=${encodeURIComponent(identity.accountId)}`;

  return (
    <section data-testid={testIds.identity.summary}>
      <Stack direction="column" gap={2}>
        <dl className={styles.details}>
          <dt>Identity id</dt>
          <dd>{identity.identityId}</dd>
          <dt>Cloud</dt>
          <dd>{cloudLabel(identity.cloud)}</dd>
          <dt>{accountLabel(identity.cloud, identity.accountId)}</dt>
          <dd>{identity.accountId}</dd>
          {otherAccounts.length > 0 && (
            <>
              <dt>Also listed in</dt>
              <dd>{otherAccounts.join(', ')}</dd>
            </>
          )}
          <dt>Type</dt>
          <dd>
            {identity.identityType.replace(/_/g, ' ')}{' '}
            {identity.isServiceLinked && (
              <Badge text={BUILT_IN_LABELS[identity.cloud] ?? 'managed by the provider'} color="blue" />
            )}
          </dd>
          {identity.cloud === 'kubernetes' && identity.path !== null && (
            <>
              <dt>Namespace</dt>
              <dd>{identity.path}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{formatTime(identity.createdAt, NOT_RECORDED)}</dd>
          <dt>Last used</dt>
          <dd>{formatTime(identity.lastUsedAt, NOT_RECORDED)}</dd>
        </dl>
        <div>
          <LinkButton href={dashboardUrl} icon="apps" variant="secondary">
            Open the identity dashboard
          </LinkButton>
        </div>
      </Stack>
    </section>
  );
}
