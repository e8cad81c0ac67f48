import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // test against core's sources, so that no build is needed while working
    alias: { '@neurone/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)) },
  },
  test: {
    name: 'vision',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
