// Elementwise kernels over float32: unary (contiguous), binary and where
// (broadcast through per-operand strides), casts. Unary loops run whole
// vectors: the JS side pads every operand region to 16 bytes.
import { vexp, vexp64, vsigmoid, vtanh64 } from './math';

// Unary op codes: the order of `UnaryOp` in src/backend/backend.ts.
export const U_NEG = 0, U_EXP = 1, U_LOG = 2, U_SQRT = 3, U_RSQRT = 4, U_ABS = 5, U_SIGN = 6, U_SQUARE = 7,
  U_RECIPROCAL = 8, U_SIN = 9, U_COS = 10, U_FLOOR = 11, U_CEIL = 12, U_ROUND = 13, U_LOG1P = 14, U_EXPM1 = 15,
  U_RELU = 16, U_SIGMOID = 17, U_TANH = 18, U_SOFTPLUS = 19, U_GELU = 20, U_SILU = 21, U_GELU_GRAD = 22,
  U_LEAKY_RELU = 23, U_ELU = 24, U_CLAMP = 25, U_POW_SCALAR = 26, U_ADD_SCALAR = 27, U_MUL_SCALAR = 28,
  U_AFFINE = 29;

// Binary op codes: the order of `BinaryOp`.
export const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_POW = 4, B_MAX = 5, B_MIN = 6,
  B_EQ = 7, B_NE = 8, B_LT = 9, B_LE = 10, B_GT = 11, B_GE = 12, B_AND = 13, B_OR = 14;

