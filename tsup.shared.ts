import { defineConfig, type Options } from 'tsup';

/**
 * The one build every crmkit package shares: ESM + CJS + type declarations,
 * resolving sibling packages through node_modules (their built `dist`), so a
 * package never bundles another's code.
 */
export function packageBuild(entry: Record<string, string> = { index: 'src/index.ts' }, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { composite: false } },
    tsconfig: '../../tsconfig.build.json',
    clean: true,
    sourcemap: true,
    treeshake: true,
    target: 'node20',
    splitting: false,
    ...extra,
  });
}
