// Winograd F(4x4, 3x3) convolution (Lavin and Gray, 2015), the forward only:
// each 4x4 block of outputs (a "tile") comes from a 6x6 input patch through
// 36 elementwise products in the transformed domain, 4x fewer multiplications
// than the direct sum (F(2x2, 3x3): 2.25x). Its rounding error is about 15 times
// F(2x2, 3x3)'s (1e-5 of the largest output against 5e-7, on 32-256 channels;
// test/conv/kernels.test.ts bounds both), so the backend uses it for forwards
// that keep nothing for a weight gradient (inference, frozen weights); a
// forward whose weight trains keeps F(2x2, 3x3), whose transformed input the
// weight gradient reuses. The 36 GEMMs are M[e] (O, P) = U[e] (O, C) @ V[e] (C, P),
// U = G g G^T, V = B^T d B, Y = A^T M A, e = 6 row + column:
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   G   = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// Tiles are numbered as in winograd.ts, four neighbours to an f32x4; the
// transforms go through a thread's GEMM workspace `ws` (640 bytes) between
// their row and column passes.
import { winoPad } from './winograd';

// G's coefficients (multiplications: a division takes ten times longer)
const SIXTH: f64 = 1.0 / 6, TWELFTH: f64 = 1.0 / 12, TWENTY4TH: f64 = 1.0 / 24;

/**
 * U[e][o][i] (36 planes of O x I, `planeFloats` apart: a little more than
 * O I, often a power of two whose multiples would share one cache set) from
 * w (O, I, 3, 3), computed in double precision.
 */
export function wino4Filter(w: usize, u: usize, O: i32, I: i32, planeFloats: i32): void {
  const plane = <usize>planeFloats << 2;
  for (let f = 0; f < O * I; f++) {
    const g = w + ((<usize>f * 9) << 2);
    const at = u + (<usize>f << 2);
    const g00 = <f64>load<f32>(g), g01 = <f64>load<f32>(g, 4), g02 = <f64>load<f32>(g, 8);
    const g10 = <f64>load<f32>(g, 12), g11 = <f64>load<f32>(g, 16), g12 = <f64>load<f32>(g, 20);
    const g20 = <f64>load<f32>(g, 24), g21 = <f64>load<f32>(g, 28), g22 = <f64>load<f32>(g, 32);
    // row r of G g is G's row r applied to each column of g; each such row times G^T gives planes 6 r..6 r + 5
    filterRow(at, plane, 0.25 * g00, 0.25 * g01, 0.25 * g02);
    filterRow(at + 6 * plane, plane, -SIXTH * (g00 + g10 + g20), -SIXTH * (g01 + g11 + g21), -SIXTH * (g02 + g12 + g22));
    filterRow(at + 12 * plane, plane, -SIXTH * (g00 - g10 + g20), -SIXTH * (g01 - g11 + g21), -SIXTH * (g02 - g12 + g22));
    filterRow(at + 18 * plane, plane, gPlus(g00, g10, g20), gPlus(g01, g11, g21), gPlus(g02, g12, g22));
    filterRow(at + 24 * plane, plane, gPlus(g00, -g10, g20), gPlus(g01, -g11, g21), gPlus(g02, -g12, g22));
    filterRow(at + 30 * plane, plane, g20, g21, g22);
  }
}

/** a / 24 + b / 12 + c / 6: G's rows 3 (and 4, with -b). */
// @ts-ignore: decorator
@inline
function gPlus(a: f64, b: f64, c: f64): f64 {
  return TWENTY4TH * a + TWELFTH * b + SIXTH * c;
}

/** (t0, t1, t2) G^T: six values `plane` bytes apart from p. */
// @ts-ignore: decorator
@inline
function filterRow(p: usize, plane: usize, t0: f64, t1: f64, t2: f64): void {
  store<f32>(p, <f32>(0.25 * t0));
  store<f32>(p + plane, <f32>(-SIXTH * (t0 + t1 + t2)));
  store<f32>(p + 2 * plane, <f32>(-SIXTH * (t0 - t1 + t2)));
  store<f32>(p + 3 * plane, <f32>gPlus(t0, t1, t2));
  store<f32>(p + 4 * plane, <f32>gPlus(t0, -t1, t2));
  store<f32>(p + 5 * plane, <f32>t2);
}

