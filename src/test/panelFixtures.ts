// Data frames for the panels' unit tests, decoded from query results that tests/panels/panel-fixtures.test.ts checks
// against real PostgreSQL. Decoding goes through toDataQueryResponse, as Grafana decodes /api/ds/query responses.
import {
  dateTime,
  EventBusSrv,
  LoadingState,
  type DataFrame,
  type DataQueryError,
  type FieldConfigSource,
  type PanelProps,
} from '@grafana/data';
import { toDataQueryResponse, type BackendDataSourceResponse } from '@grafana/runtime';

import crossAccountTrust from '../../tests/panels/fixtures/cross-account-trust.json';
import serviceAccess from '../../tests/panels/fixtures/service-access.json';

function decode(body: unknown): DataFrame[] {
  return toDataQueryResponse({ data: body as BackendDataSourceResponse }).data as DataFrame[];
}

/** Rows of ciem.cross_account_trust for the cloudsplaining and cloudmapper exports. */
export function trustFrames(): DataFrame[] {
  return decode(crossAccountTrust);
}

/** Identity × service rows of three demo accounts and cloudmapper's account. */
export function serviceAccessFrames(): DataFrame[] {
  return decode(serviceAccess);
}

/** Returns a copy of the frame with its fields in reverse order, as a query with reordered columns returns it. */
export function withFieldsReversed(frame: DataFrame): DataFrame {
  return { ...frame, fields: [...frame.fields].reverse() };
}

/** Returns a copy of the frame without the named fields. */
export function withoutFields(frame: DataFrame, ...names: string[]): DataFrame {
  return { ...frame, fields: frame.fields.filter((field) => !names.includes(field.name)) };
}

/** Returns a copy of the frame with only the rows whose indexes `keep` accepts. */
export function withRows(frame: DataFrame, keep: (row: number) => boolean): DataFrame {
  const rows = Array.from({ length: frame.length }, (_, row) => row).filter(keep);

  return {
    ...frame,
    length: rows.length,
    fields: frame.fields.map((field) => ({ ...field, values: rows.map((row) => field.values[row]) })),
  };
}

/** Returns a copy of the frame whose field `name` has the values that `change` returns for each row. */
export function withValues(
  frame: DataFrame,
  name: string,
  change: (value: unknown, row: number) => unknown
): DataFrame {
  return {
    ...frame,
    fields: frame.fields.map((field) =>
      field.name === name ? { ...field, values: field.values.map((value, row) => change(value, row)) } : field
    ),
  };
}

/** Returns the values of one field of a frame. */
export function valuesOf(frame: DataFrame, name: string): unknown[] {
  const field = frame.fields.find((candidate) => candidate.name === name);
  if (!field) {
    throw new Error(`The frame has no ${name} field`);
  }

  return field.values;
}

/** Builds the props that Grafana passes to a panel component. */
export function panelProps<T>(
  series: DataFrame[],
  options: T,
  extra: { width?: number; height?: number; errors?: DataQueryError[] } = {}
): PanelProps<T> {
  const now = dateTime();

  return {
    id: 1,
    data: {
      state: extra.errors ? LoadingState.Error : LoadingState.Done,
      series,
      errors: extra.errors,
      timeRange: { from: now, to: now, raw: { from: 'now-6h', to: 'now' } },
    },
    timeRange: { from: now, to: now, raw: { from: 'now-6h', to: 'now' } },
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] } as FieldConfigSource,
    transparent: false,
    width: extra.width ?? 1000,
    height: extra.height ?? 600,
    renderCounter: 0,
    title: 'Test panel',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    replaceVariables: (value: string) => value,
    onChangeTimeRange: () => undefined,
  };
}
