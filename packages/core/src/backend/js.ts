import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { Backend, BinaryOp, ConvParams, Im2colParams, MatmulParams, ReduceOp, UnaryOp } from './backend.js';
import { adamReference } from './adam.js';
import { sgdReference } from './sgd.js';
import { convBackwardComposed, convForwardComposed, convInputGradComposed, convWeightGradComposed } from './conv.js';
import { lstmArrays, lstmBackwardComposed, lstmForwardComposed } from './lstm.js';

type F1 = (x: number, p0: number, p1: number) => number;
type F2 = (a: number, b: number) => number;


const UNARY: Record<UnaryOp, F1> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), // keeps NaN and ±0
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  log1p: Math.log1p,
  expm1: Math.expm1,
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
  // log(1 + e^x) without overflow; PyTorch's threshold of 20 for beta = 1
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  // exact (erf) GELU, PyTorch's default
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  silu: (x) => x / (1 + Math.exp(-x)),
  // Φ(x) + x φ(x)
  geluGrad: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  leakyRelu: (x, s) => (x > 0 ? x : x * s),
  elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  clamp: (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x),
  powScalar: (x, p) => Math.pow(x, p),
  addScalar: (x, p) => x + p,
  mulScalar: (x, p) => x * p,
  affine: (x, a, b) => x * a + b,
  not: (x) => (x === 0 ? 1 : 0), // NaN is true, as in C and PyTorch
};

const BINARY: Record<BinaryOp, F2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * erf to about 1e-15 absolute error: the all-positive series
 * erf(z) = 2/sqrt(pi) e^(-z^2) sum_n (2z^2)^n z / (1*3*...*(2n+1)) below 2.5
 * (no cancellation), and erfc's continued fraction (evaluated bottom-up) above.
 */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const z = Math.abs(x);
  let r: number;
  if (z < 2.5) {
    const z2 = 2 * z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= z2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = 1.1283791670955126 * Math.exp(-z * z) * sum;
  } else if (z > 6) {
    r = 1;
  } else {
    // erfc(z) = e^(-z^2) / sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + ...))))
    let f = z;
    for (let k = 80; k >= 1; k--) f = z + k / 2 / f;
    r = 1 - (Math.exp(-z * z) * 0.5641895835477563) / f;
  }
  return x < 0 ? -r : r;
}

/** Strides of `shape` right-aligned against `outShape`, 0 where it broadcasts. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const s = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const off = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : s[i]!;
  return out;
}

/**
 * Calls body(outStart, offsets...) for each row of the output's last dim, with
 * the starting offsets of each broadcast input. A plain odometer over the leading dims.
 */
