import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.sources.js';

export default defineProject({
  resolve: { alias: sourceAliases('core', 'vision') },
  test: {
    name: 'generative',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
