import { defineProject } from 'vitest/config';

// The app is tested through @neurone/core's and @neurone/sequence's package
// entries (their dist), as a user of those packages would run it: `pnpm test`
// builds them first; inside this folder, build them once with
// `npx -y pnpm@10 --filter @neurone/core --filter @neurone/sequence build`.
export default defineProject({
  test: {
    name: 'textgen',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
