import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineDescription {
  cpuModel: string;
  /** Output of `nproc`: the processors this process may use. */
  processors: string;
  /** The Mem: line of `free -h`. */
  memory: string;
  kernel: string;
  node: string;
  date: string;
}

/** Describes the machine the bench runs on, from nproc, free -h and /proc/cpuinfo. */
export function describeMachine(): MachineDescription {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const free = run('free', ['-h']);
  return {
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? 'unknown (no model name in /proc/cpuinfo)',
    processors: run('nproc', []).trim(),
    memory:
      free
        .split('\n')
        .find((line) => line.startsWith('Mem:'))
        ?.replace(/\s+/g, ' ')
        .trim() ?? free.trim(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' });
  } catch (error) {
    return `unknown (${command} failed: ${(error as Error).message})`;
  }
}
