import { bench } from 'vitest';
import { journeySteps, runCrmkit, sideBySide } from './journey';

// `npm run bench`: one million pure transitions on the customer-journey machine, side by side with
// XState v5's pure transition() on an equivalent machine and a hand-written switch (see journey.ts). The
// figures that count are the ones printed here: the same seeded sequence, every decision checked,
// interleaved rounds (a busy machine slows all alike), best and median rates and the ratio of each
// round. Under vitest, crmkit's sources go through vitest's module runner and run about a third slower
// than in plain Node (the switch and XState do not change): `npm run bench -w @crmkit/lifecycle` runs the
// same code in plain Node, the reference figures (see the README).
const steps = journeySteps(1_000_000);
console.log(sideBySide(steps));

// vitest's own table: crmkit alone (its hz × 1,000,000 is transitions per second).
bench('crmkit transition(), 1,000,000 steps of the customer journey', () => void runCrmkit(steps), {
  iterations: 5,
  time: 0,
});
