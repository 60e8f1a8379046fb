import { createMemoryStorage, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, builtInRoles, createAccessGuard, isProtectedStorage } from '../src/index';
import { actors, ada, collect, setup } from './fixtures';

describe('what the host (plugin-sdk) builds on', () => {
  it('recognises a protected storage and each of its views', async () => {
    const { crm, admin } = setup();
    expect(isProtectedStorage(crm)).toBe(true);
    expect(isProtectedStorage(admin)).toBe(true);
    expect(await crm.withTransaction(async (tx) => isProtectedStorage(tx))).toBe(true);
    expect(isProtectedStorage(createMemoryStorage())).toBe(false);
    expect(isProtectedStorage(null)).toBe(false);
    expect(isProtectedStorage({ ...crm })).toBe(false);
  });

  it('the plugin role reads every class, sensitive fields plain only with pii.read declared and granted', () => {
    const guard = createAccessGuard();
    expect(builtInRoles['plugin']?.fields).toEqual({
      public: { read: 'plain', write: false },
      internal: { read: 'plain', write: false },
      sensitive: { read: 'plain', write: false },
    });
    const plugin = (declared: 'pii.read'[], granted: 'pii.read'[]) => ({
      id: 'plugin:x',
      kind: 'plugin' as const,
      roles: ['plugin'],
      declared,
      granted,
    });
    expect(guard.fieldPermission(plugin(['pii.read'], ['pii.read']), 'sensitive').read).toBe('plain');
    expect(guard.fieldPermission(plugin(['pii.read'], []), 'sensitive').read).toBe('masked');
    expect(guard.fieldPermission(plugin([], ['pii.read']), 'sensitive').read).toBe('masked');
    expect(guard.fieldPermission(plugin([], []), 'internal')).toEqual({ read: 'plain', write: false });
  });

  it('authorizeFields checks a field class for the host and audits a denial', async () => {
    const { crm, admin } = setup();
    await crm.customers.create(ada);
    const analyst = crm.withAccess(actors.analyst);
    await analyst.authorizeFields('internal', 'read', { action: 'customer.stats', customerId: 'c1' });
    await crm.authorizeFields('internal', 'write');

    const error = await analyst
      .authorizeFields('internal', 'write', { action: 'order.create', customerId: 'c1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({
      code: 'ACCESS_DENIED',
      actorId: 'u-analyst',
      action: 'order.create',
      message: 'u-analyst may not order.create: no write access to internal fields',
    });
    await expect(crm.withAccess(actors.nobody).authorizeFields('public', 'read')).rejects.toMatchObject({
      action: 'fields.read',
    });
    await expect(analyst.authorizeFields('secret' as never, 'read')).rejects.toBeInstanceOf(ValidationError);
    await expect(analyst.authorizeFields('internal', 'delete' as never)).rejects.toBeInstanceOf(
      ValidationError,
    );

    const denied = (await collect(admin.audit.query())).filter((r) => r.outcome === 'denied');
    expect(denied.map((r) => [r.actorId, r.action, r.customerId ?? null, r.reason])).toEqual([
      ['u-analyst', 'order.create', 'c1', 'no write access to internal fields'],
      ['u-nobody', 'fields.read', null, 'no read access to public fields'],
    ]);
  });

  it('recordDenial writes a denial the host decided, without throwing, even inside a transaction', async () => {
    const { crm, admin } = setup();
    const plugin = crm.withAccess({ id: 'plugin:mailer', kind: 'plugin', roles: ['plugin'] });
    await plugin.recordDenial('customers.get', 'needs capability customers:read', { customerId: 'c1' });
    await expect(
      plugin.withTransaction(async (tx) => {
        await tx.recordDenial('events.emit', 'needs capability events:emit', { fields: [] });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await expect(plugin.recordDenial('', 'why')).rejects.toBeInstanceOf(ValidationError);

    const records = await collect(admin.audit.query({ actorId: 'plugin:mailer' }));
    expect(records.map((r) => [r.action, r.outcome, r.actorKind, r.customerId ?? null, r.reason])).toEqual([
      ['customers.get', 'denied', 'plugin', 'c1', 'needs capability customers:read'],
      ['events.emit', 'denied', 'plugin', null, 'needs capability events:emit'],
    ]);
    expect((await admin.audit.verify()).valid).toBe(true);
  });
});
