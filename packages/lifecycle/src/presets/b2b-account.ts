import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { createMachine, type Machine } from '../machine';

/**
 * Options of {@link b2bAccount}: the grace period after `context.contractEndsAt` before an account that
 * did not renew counts as churned.
 *
 * @example
 * ```ts
 * B2bAccountOptionsSchema.parse({ graceDays: 14 });
 * ```
 */
export const B2bAccountOptionsSchema = z
  .object({ graceDays: z.number().positive().finite().default(30) })
  .strict();

/**
 * Input of {@link b2bAccount}.
 *
 * @example
 * ```ts
 * const o: B2bAccountOptions = { graceDays: 45 };
 * ```
 */
export type B2bAccountOptions = z.input<typeof B2bAccountOptionsSchema>;

/**
 * The B2B account definition as JSON (see {@link b2bAccount}).
 *
 * @example
 * ```ts
 * Object.keys(b2bAccountDefinition().states); // ['intent', 'signed', 'churned', 'lost']
 * ```
 */
export function b2bAccountDefinition(options: B2bAccountOptions = {}) {
  const o = parseWith(B2bAccountOptionsSchema, 'B2B account options', options);
  return {
    id: 'b2b-account',
    description: 'B2B accounts: intent → signed → churned, with renewal and win-back',
    initial: 'intent',
    events: {
      'contract.signed': { description: 'a contract was signed; context holds contractEndsAt' },
      'contract.renewed': { description: 'the contract was renewed; context holds the new contractEndsAt' },
      'contract.cancelled': { description: 'the customer cancelled' },
      'deal.lost': { description: 'the prospect decided against signing' },
    },
    effects: {
      'account.onboard': { description: 'onboard a newly signed account' },
      'account.renewed': { description: 'record a renewal' },
      'account.churned': { description: 'alert the account owner; start win-back' },
    },
    states: {
      intent: {
        description: 'an interested organisation, no contract yet',
        on: { 'contract.signed': { target: 'signed' }, 'deal.lost': { target: 'lost' } },
      },
      signed: {
        description: 'under contract',
        entry: ['account.onboard'],
        on: {
          'contract.renewed': { effects: ['account.renewed'], description: 'renewed: stays signed' },
          'contract.cancelled': { target: 'churned' },
        },
        after: [
          {
            id: 'notRenewed',
            after: { days: o.graceDays },
            from: 'context.contractEndsAt',
            when: { fact: 'context.contractEndsAt', op: 'exists' },
            target: 'churned',
            description: `contract ended ${o.graceDays} days ago without renewal`,
          },
        ],
      },
      churned: {
        description: 'no longer under contract',
        entry: ['account.churned'],
        on: { 'contract.signed': { target: 'signed', description: 'won back' } },
      },
      lost: { description: 'never signed', final: true },
    },
  } as const;
}

/**
 * B2B accounts, ready to use: intent → signed (`contract.signed`) → churned (`contract.cancelled`, or
 * `graceDays` after `context.contractEndsAt` without renewal); `contract.renewed` keeps the account signed
 * (effect `account.renewed`; send the new `contractEndsAt` in the context); a churned account can sign
 * again; an intent can be lost for good (`deal.lost`).
 *
 * @example
 * ```ts
 * const b2b = b2bAccount();
 * transition(b2b, 'signed', { type: 'contract.renewed' }, { contractEndsAt: '2027-12-31' }).effects[0]?.type; // 'account.renewed'
 * ```
 */
export function b2bAccount(
  options: B2bAccountOptions = {},
): Machine<
  'intent' | 'signed' | 'churned' | 'lost',
  'contract.signed' | 'contract.renewed' | 'contract.cancelled' | 'deal.lost'
> {
  return createMachine(b2bAccountDefinition(options));
}
