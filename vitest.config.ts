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
        // A timeout catches a hung test, not a slow one: property tests of thousands of runs take seconds,
        // and several times that on a shared machine under load, so 5 s (vitest's default) made them flaky.
        // Examples run whole programs (a store, a browser) and get more.
        ...(dir.startsWith('examples/')
          ? { testTimeout: 60_000, hookTimeout: 60_000 }
          : { testTimeout: 30_000, hookTimeout: 30_000 }),
      },
    })),
  },
});