/** erf to about 1e-15: the reference backend's series below 2.5 and erfc continued fraction above. */
function erf(x: f64): f64 {
  if (x != x) return NaN;
  const z = Math.abs(x);
  let r: f64;
  if (z < 2.5) {
    const z2 = 2 * z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= z2 / <f64>(2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = 1.1283791670955126 * Math.exp(-z * z) * sum;
  } else if (z > 6) {
    r = 1;
  } else {
    let f = z;
    for (let k = 80; k >= 1; k--) f = z + <f64>k / 2 / f;
    r = 1 - (Math.exp(-z * z) * 0.5641895835477563) / f;
  }
  return x < 0 ? -r : r;
}

/** The ops without a vector form, in f64 like the reference backend. */
function scalarUnary(op: i32, x: f64, p0: f64, p1: f64): f64 {
  switch (op) {
    case U_LOG: return Math.log(x);
    case U_SIGN: return x > 0 ? 1 : x < 0 ? -1 : x;
    case U_SIN: return Math.sin(x);
    case U_COS: return Math.cos(x);
    case U_LOG1P: return Math.log1p(x);
    case U_EXPM1: return Math.expm1(x);
    case U_SOFTPLUS: return x > 20 ? x : Math.log1p(Math.exp(x));
    case U_GELU: return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case U_GELU_GRAD: return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    case U_ELU: return x > 0 ? x : p0 * Math.expm1(x);
    case U_POW_SCALAR: return Math.pow(x, p0);
    default: return NaN;
  }
}

/** f(v) computed in f64 lanes and rounded once to f32, as the reference backend rounds Math.* results. */
// @ts-ignore: decorator
@inline
function via64(op: i32, v: v128, d0: v128, d1: v128): v128 {
  let lo = f64x2.promote_low_f32x4(v);
  let hi = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
  if (op == U_MUL_SCALAR) {
    lo = f64x2.mul(lo, d0);
    hi = f64x2.mul(hi, d0);
  } else if (op == U_ADD_SCALAR) {
    lo = f64x2.add(lo, d0);
    hi = f64x2.add(hi, d0);
  } else if (op == U_AFFINE) {
    lo = f64x2.add(f64x2.mul(lo, d0), d1);
    hi = f64x2.add(f64x2.mul(hi, d0), d1);
  } else if (op == U_LEAKY_RELU) {
    const z = f64x2.splat(0);
    lo = v128.bitselect(lo, f64x2.mul(lo, d0), f64x2.gt(lo, z));
    hi = v128.bitselect(hi, f64x2.mul(hi, d0), f64x2.gt(hi, z));
  } else if (op == U_EXP) {
    lo = vexp64(lo);
    hi = vexp64(hi);
  } else if (op == U_TANH) {
    lo = vtanh64(lo);
    hi = vtanh64(hi);
  } else {
    const one = f64x2.splat(1);
    lo = f64x2.div(one, f64x2.sqrt(lo));
    hi = f64x2.div(one, f64x2.sqrt(hi));
  }
  return f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline
function unaryLoop(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32, q0: f64, q1: f64): void {
  const d0 = f64x2.splat(q0);
  const d1 = f64x2.splat(q1);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const s0 = f32x4.splat(p0);
  const s1 = f32x4.splat(p1);
  const end = x + (<usize>n << 2);
  for (; x < end; x += 16, out += 16) {
    const v = v128.load(x);
    let r: v128;
    switch (op) {
      case U_NEG: r = f32x4.neg(v); break;
      case U_EXP: r = via64(U_EXP, v, d0, d1); break;
      case U_SQRT: r = f32x4.sqrt(v); break;
      case U_RSQRT: r = via64(U_RSQRT, v, d0, d1); break;
      case U_ABS: r = f32x4.abs(v); break;
      case U_SQUARE: r = f32x4.mul(v, v); break;
      case U_RECIPROCAL: r = f32x4.div(one, v); break;
      case U_FLOOR: r = f32x4.floor(v); break;
      case U_CEIL: r = f32x4.ceil(v); break;
      case U_ROUND: r = f32x4.nearest(v); break;
      case U_RELU: r = f32x4.max(v, zero); break;
      case U_SIGMOID: r = vsigmoid(v); break;
      case U_TANH: r = via64(U_TANH, v, d0, d1); break;
      case U_SILU: r = f32x4.div(v, f32x4.add(one, vexp(f32x4.neg(v)))); break;
      case U_LEAKY_RELU: r = via64(U_LEAKY_RELU, v, d0, d1); break;
      case U_CLAMP: {
        // x < lo ? lo : x > hi ? hi : x (NaN stays NaN)
        const hi = v128.bitselect(s1, v, f32x4.gt(v, s1));
        r = v128.bitselect(s0, hi, f32x4.lt(v, s0));
        break;
      }
      // scalars stay double, as in the reference: x * 0.1 rounds once
      case U_ADD_SCALAR: r = via64(U_ADD_SCALAR, v, d0, d1); break;
      case U_MUL_SCALAR: r = via64(U_MUL_SCALAR, v, d0, d1); break;
      case U_AFFINE: r = via64(U_AFFINE, v, d0, d1); break;
      default: r = v;
    }
    v128.store(out, r);
  }
}

/** out[i] = op(x[i]) for i < n (rounded up to whole vectors). */
export function unary(op: i32, x: usize, out: usize, n: i32, p0: f64, p1: f64): void {
  const q0 = <f32>p0, q1 = <f32>p1;
  switch (op) {
    case U_NEG: unaryLoop(U_NEG, x, out, n, q0, q1, p0, p1); return;
    case U_EXP: unaryLoop(U_EXP, x, out, n, q0, q1, p0, p1); return;
    case U_SQRT: unaryLoop(U_SQRT, x, out, n, q0, q1, p0, p1); return;
    case U_RSQRT: unaryLoop(U_RSQRT, x, out, n, q0, q1, p0, p1); return;
    case U_ABS: unaryLoop(U_ABS, x, out, n, q0, q1, p0, p1); return;
    case U_SQUARE: unaryLoop(U_SQUARE, x, out, n, q0, q1, p0, p1); return;
    case U_RECIPROCAL: unaryLoop(U_RECIPROCAL, x, out, n, q0, q1, p0, p1); return;
    case U_FLOOR: unaryLoop(U_FLOOR, x, out, n, q0, q1, p0, p1); return;
    case U_CEIL: unaryLoop(U_CEIL, x, out, n, q0, q1, p0, p1); return;
    case U_ROUND: unaryLoop(U_ROUND, x, out, n, q0, q1, p0, p1); return;
    case U_RELU: unaryLoop(U_RELU, x, out, n, q0, q1, p0, p1); return;
    case U_SIGMOID: unaryLoop(U_SIGMOID, x, out, n, q0, q1, p0, p1); return;
    case U_TANH: unaryLoop(U_TANH, x, out, n, q0, q1, p0, p1); return;
    case U_SILU: unaryLoop(U_SILU, x, out, n, q0, q1, p0, p1); return;
    case U_LEAKY_RELU: unaryLoop(U_LEAKY_RELU, x, out, n, q0, q1, p0, p1); return;
    case U_CLAMP: unaryLoop(U_CLAMP, x, out, n, q0, q1, p0, p1); return;
    case U_ADD_SCALAR: unaryLoop(U_ADD_SCALAR, x, out, n, q0, q1, p0, p1); return;
    case U_MUL_SCALAR: unaryLoop(U_MUL_SCALAR, x, out, n, q0, q1, p0, p1); return;
    case U_AFFINE: unaryLoop(U_AFFINE, x, out, n, q0, q1, p0, p1); return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>scalarUnary(op, <f64>load<f32>(x + o), p0, p1));
  }
}

// @ts-ignore: decorator
@inline
function binScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return <f32>Math.pow(<f64>a, <f64>b);
    case B_MAX: return a != a || b != b ? NaN : a > b ? a : b;
    case B_MIN: return a != a || b != b ? NaN : a < b ? a : b;
    case B_EQ: return a == b ? 1 : 0;
    case B_NE: return a != b ? 1 : 0;
    case B_LT: return a < b ? 1 : 0;
    case B_LE: return a <= b ? 1 : 0;
    case B_GT: return a > b ? 1 : 0;
    case B_GE: return a >= b ? 1 : 0;
    case B_AND: return a != 0 && b != 0 ? 1 : 0;
    case B_OR: return a != 0 || b != 0 ? 1 : 0;
    default: return NaN;
  }
}

