/** Number formats shared by the bench's Markdown reports. */

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-GB');
}

export function seconds(value: number): string {
  return value < 10 ? `${value.toFixed(2)} s` : `${value.toFixed(1)} s`;
}

export function milliseconds(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Binary units (1 MiB = 1,048,576 bytes), as pg_size_pretty and free -h use. */
export function bytes(value: number): string {
  if (value >= 1024 ** 3) {
    return `${(value / 1024 ** 3).toFixed(2)} GiB`;
  }
  if (value >= 1024 ** 2) {
    return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  }
  return `${(value / 1024).toFixed(0)} KiB`;
}
