// Builds every package with tsup, dependencies first, failing on the first error.
import { execFileSync } from 'node:child_process';
import { packagesInBuildOrder } from './workspaces.mjs';

for (const pkg of packagesInBuildOrder()) {
  console.log(`\n▶ build ${pkg.name}`);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: pkg.dir, stdio: 'inherit' });
}
