import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';

import { Client } from 'pg';
import { InvalidArgumentError, type Command } from 'commander';

import { connect } from '../db/connection';
import { startEmbeddedPostgres } from '../db/embedded';
import { ensureReaderRole } from '../db/reader-role';
import { findGrafana, startGrafana } from '../demo/grafana';
import { loadDemo } from '../demo/load';
import { printMigrateResult } from './migrate';

interface DemoCommandOptions {
  databaseUrl?: string;
  sourceSchema: string;
  dataDir: string;
  port: number;
  grafana: boolean;
  grafanaPort: number;
}

const demoDatabase = 'openciem';
const readerRole = 'openciem_grafana';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run OpenCIEM on a generated demo organisation: start an embedded PostgreSQL (and Grafana when installed), ' +
        'or, with --database-url, load the demo into an existing database and exit'
    )
    .option('--database-url <url>', 'load the demo into this database instead of starting one')
    .option('--source-schema <schema>', 'schema for the CloudQuery-shaped demo tables', 'public')
    .option('--data-dir <dir>', 'folder of the embedded cluster and Grafana state', path.join('.openciem', 'demo'))
    .option('--port <port>', 'port of the embedded PostgreSQL on 127.0.0.1', parsePort, 54329)
    .option('--grafana-port <port>', 'port of Grafana on 127.0.0.1, when a grafana binary is found', parsePort, 3000)
    .option('--no-grafana', 'do not start Grafana even when it is installed')
    .action(async (options: DemoCommandOptions) => {
      if (options.databaseUrl) {
        await loadIntoExisting(options);
      } else {
        await runEmbedded(options);
      }
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a TCP port (1-65535).`);
  }
  return port;
}

async function loadIntoExisting(options: DemoCommandOptions): Promise<void> {
  const client = await connect(options);
  try {
    const result = await loadDemo(client, options.sourceSchema, new Date());
    console.log(`Loaded the demo organisation (${result.accounts.length} accounts) into schema ${options.sourceSchema}.`);
    printMigrateResult(result.migration, options.sourceSchema);
  } finally {
    await client.end();
  }
}

async function runEmbedded(options: DemoCommandOptions): Promise<void> {
  const dataDir = path.resolve(options.dataDir);
  await prepareDataDir(dataDir);
  console.log(`Starting PostgreSQL on 127.0.0.1:${options.port} (data in ${dataDir}) ...`);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: options.port });

  let grafana: ChildProcess | undefined;
  const stop = async () => {
    grafana?.kill('SIGTERM');
    await server.stop();
  };

  try {
    const readerPassword = readOrCreateSecret(path.join(dataDir, 'grafana-reader-password'));
    await createDemoDatabase(server.url);
    const databaseUrl = server.url.replace(/\/postgres$/, `/${demoDatabase}`);

    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const result = await loadDemo(client, options.sourceSchema, new Date());
      await ensureReaderRole(client, readerRole, readerPassword);
      console.log(`Loaded the demo organisation: ${result.accounts.map((account) => account.name).join(', ')}.`);
    } finally {
      await client.end();
    }

    printConnection(server.host, server.port, readerPassword, databaseUrl);

    const found = options.grafana ? findGrafana() : null;
    if (found) {
      grafana = await startGrafana({
        ...found,
        dataDir: path.join(dataDir, 'grafana'),
        port: options.grafanaPort,
        database: { host: server.host, port: server.port, database: demoDatabase, user: readerRole, password: readerPassword },
      });
      console.log(`Grafana: http://127.0.0.1:${options.grafanaPort}/a/openciem-entitlements-app (started from ${found.binary})`);
    } else if (options.grafana) {
      console.log(
        'No grafana binary on PATH or in GRAFANA_HOME. To use an existing Grafana: copy dist/ to its plugins folder as ' +
          'openciem-entitlements-app, allow it as an unsigned plugin, and add a PostgreSQL datasource with uid openciem-postgres ' +
          'and the settings above (see README, "Install into an existing Grafana").'
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  console.log('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      console.log('Stopping ...');
      stop().then(resolve, resolve);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

/**
 * Creates the demo folder. As root it must be enterable by the system user postgres, which runs
 * the server; the secrets inside stay readable by their owner only.
 */
async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    await chmod(dataDir, 0o755);
  }
}

async function createDemoDatabase(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [demoDatabase]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${demoDatabase}`);
    }
  } finally {
    await admin.end();
  }
}

function readOrCreateSecret(file: string): string {
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').trim();
  }
  const secret = randomBytes(18).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function printConnection(host: string, port: number, readerPassword: string, adminUrl: string): void {
  console.log(
    [
      '',
      'Grafana PostgreSQL datasource (read-only role):',
      `  Host URL:  ${host}:${port}`,
      `  Database:  ${demoDatabase}`,
      `  User:      ${readerRole}`,
      `  Password:  ${readerPassword}`,
      '  TLS/SSL:   disable',
      '  UID:       openciem-postgres',
      '',
      `Administrator URL for openciem commands and psql: ${adminUrl}`,
      '',
    ].join('\n')
  );
}
