// GEMM: C = A @ B, float32, on random normal operands; the building block of
// every dense and (through im2col) convolutional layer.
import type { Workload } from '../types.js';

/** M x K times K x N. */
function gemm(m: number, k: number, n: number, id: string, title: string, quickSkip?: Workload['quickSkip']): Workload {
  return {
    quickSkip,
    id,
    title,
    spec: `float32 matmul (${m}x${k}) @ (${k}x${n}), forward only`,
    flops: 2 * m * k * n,
    // Issue 3: square GEMM at n >= 256 reaches at least 2.5x tfjs-wasm's GFLOP/s.
    target: m === k && k === n && n >= 256 ? { kind: 'gflops-vs-wasm', factor: 2.5 } : undefined,
    neurone({ core }) {
      const a = core.randn([m, k]);
      const b = core.randn([k, n]);
      return { step: () => void core.matmul(a, b) };
    },
    tfjs({ tf }) {
      const a = tf.randomNormal([m, k]);
      const b = tf.randomNormal([k, n]);
      return {
        step: () => {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

export const workloads: Workload[] = [
  gemm(128, 128, 128, 'gemm-128', 'GEMM 128'),
  gemm(256, 256, 256, 'gemm-256', 'GEMM 256'),
  gemm(512, 512, 512, 'gemm-512', 'GEMM 512'),
  gemm(1024, 1024, 1024, 'gemm-1024', 'GEMM 1024', { 'tfjs-cpu': '~2.7 s/step at 0.8 GFLOP/s on this machine' }),
  gemm(32, 512, 1024, 'gemm-32x512x1024', 'GEMM 32x512x1024'),
];