// @ts-ignore: decorator
@inline
function binVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case B_ADD: return f32x4.add(a, b);
    case B_SUB: return f32x4.sub(a, b);
    case B_MUL: return f32x4.mul(a, b);
    case B_DIV: return f32x4.div(a, b);
    case B_MAX: return f32x4.max(a, b);
    default: return f32x4.min(a, b);
  }
}

/** One output row: out[i] = a[i*la] op b[i*lb], float output. */
// @ts-ignore: decorator
@inline
function binRowF(op: i32, a: usize, la: i32, b: usize, lb: i32, out: usize, len: i32): void {
  let i = 0;
  if (op != B_POW) {
    const n4 = len & ~3;
    if (la == 1 && lb == 1) {
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, binVec(op, v128.load(a + o), v128.load(b + o)));
      }
    } else if (la == 1 && lb == 0) {
      const vb = v128.load32_splat(b);
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, binVec(op, v128.load(a + o), vb));
      }
    } else if (la == 0 && lb == 1) {
      const va = v128.load32_splat(a);
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, binVec(op, va, v128.load(b + o)));
      }
    }
  }
  const sa = <usize>la << 2, sb = <usize>lb << 2;
  for (; i < len; i++) {
    store<f32>(out + (<usize>i << 2), binScalar(op, load<f32>(a + <usize>i * sa), load<f32>(b + <usize>i * sb)));
  }
}

/** One output row of a comparison or logical op: bytes 0/1. */
// @ts-ignore: decorator
@inline
function binRowU8(op: i32, a: usize, la: i32, b: usize, lb: i32, out: usize, len: i32): void {
  const sa = <usize>la << 2, sb = <usize>lb << 2;
  for (let i = 0; i < len; i++) {
    store<u8>(out + <usize>i, <u8>binScalar(op, load<f32>(a + <usize>i * sa), load<f32>(b + <usize>i * sb)));
  }
}

