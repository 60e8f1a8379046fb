import { type Customer, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AccessUse,
  allowList,
  type Capability,
  CapabilityDeniedError,
  createTestHost,
  definePlugin,
  type PluginContext,
} from '../src/index';
import { SDK_RANGE } from './fixtures';

function probe(name: string, capabilities: Capability[]) {
  let ctx: PluginContext<undefined> | undefined;
  const seen: Partial<Customer>[] = [];
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    sdk: SDK_RANGE,
    capabilities,
    configSchema: z.undefined(),
    setup(c) {
      ctx = c;
      c.on('customer.created', (event) => void seen.push(event.data.customer));
    },
  });
  return { plugin, seen, ctx: () => ctx! };
}

const ada = {
  id: 'c1',
  name: 'Ada',
  email: 'ada@example.com',
  birthday: '1990-02-28',
  createdAt: '2026-01-01',
};

describe('capabilities', () => {
  it('a plugin without customers:pii sees customers without personal data, in reads and events', async () => {
    const plain = probe('plain', ['customers:read']);
    const pii = probe('pii', ['customers:read', 'customers:pii']);
    const host = await createTestHost({ plugins: [plain.plugin(), pii.plugin()] });
    await host.crm.recordCustomer(ada);

    expect(plain.seen[0]).not.toHaveProperty('email');
    expect(plain.seen[0]).not.toHaveProperty('name');
    expect(plain.seen[0]).not.toHaveProperty('birthday');
    expect(plain.seen[0]).toMatchObject({ id: 'c1', kind: 'person' });
    expect(pii.seen[0]).toMatchObject({ id: 'c1', email: 'ada@example.com', birthday: '1990-02-28' });

    expect(await plain.ctx().customers.get('c1')).not.toHaveProperty('email');
    expect((await pii.ctx().customers.get('c1'))?.email).toBe('ada@example.com');
  });

  it('refuses what was not declared, and what the host did not grant', async () => {
    const none = probe('none', []);
    const denied = probe('denied', ['orders:read', 'events:emit']);
    const host = await createTestHost({
      plugins: [none.plugin(), denied.plugin()],
      accessPolicy: allowList({ denied: ['orders:read'] }),
    });
    await expect(none.ctx().customers.get('c1')).rejects.toThrow(CapabilityDeniedError);
    await expect(none.ctx().orders.get('o1')).rejects.toThrow(
      'plugin "none" may not use "orders:read": the plugin did not declare it',
    );
    expect(await denied.ctx().orders.get('o1')).toBeUndefined();
    const error = await denied
      .ctx()
      .emit('customer.deleted', { customerId: 'c1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapabilityDeniedError);
    expect(error).toMatchObject({ code: 'CAPABILITY_DENIED', plugin: 'denied', capability: 'events:emit' });
    expect((error as Error).message).toContain('the host did not grant it');
    expect([...denied.ctx().capabilities]).toEqual(['orders:read']);
    expect(host.logger.entries).toContainEqual({
      level: 'warn',
      message: 'capability not granted',
      fields: {
        plugin: 'denied',
        capability: 'events:emit',
        reason: "not in the host's allow list for denied",
      },
    });
  });

  it('validates an allow list, naming the bad entry', () => {
    const error = (() => {
      try {
        allowList({ loyalty: ['customers:everything' as Capability] });
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues[0]?.path).toEqual(['loyalty']);
  });

  it('reports every use of a granted capability to the policy (an audit trail)', async () => {
    const uses: AccessUse[] = [];
    const pii = probe('pii', ['customers:read', 'customers:pii']);
    const host = await createTestHost({
      plugins: [pii.plugin()],
      accessPolicy: { decide: () => ({ granted: true }), record: (use) => void uses.push(use) },
    });
    await host.crm.recordCustomer(ada);
    await pii.ctx().customers.get('c1');
    expect(uses.map((u) => `${u.capability} ${u.operation} ${u.target}`)).toEqual([
      'customers:pii deliver customer.created evt-1',
      'customers:read customers.get c1',
      'customers:pii customers.read c1',
    ]);
  });

  it('gives each plugin its own storage namespace', async () => {
    const a = probe('a', []);
    const b = probe('b', []);
    const host = await createTestHost({ plugins: [a.plugin(), b.plugin()] });
    await a.ctx().storage.documents.put('settings', 'main', { n: 1 });
    await a
      .ctx()
      .storage.events.append('log', [{ id: 'x1', type: 't', data: 1, occurredAt: host.clock.now() }]);
    expect(await b.ctx().storage.documents.get('settings', 'main')).toBeUndefined();
    expect((await a.ctx().storage.documents.get('settings', 'main'))?.data).toEqual({ n: 1 });
    expect(await host.storage.documents.get('plugin.a.settings', 'main')).toBeDefined();
    const all = [];
    for await (const e of b.ctx().storage.events.readAll()) all.push(e);
    expect(all).toEqual([]);
    for await (const e of a.ctx().storage.events.readAll()) all.push(e.stream);
    expect(all).toEqual(['log']);
    await a.ctx().storage.withTransaction(async (tx) => {
      await tx.documents.put('settings', 'other', { n: 2 });
    });
    expect((await a.ctx().storage.documents.get('settings', 'other'))?.data).toEqual({ n: 2 });
  });
});
