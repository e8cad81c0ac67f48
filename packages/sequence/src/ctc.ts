// Connectionist temporal classification loss (Graves et al. 2006): a fused op
// whose forward (alpha recursion) and backward (beta recursion) sit side by side.
import { DTypeError, IndexError, NeuroneError, ShapeError, Tensor, noGrad, tensor, type TypedArray } from '@neurone/core';
import { clampedExp, fmtShape, logAddExp, recordOp } from './util.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CTCLossOptions {
  /** Index of the blank label (default 0). */
  blank?: number;
  /** 'mean' (default): each loss divided by its target length (at least 1), then averaged; 'sum'; or 'none'. */
  reduction?: Reduction;
  /** Replace infinite losses (impossible alignments) and their gradients by zero (default false). */
  zeroInfinity?: boolean;
}

/** Lengths as a tensor (integer values), a list, or a single number (unbatched input). */
export type Lengths = Tensor | readonly number[] | number;

/** Targets: a tensor (padded (N, S) or concatenated 1-D), nested lists (padded) or a flat list (concatenated). */
export type Targets = Tensor | readonly number[] | readonly (readonly number[])[];

/** The validated, flattened arguments of one CTC call. */
interface CTCProblem {
  T: number;
  N: number;
  C: number;
  blank: number;
  /** All targets, one after the other. */
  labels: Int32Array;
  /** Where sample b's target starts in `labels`. */
  offsets: number[];
  inputLengths: number[];
  targetLengths: number[];
}

/**
 * The CTC loss: the negative log-likelihood of each target sequence summed over
 * every alignment with the input, computed in log space (no underflow on long
 * inputs, e.g. T = 1000).
 *
 * Args:
 *   logProbs: log-probabilities over classes (normally `logSoftmax(2)` of a network's output).
 *   targets: padded `(N, S)` (each row's first `targetLengths[b]` entries count) or the
 *     targets concatenated into one 1-D tensor of `sum(targetLengths)` entries.
 *   inputLengths: valid frames of each sample (at most T).
 *   targetLengths: length of each target.
 *
 * Shape: logProbs (T, N, C) or unbatched (T, C); output () for 'mean'/'sum', (N) for 'none'.
 *
 * A target containing the blank or a class outside 0..C-1, an input length above
 * T and a target length above S are refused with an error. A target longer
 * than its input can hold (it needs one frame per label plus one between
 * repeats) gives an infinite loss, which `zeroInfinity` turns into zero.
 *
 * The gradient is the exact derivative with respect to `logProbs`. (PyTorch's
 * kernel returns that plus `exp(logProbs)`, which assumes a `logSoftmax` before
 * it; through a `logSoftmax` both give the same gradient.)
 *
 * Example:
 *   const logits = randn([50, 2, 20], { requiresGrad: true });
 *   const loss = ctcLoss(logits.logSoftmax(2), [[1, 2, 3], [4, 4, 0]], [50, 40], [3, 2]);
 *   loss.backward();
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Targets,
  inputLengths: Lengths,
  targetLengths: Lengths,
  opts: CTCLossOptions = {},
): Tensor {
  const reduction = opts.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new NeuroneError(`ctcLoss: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  if (!(logProbs instanceof Tensor)) throw new DTypeError('ctcLoss: expected logProbs to be a Tensor');
  if (logProbs.dtype !== 'float32' && logProbs.dtype !== 'float64') {
    throw new DTypeError(`ctcLoss: logProbs must be float32 or float64, got ${logProbs.dtype}`);
  }
  const unbatched = logProbs.ndim === 2;
  if (logProbs.ndim !== 3 && !unbatched) {
    throw new ShapeError(`ctcLoss: logProbs must be (T, N, C) or unbatched (T, C), got shape ${fmtShape(logProbs.shape)}`);
  }
  const lp = unbatched ? logProbs.unsqueeze(1) : logProbs;
  const p = checkProblem(lp, targets, inputLengths, targetLengths, opts.blank ?? 0, unbatched);
  let losses = ctcNll(lp, p, opts.zeroInfinity ?? false);
  if (reduction === 'sum') return losses.sum();
  if (reduction === 'mean') {
    const div = tensor(p.targetLengths.map((l) => Math.max(l, 1)), { dtype: lp.dtype });
    return losses.div(div).mean();
  }
  if (unbatched) losses = losses.reshape([]);
  return losses;
}

/** Per-sample negative log-likelihoods (N), with their gradient: one recorded op. */
/**
 * A scaled recursion (alphas, or betas in `alpha`): rows (Tb, S) stored
 * unnormalised, with 1 / (each row's sum) in `inv` (row t times inv[t] sums to
 * 1), and logScale[t] the log of the running product of the sums.
 */
