import { describe, expect, it } from 'vitest';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceEvent,
  conformanceInteraction,
  conformanceOrder,
} from './fixtures';
import { collect, type Harness, rejectsWith } from './harness';

type Issue = { path: (string | number)[] };
const paths = (error: Record<string, unknown>) => (error['issues'] as Issue[]).map((i) => i.path.join('.'));

/** Bad input is rejected with a ValidationError naming the field, and nothing is written. */
export function validationTests(h: Harness): void {
  describe('bad input', () => {
    it('every repository rejects bad creates and updates, naming the field', async () => {
      const s = h.storage();
      expect(
        paths(
          await rejectsWith(s.customers.create({ ...conformanceCustomer(1), email: 'nope' }), 'VALIDATION'),
        ),
      ).toEqual(['email']);
      expect(
        paths(
          await rejectsWith(
            s.orders.create({ ...conformanceOrder(1, 'c1', 0), currency: 'EURO' }),
            'VALIDATION',
          ),
        ),
      ).toEqual(['currency']);
      expect(
        paths(
          await rejectsWith(
            s.interactions.create({ ...conformanceInteraction(3, 'c1', 0), nps: 11 } as never),
            'VALIDATION',
          ),
        ),
      ).toEqual(['nps']);
      expect(
        paths(
          await rejectsWith(
            s.campaigns.create({ ...conformanceCampaign(1), spend: { amount: '-1', currency: 'EUR' } }),
            'VALIDATION',
          ),
        ),
      ).toEqual(['spend']);
      await s.customers.create(conformanceCustomer(1));
      expect(
        paths(
          await rejectsWith(
            s.customers.update(
              'c000001',
              { ...conformanceCustomer(1), createdAt: 'soon' },
              { expectedVersion: 1 },
            ),
            'VALIDATION',
          ),
        ),
      ).toEqual(['createdAt']);
      await rejectsWith(
        s.customers.update('c000001', conformanceCustomer(1), { expectedVersion: 0 }),
        'VALIDATION',
      );
      await rejectsWith(s.customers.create(conformanceCustomer(2), { idempotencyKey: '' }), 'VALIDATION');
      expect(await s.customers.count()).toBe(1);
      expect((await s.customers.get('c000001'))!.version).toBe(1);
      expect(await s.orders.count()).toBe(0);
      expect(await s.interactions.count()).toBe(0);
      expect(await s.campaigns.count()).toBe(0);
    });

    it('createMany with one bad row writes nothing and names the row', async () => {
      const s = h.storage();
      const rows = [1, 2, 3, 4].map((n) => conformanceOrder(n, 'c000001', n));
      const bad = [...rows.slice(0, 2), { ...rows[2]!, lines: [] }, rows[3]!];
      const error = await rejectsWith(s.orders.createMany(bad), 'VALIDATION');
      expect(paths(error)).toEqual(['2.lines']);
      expect(await s.orders.count()).toBe(0);
    });

    it('createMany with a duplicate id writes nothing', async () => {
      const s = h.storage();
      await s.orders.create(conformanceOrder(3, 'c000001', 0));
      await rejectsWith(
        s.orders.createMany([1, 2, 3].map((n) => conformanceOrder(n, 'c000001', n))),
        'ALREADY_EXISTS',
      );
      expect(await s.orders.count()).toBe(1);
      await rejectsWith(
        s.customers.createMany([conformanceCustomer(1), conformanceCustomer(1)]),
        'ALREADY_EXISTS',
      );
      expect(await s.customers.count()).toBe(0);
    });

    it('an event batch with one bad event appends nothing', async () => {
      const s = h.storage();
      const error = await rejectsWith(
        s.events.append('s', [
          conformanceEvent(1),
          { ...conformanceEvent(2), data: { when: new Date() } } as never,
        ]),
        'VALIDATION',
      );
      expect(paths(error)[0]).toMatch(/^1\.data/);
      await rejectsWith(
        s.events.append('s', [conformanceEvent(1), { ...conformanceEvent(2), type: '' }]),
        'VALIDATION',
      );
      await rejectsWith(s.events.append('s', []), 'VALIDATION');
      await rejectsWith(s.events.append('', [conformanceEvent(1)]), 'VALIDATION');
      await rejectsWith(s.events.append('s', [conformanceEvent(1), conformanceEvent(1)]), 'ALREADY_EXISTS');
      expect(await collect(s.events.read('s'))).toEqual([]);
      await s.events.append('s', [conformanceEvent(1)]);
      await rejectsWith(s.events.append('t', [conformanceEvent(2), conformanceEvent(1)]), 'ALREADY_EXISTS');
      expect(await s.events.lastSequence('t')).toBe(0);
    });

    it('documents reject data that is not JSON and bad names', async () => {
      const s = h.storage();
      await rejectsWith(s.documents.put('c', 'd', { at: new Date() } as never), 'VALIDATION');
      await rejectsWith(s.documents.put('c', 'd', { n: Number.NaN }), 'VALIDATION');
      await rejectsWith(s.documents.put('', 'd', {}), 'VALIDATION');
      await rejectsWith(s.documents.put('c', '', {}), 'VALIDATION');
      await rejectsWith(s.documents.put('c', 'd', {}, { expectedVersion: 0 }), 'VALIDATION');
      expect(await collect(s.documents.list('c'))).toEqual([]);
    });
  });
}
