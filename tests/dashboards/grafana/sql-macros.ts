// Server-side macro expansion of Grafana's PostgreSQL datasource, which runs on the interpolated SQL that the browser
// sends. Sources (read for this file): grafana/grafana pkg/tsdb/grafana-postgresql-datasource/macros.go (the macro
// engine) and sqleng/sql_engine.go (Interpolate: the global $__interval and $__unixEpochFrom() substitutions, which
// run first). Only what the macros need of Go's formatting is reproduced. Unsupported input throws, so that a
// dashboard that needs more fails its test instead of passing with a wrong expansion. Newer versions of macros.go
// also strip SQL comments before the expansion; the dashboards' SQL has none (tests/dashboards/bundling.test.ts).

export interface TimeRange {
  from: Date;
  to: Date;
}

// macros.go: sExpr = `\$` + `([_a-zA-Z0-9]+)` + `\(([^\)]*)\)`.
const macroPattern = /\$([_a-zA-Z0-9]+)\(([^)]*)\)/g;

/** Expands the datasource's macros in SQL as Grafana's PostgreSQL backend does, for a datasource without TimescaleDB. */
export function expandSqlMacros(sql: string, range: TimeRange): string {
  const global = expandGlobalMacros(sql, range);

  return global.replace(macroPattern, (whole: string, name: string, argumentText: string, offset: number) => {
    // macros.go treats $__timeGroup directly followed by a comma as $__timeGroupAlias, for pre-5.3 queries; it looks
    // for the first occurrence of the same text.
    let macro = name;
    if (macro === '__timeGroup') {
      const first = global.indexOf(whole);
      const at = (first >= 0 ? first : offset) + whole.length;
      if (global[at] === ',') {
        macro = '__timeGroupAlias';
      }
    }

    const args = argumentText.split(',').map((argument) => argument.replace(/^ +| +$/g, ''));
    return evaluateMacro(macro, args, range);
  });
}

function expandGlobalMacros(sql: string, range: TimeRange): string {
  if (sql.includes('$__interval')) {
    throw new Error(
      '$__interval and $__interval_ms depend on the panel width; the dashboard emulation does not provide them'
    );
  }
  return sql
    .split('$__unixEpochFrom()')
    .join(String(unixSeconds(range.from)))
    .split('$__unixEpochTo()')
    .join(String(unixSeconds(range.to)));
}

function evaluateMacro(name: string, args: string[], range: TimeRange): string {
  // macros.go checks len(args) == 0 for a missing column, which strings.Split never returns: an empty argument list
  // is one empty argument, and it expands as it is.
  const column = args[0];

  switch (name) {
    case '__time':
      return `${column} AS "time"`;
    case '__timeEpoch':
      return `extract(epoch from ${column}) as "time"`;
    case '__timeFilter':
      return `${column} BETWEEN '${rfc3339Nano(range.from)}' AND '${rfc3339Nano(range.to)}'`;
    case '__timeFrom':
      return `'${rfc3339Nano(range.from)}'`;
    case '__timeTo':
      return `'${rfc3339Nano(range.to)}'`;
    case '__timeGroup':
      return timeGroup(
        args,
        (seconds) => `floor(extract(epoch from ${args[0]})/${goFloat(seconds)})*${goFloat(seconds)}`
      );
    case '__timeGroupAlias':
      return timeGroup(
        args,
        (seconds) => `floor(extract(epoch from ${args[0]})/${goFloat(seconds)})*${goFloat(seconds)} AS "time"`
      );
    case '__unixEpochFilter':
      return `${args[0]} >= ${unixSeconds(range.from)} AND ${args[0]} <= ${unixSeconds(range.to)}`;
    case '__unixEpochNanoFilter':
      return `${args[0]} >= ${unixNanos(range.from)} AND ${args[0]} <= ${unixNanos(range.to)}`;
    case '__unixEpochNanoFrom':
      return unixNanos(range.from);
    case '__unixEpochNanoTo':
      return unixNanos(range.to);
    case '__unixEpochGroup':
      return timeGroup(args, (seconds) => `floor((${args[0]})/${goFloat(seconds)})*${goFloat(seconds)}`);
    case '__unixEpochGroupAlias':
      return timeGroup(args, (seconds) => `floor((${args[0]})/${goFloat(seconds)})*${goFloat(seconds)} AS "time"`);
    default:
      // The datasource fails the whole query with this error.
      throw new MacroError(`unknown macro "${name}"`);
  }
}

/** The error the datasource returns for the query, as "interpolation failed: ...". */
export class MacroError extends Error {}

function timeGroup(args: string[], expand: (seconds: number) => string): string {
  if (args.length < 2) {
    throw new MacroError('macro needs time column and interval and optional fill value');
  }
  if (args.length === 3) {
    throw new Error(
      'the fill argument of $__timeGroup changes the response frames, which the dashboard emulation does not reproduce'
    );
  }
  return expand(parseIntervalSeconds(args[1].replace(/^'+|'+$/g, '')));
}

// gtime.ParseInterval for the units a dashboard uses with $__timeGroup; others throw.
function parseIntervalSeconds(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) {
    throw new Error(`interval "${text}" is not one the dashboard emulation parses (a number and ms, s, m, h, d or w)`);
  }
  const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  return Number(match[1]) * unitSeconds[match[2]];
}

/**
 * Go's %v of a float64: the shortest digits that read back as the same number, in exponent form when the decimal
 * exponent is below -4 or at least 6 (strconv/ftoa.go, "if precision was the shortest possible, use precision 6").
 */
export function goFloat(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`${value} has no Go %v form here`);
  }
  if (value === 0) {
    return '0';
  }

  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }

  // Within that range JavaScript prints the same shortest digits in plain notation.
  return String(value);
}

/** Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros, none when zero, and Z. */
export function rfc3339Nano(instant: Date): string {
  const iso = instant.toISOString();
  return iso.replace(/\.(\d+)Z$/, (_whole, fraction: string) => {
    const trimmed = fraction.replace(/0+$/, '');
    return trimmed === '' ? 'Z' : `.${trimmed}Z`;
  });
}

function unixSeconds(instant: Date): number {
  return Math.floor(instant.getTime() / 1000);
}

function unixNanos(instant: Date): string {
  return (BigInt(instant.getTime()) * 1_000_000n).toString();
}