/** B^T (r0..r5), its six values stored `stride` bytes apart from p. */
// @ts-ignore: decorator
@inline
function bt6(p: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128, r4: v128, r5: v128): void {
  const two = f32x4.splat(2), four = f32x4.splat(4), five = f32x4.splat(5);
  v128.store(p, f32x4.add(f32x4.sub(f32x4.mul(four, r0), f32x4.mul(five, r2)), r4));
  v128.store(p + stride, f32x4.sub(f32x4.add(r3, r4), f32x4.mul(four, f32x4.add(r1, r2))));
  v128.store(p + 2 * stride, f32x4.add(f32x4.sub(r4, r3), f32x4.mul(four, f32x4.sub(r1, r2))));
  v128.store(p + 3 * stride, f32x4.add(f32x4.sub(r4, r2), f32x4.mul(two, f32x4.sub(r3, r1))));
  v128.store(p + 4 * stride, f32x4.sub(f32x4.sub(r4, r2), f32x4.mul(two, f32x4.sub(r3, r1))));
  v128.store(p + 5 * stride, f32x4.add(f32x4.sub(f32x4.mul(four, r1), f32x4.mul(five, r3)), r5));
}

/**
 * V[e][c][p] = (B^T d B)[e] for the tiles of one image, d the 6x6 patch of
 * padded channel c (planes of 4 tH + 2 rows of 4 tW + 2, with 4 floats to spare
 * after the last). g: [C, H, W, padT, padL, tH, tW, P, plane stride in floats].
 */
export function wino4Input(xp: usize, v: usize, g: usize, ws: usize): void {
  const C = load<i32>(g), tH = load<i32>(g, 20), tW = load<i32>(g, 24), P = load<i32>(g, 28);
  const Wp = 4 * tW + 2, Hp = 4 * tH + 2;
  const rowBytes = <usize>Wp << 2;
  const plane = <usize>load<i32>(g, 32) << 2;
  for (let c = 0; c < C; c++) {
    const img = xp + ((<usize>c * Hp * Wp) << 2);
    const vc = v + ((<usize>c * P) << 2);
    for (let ty = 0; ty < tH; ty++) {
      for (let tx = 0; tx < tW; tx += 4) {
        // rows: the columns s of the patches of tiles tx..tx+3 are floats 4 tx + 4 l + s, a 4x4 transpose
        // (s < 4) and one more from 16 floats on (s = 4, 5); then B^T along each row into ws
        let row = img + <usize>(4 * ty) * rowBytes + (<usize>(4 * tx) << 2);
        for (let r = 0; r < 6; r++, row += rowBytes) {
          const l0 = v128.load(row), l1 = v128.load(row, 16), l2 = v128.load(row, 32), l3 = v128.load(row, 48), l4 = v128.load(row, 64);
          const a = f32x4.shuffle(l0, l1, 0, 4, 1, 5), b = f32x4.shuffle(l0, l1, 2, 6, 3, 7);
          const e = f32x4.shuffle(l2, l3, 0, 4, 1, 5), f = f32x4.shuffle(l2, l3, 2, 6, 3, 7);
          const h = f32x4.shuffle(l1, l2, 0, 4, 1, 5), k = f32x4.shuffle(l3, l4, 0, 4, 1, 5);
          bt6(ws + <usize>(96 * r), 16,
            f32x4.shuffle(a, e, 0, 1, 4, 5), f32x4.shuffle(a, e, 2, 3, 6, 7),
            f32x4.shuffle(b, f, 0, 1, 4, 5), f32x4.shuffle(b, f, 2, 3, 6, 7),
            f32x4.shuffle(h, k, 0, 1, 4, 5), f32x4.shuffle(h, k, 2, 3, 6, 7));
        }
        // columns: B^T down each column j of ws, into planes e = 6 i + j
        const o = vc + ((<usize>(ty * tW + tx)) << 2);
        for (let j = 0; j < 6; j++) {
          const q = ws + <usize>(16 * j);
          bt6(o + <usize>j * plane, 6 * plane,
            v128.load(q), v128.load(q, 96), v128.load(q, 192), v128.load(q, 288), v128.load(q, 384), v128.load(q, 480));
        }
      }
    }
  }
}

