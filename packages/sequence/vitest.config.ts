import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // run against core's sources, so tests never depend on a stale or half-built dist
    alias: { '@neurone/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)) },
  },
  test: {
    name: 'sequence',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
