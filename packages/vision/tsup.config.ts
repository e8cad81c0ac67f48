import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // the published .d.ts refers to @neurone/core's own types (tsconfig's path is for working on the sources)
  dts: { compilerOptions: { paths: {}, rootDir: '.' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  // import.meta.url in the CJS build (mnist.ts loads the mnist package with createRequire)
  shims: true,
  external: ['@neurone/core', '@napi-rs/canvas', 'mnist'],
});
