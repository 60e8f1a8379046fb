// The side-by-side benchmark in plain Node, the reference figures (see the README's Performance section):
//   npm run bench -w @crmkit/rules                         (from the repository root)
//   node --cpu-prof --import tsx packages/rules/bench/run.ts   (to profile)
import { sideBySide } from './earning-rules';

console.log(await sideBySide());
