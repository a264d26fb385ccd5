import { ActionCatalogue, type CatalogueAction } from './action-catalogue';
import { sampleOf, samplePolicies, seededRandom, selectActions } from './sampling';

const catalogue = new ActionCatalogue(
  Array.from({ length: 40 }, (_, index): CatalogueAction => {
    const service = index < 20 ? 's3' : 'ec2';
    return { action: `${service}:Action${String(index).padStart(2, '0')}`, service, resourceTypes: [], arnFormats: [] };
  })
);

describe('seededRandom', () => {
  test('repeats its sequence for the same seed', () => {
    const first = seededRandom('seed-a');
    const second = seededRandom('seed-a');
    const values = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(values);
  });

  test('gives other sequences for other seeds', () => {
    const first = seededRandom('seed-a');
    const second = seededRandom('seed-b');
    expect(Array.from({ length: 5 }, () => first())).not.toEqual(Array.from({ length: 5 }, () => second()));
  });

  test('returns unsigned 32-bit integers', () => {
    const next = seededRandom('range');
    const values = Array.from({ length: 1000 }, () => next());
    expect(values.every((value) => Number.isInteger(value))).toBe(true);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(2 ** 32);
  });
});

describe('sampleOf', () => {
  const items = Array.from({ length: 100 }, (_, index) => `item-${index}`);

  test('draws distinct items of the input', () => {
    const sample = sampleOf(items, 30, 'seed');
    expect(sample).toHaveLength(30);
    expect(new Set(sample).size).toBe(30);
    expect(sample.every((item) => items.includes(item))).toBe(true);
  });

  test('is the same for the same seed', () => {
    expect(sampleOf(items, 10, 'seed')).toEqual(sampleOf(items, 10, 'seed'));
    expect(sampleOf(items, 10, 'seed')).not.toEqual(sampleOf(items, 10, 'other seed'));
  });

  test('returns everything when asked for more than there is', () => {
    expect(sampleOf(items, 500, 'seed')).toEqual([...items].sort());
  });
});

describe('selectActions', () => {
  test('takes the named actions and a sample of the rest', () => {
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:Action0*', Resource: '*' }] };
    const selection = selectActions('Policy', document, catalogue, { seed: 'seed', sampledActions: 5 });

    const named = [...selection].filter(([, reason]) => reason === 'named').map(([action]) => action);
    const sampled = [...selection].filter(([, reason]) => reason === 'sampled').map(([action]) => action);
    expect(named).toHaveLength(10);
    expect(sampled).toHaveLength(5);
    expect(sampled.some((action) => action.startsWith('s3:Action0'))).toBe(false);
  });

  test('takes every action a NotAction statement reaches', () => {
    const document = { Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }] };
    const selection = selectActions('Policy', document, catalogue, { seed: 'seed', sampledActions: 5 });

    expect(selection.size).toBe(40);
    expect([...selection.values()].filter((reason) => reason === 'not-action-complement')).toHaveLength(20);
  });

  test('caps named and complement actions when asked', () => {
    const document = { Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }] };
    const selection = selectActions('Policy', document, catalogue, { seed: 'seed', sampledActions: 5, maxNamedActions: 3, maxComplementActions: 4 });

    expect([...selection.values()].filter((reason) => reason === 'named')).toHaveLength(3);
    expect([...selection.values()].filter((reason) => reason === 'not-action-complement')).toHaveLength(4);
  });
});

describe('samplePolicies', () => {
  const policies = Array.from({ length: 50 }, (_, index) => ({ name: `Policy${String(index).padStart(2, '0')}` }));

  test('keeps the required policies and fills up to the count', () => {
    const sample = samplePolicies(policies, 10, 'seed', ['Policy07', 'Policy42']);
    expect(sample).toHaveLength(10);
    expect(sample.map((policy) => policy.name)).toEqual(expect.arrayContaining(['Policy07', 'Policy42']));
    expect(new Set(sample.map((policy) => policy.name)).size).toBe(10);
  });

  test('rejects a required policy that does not exist', () => {
    expect(() => samplePolicies(policies, 10, 'seed', ['NoSuchPolicy'])).toThrow('the required policies NoSuchPolicy are not among the 50 policies');
  });
});
