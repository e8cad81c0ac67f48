// Resident operands (Backend.resident): a GEMM reading a resident copy gives
// what it gives with the operand copied in, the copy is a snapshot, and
// releasing in any order leaves later calls correct.
import { describe, expect, it } from 'vitest';
import { Generator, jsBackend, wasmBackend, wasmInfo, type MatmulParams } from '../../src/index.js';

const gen = new Generator(3);
const rand = (n: number) => Float32Array.from({ length: n }, () => gen.normal());

function gemm(a: Float32Array, b: Float32Array, m: number, n: number, k: number, extra: Partial<MatmulParams> = {}): Float32Array {
  const out = new Float32Array(m * n);
  wasmBackend.matmul(a, b, out, { batch: 1, m, n, k, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: false, ...extra });
  return out;
}

describe('resident operands on the wasm backend', () => {
  const [m, n, k] = [37, 129, 70];
  const a = rand(m * k);
  const w = rand(n * k);
  const want = gemm(a, w, m, n, k);

  it('a GEMM reading a resident B equals one that copies B in, and the js reference', () => {
    const h = wasmBackend.resident!(w)!;
    expect(h.length).toBe(w.length);
    expect(Array.from(gemm(a, w, m, n, k, { residentB: h }))).toEqual(Array.from(want));
    const ref = new Float32Array(m * n);
    jsBackend.matmul(a, w, ref, { batch: 1, m, n, k, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: false });
    for (let i = 0; i < ref.length; i++) expect(Math.abs(ref[i]! - want[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[i]!)));
    wasmBackend.release!(h);
  });

  it('is a snapshot: later writes to the array are not seen, and a released handle is ignored', () => {
    const w2 = Float32Array.from(w);
    const h = wasmBackend.resident!(w2)!;
    w2.fill(0);
    expect(Array.from(gemm(a, w2, m, n, k, { residentB: h }))).toEqual(Array.from(want));
    wasmBackend.release!(h);
    expect(gemm(a, w2, m, n, k, { residentB: h }).every((v) => v === 0)).toBe(true);
  });

  it('survives releases out of order, with other kernels running in between', () => {
    const before = wasmInfo().memoryBytes;
    const ws = [rand(n * k), rand(n * k), rand(n * k)];
    const hs = ws.map((x) => wasmBackend.resident!(x)!);
    const wants = ws.map((x) => gemm(a, x, m, n, k));
    wasmBackend.release!(hs[1]!);
    expect(Array.from(gemm(a, ws[0]!, m, n, k, { residentB: hs[0] }))).toEqual(Array.from(wants[0]!));
    expect(Array.from(gemm(a, ws[2]!, m, n, k, { residentB: hs[2] }))).toEqual(Array.from(wants[2]!));
    wasmBackend.release!(hs[2]!);
    expect(Array.from(gemm(a, ws[0]!, m, n, k, { residentB: hs[0] }))).toEqual(Array.from(wants[0]!));
    wasmBackend.release!(hs[0]!);
    wasmBackend.release!(hs[0]!); // twice is harmless
    // everything freed: pinning again reuses the same memory (20 leaks of 32 MB would grow it by 640 MB)
    const big = new Float32Array(8 << 20);
    for (let i = 0; i < 20; i++) wasmBackend.release!(wasmBackend.resident!(big)!);
    expect(wasmInfo().memoryBytes).toBeLessThan(before + 2 * big.byteLength);
  });

  it('ignores a handle of another size, and the js backend has none', () => {
    const h = wasmBackend.resident!(rand(10))!;
    expect(Array.from(gemm(a, w, m, n, k, { residentB: h }))).toEqual(Array.from(want));
    wasmBackend.release!(h);
    expect(jsBackend.resident).toBeUndefined();
    expect(wasmBackend.resident!(new Float64Array(4))).toBeNull();
  });
});