interface Scaled {
  alpha: Float64Array;
  inv: Float64Array;
  logScale: Float64Array;
}

/** One sample's forward pass: scaled (probability space) or, where that underflows, log space. */
interface SampleAlpha {
  ext: Int32Array;
  nll: number;
  /** Scaled alphas (Tb, S), each row summing to 1, and log of the running product of the scales. */
  scaled?: Scaled;
  /** Log-space alphas (Tb, S), when the scaled recursion underflowed. */
  log?: Float64Array;
}

function ctcNll(lp: Tensor, p: CTCProblem, zeroInfinity: boolean): Tensor {
  const { T, N, C, blank, labels, offsets, inputLengths, targetLengths } = p;
  const x = lp.data;
  const em = emissions(lp);
  const samples: SampleAlpha[] = [];
  for (let b = 0; b < N; b++) {
    const ext = extendedLabels(labels, offsets[b]!, targetLengths[b]!, blank);
    const Tb = inputLengths[b]!;
    const scaled = scaledAlpha(em, b, N, C, Tb, ext);
    if (scaled) {
      samples.push({ ext, nll: scaledNll(scaled, Tb, ext.length), scaled });
    } else {
      const alpha = forwardAlpha(x, b, N, C, Tb, ext);
      samples.push({ ext, nll: finalNll(alpha, Tb, ext.length), log: alpha });
    }
  }
  const out = new Tensor(lp.dtype === 'float64' ? new Float64Array(N) : new Float32Array(N), [N]);
  for (let b = 0; b < N; b++) out.data[b] = zeroInfinity && samples[b]!.nll === Infinity ? 0 : samples[b]!.nll;

  return recordOp('ctcLoss', out, [lp], (g) => {
    const grad = new Tensor(lp.dtype === 'float64' ? new Float64Array(T * N * C) : new Float32Array(T * N * C), lp.shape);
    const gd = grad.data;
    const lcab = new Float64Array(C);
    for (let b = 0; b < N; b++) {
      const Tb = inputLengths[b]!;
      const gb = g.data[b]!;
      const { ext, nll: loss, scaled } = samples[b]!;
      if (Tb === 0 || gb === 0 || (zeroInfinity && loss === Infinity)) continue;
      const S = ext.length;
      if (loss === Infinity) {
        // no alignment: PyTorch's gradient is NaN
        for (let t = 0; t < Tb; t++) gd.fill(NaN, (t * N + b) * C, (t * N + b + 1) * C);
        continue;
      }
      if (scaled && scaledGrad(em, b, N, C, Tb, ext, scaled, loss, gb, gd, lcab)) continue;
      const alpha = samples[b]!.log ?? forwardAlpha(x, b, N, C, Tb, ext);
      const logBeta = backwardBeta(x, b, N, C, Tb, ext);
      for (let t = 0; t < Tb; t++) {
        // log of the sum over positions s labelled c of alpha_t(s) beta_t(s), kept in log space:
        // this path runs where probabilities underflow, and a posterior can be large where alpha beta is tiny
        lcab.fill(-Infinity);
        for (let s = 0; s < S; s++) lcab[ext[s]!] = logAddExp(lcab[ext[s]!]!, alpha[t * S + s]! + logBeta[t * S + s]!);
        const base = (t * N + b) * C;
        // d(-log p)/d lp[t,c] = -(sum over s labelled c of alpha beta) / (p y_t(c)) = -e^(log lcab + nll - lp)
        for (let c = 0; c < C; c++) {
          const v = lcab[c]!;
          gd[base + c] = v === -Infinity ? 0 : -gb * Math.exp(v + loss - x[base + c]!);
        }
      }
    }
    return [grad];
  });
}

/** Emission probabilities e^(lp - max over classes) for every (t, n), and those maxima. */
interface Emissions {
  y: TypedArray;
  rowMax: TypedArray;
}

function emissions(lp: Tensor): Emissions {
  return noGrad(() => {
    const x = lp.detach();
    const rowMax = x.max(2, true);
    return { y: x.sub(rowMax).exp().data, rowMax: rowMax.data };
  });
}

/**
 * The alpha recursion in probability space, each step rescaled to sum 1
 * (Rabiner's scaling: no exp or log per cell), on emissions divided by the
 * largest of their step. Null when a step underflows to 0 while the
 * log-space recursion might not.
 */
