import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // the published .d.ts refers to the dependencies' own types (tsconfig's paths are for working on the sources)
  dts: { compilerOptions: { paths: {}, rootDir: '.' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  external: ['@neurone/core', '@neurone/vision'],
});
