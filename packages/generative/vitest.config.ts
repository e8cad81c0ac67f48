import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // test against the dependencies' sources, so that no build is needed while working
    alias: {
      '@neurone/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
      '@neurone/vision': fileURLToPath(new URL('../vision/src/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'generative',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
