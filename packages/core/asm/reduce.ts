// Reductions along the middle axis of (outer, size, inner), arg-reductions and
// softmax. Sums and products accumulate in f64, like the reference backend.
import { vexp } from './math';

export const R_SUM = 0, R_MAX = 1, R_MIN = 2, R_PROD = 3;

/** Sum of n contiguous floats in f64 (two f64x2 accumulators). */
// @ts-ignore: decorator
@inline
function rowSum(x: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** Max (isMax) or min of n contiguous floats; NaN if any is NaN. */
// @ts-ignore: decorator
@inline
function rowExtreme(x: usize, n: i32, isMax: bool): f32 {
  let acc = f32x4.splat(isMax ? -Infinity : Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = isMax ? f32x4.max(acc, v) : f32x4.min(acc, v);
  }
  let r = isMax
    ? max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)))
    : min(min(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    r = isMax ? max(r, v) : min(r, v);
  }
  return r;
}

/** out (outer, inner) = op over the middle axis of x (outer, size, inner). ws: 8 * inner bytes. */
export function reduce(op: i32, x: usize, outer: i32, size: i32, inner: i32, out: usize, ws: usize): void {
  const rowB = (<usize>size * inner) << 2;
  const innerB = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * rowB;
    const oo = out + <usize>o * innerB;
    if (inner == 1) {
      let r: f32;
      if (op == R_SUM) r = <f32>rowSum(xo, size);
      else if (op == R_MAX) r = rowExtreme(xo, size, true);
      else if (op == R_MIN) r = rowExtreme(xo, size, false);
      else {
        let p: f64 = 1;
        for (let i = 0; i < size; i++) p *= <f64>load<f32>(xo + (<usize>i << 2));
        r = <f32>p;
      }
      store<f32>(oo, r);
      continue;
    }
    if (op == R_MAX || op == R_MIN) {
      const isMax = op == R_MAX;
      memory.copy(oo, xo, innerB);
      for (let i = 1; i < size; i++) {
        const xi = xo + <usize>i * innerB;
        let j = 0;
        for (; j + 4 <= inner; j += 4) {
          const q = oo + (<usize>j << 2);
          const v = v128.load(xi + (<usize>j << 2));
          v128.store(q, isMax ? f32x4.max(v128.load(q), v) : f32x4.min(v128.load(q), v));
        }
        for (; j < inner; j++) {
          const q = oo + (<usize>j << 2);
          const v = load<f32>(xi + (<usize>j << 2));
          store<f32>(q, isMax ? max(load<f32>(q), v) : min(load<f32>(q), v));
        }
      }
      continue;
    }
    // sum / prod into f64 accumulators
    const isSum = op == R_SUM;
    const init = isSum ? 0.0 : 1.0;
    for (let j = 0; j < inner; j++) store<f64>(ws + (<usize>j << 3), init);
    for (let i = 0; i < size; i++) {
      const xi = xo + <usize>i * innerB;
      let j = 0;
      if (isSum) {
        for (; j + 4 <= inner; j += 4) {
          const v = v128.load(xi + (<usize>j << 2));
          const q = ws + (<usize>j << 3);
          v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(v)));
          v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3))), 16);
        }
      }
      for (; j < inner; j++) {
        const q = ws + (<usize>j << 3);
        const v = <f64>load<f32>(xi + (<usize>j << 2));
        store<f64>(q, isSum ? load<f64>(q) + v : load<f64>(q) * v);
      }
    }
    for (let j = 0; j < inner; j++) store<f32>(oo + (<usize>j << 2), <f32>load<f64>(ws + (<usize>j << 3)));
  }
}

