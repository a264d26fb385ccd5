import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { childPids, statFields } from './proc';

/** Processor time used during one window, in processor-seconds. */
export interface CpuUse {
  elapsedSeconds: number;
  /** Busy time of every processor of the machine. */
  machineSeconds: number;
  /** Busy time of this process, the postmaster and its children: the work being measured. */
  benchSeconds: number;
  /** The rest: other programs that competed with the bench for the processors. */
  otherSeconds: number;
}

/**
 * Measures how much processor time other programs used while the bench ran, so that a report
 * shows when a figure was taken on a busy machine. Linux only: it reads /proc/stat and
 * /proc/<pid>/stat.
 *
 * The bench's own time is the growth of utime + stime of each of its processes, sampled at a
 * fixed interval, so the last interval of a backend that exits is missed. Summing the
 * postmaster's cutime instead missed a whole backend in one 10,000-identity run, for a reason
 * not found.
 */
export class CpuContentionMeter {
  private readonly ticksPerSecond = readTicksPerSecond();
  private timer: NodeJS.Timeout | undefined;
  private startMachine = 0;
  private startTime = 0;
  /** Ticks of each process when it was first seen in the window, and when it was last seen. */
  private processes = new Map<number, { first: number; last: number }>();

  constructor(
    private readonly postmasterPid: number,
    private readonly intervalMs = 200
  ) {}

  start(): void {
    this.processes = new Map();
    this.startMachine = machineBusyTicks();
    this.startTime = Date.now();
    // Processes alive at the start count from their current ticks, later ones from zero.
    for (const pid of this.benchPids()) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) {
        this.processes.set(pid, { first: ticks, last: ticks });
      }
    }
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): CpuUse {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.sample();
    const machineSeconds = (machineBusyTicks() - this.startMachine) / this.ticksPerSecond;
    let benchTicks = 0;
    this.processes.forEach(({ first, last }) => {
      benchTicks += last - first;
    });
    const benchSeconds = benchTicks / this.ticksPerSecond;
    return {
      elapsedSeconds: (Date.now() - this.startTime) / 1000,
      machineSeconds,
      benchSeconds,
      otherSeconds: Math.max(0, machineSeconds - benchSeconds),
    };
  }

  private sample(): void {
    for (const pid of this.benchPids()) {
      const ticks = processTicks(pid);
      if (ticks === undefined) {
        continue;
      }
      const seen = this.processes.get(pid);
      if (seen) {
        seen.last = Math.max(seen.last, ticks);
      } else {
        this.processes.set(pid, { first: 0, last: ticks });
      }
    }
  }

  private benchPids(): number[] {
    return [process.pid, this.postmasterPid, ...childPids(this.postmasterPid)];
  }
}

/** Busy ticks of all processors: every field of the cpu line of /proc/stat except idle and iowait. */
function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), or undefined when it has exited. */
function processTicks(pid: number): number | undefined {
  const fields = statFields(pid);
  // statFields starts at field 3 (state), so field n is at index n - 3.
  return fields ? Number(fields[11]) + Number(fields[12]) : undefined;
}

function readTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    // USER_HZ is 100 on every mainstream Linux architecture.
    return 100;
  }
}
