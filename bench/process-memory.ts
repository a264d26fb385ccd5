import { readFileSync } from 'node:fs';

import { childPids } from './proc';

/** Memory of one process from /proc/<pid>/status, in bytes. */
interface ProcessMemory {
  pid: number;
  /** Private resident memory (RssAnon): heap, sort and hash areas, work_mem. */
  anonymous: number;
  /** Resident shared memory (RssShmem): for PostgreSQL, the pages of shared_buffers this process touched. */
  shared: number;
  /** Resident set size now (VmRSS). */
  resident: number;
  /** Peak resident set size (VmHWM) since the process started. */
  peak: number;
}

export interface ServerMemoryPeak {
  /**
   * Peak over samples of the private memory of all server processes plus the largest shared
   * memory of any one of them. Shared buffers are mapped by every backend, so summing RSS would
   * count them once per process.
   */
  totalBytes: number;
  /**
   * Largest resident set size of a single server process, usually the backend that does the work:
   * VmHWM for processes started inside the window, else the largest VmRSS sampled in it.
   */
  largestProcessBytes: number;
  samples: number;
}

/**
 * Samples the resident memory of a PostgreSQL server (the postmaster and every child: backends,
 * parallel workers, autovacuum, checkpointer) at a fixed interval. Linux only, since it reads /proc.
 * The total is sampled, so a peak shorter than the interval can be missed.
 */
export class ServerMemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peak: ServerMemoryPeak = { totalBytes: 0, largestProcessBytes: 0, samples: 0 };
  /** Processes that existed when the window opened, whose VmHWM may predate it. */
  private olderProcesses = new Set<number>();

  constructor(
    private readonly postmasterPid: number,
    private readonly intervalMs = 200
  ) {}

  start(): void {
    this.olderProcesses = new Set([this.postmasterPid, ...childPids(this.postmasterPid)]);
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling and returns the peak since start(); the next start() opens a new window. */
  stop(): ServerMemoryPeak {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.sample();
    const result = this.peak;
    this.peak = { totalBytes: 0, largestProcessBytes: 0, samples: 0 };
    return result;
  }

  private sample(): void {
    const processes = [this.postmasterPid, ...childPids(this.postmasterPid)]
      .map(readProcessMemory)
      .filter((memory): memory is ProcessMemory => memory !== undefined);
    if (processes.length === 0) {
      return;
    }
    const total =
      processes.reduce((sum, memory) => sum + memory.anonymous, 0) +
      Math.max(...processes.map((memory) => memory.shared));
    this.peak.totalBytes = Math.max(this.peak.totalBytes, total);
    const largest = Math.max(
      ...processes.map((memory) => (this.olderProcesses.has(memory.pid) ? memory.resident : memory.peak))
    );
    this.peak.largestProcessBytes = Math.max(this.peak.largestProcessBytes, largest);
    this.peak.samples += 1;
  }
}

/** Reads the postmaster's process id from the first line of postmaster.pid in the cluster folder. */
export function readPostmasterPid(clusterDir: string): number {
  const pid = Number(readFileSync(`${clusterDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new Error(`${clusterDir}/postmaster.pid does not start with a process id`);
  }
  return pid;
}

function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return {
    pid,
    anonymous: kilobytes('RssAnon'),
    shared: kilobytes('RssShmem'),
    resident: kilobytes('VmRSS'),
    peak: kilobytes('VmHWM'),
  };
}
