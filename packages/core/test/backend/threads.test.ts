// The wasm backend's thread pool and selection: results independent of the
// thread count, workers actually used for large work, and the built package
// (ESM and CJS) loading the kernels and exiting normally with workers parked.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NeuroneError, getNumThreads, listBackends, setNumThreads, wasmBackend } from '../../src/index.js';
import { wasmInfo } from '../../src/backend/wasm/index.js';
import type { MatmulParams } from '../../src/backend/backend.js';
import { random } from './random.js';

const initialThreads = getNumThreads();
afterAll(() => setNumThreads(initialThreads));

describe('wasm backend threads', () => {
  it('follows NEURONE_WASM_RELAXED and NEURONE_THREADS', () => {
    if (process.env.NEURONE_WASM_RELAXED === '0') expect(wasmInfo().relaxedSimd).toBe(false);
    if (process.env.NEURONE_THREADS) expect(initialThreads).toBe(Number(process.env.NEURONE_THREADS));
  });

  it('is registered and setNumThreads checks its argument', () => {
    expect(listBackends()).toContain('wasm');
    expect(() => setNumThreads(0)).toThrow(/setNumThreads: expected a positive integer, got 0/);
    expect(() => setNumThreads(1.5)).toThrow(NeuroneError);
  });

  it('gives the same GEMM and softmax bits on one thread and on two', () => {
    const [m, n, k] = [301, 263, 257];
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const p: MatmulParams = { batch: 1, m, n, k, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: false };
    const x = random(200 * 300, 3);
    const outs: Float32Array[] = [];
    for (const t of [1, 2]) {
      setNumThreads(t);
      const c = new Float32Array(m * n);
      wasmBackend.matmul(a, b, c, p);
      // a wide one splits over columns
      const c2 = new Float32Array(40 * 900);
      wasmBackend.matmul(random(40 * 300, 4), random(300 * 900, 5), c2, { ...p, m: 40, n: 900, k: 300, transB: false });
      const s = new Float32Array(x.length);
      wasmBackend.softmax(x, 200, 300, 1, s, false);
      // a tall one whose threads share B's panels across several row blocks (KC) and column blocks (NC)
      const c3 = new Float32Array(2056 * 2050);
      wasmBackend.matmul(random(2056 * 260, 8), random(260 * 2050, 9), c3, { ...p, m: 2056, n: 2050, k: 260, transB: false });
      outs.push(c, c2, s, c3);
    }
    for (let i = 0; i < 4; i++) expect(outs[i]!.every((v, j) => Object.is(v, outs[i + 4]![j]))).toBe(true);
  });

  it.runIf(initialThreads > 1)('starts worker threads for large work', () => {
    setNumThreads(2);
    const n = 256;
    wasmBackend.matmul(random(n * n, 6), random(n * n, 7), new Float32Array(n * n), {
      batch: 1, m: n, n, k: n, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false,
    });
    expect(wasmInfo().workers).toBeGreaterThanOrEqual(1);
  });
});

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const script = (load: string): string => `
${load}
const t0 = Date.now();
core.setNumThreads(2);
const a = core.randn([384, 384]);
const c = core.matmul(a, a).sum().item();
if (!Number.isFinite(c)) throw new Error('bad result');
const info = core.wasmInfo();
console.log(JSON.stringify({ backend: core.getBackend().name, ...info }));
`;

// the built package is what users load; `pnpm test` builds it first
describe.runIf(existsSync(`${dist}index.js`) && existsSync(`${dist}index.cjs`))('built package', { timeout: 90000 }, () => {
  for (const [kind, load, args] of [
    ['ESM', `import * as core from ${JSON.stringify(`${dist}index.js`)};`, ['--input-type=module']],
    ['CJS', `const core = require(${JSON.stringify(`${dist}index.cjs`)});`, []],
  ] as const) {
    it(`${kind}: loads the kernels, uses the pool, and the process exits by itself`, () => {
      const r = spawnSync(process.execPath, [...args, '-e', script(load)], {
        encoding: 'utf8', timeout: 60000, env: { ...process.env, NEURONE_BACKEND: '', NEURONE_THREADS: '' },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const info = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(info.backend).toBe('wasm');
      expect(info.workers).toBeGreaterThanOrEqual(1);
    });
  }

  it('NEURONE_BACKEND chooses the backend and rejects unknown names', () => {
    const load = `const core = require(${JSON.stringify(`${dist}index.cjs`)}); console.log(core.getBackend().name);`;
    const js = spawnSync(process.execPath, ['-e', load], { encoding: 'utf8', env: { ...process.env, NEURONE_BACKEND: 'js' } });
    expect(js.stdout.trim()).toBe('js');
    const bad = spawnSync(process.execPath, ['-e', load], { encoding: 'utf8', env: { ...process.env, NEURONE_BACKEND: 'gpu' } });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("NEURONE_BACKEND: unknown backend 'gpu'");
  });
});
