// The thread pool with more threads than cores and tasks that use some of the
// workers and not others, in quick succession: every result must match the
// reference backend (a worker must never run a stale or half-written task).
import { afterAll, describe, expect, it } from 'vitest';
import { getNumThreads, jsBackend, setNumThreads, wasmBackend } from '../../src/index.js';
import type { MatmulParams } from '../../src/backend/backend.js';
import { wasmInfo } from '../../src/backend/wasm/index.js';
import { random } from './random.js';

// before the first kernel, so that the backend reserves workspaces for 4 threads
const initialThreads = getNumThreads();
setNumThreads(4);
afterAll(() => setNumThreads(initialThreads));

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('wasm thread pool', () => {
  it('runs tasks for 2, 3 and 4 threads back to back', { timeout: 120000 }, () => {
    const a = random(96 * 256, 1);
    const b = random(256 * 96, 2);
    const p: MatmulParams = { batch: 1, m: 96, n: 96, k: 256, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false };
    const want = new Float32Array(96 * 96);
    jsBackend.matmul(a, b, want, p);
    const x = random(3 * 20000, 3);
    const sWant = new Float32Array(x.length);
    jsBackend.softmax(x, 3, 20000, 1, sWant, false);
    const x2 = random(2 * 20000, 4);
    const tWant = new Float32Array(x2.length);
    jsBackend.unary('sigmoid', x2, tWant);
    for (let round = 0; round < 30; round++) {
      const c = new Float32Array(96 * 96);
      wasmBackend.matmul(a, b, c, p); // 4 tasks (rows split)
      const s = new Float32Array(x.length);
      wasmBackend.softmax(x, 3, 20000, 1, s, false); // 3 tasks (one per row)
      const t = new Float32Array(x2.length);
      wasmBackend.softmax(x2, 2, 20000, 1, t, true); // 2 tasks
      expect(maxDiff(c, want)).toBeLessThan(1e-4);
      expect(maxDiff(s, sWant)).toBeLessThan(1e-7);
      expect(t.every(Number.isFinite)).toBe(true);
    }
    expect(wasmInfo().workers).toBe(3);
    const u = new Float32Array(x2.length);
    wasmBackend.unary('sigmoid', x2, u);
    expect(maxDiff(u, tWant)).toBeLessThan(1e-6);
  });
});
