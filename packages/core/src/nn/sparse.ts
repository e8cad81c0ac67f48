import { type DType } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { embedding, normalizePaddingIdx } from './functional/sparse.js';
import { normal_, type InitOptions } from './init.js';
import { Module } from './module.js';
import { checkSize, type FactoryOptions } from './options.js';
import { Parameter } from './parameter.js';

export interface EmbeddingModuleOptions extends FactoryOptions {
  /** This index's row starts at zero and receives no gradient (e.g. a padding token). Negative counts from the end. */
  paddingIdx?: number | null;
  /** Use this tensor (shared) as the weight instead of drawing one, as PyTorch's `_weight`. */
  _weight?: Tensor;
  /** With `_weight`: whether it is trained. Default true. */
  _requiresGrad?: boolean;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`.
 *
 * Args:
 *   numEmbeddings: size of the dictionary.
 *   embeddingDim: size of each vector.
 *   opts.paddingIdx: a row kept at zero at initialisation and given no gradient.
 *
 * Shape: (*) int32 indices -> (*, embeddingDim)
 *
 * Attributes:
 *   weight: (numEmbeddings, embeddingDim), initialised from N(0, 1).
 *
 * Example:
 *   const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 *   emb.forward(tensor([[1, 2, 4, 5], [4, 3, 2, 9]], { dtype: 'int32' })).shape; // [2, 4, 3]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    this.numEmbeddings = checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = checkSize('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = normalizePaddingIdx('Embedding', opts.paddingIdx, numEmbeddings);
    if (opts._weight !== undefined) {
      const w = opts._weight;
      if (w.ndim !== 2 || w.shape[0] !== numEmbeddings || w.shape[1] !== embeddingDim) {
        throw new ShapeError(`Embedding: _weight must have shape [${numEmbeddings},${embeddingDim}], got ${fmtShape(w.shape)}`);
      }
      this.weight = new Parameter(w.detach(), opts._requiresGrad ?? true);
      return;
    }
    const dtype: DType = opts.dtype ?? 'float32';
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    this.resetParameters(opts);
  }

  /**
   * An Embedding holding `embeddings` (shared, not copied), frozen unless
   * `freeze` is false.
   *
   * Example:
   *   const emb = nn.Embedding.fromPretrained(tensor([[1, 2.3, 3], [4, 5.1, 6.3]]));
   */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (embeddings.ndim !== 2) throw new ShapeError(`Embedding.fromPretrained: embeddings must be 2-D, got shape ${fmtShape(embeddings.shape)}`);
    const [n, d] = embeddings.shape as [number, number];
    return new Embedding(n, d, { paddingIdx: opts.paddingIdx, _weight: embeddings, _requiresGrad: !(opts.freeze ?? true) });
  }

  /** Draws the weight from N(0, 1) again and zeroes the padding row. */
  resetParameters(opts: InitOptions = {}): void {
    normal_(this.weight, 0, 1, opts);
    if (this.paddingIdx !== null) {
      this.weight.data.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
    }
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
