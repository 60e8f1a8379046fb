import {
  type Clock,
  type IdGenerator,
  isCrmError,
  NotFoundError,
  type Order,
  ValidationError,
} from '@crmkit/core';
import { type Crm, createCrm, loyaltyPlugin } from '@crmkit/plugin-sdk';
import { loyaltyProgram, type Product, products } from './catalog';

type Cart = { customerId: string; lines: Map<string, number> };

/** The store: a catalogue, carts in memory, and the CRM host with the loyalty plugin. */
export interface Store {
  readonly crm: Crm;
  readonly products: readonly Product[];
  createCart(customerId: string): Promise<string>;
  addToCart(cartId: string, sku: string, quantity: number): { sku: string; quantity: number }[];
  checkout(cartId: string): Promise<Order>;
  refund(orderId: string, amount?: string): Promise<Order>;
}

/** Starts the store on a clock (inject a manual clock in tests). */
export async function createStore(options: { clock: Clock; ids: IdGenerator }): Promise<Store> {
  const crm = await createCrm({
    clock: options.clock,
    ids: options.ids,
    plugins: [loyaltyPlugin({ program: loyaltyProgram, earnOn: 'paid' })],
  });
  const carts = new Map<string, Cart>();
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const cartOf = (cartId: string) => {
    const cart = carts.get(cartId);
    if (!cart) throw new NotFoundError('cart', cartId);
    return cart;
  };

  return {
    crm,
    products,
    async createCart(customerId) {
      if ((await crm.storage.customers.get(customerId)) === undefined)
        throw new NotFoundError('customer', customerId);
      const id = `cart-${options.ids()}`;
      carts.set(id, { customerId, lines: new Map() });
      return id;
    },
    addToCart(cartId, sku, quantity) {
      const cart = cartOf(cartId);
      if (!bySku.has(sku))
        throw new ValidationError('cart item', [
          { path: ['sku'], message: `unknown sku ${JSON.stringify(sku)}`, code: 'custom' },
        ]);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
        throw new ValidationError('cart item', [
          { path: ['quantity'], message: 'must be a whole number from 1 to 99', code: 'custom' },
        ]);
      }
      cart.lines.set(sku, (cart.lines.get(sku) ?? 0) + quantity);
      return [...cart.lines].map(([s, q]) => ({ sku: s, quantity: q }));
    },
    async checkout(cartId) {
      const cart = cartOf(cartId);
      if (cart.lines.size === 0)
        throw new ValidationError('checkout', [
          { path: ['lines'], message: 'the cart is empty', code: 'custom' },
        ]);
      const order = await crm.recordOrder({
        id: `order-${options.ids()}`,
        customerId: cart.customerId,
        placedAt: options.clock.now(),
        currency: 'EUR',
        status: 'paid', // the payment step of a real store would confirm this
        channel: 'web',
        lines: [...cart.lines].map(([sku, quantity]) => {
          const p = bySku.get(sku)!;
          return { sku, name: p.name, category: p.category, quantity, unitPrice: p.price };
        }),
      });
      carts.delete(cartId);
      return order;
    },
    async refund(orderId, amount) {
      const order = (await crm.storage.orders.get(orderId))?.value;
      if (!order) throw new NotFoundError('order', orderId);
      const refunded = order.refunds.reduce((sum, r) => sum.plus(r.amount), order.total.minus(order.total));
      return crm.recordRefund(orderId, {
        id: `refund-${order.refunds.length + 1}`,
        refundedAt: options.clock.now(),
        amount: amount ?? order.total.minus(refunded).amount.toString(),
      });
    },
  };
}

/** Maps crmkit errors to HTTP statuses. */
export function statusOf(error: unknown): number {
  if (!isCrmError(error)) return 500;
  if (error.code === 'VALIDATION') return 400;
  if (error.code === 'NOT_FOUND' || error.code.startsWith('UNKNOWN_')) return 404;
  return 409;
}