function scaledAlpha(em: Emissions, b: number, N: number, C: number, Tb: number, ext: Int32Array): Scaled | null {
  const { y, rowMax } = em;
  const S = ext.length;
  const alpha = new Float64Array(Tb * S);
  const logScale = new Float64Array(Tb);
  // whether position s may skip the blank before it (a label unlike the one two back)
  const skip = new Uint8Array(S);
  for (let s = 2; s < S; s++) skip[s] = ext[s] !== ext[s - 2] ? 1 : 0;
  let acc = 0;
  // rows are stored unnormalised, with their 1 / sum in invs: the previous row's is applied as it is read
  const invs = new Float64Array(Tb);
  let inv = 1;
  for (let t = 0; t < Tb; t++) {
    const row = (t * N + b) * C;
    const lo = Math.max(0, S - 2 * (Tb - t));
    const hi = Math.min(S, 2 * (t + 1));
    const cur = t * S;
    let sum = 0;
    if (t === 0) {
      for (let s = lo; s < hi; s++) sum += alpha[s] = y[row + ext[s]!]!;
    } else {
      const prev = cur - S;
      for (let s = lo; s < hi; s++) {
        let a = alpha[prev + s]!;
        if (s >= 1) a += alpha[prev + s - 1]!;
        if (skip[s] === 1) a += alpha[prev + s - 2]!;
        sum += alpha[cur + s] = a * inv * y[row + ext[s]!]!;
      }
    }
    if (!(sum > 1e-280)) return null;
    inv = invs[t] = 1 / sum;
    acc += Math.log(sum) + rowMax[t * N + b]!;
    logScale[t] = acc;
  }
  return { alpha, inv: invs, logScale };
}

/** -log p from the scaled alphas: the last step's two end positions, times the scales so far. */
function scaledNll(a: Scaled, Tb: number, S: number): number {
  if (Tb === 0) return S === 1 ? 0 : Infinity;
  const last = (Tb - 1) * S;
  const end = (a.alpha[last + S - 1]! + (S > 1 ? a.alpha[last + S - 2]! : 0)) * a.inv[Tb - 1]!;
  return end > 0 ? -(Math.log(end) + a.logScale[Tb - 1]!) : Infinity;
}

/**
 * The gradient of one sample from its scaled alphas: the beta recursion in
 * probability space, scaled like `scaledAlpha`, from the last step back, each
 * step's gradient taken as soon as its beta row is known (two rows live).
 * Writes the classes of the sample's labels at each step; false when a step
 * underflows (the log-space path then rewrites the whole sample).
 */
function scaledGrad(
  em: Emissions, b: number, N: number, C: number, Tb: number, ext: Int32Array,
  alpha: Scaled, loss: number, gb: number, gd: TypedArray, lcab: Float64Array,
): boolean {
  const { y, rowMax } = em;
  const S = ext.length;
  const labelsOf = [...new Set(ext)];
  // whether position s may skip the blank after it (a label unlike the one two ahead)
  const skip = new Uint8Array(S);
  for (let s = 0; s + 2 < S; s++) skip[s] = ext[s] !== ext[s + 2] ? 1 : 0;
  // beta rows t (cur) and t + 1 (next), unnormalised like scaledAlpha's; 0 outside [lo, hi)
  let cur = new Float64Array(S);
  let next = new Float64Array(S);
  let inv = 1;
  let logScale = 0;
  lcab.fill(0);
  for (let t = Tb - 1; t >= 0; t--) {
    const row = (t * N + b) * C;
    const lo = Math.max(0, S - 2 * (Tb - t));
    const hi = Math.min(S, 2 * (t + 1));
    cur.fill(0);
    let sum = 0;
    if (t === Tb - 1) {
      for (let s = Math.max(lo, S - 2); s < hi; s++) sum += cur[s] = y[row + ext[s]!]!;
    } else {
      for (let s = lo; s < hi; s++) {
        let v = next[s]!;
        if (s + 1 < S) v += next[s + 1]!;
        if (skip[s] === 1) v += next[s + 2]!;
        sum += cur[s] = v * inv * y[row + ext[s]!]!;
      }
    }
    if (!(sum > 1e-280)) return false;
    inv = 1 / sum;
    logScale += Math.log(sum) + rowMax[t * N + b]!;
    // alpha_t(s) beta_t(s) / p = alphaHat betaHat e^(logA_t + logB_t - log p), with y_t counted twice: divide by it
    // once, as e^(k - lp) = e^(k - rowMax) / y (y = e^(lp - rowMax), the emissions); only the sample's labels get one
    const a = t * S;
    for (let s = lo; s < hi; s++) lcab[ext[s]!]! += alpha.alpha[a + s]! * cur[s]!;
    const e = -gb * alpha.inv[t]! * inv * Math.exp(alpha.logScale[t]! + logScale + loss - rowMax[t * N + b]!);
    for (const c of labelsOf) {
      const v = lcab[c]!;
      if (v !== 0) gd[row + c] = (e * v) / y[row + c]!;
      lcab[c] = 0;
    }
    const done = cur;
    cur = next;
    next = done;
  }
  return true;
}

