/**
 * A seeded pseudo-random generator (Mulberry32: a 32-bit state advanced by a Weyl sequence and
 * mixed by two multiply-xorshift rounds), so one seed always yields the same organisation.
 * Statistical quality is enough for test data, not for anything secret.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Returns an integer in [min, max], both ends included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new Error('cannot pick from an empty list');
    }
    return items[Math.floor(this.next() * items.length)];
  }

  /** Up to count distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const result: T[] = [];
    while (result.length < count && pool.length > 0) {
      const index = Math.floor(this.next() * pool.length);
      result.push(pool[index]);
      pool[index] = pool[pool.length - 1];
      pool.pop();
    }
    return result;
  }

  /** A copy of items in a random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }

  /** Returns a GUID in the lower-case 8-4-4-4-12 form (version 4 layout) that Azure uses for object ids. */
  guid(): string {
    const hex = (length: number) => Array.from({ length }, () => Math.floor(this.next() * 16).toString(16)).join('');
    const variant = (8 + Math.floor(this.next() * 4)).toString(16);
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }

  /** A child generator whose sequence depends only on this generator's current state and the label. */
  fork(label: string): Random {
    let hash = this.state ^ 0x811c9dc5;
    for (let i = 0; i < label.length; i++) {
      hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
    }
    return new Random(hash);
  }
}

/**
 * Draws ranks 0..size-1 with probability proportional to 1 / (rank + 1)^exponent (Zipf's law),
 * the long-tailed popularity that policy attachments show in real organisations: a few policies
 * are attached everywhere, most only a few times.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(size: number, exponent: number) {
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let rank = 0; rank < size; rank++) {
      total += 1 / Math.pow(rank + 1, exponent);
      this.cumulative[rank] = total;
    }
  }

  draw(random: Random): number {
    const target = random.next() * this.cumulative[this.cumulative.length - 1];
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] <= target) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
