import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, Text, Tooltip, useStyles2 } from '@grafana/ui';

import {
  CLOUD_DECISION_LABELS,
  describeCloudScope,
  describeGrant,
  describeGrantedBy,
} from '../../services/cloudPermissionLabels';
import type { CloudPermission, CloudPermissionGroup } from '../../services/cloudPermissions';
import { formatCount } from '../../services/format';
import type { LoadState } from '../../services/loadState';
import { getDetailPanelStyles } from '../PermissionTree/ExplanationPanel';
import { Counts, getTreeRowStyles, ToggleButton } from '../PermissionTree/TreeRows';
import { QueryErrorAlert } from '../QueryErrorAlert/QueryErrorAlert';
import { testIds } from '../testIds';

interface GroupRowProps {
  group: CloudPermissionGroup;
  expanded: boolean;
  onToggle: () => void;
}

export function GroupRow({ group, expanded, onToggle }: GroupRowProps) {
  const styles = useStyles2(getTreeRowStyles);

  return (
    <div className={styles.row}>
      <ToggleButton label={`group ${group.group}`} expanded={expanded} onToggle={onToggle} />
      <span className={styles.name}>{group.group}</span>
      <Counts counts={group} />
      <span className={styles.secondary}>
        {formatCount(group.permissions, 'permission')} at {formatCount(group.scopes, 'scope')}
      </span>
    </div>
  );
}

interface GroupStatusRowProps {
  group: string;
  state: LoadState<CloudPermission[]>;
  onRetry: (group: string) => void;
}

export function GroupStatusRow({ group, state, onRetry }: GroupStatusRowProps) {
  const styles = useStyles2(getTreeRowStyles);

  if (state.status === 'loading') {
    return <div className={cx(styles.row, styles.level, styles.secondary)}>Loading the permissions…</div>;
  }

  if (state.status === 'failed') {
    return (
      <div className={cx(styles.failed, styles.level)}>
        <QueryErrorAlert title={`The permissions of ${group} could not be loaded`} error={state.error} />
        <Button size="sm" variant="secondary" onClick={() => onRetry(group)}>
          Retry
        </Button>
      </div>
    );
  }

  return (
    <div className={cx(styles.row, styles.level, styles.secondary)}>
      No permission of this group is granted any more. Run openciem refresh, then reload the page.
    </div>
  );
}

interface PermissionRowProps {
  permission: CloudPermission;
  expanded: boolean;
  onToggle: () => void;
}

export function PermissionRow({ permission, expanded, onToggle }: PermissionRowProps) {
  const styles = useStyles2(getTreeRowStyles);
  const decision = CLOUD_DECISION_LABELS[permission.decision];
  const scope = describeCloudScope(permission);

  return (
    <div className={cx(styles.row, styles.level)}>
      <ToggleButton label={`grants of ${permission.permission} at ${scope}`} expanded={expanded} onToggle={onToggle} />
      <span className={styles.name}>{permission.permission}</span>
      <Tooltip content={decision.tooltip}>
        <span>
          <Badge text={decision.text} color={decision.color} />
        </span>
      </Tooltip>
      <span className={styles.scope} title={scope}>
        {scope}
      </span>
      <span className={styles.secondary}>{describeGrantedBy(permission.grants)}</span>
    </div>
  );
}

/** Shows the grants behind one permission and the facts only its cloud records, such as deny rules. */
export function GrantsPanel({ permission }: { permission: CloudPermission }) {
  const styles = useStyles2(getStyles);

  return (
    <div className={styles.panel} data-testid={testIds.identity.grants(permission.permission)}>
      <section className={styles.group}>
        <Text element="h6" variant="bodySmall" weight="medium">
          Granted by
        </Text>
        <ul className={styles.list}>
          {permission.grants.map((grant, index) => (
            <li key={`${grant.role} ${grant.grantId} ${index}`} className={styles.statement}>
              <span className={styles.role}>{grant.role}</span>
              <div className={styles.detail}>{describeGrant(grant)}</div>
              {grant.condition !== null && (
                <div className={styles.detail}>
                  Condition: <code>{grant.condition}</code>
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
      {permission.facts.map((fact) => (
        <section key={fact.label} className={styles.group}>
          <Text element="h6" variant="bodySmall" weight="medium">
            {fact.label}
          </Text>
          <ul className={styles.list}>
            {fact.values.map((value) => (
              <li key={value} className={styles.detail}>
                {value}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** Returns a first estimate of the grants panel's height, which the tree measures once drawn. */
export function estimateGrantsHeight(permission: CloudPermission): number {
  const factLines = permission.facts.reduce((lines, fact) => lines + 1 + fact.values.length, 0);

  return 40 + 48 * permission.grants.length + 20 * factLines;
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getDetailPanelStyles(theme),
  role: css({
    fontFamily: theme.typography.fontFamilyMonospace,
  }),
});
