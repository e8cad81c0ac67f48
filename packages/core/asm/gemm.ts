// Single-precision GEMM: C = op(A) @ op(B) (+ C), BLIS-style. B is packed into
// panels of 8 columns x KC, A into panels of 4 rows x KC (MC rows per block),
// and a 4x8 register tile (8 f32x4 accumulators: V8 has 16 xmm registers) runs
// over the packed panels. Panels are zero-padded, so remainder tiles run the
// same inner loop and only their write-back is partial. An A reused across
// calls or threads can be packed once (packABatch) and passed with transA =
// PACKED; threads that split C's rows can share B's panels (sgemmSharedB).
import { madd, transpose4 } from './simd';

export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;
/** The transA flag of an A already packed whole by packABatch. */
export const PACKED: i32 = 2;

/** Bytes of workspace one thread's GEMM needs: packed A block, packed B panel, a tile. */
export function gemmWorkspaceBytes(): i32 {
  return (MC * KC + KC * NC + 32) * 4;
}

/** Packs rows i0..i0+mc, columns p0..p0+kc of op(A) into 4-row panels laid out [panel][p][r]. */
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const ldaB = <usize>lda << 2;
  for (let ir = 0; ir < mc; ir += 4) {
    const rows = min(4, mc - ir);
    const d = dst + ((<usize>ir * kc) << 2);
    if (!transA) {
      // A(i, l) at a[i * lda + l]
      const src = a + ((<usize>(i0 + ir) * lda + p0) << 2);
      if (rows == 4) {
        let p = 0;
        for (; p + 4 <= kc; p += 4) transpose4(src + (<usize>p << 2), ldaB, d + (<usize>p << 4), 16);
        for (; p < kc; p++) {
          const s = src + (<usize>p << 2);
          const o = d + (<usize>p << 4);
          store<f32>(o, load<f32>(s));
          store<f32>(o, load<f32>(s + ldaB), 4);
          store<f32>(o, load<f32>(s + 2 * ldaB), 8);
          store<f32>(o, load<f32>(s + 3 * ldaB), 12);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = d + (<usize>p << 4);
          for (let r = 0; r < 4; r++) {
            store<f32>(o + (<usize>r << 2), r < rows ? load<f32>(src + <usize>r * ldaB + (<usize>p << 2)) : 0);
          }
        }
      }
    } else {
      // A(i, l) at a[l * lda + i]
      const src = a + ((<usize>p0 * lda + i0 + ir) << 2);
      if (rows == 4) {
        for (let p = 0; p < kc; p++) v128.store(d + (<usize>p << 4), v128.load(src + <usize>p * ldaB));
      } else {
        for (let p = 0; p < kc; p++) {
          const o = d + (<usize>p << 4);
          const s = src + <usize>p * ldaB;
          for (let r = 0; r < 4; r++) store<f32>(o + (<usize>r << 2), r < rows ? load<f32>(s + (<usize>r << 2)) : 0);
        }
      }
    }
  }
}