function extendedLabels(labels: Int32Array, off: number, L: number, blank: number): Int32Array {
  const ext = new Int32Array(2 * L + 1).fill(blank);
  for (let i = 0; i < L; i++) ext[2 * i + 1] = labels[off + i]!;
  return ext;
}

/** log alpha (Tb, S): log-probability of the prefixes ending at position s at time t. */
function forwardAlpha(x: ArrayLike<number>, b: number, N: number, C: number, Tb: number, ext: Int32Array): Float64Array {
  const S = ext.length;
  const alpha = new Float64Array(Tb * S).fill(-Infinity);
  if (Tb === 0) return alpha;
  const row0 = b * C;
  alpha[0] = x[row0 + ext[0]!]!;
  if (S > 1) alpha[1] = x[row0 + ext[1]!]!;
  for (let t = 1; t < Tb; t++) {
    const row = (t * N + b) * C;
    const prev = (t - 1) * S;
    const cur = t * S;
    // positions that can still reach the end, and that can be reached by now
    const lo = Math.max(0, S - 2 * (Tb - t));
    const hi = Math.min(S, 2 * (t + 1));
    for (let s = lo; s < hi; s++) {
      const a = logSumExp3(alpha[prev + s]!, s >= 1 ? alpha[prev + s - 1]! : -Infinity, s >= 2 && ext[s] !== ext[s - 2] ? alpha[prev + s - 2]! : -Infinity);
      alpha[cur + s] = a === -Infinity ? a : a + x[row + ext[s]!]!;
    }
  }
  return alpha;
}

/** log beta (Tb, S): log-probability of the suffixes from position s at time t (including frame t). */
function backwardBeta(x: ArrayLike<number>, b: number, N: number, C: number, Tb: number, ext: Int32Array): Float64Array {
  const S = ext.length;
  const beta = new Float64Array(Tb * S).fill(-Infinity);
  const last = (Tb - 1) * S;
  const rowLast = ((Tb - 1) * N + b) * C;
  beta[last + S - 1] = x[rowLast + ext[S - 1]!]!;
  if (S > 1) beta[last + S - 2] = x[rowLast + ext[S - 2]!]!;
  for (let t = Tb - 2; t >= 0; t--) {
    const row = (t * N + b) * C;
    const next = (t + 1) * S;
    const cur = t * S;
    const lo = Math.max(0, S - 2 * (Tb - t));
    const hi = Math.min(S, 2 * (t + 1));
    for (let s = lo; s < hi; s++) {
      const v = logSumExp3(beta[next + s]!, s + 1 < S ? beta[next + s + 1]! : -Infinity, s + 2 < S && ext[s] !== ext[s + 2] ? beta[next + s + 2]! : -Infinity);
      beta[cur + s] = v === -Infinity ? v : v + x[row + ext[s]!]!;
    }
  }
  return beta;
}

/**
 * log(e^a + e^b + e^c), -Infinity for the log of zero. Terms more than 44
 * below the largest count as e^-44 of it (a relative change of the sum below 1e-18).
 */
function logSumExp3(a: number, b: number, c: number): number {
  const m = a > b ? (a > c ? a : c) : b > c ? b : c;
  if (m === -Infinity) return m;
  return m + Math.log(clampedExp(a - m) + clampedExp(b - m) + clampedExp(c - m));
}

function finalNll(alpha: Float64Array, Tb: number, S: number): number {
  if (Tb === 0) return S === 1 ? 0 : Infinity;
  const last = (Tb - 1) * S;
  const ll = S > 1 ? logAddExp(alpha[last + S - 1]!, alpha[last + S - 2]!) : alpha[last]!;
  return -ll;
}