function forEachRow(outShape: Shape, strides: number[][], body: (o: number, offs: number[]) => void): void {
  const nd = outShape.length;
  const last = nd === 0 ? 1 : outShape[nd - 1]!;
  const rows = last === 0 ? 0 : sizeOf(outShape) / last;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const offs = strides.map(() => 0);
  for (let r = 0; r < rows; r++) {
    body(r * last, offs);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < strides.length; j++) offs[j]! += strides[j]![d]!;
      if (idx[d]! < outShape[d]!) break;
      for (let j = 0; j < strides.length; j++) offs[j]! -= strides[j]![d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

function lastStride(s: number[]): number {
  return s.length === 0 ? 0 : s[s.length - 1]!;
}

/** The reference backend: plain TypeScript loops, written to be obviously right. */
export const jsBackend: Backend = {
  name: 'js',

  alloc(dtype: DType, size: number, uninitialized = false): TypedArray {
    return allocArray(dtype, size, uninitialized);
  },

  fill(out, value) {
    out.fill(value);
  },

  cast(x, out) {
    if (out instanceof Int32Array) {
      for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]!);
    } else if (out instanceof Uint8Array) {
      for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
    } else {
      out.set(x);
    }
  },

  unary(op, x, out, p0 = 0, p1 = 0) {
    const f = UNARY[op];
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, p0, p1);
  },

  binary(op, a, aShape, b, bShape, out, outShape) {
    const f = BINARY[op];
    const n = out.length;
    if (a.length === n && b.length === n) {
      for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
      return;
    }
    if (b.length === 1 && a.length === n) {
      const bv = b[0]!;
      for (let i = 0; i < n; i++) out[i] = f(a[i]!, bv);
      return;
    }
    if (a.length === 1 && b.length === n) {
      const av = a[0]!;
      for (let i = 0; i < n; i++) out[i] = f(av, b[i]!);
      return;
    }
    const sa = broadcastStrides(aShape, outShape);
    const sb = broadcastStrides(bShape, outShape);
    const la = lastStride(sa);
    const lb = lastStride(sb);
    const last = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
    forEachRow(outShape, [sa, sb], (o, [oa, ob]) => {
      for (let i = 0; i < last; i++) out[o + i] = f(a[oa! + i * la]!, b[ob! + i * lb]!);
    });
  },

  where(cond, condShape, a, aShape, b, bShape, out, outShape) {
    const sc = broadcastStrides(condShape, outShape);
    const sa = broadcastStrides(aShape, outShape);
    const sb = broadcastStrides(bShape, outShape);
    const [lc, la, lb] = [lastStride(sc), lastStride(sa), lastStride(sb)];
    const last = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
    forEachRow(outShape, [sc, sa, sb], (o, [oc, oa, ob]) => {
      for (let i = 0; i < last; i++) out[o + i] = cond[oc! + i * lc] ? a[oa! + i * la]! : b[ob! + i * lb]!;
    });
  },

  reduce(op: ReduceOp, x, outer, size, inner, out) {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * size * inner + j;
        let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
        for (let i = 0; i < size; i++) {
          const v = x[base + i * inner]!;
          if (op === 'sum') acc += v;
          else if (op === 'prod') acc *= v;
          else if (v !== v) acc = NaN; // NaN propagates through max/min as in PyTorch
          else if (op === 'max' ? v > acc : v < acc) acc = v;
          if (acc !== acc && (op === 'max' || op === 'min')) break;
        }
        out[o * inner + j] = acc;
      }
    }
  },

  argReduce(op, x, outer, size, inner, out) {
    const isMax = op === 'argmax';
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * size * inner + j;
        let best = x[base]!;
        let arg = 0;
        for (let i = 1; i < size && best === best; i++) {
          const v = x[base + i * inner]!;
          if (v !== v || (isMax ? v > best : v < best)) {
            best = v;
            arg = i;
          }
        }
        out[o * inner + j] = arg;
      }
    }
  },

  softmax(x, outer, size, inner, out, log) {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * size * inner + j;
        let mx = -Infinity;
        for (let i = 0; i < size; i++) mx = Math.max(mx, x[base + i * inner]!);
        if (mx === -Infinity) mx = 0;
        let s = 0;
        for (let i = 0; i < size; i++) s += Math.exp(x[base + i * inner]! - mx);
        if (log) {
          const lse = mx + Math.log(s);
          for (let i = 0; i < size; i++) out[base + i * inner] = x[base + i * inner]! - lse;
        } else {
          for (let i = 0; i < size; i++) out[base + i * inner] = Math.exp(x[base + i * inner]! - mx) / s;
        }
      }
    }
  },

  adam: adamReference,

  sgd: sgdReference,

  bce(x, y, out) {
    // NaN passes through the clamps, as in PyTorch
    const clampLog = (l: number) => (l < -100 ? -100 : l);
    let bad = 0;
    for (let i = 0; i < out.length; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      if (!(xi >= 0 && xi <= 1)) bad++;
      out[i] = -(yi * clampLog(Math.log(xi)) + (1 - yi) * clampLog(Math.log(1 - xi)));
    }
    return bad;
  },

  bceGrad(x, y, g, out) {
    for (let i = 0; i < out.length; i++) {
      const xi = x[i]!;
      const d = xi * (1 - xi);
      out[i] = (g[i]! * (xi - y[i]!)) / (d < 1e-12 ? 1e-12 : d);
    }
  },

  matmul(a, b, out, p: MatmulParams) {
    const { batch, m, n, k, transA, transB, strideA, strideB, accumulate } = p;
    const bias = p.bias ?? null;
    // A element (i, l) and B element (l, j), whichever way they are stored
    const ai = transA ? 1 : k;
    const al = transA ? m : 1;
    const bl = transB ? 1 : n;
    const bj = transB ? k : 1;
    const row = new Float64Array(n);
    for (let t = 0; t < batch; t++) {
      const oa = t * strideA;
      const ob = t * strideB;
      const oo = t * m * n;
      for (let i = 0; i < m; i++) {
        row.fill(0);
        for (let l = 0; l < k; l++) {
          // no skipping of zeros: 0 * Inf must stay NaN, as in PyTorch
          const av = a[oa + i * ai + l * al]!;
          const boff = ob + l * bl;
          for (let j = 0; j < n; j++) row[j]! += av * b[boff + j * bj]!;
        }
        const base = oo + i * n;
        if (bias) for (let j = 0; j < n; j++) row[j]! += bias[j]!;
        if (accumulate) for (let j = 0; j < n; j++) out[base + j]! += row[j]!;
        else for (let j = 0; j < n; j++) out[base + j] = row[j]!;
      }
    }
  },

  permute(x, shape, perm, out) {
    const nd = shape.length;
    const inStrides = stridesOf(shape);
    const outShape = perm.map((p) => shape[p]!);
    // stride in x of each output dim
    const s = perm.map((p) => inStrides[p]!);
    const last = nd === 0 ? 1 : outShape[nd - 1]!;
    const ls = nd === 0 ? 0 : s[nd - 1]!;
    forEachRow(outShape, [s], (o, [ox]) => {
      for (let i = 0; i < last; i++) out[o + i] = x[ox! + i * ls]!;
    });
  },

  broadcastTo(x, shape, out, outShape) {
    if (x.length === out.length) {
      out.set(x);
      return;
    }
    const sx = broadcastStrides(shape, outShape);
    const lx = lastStride(sx);
    const last = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
    forEachRow(outShape, [sx], (o, [ox]) => {
      for (let i = 0; i < last; i++) out[o + i] = x[ox! + i * lx]!;
    });
  },

  copyRows(src, srcSize, srcStart, dst, dstSize, dstStart, outer, len, inner, accumulate) {
    const n = len * inner;
    for (let o = 0; o < outer; o++) {
      const s = (o * srcSize + srcStart) * inner;
      const d = (o * dstSize + dstStart) * inner;
      if (accumulate) for (let i = 0; i < n; i++) dst[d + i]! += src[s + i]!;
      else dst.set(src.subarray(s, s + n), d);
    }
  },

  indexSelect(x, outer, size, inner, index, out) {
    const m = index.length;
    for (let o = 0; o < outer; o++) {
      for (let r = 0; r < m; r++) {
        const s = (o * size + index[r]!) * inner;
        out.set(x.subarray(s, s + inner), (o * m + r) * inner);
      }
    }
  },

  indexAdd(dst, outer, size, inner, index, src) {
    const m = index.length;
    for (let o = 0; o < outer; o++) {
      for (let r = 0; r < m; r++) {
        const d = (o * size + index[r]!) * inner;
        const s = (o * m + r) * inner;
        for (let i = 0; i < inner; i++) dst[d + i]! += src[s + i]!;
      }
    }
  },

  gather(x, xShape, dim, index, indexShape, out) {
    const xs = stridesOf(xShape);
    gatherScatterWalk(indexShape, dim, xs, (iIdx, xOff) => {
      out[iIdx] = x[xOff]!;
    }, index);
  },

  scatterAdd(dst, dstShape, dim, index, indexShape, src) {
    const ds = stridesOf(dstShape);
    gatherScatterWalk(indexShape, dim, ds, (iIdx, dOff) => {
      dst[dOff]! += src[iIdx]!;
    }, index);
  },

  im2col(x, out, p: Im2colParams) {
    im2colLoop(p, x, out, false);
  },

  col2im(col, out, p: Im2colParams) {
    out.fill(0);
    im2colLoop(p, out, col, true);
  },

  maxPoolIndices(x, out, p: Im2colParams) {
    const { height: H, width: W, kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = p;
    const planes = p.batch * p.channels;
    for (let b = 0, t = 0; b < planes; b++) {
      const base = b * H * W;
      for (let i = 0; i < outH; i++) {
        const h0 = i * strideH - padTop;
        for (let j = 0; j < outW; j++, t++) {
          const w0 = j * strideW - padLeft;
          let best = -Infinity;
          let at = -1;
          for (let a = 0; a < kernelH; a++) {
            const h = h0 + a * dilationH;
            if (h < 0 || h >= H) continue;
            for (let c = 0; c < kernelW; c++) {
              const w = w0 + c * dilationW;
              if (w < 0 || w >= W) continue;
              const v = x[base + h * W + w]!;
              // NaN wins and stays (best !== best once it is NaN)
              if (at < 0 || v > best || (v !== v && best === best)) {
                best = v;
                at = h * W + w;
              }
            }
          }
          out[t] = at;
        }
      }
    }
  },

  reluGrad(x, g, out, negativeSlope) {
    // float32 arrays see the slope as a float32, like a float32 tensor holding it
    const s = out instanceof Float64Array ? negativeSlope : Math.fround(negativeSlope);
    for (let i = 0; i < out.length; i++) out[i] = x[i]! > 0 ? g[i]! : s === 0 ? 0 : g[i]! * s;
  },

  lstmCell(gates, cPrev, act, c, tc, h, hidden) {
    const H = hidden;
    const rows = cPrev.length / H;
    const sigmoid = UNARY.sigmoid!;
    for (let r = 0; r < rows; r++) {
      const gr = r * 4 * H;
      const sr = r * H;
      for (let j = 0; j < H; j++) {
        act[gr + j] = sigmoid(gates[gr + j]!, 0, 0);
        act[gr + H + j] = sigmoid(gates[gr + H + j]!, 0, 0);
        act[gr + 2 * H + j] = Math.tanh(gates[gr + 2 * H + j]!);
        act[gr + 3 * H + j] = sigmoid(gates[gr + 3 * H + j]!, 0, 0);
        // each value read back from its buffer: float32 rounds between the steps, as in the wasm kernel
        c[sr + j] = act[gr + H + j]! * cPrev[sr + j]! + act[gr + j]! * act[gr + 2 * H + j]!;
        tc[sr + j] = Math.tanh(c[sr + j]!);
        h[sr + j] = act[gr + 3 * H + j]! * tc[sr + j]!;
      }
    }
  },

  lstmForward(w, h0, c0, out, p, keep) {
    return lstmForwardComposed(jsBackend, w, h0, c0, out, p, keep);
  },

  lstmBackward(dh, dhN, dcN, w, saved, grads, p) {
    lstmBackwardComposed(jsBackend, dh, dhN, dcN, w, lstmArrays(saved), grads, p);
  },

  // the saved arrays are garbage collected like any other
  lstmFree() {},

  gruCell(gi, gh, hPrev, act, h, hidden) {
    const H = hidden;
    const rows = hPrev.length / H;
    const sigmoid = UNARY.sigmoid!;
    for (let row = 0; row < rows; row++) {
      const gr = row * 3 * H;
      const sr = row * H;
      for (let j = 0; j < H; j++) {
        act[gr + j] = sigmoid(gi[gr + j]! + gh[gr + j]!, 0, 0);
        act[gr + H + j] = sigmoid(gi[gr + H + j]! + gh[gr + H + j]!, 0, 0);
        const r = act[gr + j]!;
        const z = act[gr + H + j]!;
        act[gr + 2 * H + j] = Math.tanh(gi[gr + 2 * H + j]! + r * gh[gr + 2 * H + j]!);
        const n = act[gr + 2 * H + j]!;
        h[sr + j] = (1 - z) * n + z * hPrev[sr + j]!;
      }
    }
  },

  gruCellBackward(act, gh, hPrev, dh, dgi, dgh, dhPrev, hidden) {
    const H = hidden;
    const rows = hPrev.length / H;
    for (let row = 0; row < rows; row++) {
      const gr = row * 3 * H;
      const sr = row * H;
      for (let j = 0; j < H; j++) {
        const v = dh[sr + j]!;
        const r = act[gr + j]!;
        const z = act[gr + H + j]!;
        const n = act[gr + 2 * H + j]!;
        const dn = v * (1 - z) * (1 - n * n);
        const dz = v * (hPrev[sr + j]! - n) * z * (1 - z);
        const dr = dn * gh[gr + 2 * H + j]! * r * (1 - r);
        dgi[gr + j] = dr;
        dgh[gr + j] = dr;
        dgi[gr + H + j] = dz;
        dgh[gr + H + j] = dz;
        dgi[gr + 2 * H + j] = dn;
        dgh[gr + 2 * H + j] = dn * r;
        if (dhPrev !== null) dhPrev[sr + j] = v * z;
      }
    }
  },

  convForward(x, w, out, p: ConvParams, bias) {
    convForwardComposed(jsBackend, x, w, out, p, bias);
    return null;
  },

  convInputGrad(y, w, out, p: ConvParams) {
    convInputGradComposed(jsBackend, y, w, out, p);
  },

  convWeightGrad(x, y, out, p: ConvParams) {
    convWeightGradComposed(jsBackend, x, y, out, p);
  },

  convBackward(dy, x, w, grads, p: ConvParams) {
    convBackwardComposed(jsBackend, dy, x, w, grads, p);
  },

  convFree() {},
};

