import { defineConfig } from 'tsup';

export default defineConfig({
  // the package's entry and `@neurone/core/testing` (test helpers, kept out of the main bundle);
  // testing imports nothing at run time from the rest of core, so the two bundles share no chunk
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  splitting: false,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
});
