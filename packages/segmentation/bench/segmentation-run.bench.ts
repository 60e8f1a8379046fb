import { bench, describe } from 'vitest';
import { crmkitRun, generateOrders, naiveRfm } from './fixture';
import { fullRun } from './full-run';

// Under vitest the sources go through its module runner (each imported binding a getter call), which makes
// hot loops slower than as users run the library; `npm run bench -w @crmkit/segmentation` runs the same in
// plain Node (run.ts) — the reference figures in the README.
console.log(await fullRun());

// vitest's own table, on a smaller sample so that the bench stays short
const SAMPLE = 10_000;
const sample = generateOrders(SAMPLE);
describe(`segmentation run, ${SAMPLE.toLocaleString('en-US')} customers`, () => {
  const options = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 };
  bench('crmkit runSegmentation (streamed)', async () => void (await crmkitRun(sample)), options);
  bench('baseline: naive RFM (materialise + sort)', async () => void (await naiveRfm(sample)), options);
});
