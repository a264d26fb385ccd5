// Builds responses to /api/ds/query requests in the shape of Grafana 12.4's PostgreSQL datasource for table-format
// queries: one data frame per query, columns as fields, values column by column. src/services/datasource.ts reads it.
import { types, type Pool, type QueryResult } from 'pg';

/** The body of a POST /api/ds/query request, as the app and Grafana's panels send it. */
export interface DsQueryRequest {
  queries: Array<{ refId: string; rawSql?: string; format?: string }>;
}

export interface DsQueryResponse {
  status: number;
  body: unknown;
}

interface FrameField {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'time';
  typeInfo: { frame: string; nullable: true };
}

// PostgreSQL type oids (pg_type) that Grafana converts to numbers, booleans and times.
const INTEGER_TYPES: Record<number, string> = { 20: 'int64', 21: 'int16', 23: 'int32', 26: 'uint32' };
const FLOAT_TYPES: Record<number, string> = { 700: 'float32', 701: 'float64', 1700: 'float64' };
const BOOLEAN_TYPE = 16;
const TIME_TYPES = new Set([1082, 1114, 1184]);

/**
 * Runs each query of a /api/ds/query request in a read-only transaction and returns Grafana's response: HTTP 200
 * with a frame per refId, or HTTP 400 with the PostgreSQL error of the first query that failed.
 */
export async function answerDsQuery(pool: Pool, request: DsQueryRequest): Promise<DsQueryResponse> {
  const results: Record<string, unknown> = {};

  for (const query of request.queries ?? []) {
    if (!query.rawSql) {
      return errorResponse(query.refId, 'no SQL in the query: the request needs rawSql');
    }

    let result: QueryResult;
    try {
      result = await runReadOnly(pool, query.rawSql);
    } catch (error) {
      return errorResponse(query.refId, error instanceof Error ? error.message : String(error));
    }

    results[query.refId] = { status: 200, frames: [toFrame(query.refId, query.rawSql, result)] };
  }

  return { status: 200, body: { results } };
}

async function runReadOnly(pool: Pool, sql: string): Promise<QueryResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    // Every value arrives as PostgreSQL's text form; toFrame converts the types that Grafana converts.
    return await client.query({ text: sql, types: { getTypeParser: () => (value: string) => value } });
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** Converts a query result into one data frame in Grafana's JSON encoding. */
export function toFrame(refId: string, rawSql: string, result: QueryResult) {
  const fields = result.fields.map((field) => frameField(field.name, field.dataTypeID));
  const values = result.fields.map((field, index) =>
    result.rows.map((row) => convertValue(row[field.name], fields[index], field.dataTypeID))
  );

  return {
    schema: { refId, meta: { typeVersion: [0, 0], executedQueryString: rawSql }, fields },
    data: { values },
  };
}

function frameField(name: string, typeId: number): FrameField {
  if (INTEGER_TYPES[typeId]) {
    return { name, type: 'number', typeInfo: { frame: INTEGER_TYPES[typeId], nullable: true } };
  }
  if (FLOAT_TYPES[typeId]) {
    return { name, type: 'number', typeInfo: { frame: FLOAT_TYPES[typeId], nullable: true } };
  }
  if (typeId === BOOLEAN_TYPE) {
    return { name, type: 'boolean', typeInfo: { frame: 'bool', nullable: true } };
  }
  if (TIME_TYPES.has(typeId)) {
    return { name, type: 'time', typeInfo: { frame: 'time.Time', nullable: true } };
  }

  // NOTE: text[] and jsonb arrive as their PostgreSQL text form ({a,b} and JSON text), which is how Grafana's SQL
  // datasources pass types they do not convert; the panels also accept JSON arrays and parsed values.
  return { name, type: 'string', typeInfo: { frame: 'string', nullable: true } };
}

function convertValue(value: unknown, field: FrameField, typeId: number): unknown {
  if (value === null || value === undefined) {
    return null;
  }

  const text = String(value);
  switch (field.type) {
    case 'number':
      return Number(text);
    case 'boolean':
      return text === 't';
    case 'time':
      // Grafana encodes times as epoch milliseconds.
      return (types.getTypeParser(typeId, 'text')(text) as Date).getTime();
    default:
      return text;
  }
}

function errorResponse(refId: string, message: string): DsQueryResponse {
  return { status: 400, body: { results: { [refId]: { error: message, errorSource: 'downstream', status: 400 } } } };
}
