import { createMemoryStorage, ValidationError } from '@crmkit/core';
import { segmentByAttribute } from '@crmkit/segmentation';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import { stream } from './fixtures';

const customers = [
  {
    id: 'c1',
    attributes: { industry: 'retail', size: 'small', country: 'DE', region: 'Bavaria', employees: 8 },
  },
  {
    id: 'c2',
    attributes: { industry: 'retail', size: 'large', country: 'de', region: 'bavaria', employees: 900 },
  },
  {
    id: 'c3',
    attributes: { industry: 'mining', size: 'micro', country: 'DE', region: 'Saxony', employees: 49 },
  },
  { id: 'c4', attributes: { industry: 'software', country: 'FR', employees: 50 } },
  { id: 'c5', attributes: { employees: '12' } },
  { id: 'c6' },
];

const summary = (result: Awaited<ReturnType<typeof segmentByAttribute>>) => ({
  segments: Object.fromEntries(result.segments.map((s) => [s.name, s.customerIds])),
  unknown: result.unknown,
});

describe('segmentByAttribute', () => {
  it('one segment per value, unknown values reported', async () => {
    expect(summary(await segmentByAttribute(customers, { kind: 'values', attribute: 'industry' }))).toEqual({
      segments: { retail: ['c1', 'c2'], mining: ['c3'], software: ['c4'] },
      unknown: [
        { customerId: 'c5', reason: 'missing' },
        { customerId: 'c6', reason: 'missing' },
      ],
    });
  });

  it('expected values and groups: anything else is unexpected', async () => {
    expect(
      summary(
        await segmentByAttribute(customers, {
          kind: 'values',
          attribute: 'industry',
          values: ['retail', 'software', 'finance'],
        }),
      ),
    ).toEqual({
      segments: { retail: ['c1', 'c2'], software: ['c4'], finance: [] },
      unknown: [
        { customerId: 'c3', value: 'mining', reason: 'unexpected' },
        { customerId: 'c5', reason: 'missing' },
        { customerId: 'c6', reason: 'missing' },
      ],
    });
    const bySize = await segmentByAttribute(customers, {
      kind: 'values',
      attribute: 'size',
      groups: { SMB: ['micro', 'small'], enterprise: ['large'] },
    });
    expect(summary(bySize).segments).toEqual({ SMB: ['c1', 'c3'], enterprise: ['c2'] });
    expect(bySize.assignments.get('c3')).toBe('SMB');
  });

  it('numeric bins: below is exclusive; text is not a number', async () => {
    const result = await segmentByAttribute(customers, {
      kind: 'bins',
      attribute: 'employees',
      bins: [
        { name: 'micro', below: 10 },
        { name: 'small', below: 50 },
        { name: 'medium', below: 250 },
        { name: 'large' },
      ],
    });
    expect(summary(result)).toEqual({
      segments: { micro: ['c1'], small: ['c3'], medium: ['c4'], large: ['c2'] },
      unknown: [
        { customerId: 'c5', value: '12', reason: 'not-a-number' },
        { customerId: 'c6', reason: 'missing' },
      ],
    });
  });

  it('local / domestic / international, case-insensitively, from a stream', async () => {
    const result = await segmentByAttribute(stream(customers), {
      kind: 'region',
      home: { country: 'DE', region: 'Bavaria' },
    });
    expect(summary(result)).toEqual({
      segments: { local: ['c1', 'c2'], domestic: ['c3'], international: ['c4'] },
      unknown: [
        { customerId: 'c5', reason: 'missing' },
        { customerId: 'c6', reason: 'missing' },
      ],
    });
  });

  it('accounts for every generated customer streamed from storage', { timeout: 30_000 }, async () => {
    const { customers: inputs } = generateDataset({ customers: 500, seed: 3, interactions: false });
    const storage = createMemoryStorage();
    await storage.customers.createMany(inputs);
    const result = await segmentByAttribute(storage.customers.list(), {
      kind: 'values',
      attribute: 'region',
    });
    const placed = result.segments.reduce((n, s) => n + s.count, 0);
    expect(placed + result.unknown.length).toBe(500);
    expect(result.assignments.size).toBe(placed);
    expect(result.segments.length).toBeGreaterThan(1);
  });

  it('handles no customers', async () => {
    expect(
      summary(
        await segmentByAttribute([], {
          kind: 'region',
          home: { country: 'DE', city: 'Munich' },
          localBy: 'city',
        }),
      ),
    ).toEqual({
      segments: { local: [], domestic: [], international: [] },
      unknown: [],
    });
  });

  it('rejects bad specs with paths', async () => {
    const paths = async (spec: unknown) => {
      try {
        await segmentByAttribute([], spec as never);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    expect(
      await paths({
        kind: 'bins',
        attribute: 'n',
        bins: [{ name: 'a', below: 5 }, { name: 'b', below: 3 }, { name: 'c' }],
      }),
    ).toEqual(['bins.1.below']);
    expect(await paths({ kind: 'region', home: { country: 'DE' } })).toEqual(['home.region']);
    expect(await paths({ kind: 'values', attribute: 'size', groups: { a: ['x'], b: ['x'] } })).toEqual([
      'groups.b.0',
    ]);
    expect(await paths({ kind: 'colour' })).toEqual(['kind']);
    await expect(
      segmentByAttribute([{ nope: 1 } as never], { kind: 'values', attribute: 'x' }),
    ).rejects.toMatchObject({
      issues: [{ path: [0, 'id'] }],
    });
  });
});
