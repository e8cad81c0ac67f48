import { defineProject } from 'vitest/config';

// Tested through the package entries (dist) of @neurone/core, vision and
// sequence: build them once with
// `npx -y pnpm@10 --filter @neurone/core --filter @neurone/vision --filter @neurone/sequence build`.
export default defineProject({
  test: {
    name: 'captioning',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
