/** A measurement, or the reason it could not be taken: the report prints reasons, never invented figures. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export function measured<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function missing<T>(reason: string): Outcome<T> {
  return { ok: false, reason };
}

/** Nearest-rank percentile of values (p in 0..100); values need not be sorted. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    throw new Error('percentile of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