/** Packs rows p0..p0+kc, columns j0..j0+nc of op(B) into 8-column panels laid out [panel][p][c]. */
function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const ldbB = <usize>ldb << 2;
  for (let jr = 0; jr < nc; jr += 8) {
    const cols = min(8, nc - jr);
    const d = dst + ((<usize>jr * kc) << 2);
    if (!transB) {
      // B(l, j) at b[l * ldb + j]
      const src = b + ((<usize>p0 * ldb + j0 + jr) << 2);
      if (cols == 8) {
        for (let p = 0; p < kc; p++) {
          const s = src + <usize>p * ldbB;
          const o = d + (<usize>p << 5);
          v128.store(o, v128.load(s));
          v128.store(o, v128.load(s, 16), 16);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = src + <usize>p * ldbB;
          const o = d + (<usize>p << 5);
          for (let c = 0; c < 8; c++) store<f32>(o + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>c << 2)) : 0);
        }
      }
    } else {
      // B(l, j) at b[j * ldb + l]
      const src = b + ((<usize>(j0 + jr) * ldb + p0) << 2);
      if (cols == 8) {
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          transpose4(src + (<usize>p << 2), ldbB, d + (<usize>p << 5), 32);
          transpose4(src + 4 * ldbB + (<usize>p << 2), ldbB, d + (<usize>p << 5) + 16, 32);
        }
        for (; p < kc; p++) {
          const o = d + (<usize>p << 5);
          for (let c = 0; c < 8; c++) store<f32>(o + (<usize>c << 2), load<f32>(src + <usize>c * ldbB + (<usize>p << 2)));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = d + (<usize>p << 5);
          for (let c = 0; c < 8; c++) {
            store<f32>(o + (<usize>c << 2), c < cols ? load<f32>(src + <usize>c * ldbB + (<usize>p << 2)) : 0);
          }
        }
      }
    }
  }
}

/** The 4x8 register tile over kc packed steps; writes (or adds, when beta) rows x cols of it to C. */
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldcB: usize, rows: i32, cols: i32, beta: bool, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += 16;
    bp += 32;
  }
  if (rows == 4 && cols == 8) {
    if (beta) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + ldcB)); c11 = f32x4.add(c11, v128.load(c + ldcB, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * ldcB)); c21 = f32x4.add(c21, v128.load(c + 2 * ldcB, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * ldcB)); c31 = f32x4.add(c31, v128.load(c + 3 * ldcB, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + ldcB, c10); v128.store(c + ldcB, c11, 16);
    v128.store(c + 2 * ldcB, c20); v128.store(c + 2 * ldcB, c21, 16);
    v128.store(c + 3 * ldcB, c30); v128.store(c + 3 * ldcB, c31, 16);
    return;
  }
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ldcB;
    const t = tmp + (<usize>r << 5);
    for (let j = 0; j < cols; j++) {
      const o = row + (<usize>j << 2);
      const v = load<f32>(t + (<usize>j << 2));
      store<f32>(o, beta ? load<f32>(o) + v : v);
    }
  }
}

/**
 * C (m x n, row stride ldc) = op(A) @ op(B), plus C when accumulate. op(A) is
 * m x k: A stored (m, lda) or, transposed, (k, lda), or packed (transA =
 * PACKED, lda = m rounded up to 4). op(B) is k x n: B stored (k, ldb) or,
 * transposed, (n, ldb). Pointers are byte offsets; ws is a workspace of
 * gemmWorkspaceBytes() bytes, 16-byte aligned.
 */
export function sgemm(
  m: i32, n: i32, k: i32, a: usize, lda: i32, transA: i32, b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32, accumulate: i32, ws: usize,
): void {
  gemm(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, ws, 0, 0, 0);
}

/**
 * sgemm whose B panels go once into `packed` (k x n rounded up to 8, block
 * pc at pc * n8 floats holding its panels [panel][p][c]), shared by the
 * threads that split C's rows: each panel is packed by the first thread to
 * need it. `flags`: an i32 per panel of every KC rows, zero before the call,
 * 1 while a thread packs that panel and 2 once it is packed. `rot`: the
 * panel this thread starts at, so that threads starting together pack
 * different panels.
 */
export function sgemmSharedB(
  m: i32, n: i32, k: i32, a: usize, lda: i32, transA: i32, b: usize, ldb: i32, transB: i32, packed: usize, flags: usize,
  rot: i32, c: usize, ldc: i32, accumulate: i32, ws: usize,
): void {
  gemm(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, ws, packed, flags, rot);
}

/** Bytes of sgemmSharedB's flags for a k x n B. */
export function sharedBFlagBytes(k: i32, n: i32): i32 {
  return ((k + KC - 1) / KC) * (((n + 7) & ~7) >> 3) * 4;
}

