// Attention layers: additive (Bahdanau), scaled dot-product, and multi-head (PyTorch's).
import { DTypeError, F, NeuroneError, ShapeError, Tensor, nn, zeros, type DType, type Generator } from '@neurone/core';
import { fmtShape } from '../util.js';
import { scaledDotProductAttention } from './functional.js';

export interface AttentionOutput {
  /** The weighted sum of the values: (N, Lq, Dv), or (N, Dv) for a single query. */
  context: Tensor;
  /** The weights over the keys: (N, Lq, Lk), or (N, Lk) for a single query; each row sums to 1. */
  weights: Tensor;
}

export interface AttentionForwardOptions {
  /**
   * Which keys may be attended: bool, true = attend, broadcastable to
   * (N, Lq, Lk); an (N, Lk) mask (e.g. from sequence lengths) applies to every query.
   */
  mask?: Tensor | null;
}

/** Brings an (N, Lk) mask to (N, 1, Lk) so it broadcasts over queries. */
function keyMask(mask: Tensor | null | undefined, N: number, Lk: number, op: string): Tensor | null {
  if (mask === null || mask === undefined) return null;
  if (mask.dtype !== 'bool') throw new DTypeError(`${op}: mask must be a bool tensor (true = attend), got ${mask.dtype}`);
  if (mask.ndim === 2) {
    if (mask.shape[0] !== N || mask.shape[1] !== Lk) throw new ShapeError(`${op}: a 2-D mask must be (N, Lk) = [${N},${Lk}], got ${fmtShape(mask.shape)}`);
    return mask.unsqueeze(1);
  }
  return mask;
}

/**
 * Lengths to a key mask: true for the first lengths[b] positions of row b.
 *
 * Example:
 *   lengthsToMask([3, 1], 4); // [[true, true, true, false], [true, false, false, false]]
 */
export function lengthsToMask(lengths: readonly number[] | Tensor, maxLength?: number): Tensor {
  const ls = lengths instanceof Tensor ? Array.from(lengths.data) : [...lengths];
  const L = maxLength ?? Math.max(0, ...ls);
  const m = zeros([ls.length, L], { dtype: 'bool' });
  ls.forEach((l, b) => {
    for (let i = 0; i < Math.min(l, L); i++) m.data[b * L + i] = 1;
  });
  return m;
}

export interface AdditiveAttentionOptions {
  /** dtype of the parameters (default float32). */
  dtype?: DType;
  generator?: Generator;
}

/**
 * Additive attention (Bahdanau et al. 2015): score(q, k) = vᵀ tanh(W_q q + W_k k + b),
 * weights = softmax over the keys, context = Σ weights · values.
 *
 * Args:
 *   queryDim, keyDim: feature sizes of queries and keys; hiddenDim: size of the scoring layer.
 *
 * Parameters: query_proj (Linear queryDim→hiddenDim, no bias), key_proj (Linear keyDim→hiddenDim),
 *   v (Linear hiddenDim→1, no bias).
 *
 * Shape: query (N, Dq) or (N, Lq, Dq), keys (N, Lk, Dk), values (N, Lk, Dv) (default: the keys)
 *   -> context (N, Dv) or (N, Lq, Dv), weights (N, Lk) or (N, Lq, Lk).
 *
 * Example:
 *   const att = new AdditiveAttention(256, 512, 128);
 *   const { context, weights } = att.forward(decoderState, encoderOutputs, null, { mask });
 */
export class AdditiveAttention extends nn.Module {
  query_proj: nn.Linear;
  key_proj: nn.Linear;
  v: nn.Linear;

  constructor(queryDim: number, keyDim: number, hiddenDim: number, opts: AdditiveAttentionOptions = {}) {
    super();
    const o = { dtype: opts.dtype, generator: opts.generator };
    this.query_proj = new nn.Linear(queryDim, hiddenDim, { ...o, bias: false });
    this.key_proj = new nn.Linear(keyDim, hiddenDim, o);
    this.v = new nn.Linear(hiddenDim, 1, { ...o, bias: false });
  }

  /**
   * Projects the keys once (W_k k + b), for decoders that attend over the same
   * keys at every step: pass the result as `opts.projectedKeys`.
   */
  projectKeys(keys: Tensor): Tensor {
    return this.key_proj.forward(keys);
  }