/**
 * Walks rows r0..r1 of a broadcast operation. The layout block at `lay` holds
 * i32s: ndim, shape[ndim], then `nin` stride lists of ndim (elements, 0 where
 * broadcast). Writes, for each row, the start offset of every input into
 * `offs` (nin i32s per row, rows r0..r1 only).
 */
export function rowOffsets(lay: usize, nin: i32, r0: i32, r1: i32, offs: usize): void {
  const nd = load<i32>(lay);
  const shape = lay + 4;
  const strides = shape + (<usize>nd << 2);
  // coordinates of row r0 over the leading nd-1 dims (scratch: after offs)
  const idx = offs + ((<usize>(r1 - r0) * nin) << 2);
  let rem = r0;
  for (let d = nd - 2; d >= 0; d--) {
    const s = load<i32>(shape + (<usize>d << 2));
    store<i32>(idx + (<usize>d << 2), rem % s);
    rem = rem / s;
  }
  for (let j = 0; j < nin; j++) {
    let o = 0;
    for (let d = 0; d < nd - 1; d++) o += load<i32>(idx + (<usize>d << 2)) * load<i32>(strides + ((<usize>(j * nd + d)) << 2));
    store<i32>(offs + (<usize>j << 2), o);
  }
  for (let r = r0 + 1; r < r1; r++) {
    const prev = offs + ((<usize>(r - 1 - r0) * nin) << 2);
    const cur = prev + (<usize>nin << 2);
    for (let j = 0; j < nin; j++) store<i32>(cur + (<usize>j << 2), load<i32>(prev + (<usize>j << 2)));
    for (let d = nd - 2; d >= 0; d--) {
      const dp = idx + (<usize>d << 2);
      const v = load<i32>(dp) + 1;
      const s = load<i32>(shape + (<usize>d << 2));
      for (let j = 0; j < nin; j++) {
        const st = load<i32>(strides + ((<usize>(j * nd + d)) << 2));
        store<i32>(cur + (<usize>j << 2), load<i32>(cur + (<usize>j << 2)) + (v < s ? st : st * (1 - s)));
      }
      if (v < s) {
        store<i32>(dp, v);
        break;
      }
      store<i32>(dp, 0);
    }
  }
}

/**
 * Rows r0..r1 of out = a op b, broadcast through the layout block (see
 * rowOffsets; nin = 2). Float ops write f32, comparisons and logic write bytes.
 * `offs` is scratch for (r1 - r0) * 2 + ndim i32s.
 */
export function binary(op: i32, a: usize, b: usize, out: usize, lay: usize, r0: i32, r1: i32, offs: usize): void {
  const nd = load<i32>(lay);
  const len = nd == 0 ? 1 : load<i32>(lay + (<usize>nd << 2));
  const strides = lay + 4 + (<usize>nd << 2);
  const la = nd == 0 ? 0 : load<i32>(strides + (<usize>(nd - 1) << 2));
  const lb = nd == 0 ? 0 : load<i32>(strides + (<usize>(2 * nd - 1) << 2));
  rowOffsets(lay, 2, r0, r1, offs);
  const u8out = op >= B_EQ;
  for (let r = r0; r < r1; r++) {
    const ro = offs + ((<usize>(r - r0) * 2) << 2);
    const pa = a + (<usize>load<i32>(ro) << 2);
    const pb = b + (<usize>load<i32>(ro, 4) << 2);
    const o = <usize>r * len;
    if (u8out) {
      binRowU8(op, pa, la, pb, lb, out + o, len);
      continue;
    }
    const po = out + (o << 2);
    switch (op) {
      case B_ADD: binRowF(B_ADD, pa, la, pb, lb, po, len); break;
      case B_SUB: binRowF(B_SUB, pa, la, pb, lb, po, len); break;
      case B_MUL: binRowF(B_MUL, pa, la, pb, lb, po, len); break;
      case B_DIV: binRowF(B_DIV, pa, la, pb, lb, po, len); break;
      case B_POW: binRowF(B_POW, pa, la, pb, lb, po, len); break;
      case B_MAX: binRowF(B_MAX, pa, la, pb, lb, po, len); break;
      default: binRowF(B_MIN, pa, la, pb, lb, po, len);
    }
  }
}

