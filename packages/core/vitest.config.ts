import { defineProject } from 'vitest/config';

// The core suite on the default backend (NEURONE_BACKEND chooses another).
// vitest.js.config.ts runs it again on the reference backend, and
// vitest.kernels.config.ts runs the kernel tests on one thread without relaxed SIMD.
export default defineProject({
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./asm/vitest-setup.mjs'],
  },
});
