// GEMM throughput of the built package's wasm backend (not a test): GFLOP/s
// for n x n x n products, median of repeated runs. Run after `pnpm build`:
//   node asm/bench-gemm.mjs [threads]        (NEURONE_WASM_RELAXED=0 for plain SIMD)
const { wasmBackend, setNumThreads, wasmInfo } = await import(process.env.NEURONE_DIST ?? '../dist/index.js');

const threads = Number(process.argv[2] ?? 1);
setNumThreads(threads);
const sizes = (process.argv[3] ?? '128,256,512,1024').split(',').map(Number);
const row = [];
for (const n of sizes) {
  const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const c = new Float32Array(n * n);
  const p = { batch: 1, m: n, n, k: n, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false };
  const reps = Math.max(2, Math.round(3e8 / (2 * n ** 3)));
  for (let i = 0; i < reps; i++) wasmBackend.matmul(a, b, c, p);
  const times = [];
  for (let r = 0; r < 9; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) wasmBackend.matmul(a, b, c, p);
    times.push((performance.now() - t) / reps);
  }
  times.sort((x, y) => x - y);
  row.push(`${n}: ${(2 * n ** 3 / times[4] / 1e6).toFixed(1)}`);
}
const info = wasmInfo();
console.log(`threads ${threads} relaxed ${info.relaxedSimd}  GFLOP/s  ${row.join('  ')}`);
