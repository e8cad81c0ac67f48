// GEMM throughput of the built package's wasm backend (a measuring script, not
// a test): GFLOP/s of n x n x n float32 products, median of repeated runs,
// by wall clock and (one thread) by process CPU time, which a busy machine
// disturbs less. Run after `pnpm build`:
//   node asm/bench-gemm.mjs [threads] [sizes]    (NEURONE_WASM_RELAXED=0: plain SIMD)
const { wasmBackend, setNumThreads, wasmInfo } = await import(process.env.NEURONE_DIST ?? '../dist/index.js');

const threads = Number(process.argv[2] ?? 1);
setNumThreads(threads);
const sizes = (process.argv[3] ?? '128,256,512,1024').split(',').map(Number);
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
const row = [];
for (const n of sizes) {
  const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const c = new Float32Array(n * n);
  const p = { batch: 1, m: n, n, k: n, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false };
  const reps = Math.max(2, Math.round(4e8 / (2 * n ** 3)));
  for (let i = 0; i < reps; i++) wasmBackend.matmul(a, b, c, p);
  const wall = [];
  const cpu = [];
  for (let r = 0; r < 9; r++) {
    const t = performance.now();
    const u = cpuMs();
    for (let i = 0; i < reps; i++) wasmBackend.matmul(a, b, c, p);
    wall.push((performance.now() - t) / reps);
    cpu.push((cpuMs() - u) / reps);
  }
  const gf = (ms) => (2 * n ** 3 / ms / 1e6).toFixed(1);
  row.push(`${n}: ${gf(median(wall))}${threads === 1 ? ` (cpu ${gf(median(cpu))})` : ''}`);
}
const info = wasmInfo();
console.log(`threads ${threads} (workers ${info.workers}) relaxed ${info.relaxedSimd}  GFLOP/s  ${row.join('  ')}`);
