import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
// Every workspace with a package.json: the packages and the runnable examples.
const workspaces = ['packages', 'examples'].flatMap((group) =>
  readdirSync(new URL(`./${group}`, import.meta.url))
    .filter((name) => existsSync(new URL(`./${group}/${name}/package.json`, import.meta.url)))
    .map((name) => ({ name: group === 'packages' ? name : `example-${name}`, dir: `${group}/${name}` })),
);

// Tests and benches import every @crmkit package from its source, so `npm test`
// never depends on a previous build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@crmkit\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
      { find: /^@crmkit\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    projects: workspaces.map(({ name, dir }) => ({
      extends: true,
      test: {
        name,
        root: `${root}${dir}`,
        include: ['test/**/*.test.ts'],
        benchmark: { include: ['bench/**/*.bench.ts'] },
        // Examples run whole programs (a store, a browser): give them room on a shared machine.
        ...(dir.startsWith('examples/') ? { testTimeout: 30_000, hookTimeout: 30_000 } : {}),
      },
    })),
  },
});
