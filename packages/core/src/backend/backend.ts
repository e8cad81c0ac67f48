import type { DType, TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { AdamStep } from './adam.js';
import type { SgdStep } from './sgd.js';

export type { AdamStep } from './adam.js';
export type { SgdStep } from './sgd.js';

/** Elementwise functions of one input; `p0`/`p1` carry their parameters. */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'square' | 'reciprocal'
  | 'sin' | 'cos' | 'floor' | 'ceil' | 'round' | 'log1p' | 'expm1'
  | 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'gelu' | 'silu'
  | 'geluGrad' // d gelu(x) / dx
  | 'leakyRelu' // p0 = negative slope
  | 'elu' // p0 = alpha
  | 'clamp' // p0 = min, p1 = max (either may be ±Infinity)
  | 'powScalar' // x ** p0
  | 'addScalar' // x + p0
  | 'mulScalar' // x * p0
  | 'affine' // x * p0 + p1
  | 'not';

/** Elementwise functions of two broadcast inputs. Comparisons write 0/1. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'and' | 'or';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** Parameters of a (batched) matrix product out[b] = op(A[b]) @ op(B[b]). */
export interface MatmulParams {
  batch: number;
  m: number;
  n: number;
  k: number;
  /** A is stored (k, m) and used transposed. */
  transA: boolean;
  /** B is stored (n, k) and used transposed. */
  transB: boolean;
  /** Elements between consecutive batch matrices of A; 0 shares one A across the batch. */
  strideA: number;
  strideB: number;
  /** Add into `out` instead of overwriting it; when false and k > 0 every element is written (out may come uninitialised). */
  accumulate: boolean;
  /** Added to every row of each product (n values): out = op(A) @ op(B) + bias, or with `accumulate` out += op(A) @ op(B) + bias. */
  bias?: TypedArray | null;
  /** A resident copy of A's values (Backend.resident): the backend may read it instead of copying `a` in. */
  residentA?: Resident | null;
  /** The same for B. */
  residentB?: Resident | null;
}

/**
 * An operand's values kept in a backend's own memory (Backend.resident): a
 * snapshot, read by the calls it is passed to instead of copying the operand
 * in each time. Opaque to callers.
 */
export interface Resident {
  /** Elements held. */
  readonly length: number;
}

/**
 * An LSTM layer in one direction over a packed sequence (lstmForward,
 * lstmBackward): step t holds the sizes[t] samples still running (sizes do
 * not increase), its rows start at sizes[0] + ... + sizes[t-1]; a sample reads
 * the state its previous step left, or its initial state on its first step.
 */
export interface LstmParams {
  /** Features of each input row (I). */
  input: number;
  hidden: number;
  sizes: readonly number[];
  /** Run the steps from last to first (a bidirectional layer's reverse direction). */
  reverse: boolean;
}

/** The operands of lstmForward and lstmBackward. rows = sum(sizes), N = sizes[0], H = hidden, I = input. */
export interface LstmWeights {
  /** (rows, I) the packed input. */
  x: TypedArray;
  /** (4H, I) and (4H, H), gates in PyTorch's order i, f, g, o. */
  wIh: TypedArray;
  wHh: TypedArray;
  /** (4H) added to every step's gates (b_ih + b_hh), or null. */
  bias: TypedArray | null;
}

/** What lstmForward writes. */
export interface LstmForwardOut {
  /** (rows, H) every step's output h. */
  h: TypedArray;
  /** (N, H) each sample's h and c after its last step. */
  hN: TypedArray;
  cN: TypedArray;
}

/**
 * What lstmForward keeps for lstmBackward (the activated gates, tanh(c) and
 * the states each step read), in the backend's own form: opaque to callers.
 */
export interface LstmSaved {
  readonly lstmSaved: true;
}

/** The gradients lstmBackward writes (overwriting), each null when not wanted. */
export interface LstmGrads {
  /** (rows, I), (4H, I), (4H, H), (4H). */
  x: TypedArray | null;
  wIh: TypedArray | null;
  wHh: TypedArray | null;
  bias: TypedArray | null;
  /** (N, H). */
  h0: TypedArray | null;
  c0: TypedArray | null;
}

/**
 * Geometry of im2col/col2im. Output row oh reads input rows
 * oh * strideH - padTop + kh * dilationH (kh < kernelH); likewise for columns.
 * outH/outW are given by the caller, so padding on the bottom/right may differ
 * from padTop/padLeft (conv 'same', ceil mode).
 */
export interface Im2colParams {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/** Geometry of a convolution: the image side is im2col's input, the weight is (outChannels, channels / groups, kernelH, kernelW). */
/** What a convForward kept for its backward (the unrolled input), in the backend's own form: opaque to callers. */
export interface ConvSaved {
  readonly convSaved: true;
}

/** The gradients convBackward writes; null: not wanted. */
export interface ConvGrads {
  /** (batch, channels, height, width) */
  x: TypedArray | null;
  /** (outChannels, channels / groups, kernelH, kernelW) */
  w: TypedArray | null;
  /** (outChannels) */
  bias: TypedArray | null;
}

export interface ConvParams extends Im2colParams {
  outChannels: number;
  /** Input and output channels split into this many independent groups. */
  groups: number;
}

/**
 * The kernels every op is built from. Arrays are contiguous, row-major; the
 * caller allocates `out` (through `alloc`) with the right size and dtype.
 * The reference (`js`) backend is the oracle every other backend is tested against.
 */
export interface Backend {
  readonly name: string;

  /**
   * An array for `size` elements: zero-filled, or with arbitrary contents when
   * `uninitialized` (for outputs a kernel writes whole before they are read).
   */
  alloc(dtype: DType, size: number, uninitialized?: boolean): TypedArray;

  fill(out: TypedArray, value: number): void;
  /** Converts between dtypes (float to int truncates toward zero; bool is x != 0). */
  cast(x: TypedArray, out: TypedArray): void;

  unary(op: UnaryOp, x: TypedArray, out: TypedArray, p0?: number, p1?: number): void;
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** out = cond ? a : b, all three broadcast to outShape. */
  where(
    cond: TypedArray, condShape: Shape, a: TypedArray, aShape: Shape,
    b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape,
  ): void;

  /** Reduces x viewed as (outer, size, inner) along the middle axis into out (outer, inner). */
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  /**
   * The rectifiers' gradient in one pass: out = x > 0 ? g : g * negativeSlope,
   * exactly 0 where x <= 0 (or NaN) when negativeSlope is 0 (relu), whatever g holds.
   */
  reluGrad(x: TypedArray, g: TypedArray, out: TypedArray, negativeSlope: number): void;

  /** Index of the max (or min) along the middle axis; the first one on ties. */
  argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, size: number, inner: number, out: Int32Array): void;
  /** Softmax (or log-softmax) along the middle axis of (outer, size, inner). */
  softmax(x: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void;

  matmul(a: TypedArray, b: TypedArray, out: TypedArray, p: MatmulParams): void;
  /**
   * Binary cross-entropy of probabilities x against targets y, elementwise:
   * out = -(y max(log x, -100) + (1 - y) max(log(1 - x), -100)). Returns how
   * many x are not probabilities (outside [0, 1], or NaN).
   */
  bce(x: TypedArray, y: TypedArray, out: TypedArray): number;
  /** The gradient of `bce` with respect to x, times g: out = g (x - y) / max(x (1 - x), 1e-12). */
  bceGrad(x: TypedArray, y: TypedArray, g: TypedArray, out: TypedArray): void;
  /** One Adam (or AdamW) step of float32 parameters x with gradient g and moments m, v, all updated in place (see adamReference). */
  adam(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamStep): void;
  /** One SGD step of float32 parameters x with gradient g and momentum buffer b (null without momentum), updated in place (see sgdReference). */
  sgd(x: Float32Array, g: Float32Array, b: Float32Array | null, s: SgdStep): void;
  /**
   * Optional: a zero-filled float32 array in this backend's own memory, for
   * long-lived state that its kernels read and update in place (parameters,
   * an optimizer's moments), sparing copies; null when the backend keeps no
   * more. To everyone else it is an ordinary Float32Array, freed when
   * garbage collected.
   */
  allocState?(size: number): Float32Array | null;
  /**
   * Optional: copies x into the backend's memory once, for an operand that many
   * calls read (a recurrent weight, every time step). The copy is a snapshot:
   * later writes to x are not seen. Null where the backend has no memory of
   * its own or does not handle x's dtype. Freed by `release`, or when the
   * handle is garbage collected.
   */
  resident?(x: TypedArray): Resident | null;
  /** Frees a resident copy now; the handle may still be passed, and is then ignored. */
  release?(r: Resident): void;

  /** out = x.permute(perm), made contiguous. */
  permute(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void;
  /** out = x broadcast to outShape (x's shape right-aligned against it). */
  broadcastTo(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape): void;
  /**
   * For each of `outer` blocks, copies `len` rows of `inner` elements from src
   * (rows srcStart.. of a block of srcSize rows) to dst (rows dstStart.. of dstSize).
   * Narrow, cat, split and pad are built from it.
   */
  copyRows(
    src: TypedArray, srcSize: number, srcStart: number,
    dst: TypedArray, dstSize: number, dstStart: number,
    outer: number, len: number, inner: number, accumulate: boolean,
  ): void;

  /** out (outer, index.length, inner) = x (outer, size, inner) picked along the middle axis. */
  indexSelect(x: TypedArray, outer: number, size: number, inner: number, index: Int32Array, out: TypedArray): void;
  /** dst (outer, size, inner) += src (outer, index.length, inner) at the picked rows. */
  indexAdd(dst: TypedArray, outer: number, size: number, inner: number, index: Int32Array, src: TypedArray): void;
  /** torch.gather along `dim`: out has index's shape. */
  gather(x: TypedArray, xShape: Shape, dim: number, index: Int32Array, indexShape: Shape, out: TypedArray): void;
  /** torch.scatter_add_ along `dim`, in place on dst. */
  scatterAdd(dst: TypedArray, dstShape: Shape, dim: number, index: Int32Array, indexShape: Shape, src: TypedArray): void;

  /**
   * Unrolls sliding windows (F.unfold): x (batch, channels, height, width) ->
   * out (batch, channels * kernelH * kernelW, outH * outW); positions in the
   * padding read as 0. 1-D convolutions use height = kernelH = 1.
   */
  im2col(x: TypedArray, out: TypedArray, p: Im2colParams): void;
  /**
   * The adjoint of im2col (F.fold): overwrites out (batch, channels, height,
   * width) with the sum of every column entry that reads that position.
   */
  col2im(col: TypedArray, out: TypedArray, p: Im2colParams): void;

  /**
   * Max pooling's choice: for each window (as im2col's) of each of the
   * batch * channels planes, the flat index h * width + w of its largest
   * element, into out (batch * channels, outH * outW). The first one in window
   * order wins ties; NaN beats every number; the padding is never chosen.
   */
  maxPoolIndices(x: TypedArray, out: Int32Array, p: Im2colParams): void;

  /**
   * One LSTM step's gate activations (PyTorch's gate order i, f, g, o) for
   * rows of `hidden` units: act = [σ(i), σ(f), tanh(g), σ(o)],
   * c = σ(f) cPrev + σ(i) tanh(g), tc = tanh(c), h = σ(o) tc.
   * gates, act (rows, 4 hidden); cPrev, c, tc, h (rows, hidden).
   */
  lstmCell(gates: TypedArray, cPrev: TypedArray, act: TypedArray, c: TypedArray, tc: TypedArray, h: TypedArray, hidden: number): void;
  /**
   * A whole LSTM layer in one direction (torch.nn.LSTM's recurrence): for
   * each step, gates = x W_ih^T + bias + hPrev W_hh^T, then lstmCell.
   * h0, c0 (N, H) are the initial states. With `keep`, returns what
   * lstmBackward will read, else null.
   */
  lstmForward(w: LstmWeights, h0: TypedArray, c0: TypedArray, out: LstmForwardOut, p: LstmParams, keep: boolean): LstmSaved | null;
  /**
   * Backpropagation through lstmForward: dh (rows, H) is the gradient of the
   * outputs, dhN and dcN (N, H) of the final states (null for zero). May run
   * more than once on the same `saved` (a graph kept with retainGraph).
   */
  lstmBackward(dh: TypedArray, dhN: TypedArray | null, dcN: TypedArray | null, w: LstmWeights, saved: LstmSaved, grads: LstmGrads, p: LstmParams): void;
  /** Frees what lstmForward kept once no backward will read it (else it goes when garbage collected). */
  lstmFree(saved: LstmSaved): void;
  /**
   * One GRU step's gate activations (PyTorch's: the reset gate applied after
   * the hidden matmul): r = σ(gi_r + gh_r), z = σ(gi_z + gh_z),
   * n = tanh(gi_n + r gh_n), h = (1 - z) n + z hPrev; act = [r, z, n].
   * gi, gh, act (rows, 3 hidden); hPrev, h (rows, hidden).
   */
  gruCell(gi: TypedArray, gh: TypedArray, hPrev: TypedArray, act: TypedArray, h: TypedArray, hidden: number): void;
  /**
   * gruCell's backward from its act, gh, hPrev and the output gradient dh:
   * dn = dh (1 - z) (1 - n²), dz = dh (hPrev - n) z (1 - z), dr = dn gh_n r (1 - r);
   * dgi = [dr, dz, dn], dgh = [dr, dz, dn r], dhPrev = dh z (when not null), each written whole.
   */
  gruCellBackward(act: TypedArray, gh: TypedArray, hPrev: TypedArray, dh: TypedArray, dgi: TypedArray, dgh: TypedArray, dhPrev: TypedArray | null, hidden: number): void;

  /**
   * Convolution: out (batch, outChannels, outH, outW) = w @ im2col(x) (+ bias
   * per output channel), per group. With `keep`, the backend may keep what
   * convBackward needs for the weight gradient (the unrolled input) and return
   * it; it is freed by convFree, or when the handle is garbage collected.
   */
  convForward(x: TypedArray, w: TypedArray, out: TypedArray, p: ConvParams, bias?: TypedArray | null, keep?: boolean): ConvSaved | null;
  /** Its adjoint in x (conv's input gradient, the transposed convolution): out (batch, channels, height, width) = col2im(w^T @ y). */
  convInputGrad(y: TypedArray, w: TypedArray, out: TypedArray, p: ConvParams): void;
  /** Its adjoint in w (conv's weight gradient): overwrites out (outChannels, channels / groups, kH, kW) with sum_n y[n] @ im2col(x)[n]^T. */
  convWeightGrad(x: TypedArray, y: TypedArray, out: TypedArray, p: ConvParams): void;
  /**
   * convForward's backward in one call, from its output gradient dy (batch,
   * outChannels, outH, outW): each non-null output of `grads` is written
   * (grads.x as convInputGrad(dy, w), grads.w as convWeightGrad(x, dy),
   * grads.bias (outChannels) = Σ dy over images and positions). A fast
   * backend reads dy once for all three.
   */
  convBackward(dy: TypedArray, x: TypedArray, w: TypedArray, grads: ConvGrads, p: ConvParams, saved?: ConvSaved | null): void;
  /** Frees what a convForward kept (a freed or foreign handle is then ignored by convBackward). */
  convFree(saved: ConvSaved): void;
}
