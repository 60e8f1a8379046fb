// Lists the publishable @crmkit packages in dependency order (dependencies first).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function packagesInBuildOrder(root = process.cwd()) {
  const dir = join(root, 'packages');
  const pkgs = new Map();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    pkgs.set(json.name, { name: json.name, dir: join(dir, name), json });
  }
  const ordered = [];
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`dependency cycle: ${[...trail, name].join(' -> ')}`);
    state.set(name, 'visiting');
    const pkg = pkgs.get(name);
    const deps = { ...pkg.json.dependencies, ...pkg.json.peerDependencies, ...pkg.json.devDependencies };
    for (const dep of Object.keys(deps)) if (pkgs.has(dep)) visit(dep, [...trail, name]);
    state.set(name, 'done');
    ordered.push(pkg);
  };
  for (const name of [...pkgs.keys()].sort()) visit(name, []);
  return ordered;
}
