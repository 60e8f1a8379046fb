import { EventEmitter } from 'node:events';
import { createManualClock, sequentialIds } from '@crmkit/core';
import { bench, describe } from 'vitest';
import { z } from 'zod';
import { type Crm, createCrm, definePlugin } from '../src/index';
import { SDK_RANGE } from '../test/fixtures';

declare module '@crmkit/core' {
  interface DomainEventMap {
    'bench.ping': { n: number };
  }
}

// Event dispatch throughput: the crmkit host (durable outbox in the in-memory storage, per-plugin
// cursors, ordering per customer, retries) against a plain node:events EventEmitter (in-process,
// no persistence, no isolation), each delivering EVENTS events for 50 customers to 3 handlers.
// Both must deliver every event to every handler; the run fails loudly otherwise.
const EVENTS = 1000;
const HANDLERS = 3;

let received = 0;
const sink = definePlugin({
  name: 'sink',
  version: '1.0.0',
  sdk: SDK_RANGE,
  configSchema: z.number().int(),
  setup(ctx) {
    ctx.on('bench.ping', () => {
      received++;
    });
  },
});

async function host(delivery: 'inline' | 'manual'): Promise<Crm> {
  return createCrm({
    clock: createManualClock('2026-01-01T00:00:00Z'),
    ids: sequentialIds('evt'),
    delivery,
    plugins: Array.from({ length: HANDLERS }, (_, i) =>
      definePlugin({ ...sink.definition, name: `sink-${i}` })(i),
    ),
  });
}

async function runHost(delivery: 'inline' | 'manual'): Promise<void> {
  received = 0;
  const crm = await host(delivery);
  for (let n = 0; n < EVENTS; n++) await crm.emit('bench.ping', { n }, { customerId: `c${n % 50}` });
  if (delivery === 'manual') await crm.drain();
  if (received !== EVENTS * HANDLERS) throw new Error(`host delivered ${received} of ${EVENTS * HANDLERS}`);
}

function runEmitter(): void {
  let got = 0;
  const emitter = new EventEmitter();
  for (let i = 0; i < HANDLERS; i++) emitter.on('bench.ping', () => void got++);
  for (let n = 0; n < EVENTS; n++)
    emitter.emit('bench.ping', { id: `evt-${n}`, customerId: `c${n % 50}`, data: { n } });
  if (got !== EVENTS * HANDLERS) throw new Error(`emitter delivered ${got}`);
}

// One timed run of each, printed as events per second and as ratios, before vitest's own figures.
async function timed(run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return EVENTS / (Number(process.hrtime.bigint() - start) / 1e9);
}
await runHost('inline'); // warm-up
const inline = await timed(() => runHost('inline'));
const batched = await timed(() => runHost('manual'));
const emitter = await timed(runEmitter);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
console.log(
  [
    `dispatch of ${EVENTS} events to ${HANDLERS} handlers:`,
    `  crmkit host, inline delivery: ${fmt(inline)} events/s`,
    `  crmkit host, manual + drain:  ${fmt(batched)} events/s`,
    `  node:events EventEmitter:     ${fmt(emitter)} events/s`,
    `  EventEmitter / host inline = ${(emitter / inline).toFixed(0)}x; host manual / host inline = ${(batched / inline).toFixed(2)}x`,
  ].join('\n'),
);

describe(`dispatch ${EVENTS} events to ${HANDLERS} handlers`, () => {
  bench('crmkit host (durable outbox, inline delivery)', () => runHost('inline'), { iterations: 5, time: 0 });
  bench('crmkit host (durable outbox, manual + drain)', () => runHost('manual'), { iterations: 5, time: 0 });
  bench('node:events EventEmitter (in-process only)', runEmitter, { iterations: 50, time: 0 });
});
