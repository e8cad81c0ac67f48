import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineProject({
  resolve: {
    // the packages' public entries, from their sources, so that no build is needed while working
    alias: {
      '@neurone/core': src('../../packages/core/src/index.ts'),
      '@neurone/vision': src('../../packages/vision/src/index.ts'),
      '@neurone/sequence': src('../../packages/sequence/src/index.ts'),
    },
  },
  test: {
    name: 'handwriting',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