function gemm(
  m: i32, n: i32, k: i32, a: usize, lda: i32, transA: i32, b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32, accumulate: i32, ws: usize, packed: usize, flags: usize, rot: i32,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcB = <usize>ldc << 2;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcB, 0, <usize>n << 2);
    return;
  }
  const tmp = ws + ((<usize>(MC * KC + KC * NC)) << 2);
  const n8 = (n + 7) & ~7;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    const panels = (nc + 7) >> 3;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      let bpBuf = ws + ((<usize>MC * KC) << 2);
      if (flags) bpBuf = packed + ((<usize>(pc * n8 + jc * kc)) << 2);
      else packB(b, ldb, transB != 0, pc, kc, jc, nc, bpBuf);
      const beta = accumulate != 0 || pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        // a packed A is (lda, k) padded to 4 rows, block pc holding its panels [panel][p][r]
        let apBuf = a + ((<usize>(pc * lda + ic * kc)) << 2);
        if (transA != PACKED) {
          apBuf = ws;
          packA(a, lda, transA != 0, ic, mc, pc, kc, apBuf);
        }
        for (let q = 0; q < panels; q++) {
          const jr = ((q + rot) % panels) << 3;
          const cols = min(8, nc - jr);
          const bp = bpBuf + ((<usize>jr * kc) << 2);
          if (flags) sharedPanel(b, ldb, transB != 0, pc, kc, jc + jr, cols, bp, flags + ((<usize>((pc / KC) * (n8 >> 3) + ((jc + jr) >> 3))) << 2));
          const cc = c + ((<usize>ic * ldc + jc + jr) << 2);
          for (let ir = 0; ir < mc; ir += 4) {
            micro(kc, apBuf + ((<usize>ir * kc) << 2), bp, cc + <usize>ir * ldcB, ldcB, min(4, mc - ir), cols, beta, tmp);
          }
        }
      }
    }
  }
}

/** Makes sure the shared B panel at dst is packed: packs it unless another thread has (or is packing it: then waits for it). */
function sharedPanel(b: usize, ldb: i32, transB: bool, pc: i32, kc: i32, j0: i32, cols: i32, dst: usize, flag: usize): void {
  if (atomic.load<i32>(flag) == 2) return;
  if (atomic.cmpxchg<i32>(flag, 0, 1) == 0) {
    packB(b, ldb, transB, pc, kc, j0, cols, dst);
    atomic.store<i32>(flag, 2);
    return;
  }
  while (atomic.load<i32>(flag) != 2) {}
}

/** sgemm over a batch; strides are in elements (0 shares one matrix across the batch). */
export function sgemmBatch(
  batch: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, strideA: i32, transA: i32,
  b: usize, ldb: i32, strideB: i32, transB: i32,
  c: usize, ldc: i32, strideC: i32, accumulate: i32, ws: usize,
): void {
  for (let t = 0; t < batch; t++) {
    sgemm(
      m, n, k, a + ((<usize>t * strideA) << 2), lda, transA, b + ((<usize>t * strideB) << 2), ldb, transB,
      c + ((<usize>t * strideC) << 2), ldc, accumulate, ws,
    );
  }
}

/**
 * Packs each of `batch` matrices op(A) (m x k; A stored as sgemm's, strideA
 * elements apart) whole for sgemm's transA = PACKED: (m rounded up to 4) x k
 * floats, dstStride apart.
 */
export function packABatch(batch: i32, a: usize, lda: i32, strideA: i32, transA: i32, m: i32, k: i32, dst: usize, dstStride: i32): void {
  const m4 = (m + 3) & ~3;
  for (let t = 0; t < batch; t++) {
    const at = a + ((<usize>t * strideA) << 2);
    const d = dst + ((<usize>t * dstStride) << 2);
    for (let pc = 0; pc < k; pc += KC) packA(at, lda, transA != 0, 0, m, pc, min(KC, k - pc), d + ((<usize>pc * m4) << 2));
  }
}
