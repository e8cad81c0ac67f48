import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // core's extra configs run its suite on the js backend and its kernel tests on one thread without relaxed SIMD
    projects: ['packages/*', 'apps/*', 'packages/core/vitest.js.config.ts', 'packages/core/vitest.kernels.config.ts'],
  },
});
