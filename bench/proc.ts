import { readdirSync, readFileSync } from 'node:fs';

/** Readers of the Linux /proc file system (proc(5)), shared by the memory and processor meters. */

/** Fields 3 onwards of /proc/<pid>/stat, or undefined when the process has exited. */
export function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in field 2 may contain spaces and parentheses, so split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Process ids whose parent is parentPid. */
export function childPids(parentPid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    // Field 4 (ppid) is at index 1 of statFields.
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === parentPid) {
      children.push(Number(entry));
    }
  }
  return children;
}
