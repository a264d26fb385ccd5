// Turns the message of a failed query into advice for the user. Kept free of Grafana imports, so that the integration
// tests can check it against the messages of a real PostgreSQL server.

/** HTTP status and message of a failed query, taken from whatever the request threw. */
export interface QueryFailure {
  status?: number;
  message: string;
}

/** Returns a sentence that names what failed and what the user can do about it. */
export function explainQueryFailure({ status, message }: QueryFailure, datasourceUid: string): string {
  if (status === 404 || /data ?source not found/i.test(message)) {
    return `The datasource ${datasourceUid} was not found. Provision it, or set another uid on the Configuration page.`;
  }

  if (status === 403) {
    return `You do not have permission to query the datasource ${datasourceUid}. Ask a Grafana administrator for query access to it.`;
  }

  const missingObject = /(?:relation|schema) "([^"]+)" does not exist/i.exec(message);
  if (missingObject) {
    return (
      `${missingObject[1]} does not exist in the database of datasource ${datasourceUid}. ` +
      'Run openciem migrate against that database, or set the uid of another datasource on the Configuration page.'
    );
  }

  const deniedObject = /permission denied for (?:schema|table|view|materialized view|relation) "?([\w.]+)"?/i.exec(
    message
  );
  if (deniedObject) {
    return (
      `The database user of datasource ${datasourceUid} may not read ${deniedObject[1]}. ` +
      'Grant it USAGE on schema ciem and SELECT on the views in it.'
    );
  }

  if (/failed to connect|connection refused|dial tcp|no such host|i\/o timeout/i.test(message)) {
    return (
      `Grafana could not connect to the PostgreSQL server of datasource ${datasourceUid}. ` +
      'Check its host, port and credentials in the datasource settings.'
    );
  }

  return `The query on datasource ${datasourceUid} failed: ${message}`;
}