/** Index of the first max (isMax) or min along the middle axis; a NaN wins. */
export function argReduce(isMax: i32, x: usize, outer: i32, size: i32, inner: i32, out: usize): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = x + ((<usize>o * size * inner + j) << 2);
      const step = <usize>inner << 2;
      let best = load<f32>(base);
      let arg = 0;
      for (let i = 1; i < size && best == best; i++) {
        const v = load<f32>(base + <usize>i * step);
        if (v != v || (isMax ? v > best : v < best)) {
          best = v;
          arg = i;
        }
      }
      store<i32>(out + ((<usize>o * inner + j) << 2), arg);
    }
  }
}

/** Softmax (or log-softmax) over rows o0..o1 of (outer, size, inner) along the middle axis. */
export function softmax(x: usize, o0: i32, o1: i32, size: i32, inner: i32, out: usize, log: i32): void {
  const innerB = <usize>inner << 2;
  const rowB = <usize>size * innerB;
  for (let o = o0; o < o1; o++) {
    const xo = x + <usize>o * rowB;
    const oo = out + <usize>o * rowB;
    if (inner == 1) {
      let mx = rowExtreme(xo, size, true);
      if (mx == -Infinity) mx = 0;
      const vm = f32x4.splat(mx);
      let s: f64 = 0;
      let i = 0;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
      for (; i + 4 <= size; i += 4) {
        const off = <usize>i << 2;
        const e = vexp(f32x4.sub(v128.load(xo + off), vm));
        if (!log) v128.store(oo + off, e);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(e));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(f32x4.shuffle(e, e, 2, 3, 2, 3)));
      }
      const a = f64x2.add(a0, a1);
      s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      for (; i < size; i++) {
        const off = <usize>i << 2;
        const e = Math.exp(<f64>load<f32>(xo + off) - <f64>mx);
        if (!log) store<f32>(oo + off, <f32>e);
        s += e;
      }
      if (log) {
        // x - lse in f64, like the reference (lse has more bits than an f32)
        const lse = <f64>mx + Math.log(s);
        const vl = f64x2.splat(lse);
        i = 0;
        for (; i + 4 <= size; i += 4) {
          const off = <usize>i << 2;
          const v = v128.load(xo + off);
          const lo = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(v), vl));
          const hi = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)), vl));
          v128.store(oo + off, f32x4.shuffle(lo, hi, 0, 1, 4, 5));
        }
        for (; i < size; i++) {
          const off = <usize>i << 2;
          store<f32>(oo + off, <f32>(<f64>load<f32>(xo + off) - lse));
        }
      } else {
        const inv = <f32>(1 / s);
        const vi = f32x4.splat(inv);
        i = 0;
        for (; i + 4 <= size; i += 4) {
          const off = <usize>i << 2;
          v128.store(oo + off, f32x4.mul(v128.load(oo + off), vi));
        }
        for (; i < size; i++) {
          const off = <usize>i << 2;
          store<f32>(oo + off, <f32>(<f64>load<f32>(oo + off) / s));
        }
      }
      continue;
    }
    // along a strided axis: one column at a time, in f64 like the reference
    for (let j = 0; j < inner; j++) {
      const xc = xo + (<usize>j << 2);
      const oc = oo + (<usize>j << 2);
      let mx: f64 = -Infinity;
      for (let i = 0; i < size; i++) mx = Math.max(mx, <f64>load<f32>(xc + <usize>i * innerB));
      if (mx == -Infinity) mx = 0;
      let s: f64 = 0;
      for (let i = 0; i < size; i++) {
        const e = Math.exp(<f64>load<f32>(xc + <usize>i * innerB) - mx);
        if (!log) store<f32>(oc + <usize>i * innerB, <f32>e);
        s += e;
      }
      if (log) {
        const lse = mx + Math.log(s);
        for (let i = 0; i < size; i++) {
          const p = <usize>i * innerB;
          store<f32>(oc + p, <f32>(<f64>load<f32>(xc + p) - lse));
        }
      } else {
        for (let i = 0; i < size; i++) {
          const p = <usize>i * innerB;
          store<f32>(oc + p, <f32>(<f64>load<f32>(oc + p) / s));
        }
      }
    }
  }
}
