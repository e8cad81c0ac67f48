import { madd, madd64 } from './simd';

// Vectorised f32 transcendental functions (Cephes-style range reduction and
// polynomials, ~1-2 ulp) for the hot activations.

// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;

/** e^x for 4 lanes; overflow gives +Inf, underflow 0 (through subnormals), NaN stays NaN. */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  const hiLim = f32x4.splat(88.7228391);
  const loLim = f32x4.splat(-103.972084);
  // pmin/pmax are single instructions; NaN lanes are fixed up at the end
  const xc = f32x4.pmax(f32x4.pmin(x, hiLim), loLim);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let y = f32x4.splat(1.9875691500e-4);
  y = madd(y, r, f32x4.splat(1.3981999507e-3));
  y = madd(y, r, f32x4.splat(8.3334519073e-3));
  y = madd(y, r, f32x4.splat(4.1665795894e-2));
  y = madd(y, r, f32x4.splat(1.6666665459e-1));
  y = madd(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), f32x4.splat(1));
  // 2^n in two factors so that n down to -150 stays representable
  // n is integral and small: its bits via the 1.5 * 2^23 trick
  const magic32 = f32x4.splat(12582912.0);
  const ni = i32x4.sub(f32x4.add(n, magic32), magic32);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  y = f32x4.mul(f32x4.mul(y, s1), s2);
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, hiLim));
  y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, loLim));
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

/** 1 / (1 + e^-x) */
// @ts-ignore: decorator
@inline
export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** tanh: a polynomial near 0 (where 1 - 2/(e^2x + 1) would cancel), that formula elsewhere. */
// @ts-ignore: decorator
@inline
export function vtanh(x: v128): v128 {
  const z = f32x4.abs(x);
  const z2 = f32x4.mul(z, z);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z2), z), z);
  const one = f32x4.splat(1);
  const e = vexp(f32x4.add(z, z));
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const r = v128.bitselect(small, big, f32x4.lt(z, f32x4.splat(0.625)));
  // sign of x back on; NaN stays NaN
  const signed = v128.or(r, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(x, signed, f32x4.ne(x, x));
}

// ---- f64x2 versions, for results that round to the same float32 as JS's
// Math.exp / Math.tanh computed in double (the reference backend) ----

/** e^r - 1 for |r| <= ln2/2, Taylor to degree 13 (relative error < 2e-16). */
// @ts-ignore: decorator
@inline
function expm1Poly(r: v128): v128 {
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = madd64(p, r, f64x2.splat(1.0 / 479001600.0));
  p = madd64(p, r, f64x2.splat(1.0 / 39916800.0));
  p = madd64(p, r, f64x2.splat(1.0 / 3628800.0));
  p = madd64(p, r, f64x2.splat(1.0 / 362880.0));
  p = madd64(p, r, f64x2.splat(1.0 / 40320.0));
  p = madd64(p, r, f64x2.splat(1.0 / 5040.0));
  p = madd64(p, r, f64x2.splat(1.0 / 720.0));
  p = madd64(p, r, f64x2.splat(1.0 / 120.0));
  p = madd64(p, r, f64x2.splat(1.0 / 24.0));
  p = madd64(p, r, f64x2.splat(1.0 / 6.0));
  p = madd64(p, r, f64x2.splat(0.5));
  return f64x2.add(f64x2.mul(f64x2.mul(p, r), r), r);
}

/** e^x in f64 lanes for x in float32's range (clamped to [-110, 100]: the float32 result is then 0 or Inf anyway). */
// @ts-ignore: decorator
@inline
export function vexp64(x: v128): v128 {
  const xc = f64x2.pmax(f64x2.pmin(x, f64x2.splat(100)), f64x2.splat(-110));
  const n = f64x2.nearest(f64x2.mul(xc, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(xc, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-01)));
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)));
  const y = f64x2.add(expm1Poly(r), f64x2.splat(1));
  // 2^n: n's integer bits via the 1.5 * 2^52 trick, then into the exponent field
  const magic = f64x2.splat(6755399441055744.0);
  const ni = i64x2.sub(f64x2.add(n, magic), magic);
  const scale = i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52);
  return f64x2.mul(y, scale);
}

/** tanh in f64 lanes: e / (e + 2) with e = expm1(2|x|) = 2^n (1 + p(r)) - 1, exact through 0 (n = 0: e = p(r)). */
// @ts-ignore: decorator
@inline
export function vtanh64(x: v128): v128 {
  const z = f64x2.abs(x);
  const y = f64x2.pmin(f64x2.add(z, z), f64x2.splat(100));
  const n = f64x2.nearest(f64x2.mul(y, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(y, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-01)));
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)));
  const p = expm1Poly(r);
  const magic = f64x2.splat(6755399441055744.0);
  const ni = i64x2.sub(f64x2.add(n, magic), magic);
  const scale = i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52);
  const e = f64x2.add(f64x2.sub(scale, f64x2.splat(1)), f64x2.mul(scale, p));
  const t = f64x2.div(e, f64x2.add(e, f64x2.splat(2)));
  const signed = v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
  return v128.bitselect(x, signed, f64x2.ne(x, x));
}

/**
 * Natural log for 4 lanes (Cephes logf: the mantissa in [sqrt(1/2), sqrt(2))
 * and a degree-9 polynomial, ~1 ulp). log(0) = -Inf, log(x < 0) = NaN,
 * log(+Inf) = +Inf, NaN stays NaN; subnormals are scaled up first.
 */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  // subnormals times 2^23, their exponent corrected below
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  const bits = xs;
  // exponent e and mantissa m in [0.5, 1)
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  e = f32x4.sub(e, v128.and(tiny, f32x4.splat(23)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  // below sqrt(1/2): m = 2m - 1 and e - 1, else m - 1
  const lo = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(lo, f32x4.splat(1)));
  m = f32x4.sub(f32x4.add(m, v128.and(lo, m)), f32x4.splat(1));
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = madd(y, m, f32x4.splat(-1.1514610310e-1));
  y = madd(y, m, f32x4.splat(1.1676998740e-1));
  y = madd(y, m, f32x4.splat(-1.2420140846e-1));
  y = madd(y, m, f32x4.splat(1.4249322787e-1));
  y = madd(y, m, f32x4.splat(-1.6668057665e-1));
  y = madd(y, m, f32x4.splat(2.0000714765e-1));
  y = madd(y, m, f32x4.splat(-2.4999993993e-1));
  y = madd(y, m, f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = madd(e, f32x4.splat(LN2_LO), y);
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(m, y);
  r = madd(e, f32x4.splat(LN2_HI), r);
  // the special values
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x, f32x4.splat(Infinity)));
  // x < 0 and NaN
  return v128.bitselect(f32x4.splat(NaN), r, v128.not(f32x4.ge(x, f32x4.splat(0))));
}
