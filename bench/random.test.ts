import { percentile } from './outcome';
import { Random, ZipfSampler } from './random';

describe('Random', () => {
  test('repeats its sequence for one seed', () => {
    const first = new Random(42);
    const second = new Random(42);
    expect(Array.from({ length: 5 }, () => first.next())).toEqual(Array.from({ length: 5 }, () => second.next()));
  });

  test('integer stays within both bounds', () => {
    const random = new Random(1);
    const values = Array.from({ length: 1000 }, () => random.integer(3, 5));
    expect(Math.min(...values)).toBe(3);
    expect(Math.max(...values)).toBe(5);
  });

  test('sample returns distinct items', () => {
    const sample = new Random(1).sample([1, 2, 3, 4, 5], 5);
    expect([...sample].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('ZipfSampler', () => {
  test('draws the first rank most often', () => {
    const sampler = new ZipfSampler(50, 1.1);
    const random = new Random(9);
    const counts = new Array(50).fill(0);
    for (let i = 0; i < 5000; i++) {
      counts[sampler.draw(random)] += 1;
    }
    expect(counts[0]).toBe(Math.max(...counts));
    expect(counts[49]).toBeLessThan(counts[0] / 10);
  });
});

describe('percentile', () => {
  test('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
  });
});
