import type { LoyaltyPluginConfig } from '@crmkit/plugin-sdk';

/** A product of the store; prices are decimal strings in EUR (never floats). */
export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: string;
}

/** The store's products. */
export const products: readonly Product[] = [
  { sku: 'sencha', name: 'Sencha green tea, 100 g', category: 'tea', price: '12.50' },
  { sku: 'assam', name: 'Assam black tea, 250 g', category: 'tea', price: '18.00' },
  { sku: 'teapot', name: 'Cast-iron teapot', category: 'ware', price: '64.00' },
  { sku: 'cups', name: 'Two porcelain cups', category: 'ware', price: '24.00' },
];

/** The loyalty programme of the store: its whole configuration. */
export const loyaltyProgram: LoyaltyPluginConfig['program'] = {
  id: 'tea-club',
  earning: {
    rates: [{ currency: 'EUR', points: 1 }],
    rules: [
      {
        id: 'birthday',
        label: 'Birthday: double points',
        when: { fact: 'customer.birthday', op: 'sameDayOfYear', value: { fact: 'order.placedAt' } },
        multiplier: 2,
      },
      {
        id: 'member-day',
        label: 'Member day (the 8th): +50 points',
        when: { fact: 'order.placedAt', op: 'dayOfMonth', value: 8 },
        bonus: 50,
      },
    ],
  },
  tiers: {
    metric: 'points',
    window: { kind: 'rolling', months: 12 },
    levels: [
      { id: 'silver', name: 'Silver', threshold: 0 },
      {
        id: 'gold',
        name: 'Gold',
        threshold: 500,
        benefits: { earnMultiplier: 1.5, perks: ['free shipping'] },
      },
      {
        id: 'diamond',
        name: 'Diamond',
        threshold: 2000,
        benefits: { earnMultiplier: 2, perks: ['priority service'] },
      },
    ],
  },
  rewards: [
    { id: 'sample', name: 'Tea sample box', reward: { type: 'gift', sku: 'sample' }, cost: 50 },
    {
      id: 'five-off',
      name: '5 EUR off',
      reward: { type: 'discount', amount: { amount: '5', currency: 'EUR' } },
      cost: 100,
    },
  ],
};
