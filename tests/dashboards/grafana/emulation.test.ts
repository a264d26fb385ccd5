// The emulation of Grafana against expectations written in Grafana's own tests: the macro expansions of
// grafana/grafana pkg/tsdb/grafana-postgresql-datasource/macros_test.go, and the interpolation rules of
// grafana/scenes formatRegistry.ts and sceneInterpolator.ts.
import { expandSqlMacros, goFloat, MacroError, rfc3339Nano } from './sql-macros';
import { formatValue, interpolateQuery, type ResolvedVariable } from './template-interpolation';

const from = new Date('2018-04-12T18:00:00Z');
const range = { from, to: new Date(from.getTime() + 5 * 60_000) };

describe('expandSqlMacros', () => {
  test.each([
    ['select $__time(time_column)', 'select time_column AS "time"'],
    ['select min($__time(time_column))', 'select min(time_column AS "time")'],
    ['WHERE $__timeFilter(time_column)', "WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'"],
    ['select $__timeFrom()', "select '2018-04-12T18:00:00Z'"],
    ['select $__timeTo()', "select '2018-04-12T18:05:00Z'"],
    [
      "SELECT $__timeGroup(time_column,'5m'), value",
      'SELECT floor(extract(epoch from time_column)/300)*300 AS "time", value',
    ],
    [
      "SELECT $__timeGroup(time_column,'5m') as time, value",
      'SELECT floor(extract(epoch from time_column)/300)*300 as time, value',
    ],
    ["SELECT $__timeGroupAlias(time_column,'5m')", 'SELECT floor(extract(epoch from time_column)/300)*300 AS "time"'],
    ["$__timeGroup(time_column , '5m')", 'floor(extract(epoch from time_column)/300)*300'],
    ['select $__unixEpochFilter(time)', 'select time >= 1523556000 AND time <= 1523556300'],
    ['select $__unixEpochNanoFilter(time)', 'select time >= 1523556000000000000 AND time <= 1523556300000000000'],
    ['select $__unixEpochNanoFrom()', 'select 1523556000000000000'],
    [
      "SELECT $__unixEpochGroupAlias(time_column+time_adjustment,'5m')",
      'SELECT floor((time_column+time_adjustment)/300)*300 AS "time"',
    ],
    ['select $__unixEpochFrom(), $__unixEpochTo()', 'select 1523556000, 1523556300'],
  ])('expands %s', (sql, expected) => {
    expect(expandSqlMacros(sql, range)).toBe(expected);
  });

  test('writes fractional seconds as Go does', () => {
    const fractional = { from: new Date('1960-02-01T07:00:00.500Z'), to: new Date('1980-02-03T08:00:00.500Z') };

    expect(expandSqlMacros('WHERE $__timeFilter(t)', fractional)).toBe(
      "WHERE t BETWEEN '1960-02-01T07:00:00.5Z' AND '1980-02-03T08:00:00.5Z'"
    );
  });

  test('rejects an unknown macro as the datasource does', () => {
    expect(() => expandSqlMacros('SELECT $__nothing(x)', range)).toThrow(MacroError);
  });

  test('rejects the interval macros it cannot reproduce', () => {
    expect(() => expandSqlMacros('SELECT $__interval_ms', range)).toThrow(/\$__interval/);
  });
});

describe('Go formatting', () => {
  test.each([
    [300, '300'],
    [86400, '86400'],
    [999999, '999999'],
    [1e6, '1e+06'],
    [1209600, '1.2096e+06'],
    [0.02, '0.02'],
    [0.00001, '1e-05'],
  ])('goFloat(%d) is %s', (value, expected) => {
    expect(goFloat(value)).toBe(expected);
  });

  test.each([
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z'],
    ['2026-01-01T00:00:00.120Z', '2026-01-01T00:00:00.12Z'],
    ['2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00.001Z'],
  ])('rfc3339Nano(%s) is %s', (iso, expected) => {
    expect(rfc3339Nano(new Date(iso))).toBe(expected);
  });
});

describe('interpolateQuery', () => {
  const account: ResolvedVariable = {
    name: 'account',
    type: 'query',
    multi: true,
    includeAll: true,
    value: ["it's", 'b'],
    text: ["it's", 'b'],
  };
  const identity: ResolvedVariable = {
    name: 'identity',
    type: 'query',
    multi: false,
    includeAll: false,
    value: "o'neil",
    text: 'O',
  };
  const variables = new Map([
    ['account', account],
    ['identity', identity],
  ]);

  test.each([
    ['${account:sqlstring}', "'it''s','b'"],
    ['${account:csv}', "it's,b"],
    ['${account:singlequote}', "'it\\'s','b'"],
    ['${account:percentencode}', '%7Bit%27s%2Cb%7D'],
    ['${identity:percentencode}', 'o%27neil'],
    ['${identity:text}', 'O'],
    ['${identity:nosuchformat}', "o'neil"],
    ['$account', "'it''s','b'"],
    ['$identity', "o''neil"],
    ['[[identity]]', "o''neil"],
    ['$__timeFilter(x) $missing', '$__timeFilter(x) $missing'],
  ])('interpolates %s', (template, expected) => {
    expect(interpolateQuery(template, variables)).toBe(expected);
  });

  test('puts a backslash before a double quote in sqlstring', () => {
    expect(formatValue({ ...identity, value: 'a"b' }, 'sqlstring')).toBe(`'a\\"b'`);
  });
});
