// Checks every built package as a consumer sees it: publint (package.json and
// files) and @arethetypeswrong/cli (types resolve for ESM and CJS consumers under Node 16+
// resolution; node10 resolution cannot see subpath exports and crmkit needs Node 20).
import { execFileSync } from 'node:child_process';
import { packagesInBuildOrder } from './workspaces.mjs';

let failed = 0;
for (const pkg of packagesInBuildOrder()) {
  for (const [tool, args] of [
    ['publint', ['publint', '--strict', pkg.dir]],
    ['attw', ['attw', '--pack', pkg.dir, '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    console.log(`\n▶ ${tool} ${pkg.name}`);
    try {
      execFileSync('npx', ['--no-install', ...args], { stdio: 'inherit' });
    } catch {
      failed++;
    }
  }
}
if (failed > 0) {
  console.error(`\n${failed} package check(s) failed`);
  process.exit(1);
}
