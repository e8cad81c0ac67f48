// Weight initialisation, as torch.nn.init: each fills a tensor in place (no autograd) and returns it.
import { isFloating } from '../dtype.js';
import { DTypeError, NeuroneError, ShapeError, fmtShape } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import type { Tensor } from '../tensor.js';

/** The nonlinearities `calculateGain` knows (snake_case as in PyTorch, or camelCase). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface InitOptions {
  /** Source of random numbers (default: the seeded default generator). */
  generator?: Generator;
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (only for 'leaky_relu'). Default 0. */
  a?: number;
  /** 'fanIn' (default) keeps the variance of the forward pass, 'fanOut' that of the backward pass. */
  mode?: FanMode;
  /** Default 'leaky_relu'. */
  nonlinearity?: Nonlinearity;
}

function floatTarget(op: string, t: Tensor): void {
  if (!isFloating(t.dtype)) throw new DTypeError(`${op}: expected a floating-point tensor, got ${t.dtype}`);
}

function fill(t: Tensor, sample: () => number): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = sample();
  return t;
}

/**
 * The recommended gain (scale of the standard deviation) for a nonlinearity:
 * 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for
 * leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new NeuroneError(`calculateGain: negative slope ${String(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new NeuroneError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * fan_in = size(1) × receptive field, fan_out = size(0) × receptive field,
 * where the receptive field is the product of dims 2… (1 for a matrix).
 */
export function calculateFanInAndFanOut(t: Tensor): [fanIn: number, fanOut: number] {
  if (t.ndim < 2) {
    throw new ShapeError(`calculateFanInAndFanOut: fan in and fan out need a tensor of at least 2 dims, got shape ${fmtShape(t.shape)}`);
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(op: string, t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new NeuroneError(`${op}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
}

/** Fills with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  floatTarget('uniform_', t);
  if (!(a <= b)) throw new NeuroneError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
  const g = opts.generator ?? defaultGenerator;
  g.fillUniform(t.data as Float32Array | Float64Array, a, b);
  return t;
}

/** Fills with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  floatTarget('normal_', t);
  if (!(std >= 0)) throw new NeuroneError(`normal_: std must be non-negative, got ${std}`);
  const g = opts.generator ?? defaultGenerator;
  g.fillNormal(t.data as Float32Array | Float64Array, mean, std);
  return t;
}

/** Fills with N(mean, std²) truncated to [a, b] (redrawing values outside). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: InitOptions = {}): Tensor {
  floatTarget('truncNormal_', t);
  if (!(a < b) || !(std > 0)) throw new NeuroneError(`truncNormal_: expected a < b and std > 0, got a=${a}, b=${b}, std=${std}`);
  const g = opts.generator ?? defaultGenerator;
  return fill(t, () => {
    for (let k = 0; k < 1000; k++) {
      const v = g.normal(mean, std);
      if (v >= a && v <= b) return v;
    }
    return Math.min(Math.max(mean, a), b);
  });
}

/** Fills with `value`. */
export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Fills a 2-D tensor with the identity matrix (ones on the diagonal). */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new ShapeError(`eye_: expected a 2-D tensor, got shape ${fmtShape(t.shape)}`);
  const [n, m] = t.shape as [number, number];
  t.data.fill(0);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/**
 * Glorot/Xavier uniform: U(-b, b) with b = gain × √(6 / (fan_in + fan_out)).
 */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  floatTarget('xavierUniform_', t);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, opts);
}

/** Glorot/Xavier normal: N(0, std²) with std = gain × √(2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  floatTarget('xavierNormal_', t);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

/**
 * He/Kaiming uniform: U(-b, b) with b = gain × √(3 / fan), gain from
 * `calculateGain(nonlinearity, a)`. `nn.Linear` uses `{ a: Math.sqrt(5) }`,
 * which gives b = 1/√fan_in.
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  floatTarget('kaimingUniform_', t);
  const n = fan('kaimingUniform_', t, opts.mode ?? 'fanIn');
  if (n === 0) return t; // PyTorch warns and leaves an empty tensor alone
  const std = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(n);
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, opts);
}

/** He/Kaiming normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  floatTarget('kaimingNormal_', t);
  const n = fan('kaimingNormal_', t, opts.mode ?? 'fanIn');
  if (n === 0) return t;
  return normal_(t, 0, calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(n), opts);
}

/**
 * A (semi-)orthogonal matrix times `gain`: the Q of the QR decomposition of a
 * normal random matrix, with signs fixed so the result is uniformly
 * distributed. Dims after the first are flattened.
 */
export function orthogonal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  floatTarget('orthogonal_', t);
  if (t.ndim < 2) throw new ShapeError(`orthogonal_: only tensors with 2 or more dims are supported, got shape ${fmtShape(t.shape)}`);
  if (t.size === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.size / rows;
  const g = opts.generator ?? defaultGenerator;
  // Q has orthonormal columns; we build it for the tall orientation (n >= k) and transpose back if needed
  const tall = rows >= cols;
  const n = tall ? rows : cols;
  const k = tall ? cols : rows;
  const a: number[][] = Array.from({ length: k }, () => Array.from({ length: n }, () => g.normal()));
  // modified Gram-Schmidt on the k columns (stored as rows of `a`), run twice for stability;
  // the sign of R's diagonal is positive by construction, which is PyTorch's sign fix
  for (let j = 0; j < k; j++) {
    const v = a[j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const q = a[i]!;
        let dot = 0;
        for (let r = 0; r < n; r++) dot += q[r]! * v[r]!;
        for (let r = 0; r < n; r++) v[r] = v[r]! - dot * q[r]!;
      }
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += v[r]! * v[r]!;
    norm = Math.sqrt(norm);
    for (let r = 0; r < n; r++) v[r] = v[r]! / norm;
  }
  const d = t.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) d[r * cols + c] = gain * (tall ? a[c]![r]! : a[r]![c]!);
  }
  return t;
}
