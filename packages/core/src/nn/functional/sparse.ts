import { DTypeError, IndexError, ShapeError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { ne, where } from '../../ops/elementwise.js';
import { indexSelect } from '../../ops/indexing.js';
import { reshape, unsqueeze } from '../../ops/shape.js';
import { empty, requireFloat, requireTensor } from '../../ops/util.js';

export interface EmbeddingOptions {
  /** Entries equal to this index get no gradient (their row is typically all zeros). Negative counts from the end. */
  paddingIdx?: number | null;
}

/**
 * Looks up rows of `weight`: out[..., :] = weight[input[...], :].
 * The gradient accumulates into the rows used, except the padding row.
 *
 * Shape: input (*) int32, weight (numEmbeddings, embeddingDim) -> (*, embeddingDim)
 *
 * Example:
 *   F.embedding(tensor([[1, 2], [0, 1]], { dtype: 'int32' }), randn([3, 4])).shape; // [2, 2, 4]
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  requireTensor('embedding', input);
  requireTensor('embedding', weight, 'weight');
  if (input.dtype !== 'int32') throw new DTypeError(`embedding: indices must be an int32 tensor, got ${input.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D (numEmbeddings, embeddingDim), got shape ${fmtShape(weight.shape)}`);
  requireFloat('embedding', weight);
  const [num, dim] = weight.shape as [number, number];
  const idx = input.data;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i]! < 0 || idx[i]! >= num) {
      throw new IndexError(`embedding: index ${idx[i]} is out of range for a table of ${num} embeddings (valid: 0..${num - 1})`);
    }
  }
  const pad = normalizePaddingIdx('embedding', opts.paddingIdx, num);
  const rows = indexSelect(weight, 0, reshape(input, [input.size]));
  // same values, but the padding positions take theirs from a detached copy, so no gradient reaches that row
  const out = pad === null ? rows : where(unsqueeze(ne(reshape(input, [input.size]), pad), 1), rows, rows.detach());
  return reshape(out, [...input.shape, dim]);
}

/** paddingIdx in 0..num-1 (negative counts from the end), or null. */
export function normalizePaddingIdx(op: string, paddingIdx: number | null | undefined, num: number): number | null {
  if (paddingIdx == null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -num || paddingIdx >= num) {
    throw new IndexError(`${op}: paddingIdx ${paddingIdx} must be within the ${num} embeddings (-${num}..${num - 1})`);
  }
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}

/**
 * One-hot encoding of class indices: int32 with a trailing dim of
 * `numClasses` (default: max index + 1).
 *
 * Shape: (*) int32 -> (*, numClasses) int32
 *
 * Example:
 *   F.oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  requireTensor('oneHot', input);
  if (input.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be an int32 tensor, got ${input.dtype}`);
  const idx = input.data;
  let n = numClasses;
  if (n === -1) {
    n = 0;
    for (let i = 0; i < idx.length; i++) n = Math.max(n, idx[i]! + 1);
  }
  if (!Number.isInteger(n) || n < 0) throw new IndexError(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
  const out = empty([...input.shape, n], 'int32');
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i]!;
    if (c < 0 || c >= n) throw new IndexError(`oneHot: class index ${c} is out of range for ${n} classes`);
    out.data[i * n + c] = 1;
  }
  return out;
}
