// The flat-memory check (issue 3): a small training loop of 10,000 steps on
// neurone, sampling the resident set size and the V8 heap. Tensors are
// garbage-collected and whatever a backend keeps in WebAssembly memory must
// be reclaimed without user action, so after warm-up both stay flat.
import { lookupFirst } from './neurone.js';
import type { NeuroneEnv } from './types.js';

const MB = 1024 * 1024;

export interface MemoryResult {
  status: 'ok' | 'error';
  steps: number;
  /** What the loop trains and with which API (nn/optim, or raw ops while those are missing). */
  model: string;
  backend: string;
  ms: number;
  /** Samples from the end of warm-up (step `warmup`) on. */
  warmup: number;
  rss: { start: number; end: number; peak: number; growth: number };
  heap: { start: number; end: number; peak: number; growth: number };
  /** WebAssembly memory, external and ArrayBuffer bytes. */
  external: { start: number; end: number; peak: number };
  flat: boolean;
  samples: Array<{ step: number; rssMB: number; heapMB: number; externalMB: number }>;
  note?: string;
}

/** Least-squares growth (MB) over the sampled range. */
function fittedGrowth(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx === 0 ? 0 : (sxy / sxx) * (xs[n - 1]! - xs[0]!);
}

/** Limits for "flat": fitted growth after warm-up. */
export const FLAT_LIMITS = { rssMB: 24, heapMB: 8 };

/**
 * Trains for `steps` steps (fewer if `timeLimitMs` runs out first: --quick)
 * and samples memory from the end of warm-up (a tenth of the steps, at most
 * 1000) on.
 */
export function memoryCheck(env: NeuroneEnv, steps: number, timeLimitMs = Infinity): MemoryResult {
  const { core } = env;
  const B = 32;
  const D = 64;
  const H = 128;
  const C = 10;
  const x = core.randn([B, D]);
  const y = core.randint(0, C, [B]);
  const Linear = lookupFirst(env, ['core.nn.Linear']);
  const crossEntropy = lookupFirst(env, ['core.F.crossEntropy']);
  const SGD = lookupFirst(env, ['core.optim.SGD']);
  let step: () => void;
  let model: string;
  if (Linear && crossEntropy && SGD) {
    const l1 = new Linear(D, H);
    const l2 = new Linear(H, C);
    const opt = new SGD([...l1.parameters(), ...l2.parameters()], { lr: 0.01 });
    model = 'MLP 64-128-10, batch 32, F.crossEntropy, optim.SGD';
    step = () => {
      opt.zeroGrad();
      crossEntropy(l2.forward(l1.forward(x).relu()), y).backward();
      opt.step();
    };
  } else {
    // Raw ops until nn/F/optim land: the same maths, SGD by copy_ under noGrad.
    const w1 = core.randn([D, H]).mul(1 / Math.sqrt(D)).requiresGrad_();
    const w2 = core.randn([H, C]).mul(1 / Math.sqrt(H)).requiresGrad_();
    const params = [w1, w2];
    const idx = y.reshape([B, 1]);
    model = 'MLP 64-128-10, batch 32, raw ops (matmul, relu, logSoftmax, gather) + manual SGD (nn/F/optim not available yet)';
    step = () => {
      for (const p of params) p.grad = null;
      const logits = x.matmul(w1).relu().matmul(w2);
      logits.logSoftmax(1).gather(1, idx).mean().neg().backward();
      core.noGrad(() => {
        for (const p of params) p.copy_(p.sub(p.grad!.mul(0.01)));
      });
    };
  }

  const warmup = Math.min(1000, Math.floor(steps / 10));
  const every = Math.max(1, Math.floor(steps / 200));
  const samples: MemoryResult['samples'] = [];
  const t0 = performance.now();
  let done = 0;
  for (let i = 1; i <= steps; i++) {
    step();
    done = i;
    if (i % 100 === 0 && performance.now() - t0 > timeLimitMs && samples.length >= 10) break;
    if (i >= warmup && (i % every === 0 || i === warmup)) {
      const m = process.memoryUsage();
      samples.push({ step: i, rssMB: m.rss / MB, heapMB: m.heapUsed / MB, externalMB: (m.external + m.arrayBuffers) / MB });
    }
  }
  const ms = performance.now() - t0;
  const steps_ = samples.map((s) => s.step);
  const summary = (key: 'rssMB' | 'heapMB' | 'externalMB') => {
    const v = samples.map((s) => s[key]);
    return { start: v[0]!, end: v[v.length - 1]!, peak: Math.max(...v), growth: fittedGrowth(steps_, v) };
  };
  const rss = summary('rssMB');
  const heap = summary('heapMB');
  const ext = summary('externalMB');
  return {
    status: 'ok',
    steps: done,
    note: done < steps ? `stopped after ${done} of ${steps} steps: the --quick time limit of ${timeLimitMs / 1000} s` : undefined,
    model,
    backend: core.getBackend().name,
    ms,
    warmup,
    rss,
    heap,
    external: { start: ext.start, end: ext.end, peak: ext.peak },
    flat: rss.growth < FLAT_LIMITS.rssMB && heap.growth < FLAT_LIMITS.heapMB,
    samples,
  };
}
