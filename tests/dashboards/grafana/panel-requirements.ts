// What a panel needs from its query result: the columns its field overrides, sorting, data links and
// transformations name, and what its panel type requires. Every rule returns problems as sentences, so that a test
// failure names the panel and the cause.
import type { DashboardPanel, DataLink, FieldOverride } from './dashboard-model';
import { isNumericField, isTextField, isTimeField, type QueryOutcome } from './panel-queries';

/**
 * Panel types of Grafana 12.4, each the id of a plugin.json under public/app/plugins/panel/ of grafana/grafana, that
 * the dashboards may use.
 */
export const grafanaPanelTypes = new Set([
  'barchart',
  'bargauge',
  'gauge',
  'heatmap',
  'histogram',
  'nodeGraph',
  'piechart',
  'stat',
  'state-timeline',
  'status-history',
  'table',
  'text',
  'timeseries',
  'trend',
  'xychart',
]);

/** The nested panel plugins of the app and the fields each requires (the contract of src/panels/). */
export const nestedPanelFields: Record<string, string[]> = {
  'openciem-trustgraph-panel': ['role_arn', 'trusted_principal', 'classification'],
  'openciem-permissionmatrix-panel': ['identity_arn', 'service', 'access_level'],
};

const numericPanelTypes = new Set(['stat', 'bargauge', 'gauge', 'barchart', 'timeseries', 'piechart']);

export const identityDashboardLink = '/d/openciem-identity?var-identity=${__value.raw:percentencode}';

// AWS IAM user, role and group ARNs (IAM User Guide, "IAM identifiers"), in any partition.
const identityArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:(user|role|group)\//;

export function isIdentityArn(value: unknown): boolean {
  return typeof value === 'string' && identityArnPattern.test(value);
}

/** Lists the columns that a panel's configuration names, each with the setting that names it. */
export function namedColumns(panel: DashboardPanel): Array<{ column: string; by: string }> {
  const named: Array<{ column: string; by: string }> = [];

  for (const override of panel.fieldConfig?.overrides ?? []) {
    if (override.matcher.id === 'byName' && typeof override.matcher.options === 'string') {
      named.push({ column: override.matcher.options, by: 'a field override' });
    } else {
      named.push({ column: '', by: `an override matcher ${override.matcher.id} that the test does not read` });
    }
  }

  for (const link of allLinks(panel)) {
    for (const match of (link.url ?? '').matchAll(/__data\.fields(?:\.(\w+)|\["([^"]+)"\])/g)) {
      named.push({ column: match[1] ?? match[2], by: 'a data link' });
    }
  }

  const sortBy = panel.options?.sortBy;
  if (Array.isArray(sortBy)) {
    for (const sort of sortBy as Array<{ displayName?: string }>) {
      named.push({ column: sort.displayName ?? '', by: 'the table sort' });
    }
  }

  if (typeof panel.options?.xField === 'string') {
    named.push({ column: panel.options.xField, by: 'the x field' });
  }

  for (const field of nestedPanelFields[panel.type] ?? []) {
    named.push({ column: field, by: `panel type ${panel.type}` });
  }

  for (const transformation of panel.transformations ?? []) {
    named.push({ column: '', by: `transformation ${transformation.id}, which the test does not read` });
  }

  return named;
}

function allLinks(panel: DashboardPanel): DataLink[] {
  const overrideLinks = (panel.fieldConfig?.overrides ?? []).flatMap((override) => linksOf(override));
  return [...(panel.fieldConfig?.defaults?.links ?? []), ...overrideLinks];
}

function linksOf(override: FieldOverride): DataLink[] {
  return override.properties
    .filter((property) => property.id === 'links')
    .flatMap((property) => (property.value as DataLink[]) ?? []);
}

/** Problems of a query result for the panel that shows it. */
export function resultProblems(panel: DashboardPanel, format: string | undefined, outcome: QueryOutcome): string[] {
  const problems: string[] = [];
  const names = outcome.fields.map((field) => field.name);

  for (const { column, by } of namedColumns(panel)) {
    if (!names.includes(column)) {
      problems.push(`${by} names column "${column}", which the query does not return (it returns ${names.join(', ')})`);
    }
  }

  if (numericPanelTypes.has(panel.type) && !outcome.fields.some(isNumericField)) {
    problems.push(`a ${panel.type} panel needs a numeric column`);
  }

  if (format === 'time_series') {
    problems.push(...timeSeriesProblems(outcome));
  }

  return problems;
}

// The datasource's time series format needs a time column. It converts the other columns to numbers, keeps text
// columns as labels and fails on any other type, and long frames (with a label column) must be sorted by time.
function timeSeriesProblems(outcome: QueryOutcome): string[] {
  const problems: string[] = [];
  const timeField = outcome.fields.find((field) => field.name === 'time');
  if (!timeField || !isTimeField(timeField)) {
    return ['the time_series format needs a timestamp column named "time"'];
  }

  for (const field of outcome.fields) {
    if (field !== timeField && !isNumericField(field) && !isTextField(field)) {
      problems.push(`time_series column "${field.name}" is neither a number nor text (type oid ${field.dataTypeID})`);
    }
  }

  const times = outcome.rows.map((row) => new Date(row.time as string).getTime());
  if (times.some((time, index) => index > 0 && time < times[index - 1])) {
    problems.push('time_series rows are not sorted by time');
  }
  return problems;
}

/**
 * Columns with an identity in some cell that have no data link to the Identity dashboard. An identity is an IAM
 * identity ARN, or any other cloud's identity id in knownIdentityIds (the identity_id values of ciem.identities). A
 * cell that repeats the identity of a linked cell of its row (a name that is the id, as for an Azure classic
 * administrator's e-mail address) needs no link of its own.
 */
export function identityColumnsWithoutLink(
  panel: DashboardPanel,
  outcome: QueryOutcome,
  knownIdentityIds: ReadonlySet<string> = new Set()
): string[] {
  const linked = new Set(
    (panel.fieldConfig?.overrides ?? [])
      .filter((override) => override.matcher.id === 'byName')
      .filter((override) => linksOf(override).some((link) => (link.url ?? '').startsWith(identityDashboardLink)))
      .map((override) => String(override.matcher.options))
  );
  const isIdentity = (value: unknown) =>
    isIdentityArn(value) || (typeof value === 'string' && knownIdentityIds.has(value));
  const linkedInRow = (row: Record<string, unknown>, value: unknown) =>
    [...linked].some((column) => row[column] === value);

  return outcome.fields
    .map((field) => field.name)
    .filter((name) => !linked.has(name))
    .filter((name) => outcome.rows.some((row) => isIdentity(row[name]) && !linkedInRow(row, row[name])));
}
