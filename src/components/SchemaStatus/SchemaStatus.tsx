import React from 'react';
import { Alert, Text } from '@grafana/ui';

import { formatTime } from '../../services/format';
import type { AppliedMigration, SourceProblem } from '../../services/status';

interface Props {
  migration: AppliedMigration | null;
  sourceProblems: SourceProblem[];
}

/** Shows which migration the ciem schema is at, and warns about CloudQuery tables that the views could not bind. */
export function SchemaStatus({ migration, sourceProblems }: Props) {
  return (
    <>
      {migration === null ? (
        <Alert severity="warning" title="The ciem schema has no applied migration">
          Run openciem migrate against the database of this datasource.
        </Alert>
      ) : (
        <Text element="p" color="secondary">
          Schema ciem is at migration {migration.version} ({migration.name}), applied{' '}
          {formatTime(migration.appliedAt, 'at an unknown time')}.
        </Text>
      )}

      {sourceProblems.length > 0 && (
        <Alert severity="warning" title="Some CloudQuery tables were missing or incomplete when the views were bound">
          <ul>
            {sourceProblems.map((problem) => (
              <li key={`${problem.sourceSchema}.${problem.tableName}`}>{describeSourceProblem(problem)}</li>
            ))}
          </ul>
          Sync these tables with CloudQuery, or load them with openciem import aws-authz, then run openciem migrate
          again.
        </Alert>
      )}
    </>
  );
}

function describeSourceProblem(problem: SourceProblem): string {
  const table = `${problem.sourceSchema}.${problem.tableName}`;
  if (!problem.present) {
    return `${table} does not exist, so the views over it return no rows.`;
  }

  return `${table} lacks the columns ${problem.missingColumns ?? ''}, which OpenCIEM reads as NULL.`;
}