  forward(query: Tensor, keys: Tensor, values?: Tensor | null, opts: AttentionForwardOptions & { projectedKeys?: Tensor } = {}): AttentionOutput {
    const single = query.ndim === 2;
    if (keys.ndim !== 3) throw new ShapeError(`AdditiveAttention: keys must be (N, Lk, Dk), got ${fmtShape(keys.shape)}`);
    if (!single && query.ndim !== 3) throw new ShapeError(`AdditiveAttention: query must be (N, Dq) or (N, Lq, Dq), got ${fmtShape(query.shape)}`);
    const v = values ?? keys;
    const [N, Lk] = keys.shape as [number, number];
    if (query.shape[0] !== N || v.ndim !== 3 || v.shape[0] !== N || v.shape[1] !== Lk) {
      throw new ShapeError(`AdditiveAttention: query ${fmtShape(query.shape)}, keys ${fmtShape(keys.shape)} and values ${fmtShape(v.shape)} must share N, and keys and values Lk`);
    }
    const q = single ? query.unsqueeze(1) : query; // (N, Lq, Dq)
    const pk = opts.projectedKeys ?? this.key_proj.forward(keys); // (N, Lk, Hd)
    const pq = this.query_proj.forward(q); // (N, Lq, Hd)
    // (N, Lq, 1, Hd) + (N, 1, Lk, Hd) -> scores (N, Lq, Lk)
    let scores = this.v.forward(pq.unsqueeze(2).add(pk.unsqueeze(1)).tanh()).squeeze(-1);
    if (scores.ndim === 2) scores = scores.unsqueeze(1); // Lq = Lk = 1 squeezed too far
    const mask = keyMask(opts.mask, N, Lk, 'AdditiveAttention');
    if (mask !== null) scores = scores.maskedFill(mask.logicalNot(), -Infinity);
    const weights = scores.softmax(-1);
    const context = weights.matmul(v);
    return single ? { context: context.squeeze(1), weights: weights.squeeze(1) } : { context, weights };
  }
}

export interface ScaledDotProductAttentionOptions {
  /** Dropout on the weights in training mode (default 0). */
  dropout?: number;
  /** Multiplies the scores (default 1/√E). */
  scale?: number;
  generator?: Generator;
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017) as a module without
 * parameters: weights = softmax(q kᵀ / √E), context = weights · v.
 *
 * Shape: query (N, E) or (N, Lq, E), keys (N, Lk, E), values (N, Lk, Dv) (default: the keys)
 *   -> context (N, Dv) or (N, Lq, Dv), weights (N, Lk) or (N, Lq, Lk).
 *
 * Example:
 *   const att = new ScaledDotProductAttention();
 *   const { context, weights } = att.forward(h, encoderOutputs, null, { mask: lengthsToMask(lengths) });
 */
export class ScaledDotProductAttention extends nn.Module {
  readonly dropout: number;
  readonly scale: number | undefined;
  generator: Generator | undefined;

  constructor(opts: ScaledDotProductAttentionOptions = {}) {
    super();
    this.dropout = opts.dropout ?? 0;
    this.scale = opts.scale;
    this.generator = opts.generator;
  }

  forward(query: Tensor, keys: Tensor, values?: Tensor | null, opts: AttentionForwardOptions = {}): AttentionOutput {
    const single = query.ndim === 2;
    if (keys.ndim !== 3) throw new ShapeError(`ScaledDotProductAttention: keys must be (N, Lk, E), got ${fmtShape(keys.shape)}`);
    const q = single ? query.unsqueeze(1) : query;
    const mask = keyMask(opts.mask, keys.shape[0]!, keys.shape[1]!, 'ScaledDotProductAttention');
    const r = scaledDotProductAttention(q, keys, values ?? keys, {
      mask, scale: this.scale, dropoutP: this.dropout, training: this.training, generator: this.generator,
    });
    return single ? { context: r.context.squeeze(1), weights: r.weights.squeeze(1) } : r;
  }
}

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Learn in_proj_bias and out_proj.bias (default true). */
  bias?: boolean;
  /** Inputs and output are (N, L, E) instead of (L, N, E) (default false). */
  batchFirst?: boolean;
  dtype?: DType;
  generator?: Generator;
}