/**
 * Rows r0..r1 of out = cond ? a : b for 4-byte elements; cond is bytes. The
 * layout block has nin = 3 stride lists (cond, a, b).
 */
export function where(cond: usize, a: usize, b: usize, out: usize, lay: usize, r0: i32, r1: i32, offs: usize): void {
  const nd = load<i32>(lay);
  const len = nd == 0 ? 1 : load<i32>(lay + (<usize>nd << 2));
  const strides = lay + 4 + (<usize>nd << 2);
  const lc = nd == 0 ? 0 : load<i32>(strides + (<usize>(nd - 1) << 2));
  const la = nd == 0 ? 0 : load<i32>(strides + (<usize>(2 * nd - 1) << 2));
  const lb = nd == 0 ? 0 : load<i32>(strides + (<usize>(3 * nd - 1) << 2));
  rowOffsets(lay, 3, r0, r1, offs);
  for (let r = r0; r < r1; r++) {
    const ro = offs + ((<usize>(r - r0) * 3) << 2);
    const pc = cond + <usize>load<i32>(ro);
    const pa = a + (<usize>load<i32>(ro, 4) << 2);
    const pb = b + (<usize>load<i32>(ro, 8) << 2);
    const po = out + ((<usize>r * len) << 2);
    let i = 0;
    if (lc == 1 && (la == 0 || la == 1) && (lb == 0 || lb == 1)) {
      // 4 condition bytes -> 4 lane masks; a or b may be one value (masked fill)
      const as = v128.load32_splat(pa);
      const bs = v128.load32_splat(pb);
      for (; i + 4 <= len; i += 4) {
        const c8 = v128.load32_zero(pc + <usize>i);
        const m = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(c8)), i32x4.splat(0));
        const o = <usize>i << 2;
        v128.store(po + o, v128.bitselect(la ? v128.load(pa + o) : as, lb ? v128.load(pb + o) : bs, m));
      }
    }
    for (; i < len; i++) {
      const c = load<u8>(pc + <usize>i * lc);
      store<i32>(po + (<usize>i << 2), c ? load<i32>(pa + ((<usize>i * la) << 2)) : load<i32>(pb + ((<usize>i * lb) << 2)));
    }
  }
}

// Cast codes: source and destination element types.
export const C_F32_I32 = 0, C_I32_F32 = 1, C_F32_U8 = 2, C_U8_F32 = 3;

/** Converts n elements: float to int truncates toward zero with JS's ToInt32 wrap; bool is x != 0. */
export function cast(kind: i32, x: usize, out: usize, n: i32): void {
  switch (kind) {
    case C_F32_I32: {
      for (let i = 0; i < n; i++) {
        const v = <f64>load<f32>(x + (<usize>i << 2));
        let r: i32;
        if (v > -2147483649.0 && v < 2147483648.0) r = <i32>v;
        else if (!isFinite(v)) r = 0;
        else {
          let t = Math.trunc(v);
          t -= Math.floor(t / 4294967296.0) * 4294967296.0;
          r = <i32><i64>t;
        }
        store<i32>(out + (<usize>i << 2), r);
      }
      return;
    }
    case C_I32_F32: {
      const end = x + (<usize>n << 2);
      for (; x < end; x += 16, out += 16) v128.store(out, f32x4.convert_i32x4_s(v128.load(x)));
      return;
    }
    case C_F32_U8: {
      for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<f32>(x + (<usize>i << 2)) != 0 ? 1 : 0);
      return;
    }
    case C_U8_F32: {
      for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(x + <usize>i));
      return;
    }
  }
}
