import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { startEmbeddedPostgres, type EmbeddedServer } from '../../cli/db/embedded';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/**
 * Starts one real PostgreSQL for the whole run (unless TEST_DATABASE_URL names a server to use)
 * and compiles the CLI, which the end-to-end tests run as a child process.
 */
export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [path.join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'cli/tsconfig.json'], {
    cwd: repositoryRoot,
    stdio: 'inherit',
  });

  if (process.env.TEST_DATABASE_URL) {
    process.env.OPENCIEM_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  process.env.OPENCIEM_TEST_ADMIN_URL = server.url;
  (globalThis as { openciemTestServer?: EmbeddedServer }).openciemTestServer = server;
}

/** Asks the kernel for an unused loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