export interface MultiheadAttentionForwardOptions {
  /** (N, S): true (or -Infinity in a float mask) hides that key, e.g. padding. PyTorch's convention. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** (L, S) or (N*numHeads, L, S): true (bool) hides a key from a query; a float mask is added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true): (N, L, S); otherwise (N, numHeads, L, S). */
  averageAttnWeights?: boolean;
  /** Apply a causal mask (query i sees keys 0..i). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (torch.nn.MultiheadAttention, with kdim = vdim = embedDim):
 * the inputs are projected numHeads times, attended to in parallel, concatenated and projected.
 *
 * Parameters (PyTorch's names): in_proj_weight (3E, E) xavier-uniform, in_proj_bias (3E) zeros,
 *   out_proj.weight (E, E), out_proj.bias (E) zeros.
 *
 * Shape: query (L, N, E), key and value (S, N, E) ((N, L, E) with batchFirst; or unbatched (L, E))
 *   -> [output like query, weights (N, L, S) or null].
 *
 * Example:
 *   const mha = new MultiheadAttention(64, 8, { batchFirst: true });
 *   const [out, weights] = mha.forward(x, x, x, { keyPaddingMask: padding });
 */
export class MultiheadAttention extends nn.Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  in_proj_weight: nn.Parameter;
  in_proj_bias: nn.Parameter | null;
  out_proj: nn.Linear;
  generator: Generator | undefined;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!Number.isInteger(embedDim) || embedDim < 1 || !Number.isInteger(numHeads) || numHeads < 1) {
      throw new NeuroneError(`MultiheadAttention: embedDim and numHeads must be positive integers, got ${embedDim} and ${numHeads}`);
    }
    if (embedDim % numHeads !== 0) throw new NeuroneError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    const dtype = opts.dtype ?? 'float32';
    const bias = opts.bias ?? true;
    this.in_proj_weight = new nn.Parameter(zeros([3 * embedDim, embedDim], { dtype }));
    this.in_proj_bias = bias ? new nn.Parameter(zeros([3 * embedDim], { dtype })) : null;
    this.out_proj = new nn.Linear(embedDim, embedDim, { bias, dtype, generator: opts.generator });
    this.generator = opts.generator;
    this.resetParameters({ generator: opts.generator });
  }

  /** PyTorch's _reset_parameters: xavier-uniform in_proj_weight, zero biases. */
  resetParameters(opts: { generator?: Generator } = {}): void {
    nn.init.xavierUniform_(this.in_proj_weight, 1, opts);
    if (this.in_proj_bias) nn.init.zeros_(this.in_proj_bias);
    if (this.out_proj.bias) nn.init.zeros_(this.out_proj.bias);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const E = this.embedDim;
    const h = this.numHeads;
    const unbatched = query.ndim === 2;
    const want = unbatched ? 2 : 3;
    for (const [name, x] of [['query', query], ['key', key], ['value', value]] as const) {
      if (x.ndim !== want || x.shape[x.ndim - 1] !== E) {
        throw new ShapeError(`${op}: ${name} must be ${unbatched ? '(L, E)' : this.batchFirst ? '(N, L, E)' : '(L, N, E)'} with E = ${E}, got ${fmtShape(x.shape)}`);
      }
    }
    // to (L, N, E)
    const tm = (x: Tensor) => (unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x);
    const q = tm(query);
    const k = tm(key);
    const v = tm(value);
    const [L, N] = q.shape as [number, number];
    const S = k.shape[0]!;
    if (k.shape[1] !== N || v.shape[0] !== S || v.shape[1] !== N) {
      throw new ShapeError(`${op}: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} do not fit together`);
    }
    const w = this.in_proj_weight;
    const b = this.in_proj_bias;
    const proj = (x: Tensor, i: number) => F.linear(x, w.narrow(0, i * E, E), b ? b.narrow(0, i * E, E) : null);
    // (len, N, E) -> (N, h, len, hd)
    const heads = (x: Tensor, len: number) => x.reshape([len, N, h, this.headDim]).permute([1, 2, 0, 3]);
    const qh = heads(proj(q, 0), L);
    const kh = heads(proj(k, 1), S);
    const vh = heads(proj(v, 2), S);
    let scores = qh.matmul(kh.transpose(-1, -2)).mul(1 / Math.sqrt(this.headDim)); // (N, h, L, S)
    const am = opts.attnMask ?? null;
    if (am !== null) {
      const ok = (am.ndim === 2 && am.shape[0] === L && am.shape[1] === S) || (am.ndim === 3 && am.shape[0] === N * h && am.shape[1] === L && am.shape[2] === S);
      if (!ok) throw new ShapeError(`${op}: attnMask must be (L, S) = [${L},${S}] or (N*numHeads, L, S) = [${N * h},${L},${S}], got ${fmtShape(am.shape)}`);
      const m = am.ndim === 3 ? am.reshape([N, h, L, S]) : am;
      scores = am.dtype === 'bool' ? scores.maskedFill(m, -Infinity) : scores.add(m);
    }
    if (opts.isCausal) {
      const hide = zeros([L, S], { dtype: 'bool' });
      for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) hide.data[i * S + j] = 1;
      scores = scores.maskedFill(hide, -Infinity);
    }
    const kpm = opts.keyPaddingMask ?? null;
    if (kpm !== null) {
      const kshape = unbatched ? [S] : [N, S];
      if (kpm.ndim !== kshape.length || kpm.shape.some((d, i) => d !== kshape[i])) {
        throw new ShapeError(`${op}: keyPaddingMask must be ${fmtShape(kshape)}, got ${fmtShape(kpm.shape)}`);
      }
      const m = kpm.reshape([N, 1, 1, S]);
      scores = kpm.dtype === 'bool' ? scores.maskedFill(m, -Infinity) : scores.add(m);
    }
    const weights = scores.softmax(-1);
    const attn = this.dropout > 0 && this.training ? F.dropout(weights, this.dropout, { training: true, generator: this.generator }) : weights;
    // (N, h, L, hd) -> (L, N, E)
    const ctx = attn.matmul(vh).permute([2, 0, 1, 3]).reshape([L, N, E]);
    let out = this.out_proj.forward(ctx);
    if (unbatched) out = out.squeeze(1);
    else if (this.batchFirst) out = out.transpose(0, 1);
    if (opts.needWeights === false) return [out, null];
    let ws = (opts.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    if (unbatched) ws = ws.squeeze(0);
    return [out, ws];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}
