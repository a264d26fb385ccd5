import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { repositoryRoot } from './paths';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled openciem CLI as a user would, with a clean PG* environment. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG') && key !== 'DATABASE_URL'));
  const result = spawnSync(process.execPath, [path.join(repositoryRoot, 'bin', 'openciem.js'), ...args], {
    cwd: repositoryRoot,
    env: { ...cleanEnv, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
