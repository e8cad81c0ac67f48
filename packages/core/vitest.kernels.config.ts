import { defineProject } from 'vitest/config';

// The backend kernel tests (and the convolution kernels') with one thread and without relaxed SIMD (plain SIMD128 kernels).
export default defineProject({
  test: {
    name: 'core kernels (1 thread, no relaxed SIMD)',
    include: ['test/backend/**/*.test.ts', 'test/conv/kernels.test.ts'],
    env: { NEURONE_BACKEND: 'wasm', NEURONE_THREADS: '1', NEURONE_WASM_RELAXED: '0' },
    globalSetup: ['./asm/vitest-setup.mjs'],
  },
});
