import React, { useCallback } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, InteractiveTable, LoadingPlaceholder, Stack, Text, useStyles2, type Column } from '@grafana/ui';

import { useAsync } from '../../hooks/useAsync';
import { formatTime } from '../../services/format';
import type { LoadState } from '../../services/loadState';
import {
  fetchSetupStatus,
  listSetupSteps,
  REQUIRED_MIGRATION,
  type SetupStatus,
  type SourceTable,
} from '../../services/setupStatus';
import type { AppliedMigration } from '../../services/status';
import { testIds } from '../testIds';

interface Props {
  datasourceUid: string;
  /** Changes whenever the user asks for the checks to run again. */
  runId: number;
}

/** Checks the ciem schema behind a datasource and lists the command for each missing piece. */
export function SetupChecks({ datasourceUid, runId }: Props) {
  // runId is in the dependencies so that "Test datasource" runs the checks again for the same uid.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const load = useCallback(() => fetchSetupStatus(datasourceUid), [datasourceUid, runId]);
  const status = useAsync(load);

  if (status.status === 'loading') {
    return <LoadingPlaceholder text={`Checking datasource ${datasourceUid}`} />;
  }

  // fetchSetupStatus reports failed checks in its fields, so this happens only on a defect.
  if (status.status === 'failed') {
    return (
      <Alert severity="error" title={`Datasource ${datasourceUid} could not be checked`}>
        {status.error.message}
      </Alert>
    );
  }

  return <SetupReport datasourceUid={datasourceUid} status={status.value} />;
}

function SetupReport({ datasourceUid, status }: { datasourceUid: string; status: SetupStatus }) {
  const styles = useStyles2(getStyles);
  const steps = listSetupSteps(status);

  // When the datasource itself fails (not found, no connection), every check fails with the same message, so one alert
  // shows it.
  if (status.migration.status === 'failed' && failsAlike(status)) {
    return (
      <div data-testid={testIds.setup.container}>
        <MigrationAlert datasourceUid={datasourceUid} migration={status.migration} />
      </div>
    );
  }

  return (
    <div data-testid={testIds.setup.container}>
      <Stack direction="column" gap={2}>
        <MigrationAlert datasourceUid={datasourceUid} migration={status.migration} />

        {steps.length > 0 && (
          <section>
            <Text element="h4">Missing pieces</Text>
            <ol className={styles.steps}>
              {steps.map((step) => (
                <li key={step.title}>
                  <Text>{step.title}</Text>
                  <pre className={styles.command}>{step.command}</pre>
                </li>
              ))}
            </ol>
          </section>
        )}

        <section>
          <Text element="h4">Refresh and snapshots</Text>
          <Text element="p">{describeRefresh(status)}</Text>
          <Text element="p">{describeSnapshot(status)}</Text>
        </section>

        <section data-testid={testIds.setup.sourceTables}>
          <Text element="h4">CloudQuery tables</Text>
          <SourceTables state={status.sourceTables} />
        </section>
      </Stack>
    </div>
  );
}

function MigrationAlert({
  datasourceUid,
  migration,
}: {
  datasourceUid: string;
  migration: LoadState<AppliedMigration | null>;
}) {
  if (migration.status === 'loading') {
    return null;
  }

  if (migration.status === 'failed') {
    return (
      <Alert severity="error" title={`Datasource ${datasourceUid} does not work`}>
        {migration.error.message}
      </Alert>
    );
  }

  if (migration.value === null) {
    return (
      <Alert severity="warning" title={`Datasource ${datasourceUid} responds, but its ciem schema is empty`}>
        No migration has been applied. Run openciem migrate against the database of this datasource.
      </Alert>
    );
  }

  const applied = `The ciem schema is at migration ${migration.value.version} (${migration.value.name}), applied ${formatTime(migration.value.appliedAt, 'at an unknown time')}.`;
  if (migration.value.version < REQUIRED_MIGRATION) {
    return (
      <Alert
        severity="warning"
        title={`Datasource ${datasourceUid} works, but its ciem schema is older than this plugin`}
      >
        {applied} This plugin needs migration {REQUIRED_MIGRATION} or later.
      </Alert>
    );
  }

  return (
    <Alert severity="success" title={`Datasource ${datasourceUid} works`}>
      {applied}
    </Alert>
  );
}

const TABLE_COLUMNS: Array<Column<SourceTable>> = [
  { id: 'tableName', header: 'Table', sortType: 'string' },
  {
    id: 'present',
    header: 'Status',
    cell: ({ row }) => {
      const table = row.original;
      if (!table.present) {
        return (
          <Badge text={table.optional ? 'missing (optional)' : 'missing'} color={table.optional ? 'darkgrey' : 'red'} />
        );
      }

      return table.missingColumns === null ? (
        <Badge text="present" color="green" />
      ) : (
        <Badge text={`lacks ${table.missingColumns}`} color="orange" />
      );
    },
  },
  { id: 'purpose', header: 'Feeds', cell: ({ row }) => row.original.purpose ?? 'identities and effective permissions' },
];

function SourceTables({ state }: { state: LoadState<SourceTable[]> }) {
  if (state.status === 'loading') {
    return null;
  }

  if (state.status === 'failed') {
    return (
      <Alert severity="error" title="The CloudQuery tables could not be listed">
        {state.error.message}
      </Alert>
    );
  }

  if (state.value.length === 0) {
    return <Text color="secondary">No table is bound yet. Run openciem migrate.</Text>;
  }

  const schema = state.value[0].sourceSchema;

  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        Read from schema {schema}, as of the last openciem migrate ({formatTime(state.value[0].boundAt, 'unknown time')}
        ).
      </Text>
      <InteractiveTable columns={TABLE_COLUMNS} data={state.value} getRowId={(table) => table.tableName} />
    </Stack>
  );
}

function failsAlike(status: SetupStatus): boolean {
  const checks = [status.migration, status.sourceTables, status.lastRefresh, status.lastSnapshot];
  const messages = checks.map((check) => (check.status === 'failed' ? check.error.message : null));

  return messages.every((message) => message !== null && message === messages[0]);
}

function describeRefresh(status: SetupStatus): string {
  const refresh = status.lastRefresh;
  if (refresh.status === 'failed') {
    return `The last refresh could not be read: ${refresh.error.message}`;
  }
  if (refresh.status === 'loading') {
    return '';
  }
  if (refresh.value === null) {
    return 'No refresh has run, so effective permissions and findings are empty.';
  }

  return `Last refresh finished ${formatTime(refresh.value.finishedAt, 'at an unknown time')} and took ${(refresh.value.durationMs / 1000).toFixed(1)} s.`;
}

function describeSnapshot(status: SetupStatus): string {
  const snapshot = status.lastSnapshot;
  if (snapshot.status === 'failed') {
    return `The last snapshot could not be read: ${snapshot.error.message}`;
  }
  if (snapshot.status === 'loading') {
    return '';
  }
  if (snapshot.value === null) {
    return 'No snapshot has been taken, so the trend panels are empty.';
  }

  return `Last snapshot taken ${formatTime(snapshot.value.takenAt, 'at an unknown time')}, with ${snapshot.value.findingCount.toLocaleString()} open findings.`;
}

const getStyles = (theme: GrafanaTheme2) => ({
  steps: css({
    paddingLeft: theme.spacing(3),
    li: {
      marginBottom: theme.spacing(1),
    },
  }),
  command: css({
    margin: theme.spacing(0.5, 0, 0),
    whiteSpace: 'pre-wrap',
  }),
});
