// The side-by-side benchmark in plain Node, the reference figures (see the README's Performance section):
//   npm run bench -w @crmkit/lifecycle                     (from the repository root)
//   node --cpu-prof --import tsx packages/lifecycle/bench/run.ts   (to profile)
// Under vitest (`npm run bench` at the root), crmkit's sources go through vitest's module runner and run
// about a third slower; the switch and XState (loaded natively from node_modules) run as fast either way.
import { journeySteps, sideBySide } from './journey';

console.log(sideBySide(journeySteps(1_000_000)));
