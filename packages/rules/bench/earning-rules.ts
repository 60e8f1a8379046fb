import { createSeededRandom } from '@crmkit/core';
import { Engine } from 'json-rules-engine';
import { compileRuleSet, evaluateRules } from '../src/index';

// The data and runs of the rules benchmark, shared by the vitest bench and the plain-Node run (run.ts):
// a 5-rule loyalty earning set evaluated over 100k varied orders, by crmkit and by its peer
// json-rules-engine, on the same rules and facts. Before timing, both must make the same decision on
// every order; the run fails loudly otherwise.
const ORDERS = 100_000;
const random = createSeededRandom('earning-bench');
const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)]!;
const facts = Array.from({ length: ORDERS }, () => {
  const month = 1 + Math.floor(random.next() * 12);
  return {
    order: {
      total: Math.round(random.next() * 30_000) / 100,
      category: pick(['tea', 'cups', 'gifts', 'snacks']),
      channel: pick(['web', 'app', 'store']),
      placedAt: `2026-${String(month).padStart(2, '0')}-15T10:00:00Z`,
    },
    customer: {
      tier: pick(['none', 'silver', 'gold', 'diamond']),
      birthday: `19${50 + Math.floor(random.next() * 50)}-${String(1 + Math.floor(random.next() * 12)).padStart(2, '0')}-10`,
      orderCount: Math.floor(random.next() * 4),
    },
  };
});

const crmkitSet = compileRuleSet({
  rules: [
    {
      id: 'big-order-gold',
      priority: 5,
      when: {
        all: [
          { fact: 'order.total', op: 'gte', value: 100 },
          { fact: 'customer.tier', op: 'in', value: ['gold', 'diamond'] },
        ],
      },
    },
    { id: 'tea-bonus', priority: 4, when: { fact: 'order.category', op: 'eq', value: 'tea' } },
    {
      id: 'app-or-birthday-month',
      priority: 3,
      when: {
        any: [
          { fact: 'order.channel', op: 'eq', value: 'app' },
          { fact: 'customer.birthday', op: 'sameMonth', value: { fact: 'order.placedAt' } },
        ],
      },
    },
    { id: 'first-order', priority: 2, when: { fact: 'customer.orderCount', op: 'eq', value: 0 } },
    { id: 'not-below-minimum', priority: 1, when: { not: { fact: 'order.total', op: 'lt', value: 10 } } },
  ],
});

const engine = new Engine([], { allowUndefinedFacts: true });
const month = (iso: unknown) => (typeof iso === 'string' ? Number(iso.slice(5, 7)) : Number.NaN);
engine.addOperator('sameMonth', (a: unknown, b: unknown) => month(a) === month(b));
const rule = (name: string, priority: number, conditions: object) =>
  engine.addRule({ name, priority, conditions, event: { type: name } } as never);
rule('big-order-gold', 5, {
  all: [
    { fact: 'order', path: '$.total', operator: 'greaterThanInclusive', value: 100 },
    { fact: 'customer', path: '$.tier', operator: 'in', value: ['gold', 'diamond'] },
  ],
});
rule('tea-bonus', 4, { all: [{ fact: 'order', path: '$.category', operator: 'equal', value: 'tea' }] });
rule('app-or-birthday-month', 3, {
  any: [
    { fact: 'order', path: '$.channel', operator: 'equal', value: 'app' },
    {
      fact: 'customer',
      path: '$.birthday',
      operator: 'sameMonth',
      value: { fact: 'order', path: '$.placedAt' },
    },
  ],
});
rule('first-order', 2, { all: [{ fact: 'customer', path: '$.orderCount', operator: 'equal', value: 0 }] });
rule('not-below-minimum', 1, { not: { fact: 'order', path: '$.total', operator: 'lessThan', value: 10 } });

const crmkitDecision = (f: unknown) =>
  evaluateRules(crmkitSet, f)
    .map((r) => r.id)
    .sort()
    .join(',');
const peerDecision = async (f: object) =>
  (await engine.run(f)).events
    .map((e) => e.type)
    .sort()
    .join(',');

/** Checks that both make the same decision on every order; returns how many rules fired. */
export async function checkAgreement(): Promise<number> {
  let fired = 0;
  for (const f of facts) {
    const [ours, theirs] = [crmkitDecision(f), await peerDecision(f)];
    if (ours !== theirs)
      throw new Error(
        `decisions differ on ${JSON.stringify(f)}: crmkit [${ours}] vs json-rules-engine [${theirs}]`,
      );
    fired += ours === '' ? 0 : ours.split(',').length;
  }
  return fired;
}

async function throughput(run: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await run();
  return ORDERS / ((performance.now() - start) / 1000);
}
/** One pass of crmkit over the orders. */
export const crmkitRun = () => {
  for (let i = 0; i < ORDERS; i++) evaluateRules(crmkitSet, facts[i]);
};
/** One pass of json-rules-engine over the orders. */
export const peerRun = async () => {
  for (let i = 0; i < ORDERS; i++) await engine.run(facts[i]!);
};
/** Agreement, then steady-state throughput of both, as printed lines. */
export async function sideBySide(): Promise<string> {
  const fired = await checkAgreement();
  // steady state: warm up for ten passes (the JIT compiles the closures along the way), then the median of
  // nine passes; the peer, a hundred times slower, gets one warm-up pass and one timed pass
  for (let i = 0; i < 10; i++) await throughput(crmkitRun);
  const passes: number[] = [];
  for (let i = 0; i < 9; i++) passes.push(await throughput(crmkitRun));
  passes.sort((a, b) => a - b);
  const ours = passes[4]!;
  await throughput(peerRun);
  const theirs = await throughput(peerRun);
  return [
    `same decisions on all ${ORDERS.toLocaleString('en-US')} orders (${fired.toLocaleString('en-US')} rules fired)`,
    `crmkit rules:      ${Math.round(ours).toLocaleString('en-US')} orders/s (5 rules each; median of 9 passes, best ${Math.round(passes[8]!).toLocaleString('en-US')})`,
    `json-rules-engine: ${Math.round(theirs).toLocaleString('en-US')} orders/s`,
    `ratio:             ${(ours / theirs).toFixed(0)}×`,
  ].join('\n');
}
