// Template variable interpolation as Grafana 12 dashboards do it, for the SQL of the PostgreSQL datasource.
// Sources (read for this file): grafana/scenes packages/scenes/src/variables/interpolation/sceneInterpolator.ts,
// formatRegistry.ts and constants.ts (VARIABLE_REGEX), variants/MultiValueVariable.ts (getValue: "All" becomes the
// list of option values unless allValue is set), and grafana/grafana packages/grafana-sql/src/datasource/SqlDatasource.ts
// (interpolateVariable, the format used where a query names no format).

export type VariableValue = string | string[];

/** A dashboard variable after Grafana resolved its value, as the interpolation reads it. */
export interface ResolvedVariable {
  name: string;
  type: string;
  multi: boolean;
  includeAll: boolean;
  /** The value getValue returns: a selected "All" is already the list of every option value. */
  value: VariableValue;
  /** The option text of the value, for the text format. */
  text: VariableValue;
}

/** A place in a query that names a variable, with the format it names. */
export interface VariableUsage {
  match: string;
  name: string;
  format: string | undefined;
  index: number;
}

// The same expression as VARIABLE_REGEX of grafana/scenes: $name, [[name:format]] and ${name.field:format}.
const variablePattern = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

/** Lists every variable reference of a query, known variables or not. */
export function variableUsages(text: string): VariableUsage[] {
  return [...text.matchAll(variablePattern)].map((match) => ({
    match: match[0],
    name: match[1] ?? match[2] ?? match[4],
    format: match[3] ?? match[6],
    index: match.index ?? 0,
  }));
}

/**
 * Replaces the variable references of a panel or variable query as Grafana does before it sends the query: with the
 * format the reference names, else with the datasource's own format. References to unknown names stay as they are,
 * as in Grafana, so that the server-side macros ($__timeFilter and others) reach the datasource.
 */
export function interpolateQuery(text: string, variables: ReadonlyMap<string, ResolvedVariable>): string {
  return text.replace(variablePattern, (match, name1, name2, format2, name3, _fieldPath, format3) => {
    const name = (name1 ?? name2 ?? name3) as string;
    const variable = variables.get(name);
    if (!variable) {
      return match;
    }

    const format = (format2 ?? format3) as string | undefined;
    return format === undefined ? sqlDatasourceFormat(variable) : formatValue(variable, format);
  });
}

/** SqlDatasource.interpolateVariable: quoted and joined for multi-value and All, quotes doubled but not added otherwise. */
function sqlDatasourceFormat(variable: ResolvedVariable): string {
  const quoteLiteral = (value: string) => "'" + value.replace(/'/g, "''") + "'";
  if (Array.isArray(variable.value)) {
    return variable.value.map(quoteLiteral).join(',');
  }
  if (variable.multi || variable.includeAll) {
    return quoteLiteral(variable.value);
  }
  return variable.value.replace(/'/g, "''");
}

/** Formats a value as the format of Grafana's format registry with that id does, for the formats SQL and links use. */
export function formatValue(variable: ResolvedVariable, format: string): string {
  const { value } = variable;
  switch (format) {
    case 'percentencode':
      return encodeURIComponentStrict(Array.isArray(value) ? '{' + value.join(',') + '}' : value);
    case 'sqlstring':
      return listOrOne(value, sqlString);
    case 'singlequote':
      return listOrOne(value, (item) => `'${item.replace(/'/g, "\\'")}'`);
    case 'doublequote':
      return listOrOne(value, (item) => `"${item.replace(/"/g, '\\"')}"`);
    case 'csv':
      return Array.isArray(value) ? value.join(',') : value;
    case 'pipe':
      return Array.isArray(value) ? value.join('|') : value;
    case 'raw':
      return String(value);
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'text':
      return Array.isArray(variable.text) ? variable.text.join(' + ') : variable.text;
    case 'queryparam':
      // NOTE: Grafana builds this from the variable's URL state with urlUtil.toUrlParams, which leaves a few
      // characters (such as $ , : @) unencoded. The values of the dashboards' ds variable (datasource uids) have none.
      return (Array.isArray(value) ? value : [value])
        .map((item) => `var-${variable.name}=${encodeURIComponentStrict(item)}`)
        .join('&');
    default:
      // Grafana logs "Variable format ... not found" and falls back to glob.
      return Array.isArray(value) && value.length > 1 ? '{' + value.join(',') + '}' : String(value);
  }
}

function listOrOne(value: VariableValue, format: (item: string) => string): string {
  return Array.isArray(value) ? value.map(format).join(',') : format(value);
}

// formatRegistry's sqlStringFormatter: ' is doubled and " gets a backslash in front of it.
function sqlString(value: string): string {
  return `'${value.replace(/'|"/g, (quote) => (quote === "'" ? "''" : '\\"'))}'`;
}

/**
 * RFC 3986 percent-encoding as Grafana's encodeURIComponentStrict: encodeURIComponent, then ! ' ( ) * as well. Like
 * encodeURIComponent, it throws a URIError for a lone UTF-16 surrogate, and so does Grafana.
 */
export function encodeURIComponentStrict(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => '%' + character.charCodeAt(0).toString(16).toUpperCase()
  );
}
