import { afterEach, describe, expect, it } from 'vitest';
import { startStore } from './helpers';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

describe('store over HTTP', () => {
  it('earns points on checkout, spends them on a reward and takes them back on refund', async () => {
    const s = await startStore();
    stop = s.stop;
    const { call } = s;
    expect(
      (await call('POST', '/api/customers', { id: 'ada', name: 'Ada', email: 'ada@example.com' })).status,
    ).toBe(201);
    const { cartId } = (await call('POST', '/api/carts', { customerId: 'ada' })).body;
    await call('POST', `/api/carts/${cartId}/items`, { sku: 'teapot', quantity: 1 });
    await call('POST', `/api/carts/${cartId}/items`, { sku: 'sencha', quantity: 2 });
    const checkout = await call('POST', `/api/carts/${cartId}/checkout`);
    expect(checkout.status).toBe(201);
    expect(checkout.body.total).toEqual({ amount: '89', currency: 'EUR' }); // 64 + 2 × 12.50

    let account = (await call('GET', '/api/customers/ada/loyalty')).body;
    expect(account.balance).toMatchObject({ balance: 89, available: 89 });
    expect(account.tier.tier).toBe('silver');

    const redeem = await call('POST', '/api/rewards/redeem', {
      memberId: 'ada',
      rewardId: 'sample',
      requestId: 'r-1',
    });
    expect(redeem.status).toBe(200);
    expect(redeem.body).toMatchObject({ rewardId: 'sample', points: 50, balance: 39 });
    const twice = await call('POST', '/api/rewards/redeem', {
      memberId: 'ada',
      rewardId: 'five-off',
      requestId: 'r-2',
    });
    expect(twice.status).toBe(409); // 100 points needed, 39 available

    // refund one sencha (12.50 of 89 EUR): 12.50 × 89 / 89 = 12.5, rounded half up, so 13 points go back
    const refund = await call('POST', `/api/orders/${checkout.body.id}/refunds`, { amount: '12.50' });
    expect(refund.status).toBe(201);
    expect(refund.body.refunds).toHaveLength(1);
    account = (await call('GET', '/api/customers/ada/loyalty')).body;
    expect(account.balance).toMatchObject({ balance: 26, available: 26 });
  });

  it('rejects bad requests with typed errors', async () => {
    const s = await startStore();
    stop = s.stop;
    const { call } = s;
    expect((await call('POST', '/api/customers', { id: '' })).status).toBe(400);
    expect((await call('POST', '/api/carts', { customerId: 'nobody' })).status).toBe(404);
    await call('POST', '/api/customers', { id: 'bob' });
    const { cartId } = (await call('POST', '/api/carts', { customerId: 'bob' })).body;
    const bad = await call('POST', `/api/carts/${cartId}/items`, { sku: 'caviar', quantity: 1 });
    expect(bad).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION', message: 'invalid cart item: sku: unknown sku "caviar"' } },
    });
    expect((await call('POST', `/api/carts/${cartId}/checkout`)).status).toBe(400);
    expect((await call('POST', '/api/rewards/redeem', { memberId: 'bob' })).status).toBe(400);
    expect((await call('GET', '/api/nowhere')).status).toBe(404);
  });
});