/** Integer values from a lengths argument, or a clear error. */
export function toIntList(op: string, what: string, v: Lengths | Targets): number[] {
  let list: number[];
  if (v instanceof Tensor) list = Array.from(v.data);
  else if (typeof v === 'number') list = [v];
  else if (Array.isArray(v)) list = (v as unknown[]).flat(1) as number[];
  else throw new DTypeError(`${op}: ${what} must be a Tensor or an array of integers, got ${typeof v}`);
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new DTypeError(`${op}: ${what} must hold integers, got ${String(x)}`);
  }
  return list;
}

function checkProblem(lp: Tensor, targets: Targets, il: Lengths, tl: Lengths, blank: number, unbatched: boolean): CTCProblem {
  const [T, N, C] = lp.shape as [number, number, number];
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new IndexError(`ctcLoss: blank must be a class index in 0..${C - 1}, got ${blank}`);
  }
  const inputLengths = toIntList('ctcLoss', 'inputLengths', il);
  const targetLengths = toIntList('ctcLoss', 'targetLengths', tl);
  if (inputLengths.length !== N) throw new ShapeError(`ctcLoss: expected ${N} input lengths (one per sample), got ${inputLengths.length}`);
  if (targetLengths.length !== N) throw new ShapeError(`ctcLoss: expected ${N} target lengths (one per sample), got ${targetLengths.length}`);
  inputLengths.forEach((l, b) => {
    if (l < 0 || l > T) throw new IndexError(`ctcLoss: input length of sample ${b} must be between 0 and T = ${T}, got ${l}`);
  });
  targetLengths.forEach((l, b) => {
    if (l < 0) throw new IndexError(`ctcLoss: target length of sample ${b} must be non-negative, got ${l}`);
  });
  let shape: number[];
  if (targets instanceof Tensor) {
    if (targets.dtype !== 'int32') throw new DTypeError(`ctcLoss: targets must be an int32 tensor, got ${targets.dtype}`);
    shape = [...targets.shape];
  } else if (Array.isArray(targets)) {
    const nested = targets.length > 0 && Array.isArray(targets[0]);
    if (nested) {
      const rows = targets as readonly (readonly number[])[];
      const S = rows[0]!.length;
      if (rows.some((r) => !Array.isArray(r) || r.length !== S)) throw new ShapeError('ctcLoss: padded targets must be rows of one length');
      shape = [rows.length, S];
    } else shape = [targets.length];
  } else {
    throw new DTypeError(`ctcLoss: targets must be a Tensor or an array of integers, got ${typeof targets}`);
  }
  const flat = toIntList('ctcLoss', 'targets', targets);
  const labels = new Int32Array(targetLengths.reduce((a, b) => a + b, 0));
  const offsets: number[] = [];
  const padded = shape.length === 2 || (unbatched && shape.length === 1);
  if (padded) {
    const S = shape.length === 2 ? shape[1]! : shape[0]!;
    const rows = shape.length === 2 ? shape[0]! : 1;
    if (rows !== N) throw new ShapeError(`ctcLoss: padded targets must have ${N} rows (one per sample), got shape ${fmtShape(shape)}`);
    let o = 0;
    targetLengths.forEach((l, b) => {
      if (l > S) throw new ShapeError(`ctcLoss: target length ${l} of sample ${b} exceeds the padded targets' length S = ${S} (shape ${fmtShape(shape)})`);
      offsets.push(o);
      for (let i = 0; i < l; i++) labels[o + i] = flat[b * S + i]!;
      o += l;
    });
  } else if (shape.length === 1) {
    if (flat.length !== labels.length) {
      throw new ShapeError(`ctcLoss: concatenated targets must have sum(targetLengths) = ${labels.length} entries, got ${flat.length}`);
    }
    let o = 0;
    for (const l of targetLengths) {
      offsets.push(o);
      o += l;
    }
    labels.set(flat);
  } else {
    throw new ShapeError(`ctcLoss: targets must be padded (N, S) or concatenated 1-D, got shape ${fmtShape(shape)}`);
  }
  targetLengths.forEach((l, b) => {
    for (let i = 0; i < l; i++) {
      const c = labels[offsets[b]! + i]!;
      if (c === blank) throw new IndexError(`ctcLoss: target ${b} contains the blank label ${blank} at position ${i}; targets may not contain the blank`);
      if (c < 0 || c >= C) throw new IndexError(`ctcLoss: target ${b} has class ${c} at position ${i}, outside 0..${C - 1}`);
    }
  });
  return { T, N, C, blank, labels, offsets, inputLengths, targetLengths };
}
