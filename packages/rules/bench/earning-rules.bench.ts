import { bench, describe } from 'vitest';
import { crmkitRun, peerRun, sideBySide } from './earning-rules';

// Under vitest the sources go through its module runner and crmkit runs markedly slower than as users run
// it (each imported binding becomes a getter call); `npm run bench -w @crmkit/rules` runs the same
// side-by-side in plain Node (run.ts) — the reference figures in the README.
console.log(await sideBySide());

describe('5-rule earning set, 100k orders', () => {
  bench('crmkit compileRuleSet + evaluateRules', crmkitRun, { iterations: 5, time: 0 });
  bench('json-rules-engine (peer)', peerRun, { iterations: 1, time: 0 });
});
