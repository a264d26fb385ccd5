import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, Icon, Tooltip, useStyles2 } from '@grafana/ui';

import type { AccessLevel } from '../../services/permissionQueries';
import {
  DECISION_LABELS,
  describeResourceScope,
  describeServiceUsage,
  describeUsage,
} from '../../services/permissionLabels';
import type { ActionDecision } from '../../services/permissions';
import type { LoadState } from '../../services/loadState';
import type { LevelSummary } from '../../services/permissionTree';
import { QueryErrorAlert } from '../QueryErrorAlert/QueryErrorAlert';

interface ToggleProps {
  label: string;
  expanded: boolean;
  onToggle: () => void;
}

/** Renders the chevron button that opens or closes a node, with an accessible name that names the action. */
export function ToggleButton({ label, expanded, onToggle }: ToggleProps) {
  const styles = useStyles2(getTreeRowStyles);

  return (
    <button
      type="button"
      className={styles.toggle}
      aria-expanded={expanded}
      aria-label={`${expanded ? 'Collapse' : 'Expand'} ${label}`}
      onClick={onToggle}
    >
      {/* A new key mounts a new Icon: its inline SVG sometimes kept the old chevron when only the name changed. */}
      <Icon key={expanded ? 'open' : 'closed'} name={expanded ? 'angle-down' : 'angle-right'} />
    </button>
  );
}

/** Decision counts of a node. Only AWS nodes count unused actions. */
export interface DecisionCounts {
  allowed: number;
  conditional: number;
  denied: number;
  unused?: number;
}

export function Counts({ counts }: { counts: DecisionCounts }) {
  const unused = counts.unused ?? 0;

  return (
    <>
      {counts.allowed > 0 && <Badge text={`${counts.allowed.toLocaleString()} allowed`} color="green" />}
      {counts.conditional > 0 && <Badge text={`${counts.conditional.toLocaleString()} conditional`} color="orange" />}
      {counts.denied > 0 && <Badge text={`${counts.denied.toLocaleString()} denied`} color="red" />}
      {unused > 0 && <Badge text={`${unused.toLocaleString()} unused`} color="purple" />}
    </>
  );
}

interface ServiceRowProps {
  service: string;
  serviceName: string | null;
  counts: Omit<LevelSummary, 'accessLevel'>;
  serviceUsage: string | null;
  serviceLastUsedAt: number | null;
  expanded: boolean;
  onToggle: () => void;
}

export function ServiceRow({
  service,
  serviceName,
  counts,
  serviceUsage,
  serviceLastUsedAt,
  expanded,
  onToggle,
}: ServiceRowProps) {
  const styles = useStyles2(getTreeRowStyles);
  const usage = describeServiceUsage(serviceUsage, serviceLastUsedAt);

  return (
    <div className={styles.row}>
      <ToggleButton label={`service ${service}`} expanded={expanded} onToggle={onToggle} />
      <span className={styles.name}>{service}</span>
      {serviceName !== null && <span className={styles.secondary}>{serviceName}</span>}
      <Counts counts={counts} />
      {usage !== null && (
        <span className={cx(styles.secondary, serviceUsage !== 'used' && styles.unused)}>{usage}</span>
      )}
    </div>
  );
}

interface LevelRowProps {
  service: string;
  level: LevelSummary;
  expanded: boolean;
  onToggle: () => void;
}

export function LevelRow({ service, level, expanded, onToggle }: LevelRowProps) {
  const styles = useStyles2(getTreeRowStyles);

  return (
    <div className={cx(styles.row, styles.level)}>
      <ToggleButton label={`${service} ${level.accessLevel}`} expanded={expanded} onToggle={onToggle} />
      <span className={styles.name}>{level.accessLevel}</span>
      <Counts counts={level} />
    </div>
  );
}

interface LevelStatusRowProps {
  service: string;
  accessLevel: string;
  state: LoadState<ActionDecision[]>;
  onRetry: (service: string, accessLevel: AccessLevel) => void;
}

export function LevelStatusRow({ service, accessLevel, state, onRetry }: LevelStatusRowProps) {
  const styles = useStyles2(getTreeRowStyles);

  if (state.status === 'loading') {
    return <div className={cx(styles.row, styles.action, styles.secondary)}>Loading the actions…</div>;
  }

  if (state.status === 'failed') {
    return (
      <div className={styles.failed}>
        <QueryErrorAlert title={`The ${accessLevel} actions of ${service} could not be loaded`} error={state.error} />
        <Button size="sm" variant="secondary" onClick={() => onRetry(service, accessLevel as AccessLevel)}>
          Retry
        </Button>
      </div>
    );
  }

  return (
    <div className={cx(styles.row, styles.action, styles.secondary)}>
      No action of this level is granted any more. Run openciem refresh, then reload the page.
    </div>
  );
}

interface ActionRowProps {
  action: ActionDecision;
  expanded: boolean;
  onToggle: () => void;
}

export function ActionRow({ action, expanded, onToggle }: ActionRowProps) {
  const styles = useStyles2(getTreeRowStyles);
  const decision = DECISION_LABELS[action.decision];
  const usage = describeUsage(action.usage, action.usageBasis, action.lastUsedAt);

  return (
    <div className={cx(styles.row, styles.action)}>
      <ToggleButton label={`statements for ${action.action}`} expanded={expanded} onToggle={onToggle} />
      <span className={styles.name}>{action.action}</span>
      <Tooltip content={decision.tooltip}>
        <span>
          <Badge text={decision.text} color={decision.color} />
        </span>
      </Tooltip>
      {action.usage === 'unused' && <Badge text="Unused" color="purple" tooltip={usage ?? undefined} />}
      <span className={styles.scope} title={describeResourceScope(action)}>
        {describeResourceScope(action)}
      </span>
      {action.usage !== 'unused' && usage !== null && <span className={styles.secondary}>{usage}</span>}
    </div>
  );
}

/** Styles of the tree's rows, shared by the AWS rows and the other clouds' rows. */
export const getTreeRowStyles = (theme: GrafanaTheme2) => ({
  row: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: '100%',
    paddingLeft: theme.spacing(1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  level: css({
    paddingLeft: theme.spacing(4),
  }),
  action: css({
    paddingLeft: theme.spacing(7),
  }),
  failed: css({
    paddingLeft: theme.spacing(7),
    paddingRight: theme.spacing(2),
    overflow: 'auto',
    height: '100%',
  }),
  toggle: css({
    background: 'none',
    border: 'none',
    color: theme.colors.text.primary,
    cursor: 'pointer',
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.radius.default,
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
    },
  }),
  name: css({
    fontFamily: theme.typography.fontFamilyMonospace,
  }),
  secondary: css({
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  unused: css({
    color: theme.colors.warning.text,
  }),
  scope: css({
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    minWidth: 0,
  }),
});