/**
 * Walks the column matrix (batch, channels * kernelH * kernelW, outH * outW)
 * row by row. im2col (back = false) copies image -> col, reading 0 in the
 * padding; col2im (back = true) adds col -> image.
 */
function im2colLoop(p: Im2colParams, img: TypedArray, col: TypedArray, back: boolean): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW } = p;
  let ci = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const plane = (n * channels + c) * height * width;
      for (let kh = 0; kh < kernelH; kh++) {
        for (let kw = 0; kw < kernelW; kw++) {
          // output columns ow whose input column w = ow * strideW - padLeft + kw * dilationW is inside [0, width)
          const off = kw * dilationW - padLeft;
          const owLo = Math.min(outW, Math.max(0, Math.ceil(-off / strideW)));
          const owHi = Math.max(owLo, Math.min(outW, Math.ceil((width - off) / strideW)));
          for (let oh = 0; oh < outH; oh++, ci += outW) {
            const h = oh * strideH - padTop + kh * dilationH;
            if (h < 0 || h >= height) {
              if (!back) col.fill(0, ci, ci + outW);
              continue;
            }
            const rowStart = plane + h * width + off;
            if (back) {
              for (let ow = owLo; ow < owHi; ow++) img[rowStart + ow * strideW]! += col[ci + ow]!;
            } else {
              for (let ow = 0; ow < owLo; ow++) col[ci + ow] = 0;
              for (let ow = owLo; ow < owHi; ow++) col[ci + ow] = img[rowStart + ow * strideW]!;
              for (let ow = owHi; ow < outW; ow++) col[ci + ow] = 0;
            }
          }
        }
      }
    }
  }
}

/**
 * Walks every position of `indexShape`; for each, the offset into the other
 * tensor is its own coordinates with `dim` replaced by the index value.
 */
function gatherScatterWalk(
  indexShape: Shape, dim: number, otherStrides: number[],
  body: (flat: number, otherOffset: number) => void, index: Int32Array,
): void {
  const nd = indexShape.length;
  const n = sizeOf(indexShape);
  const coord = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < n; flat++) {
    let off = 0;
    for (let d = 0; d < nd; d++) off += (d === dim ? index[flat]! : coord[d]!) * otherStrides[d]!;
    body(flat, off);
    for (let d = nd - 1; d >= 0; d--) {
      if (++coord[d]! < indexShape[d]!) break;
      coord[d] = 0;
    }
  }
}