/** A^T (r0..r5), its four values stored `stride` bytes apart from p, plus b. */
// @ts-ignore: decorator
@inline
function at6(p: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128, r4: v128, r5: v128, b: v128): void {
  const two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8);
  const s12 = f32x4.add(r1, r2), d12 = f32x4.sub(r1, r2), s34 = f32x4.add(r3, r4), d34 = f32x4.sub(r3, r4);
  v128.store(p, f32x4.add(f32x4.add(f32x4.add(r0, s12), s34), b));
  v128.store(p + stride, f32x4.add(f32x4.add(d12, f32x4.mul(two, d34)), b));
  v128.store(p + 2 * stride, f32x4.add(f32x4.add(s12, f32x4.mul(four, s34)), b));
  v128.store(p + 3 * stride, f32x4.add(f32x4.add(f32x4.add(d12, f32x4.mul(eight, d34)), r5), b));
}

/**
 * out (O, outH, outW) of one image = (A^T M A) of every tile, plus
 * bias[o] when bias != 0. g: [O, outH, outW, tH, tW, P, plane stride in floats].
 */
export function wino4Output(m: usize, out: usize, bias: usize, g: usize, ws: usize): void {
  const O = load<i32>(g), outH = load<i32>(g, 4), outW = load<i32>(g, 8), tH = load<i32>(g, 12), tW = load<i32>(g, 16), P = load<i32>(g, 20);
  const plane = <usize>load<i32>(g, 24) << 2;
  const rowBytes = <usize>outW << 2;
  const zero = f32x4.splat(0);
  for (let o = 0; o < O; o++) {
    const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0);
    const mo = m + ((<usize>o * P) << 2);
    const img = out + ((<usize>o * outH * outW) << 2);
    for (let ty = 0; ty < tH; ty++) {
      for (let tx = 0; tx < tW; tx += 4) {
        const q = mo + ((<usize>(ty * tW + tx)) << 2);
        // A^T along each row i of M into ws (i, c), then down each column c into ws (16 + 4 r + c): y[r][c]
        for (let i = 0; i < 6; i++) {
          const mi = q + <usize>(6 * i) * plane;
          at6(ws + <usize>(64 * i), 16, v128.load(mi), v128.load(mi + plane), v128.load(mi + 2 * plane),
            v128.load(mi + 3 * plane), v128.load(mi + 4 * plane), v128.load(mi + 5 * plane), zero);
        }
        for (let c = 0; c < 4; c++) {
          const s = ws + <usize>(16 * c);
          at6(ws + 384 + <usize>(16 * c), 64, v128.load(s), v128.load(s, 64), v128.load(s, 128), v128.load(s, 192), v128.load(s, 256), v128.load(s, 320), bv);
        }
        // each output row r: lane l of y[r][0..3] is tile tx + l's four pixels, a 4x4 transpose
        for (let r = 0; r < 4; r++) {
          const y = 4 * ty + r;
          if (y >= outH) break;
          const yr = ws + 384 + <usize>(64 * r);
          const y0 = v128.load(yr), y1 = v128.load(yr, 16), y2 = v128.load(yr, 32), y3 = v128.load(yr, 48);
          const a = f32x4.shuffle(y0, y1, 0, 4, 1, 5), b = f32x4.shuffle(y0, y1, 2, 6, 3, 7);
          const e = f32x4.shuffle(y2, y3, 0, 4, 1, 5), f = f32x4.shuffle(y2, y3, 2, 6, 3, 7);
          const dst = img + <usize>y * rowBytes;
          storeTile(dst, f32x4.shuffle(a, e, 0, 1, 4, 5), 4 * tx, outW);
          storeTile(dst, f32x4.shuffle(a, e, 2, 3, 6, 7), 4 * tx + 4, outW);
          storeTile(dst, f32x4.shuffle(b, f, 0, 1, 4, 5), 4 * tx + 8, outW);
          storeTile(dst, f32x4.shuffle(b, f, 2, 3, 6, 7), 4 * tx + 12, outW);
        }
      }
    }
  }
}

/** The four pixels t of one tile's row at column x0 of row dst, as many as fit in outW. */
// @ts-ignore: decorator
@inline
function storeTile(dst: usize, t: v128, x0: i32, outW: i32): void {
  const p = dst + (<usize>x0 << 2);
  if (x0 + 4 <= outW) {
    v128.store(p, t);
  } else {
    const cols = outW - x0;
    if (cols > 0) store<f32>(p, f32x4.extract_lane(t, 0));
    if (cols > 1) store<f32>(p, f32x4.extract_lane(t, 1), 4);
    if (cols > 2) store<f32>(p, f32x4.extract_lane(t, 2), 8);
  }
}
