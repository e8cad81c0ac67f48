import { defineProject } from 'vitest/config';

// The core suite on the reference (js) backend; the kernel tests compare both backends anyway.
export default defineProject({
  test: {
    name: 'core (js backend)',
    include: ['test/**/*.test.ts'],
    exclude: ['test/backend/**'],
    env: { NEURONE_BACKEND: 'js' },
    globalSetup: ['./asm/vitest-setup.mjs'],
  },
});
