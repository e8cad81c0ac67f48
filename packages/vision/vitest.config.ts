import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.sources.js';

export default defineProject({
  resolve: { alias: sourceAliases('core') },
  test: {
    name: 'vision',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
