// Training and evaluation loops shared by the models and the examples.
import { F, Generator, NeuroneError, Tensor, cat, noGrad, nn, optim, tensor } from '@neurone/core';
import { describe, fmtShape, requireFloatTensor, requirePositiveInt } from './util.js';

export interface MiniBatchOptions {
  /** Rows per batch (default 64). */
  batchSize?: number;
  /** Draw a new order for every call (default true). */
  shuffle?: boolean;
  /** Source of the order (default: a generator seeded with 0). */
  generator?: Generator;
}

/**
 * One epoch of mini-batches over tensors that share their first dim: yields
 * the same rows of each, shuffled by a seeded generator.
 *
 * Shape: tensors (N, *) -> batches (B, *)
 *
 * Example:
 *   for (const [xb, yb] of miniBatches([x, y], { batchSize: 64, generator: g })) { ... }
 */
export function* miniBatches(tensors: readonly Tensor[], opts: MiniBatchOptions = {}): IterableIterator<Tensor[]> {
  if (!Array.isArray(tensors) || tensors.length === 0 || tensors.some((t) => !(t instanceof Tensor) || t.ndim === 0)) {
    throw new NeuroneError(`miniBatches: expected a non-empty array of tensors with a batch dim, got ${describe(tensors)}`);
  }
  const n = tensors[0]!.shape[0]!;
  if (tensors.some((t) => t.shape[0] !== n)) {
    throw new NeuroneError(`miniBatches: tensors must share dim 0, got ${tensors.map((t) => fmtShape(t.shape)).join(', ')}`);
  }
  const batchSize = opts.batchSize ?? 64;
  requirePositiveInt('miniBatches', batchSize, 'batchSize');
  const order = (opts.shuffle ?? true) ? (opts.generator ?? new Generator(0)).permutation(n) : Array.from({ length: n }, (_, i) => i);
  for (let start = 0; start < n; start += batchSize) {
    const idx = tensor(order.slice(start, start + batchSize), { dtype: 'int32' });
    yield tensors.map((t) => t.indexSelect(0, idx));
  }
}

/** A loss by name, or a function (output, target) -> scalar. */
export type LossSpec = 'mse' | 'bce' | 'l1' | ((output: Tensor, target: Tensor) => Tensor);

function lossFn(op: string, spec: LossSpec): (output: Tensor, target: Tensor) => Tensor {
  if (typeof spec === 'function') return spec;
  if (spec === 'mse') return (o, t) => F.mseLoss(o, t);
  if (spec === 'bce') return (o, t) => F.bceLoss(o, t);
  if (spec === 'l1') return (o, t) => F.l1Loss(o, t);
  throw new NeuroneError(`${op}: loss must be 'mse', 'bce', 'l1' or a function, got ${describe(spec)}`);
}

export interface TrainAutoencoderOptions {
  /** Passes over the data. */
  epochs: number;
  batchSize?: number;
  /** Learning rate of the default Adam optimizer (default 1e-3). */
  lr?: number;
  /** An optimizer of your own (default: Adam over the model's parameters). */
  optimizer?: optim.Optimizer;
  /** 'mse' (default), 'bce', 'l1' or a function of (output, target). */
  loss?: LossSpec;
  /** What the output should be (default: the input itself); e.g. colour images for a colorizer fed grayscale ones. */
  target?: Tensor;
  /** Source of the shuffling (default: seeded with 0). */
  generator?: Generator;
  /** Stop after this many optimizer steps in total. */
  maxSteps?: number;
  /** Called after each epoch with its mean training loss. */
  onEpoch?: (info: { epoch: number; loss: number; steps: number }) => void;
}

/**
 * Trains `model` (any module whose `forward` returns the reconstruction, such
 * as `Autoencoder` or `DenoisingAutoencoder`) to output its input (or
 * `target`), in training mode; returns the mean loss of each epoch.
 *
 * Example:
 *   const losses = trainAutoencoder(ae, train.images, { epochs: 10, lr: 1e-3, onEpoch: console.log });
 */
export function trainAutoencoder(model: nn.Module, data: Tensor, opts: TrainAutoencoderOptions): number[] {
  const op = 'trainAutoencoder';
  requireFloatTensor(op, data, 'data');
  requirePositiveInt(op, opts.epochs, 'epochs');
  const target = opts.target ?? data;
  requireFloatTensor(op, target, 'target');
  if (target.shape[0] !== data.shape[0]) throw new NeuroneError(`${op}: target ${fmtShape(target.shape)} and data ${fmtShape(data.shape)} must share dim 0`);
  const opt = opts.optimizer ?? new optim.Adam(model.parameters(), { lr: opts.lr ?? 1e-3 });
  const loss = lossFn(op, opts.loss ?? 'mse');
  const generator = opts.generator ?? new Generator(0);
  const maxSteps = opts.maxSteps ?? Infinity;
  const history: number[] = [];
  let steps = 0;
  model.train();
  for (let epoch = 0; epoch < opts.epochs && steps < maxSteps; epoch++) {
    let sum = 0;
    let count = 0;
    for (const [x, y] of miniBatches([data, target], { batchSize: opts.batchSize, generator })) {
      opt.zeroGrad();
      const l = loss(model.forward(x!) as Tensor, y!);
      l.backward();
      opt.step();
      sum += l.item() * x!.shape[0]!;
      count += x!.shape[0]!;
      if (++steps >= maxSteps) break;
    }
    history.push(sum / count);
    opts.onEpoch?.({ epoch, loss: sum / count, steps });
  }
  return history;
}

/** Runs `fn` with `model` in evaluation mode and without recording, then restores its mode. */
export function evaluating<T>(model: nn.Module, fn: () => T): T {
  const was = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(was);
  }
}

/** Applies `fn` to `x` in batches (under noGrad) and concatenates the outputs along dim 0. */
export function inBatches(x: Tensor, fn: (batch: Tensor) => Tensor, batchSize = 256): Tensor {
  const outs: Tensor[] = [];
  noGrad(() => {
    for (let s = 0; s < x.shape[0]!; s += batchSize) outs.push(fn(x.narrow(0, s, Math.min(batchSize, x.shape[0]! - s))));
  });
  return outs.length === 1 ? outs[0]! : noGrad(() => cat(outs, 0));
}

/**
 * Mean squared reconstruction error per element of `model.reconstruct(x)`
 * (or `forward` for a model without it) against `target` (default `x`), in
 * evaluation mode.
 *
 * Example:
 *   reconstructionError(ae, test.images); // e.g. 0.012
 */
export function reconstructionError(model: nn.Module & { reconstruct?: (x: Tensor) => Tensor }, x: Tensor, target: Tensor = x, batchSize = 256): number {
  const out = evaluating(model, () => inBatches(x, (b) => (model.reconstruct ? model.reconstruct(b) : (model.forward(b) as Tensor)), batchSize));
  return F.mseLoss(out, target).item();
}

export interface TrainClassifierOptions {
  epochs: number;
  batchSize?: number;
  lr?: number;
  optimizer?: optim.Optimizer;
  generator?: Generator;
  onEpoch?: (info: { epoch: number; loss: number }) => void;
}

/**
 * Supervised training with cross-entropy on class logits (the fine-tuning of
 * a pre-trained network, or training from scratch); returns each epoch's mean loss.
 *
 * Shape: x (N, *), labels (N) int32; model: (B, *) -> (B, classes)
 */
export function trainClassifier(model: nn.Module, x: Tensor, labels: Tensor, opts: TrainClassifierOptions): number[] {
  const op = 'trainClassifier';
  requireFloatTensor(op, x, 'x');
  requirePositiveInt(op, opts.epochs, 'epochs');
  if (!(labels instanceof Tensor) || labels.dtype !== 'int32' || labels.ndim !== 1 || labels.shape[0] !== x.shape[0]) {
    throw new NeuroneError(`${op}: labels must be int32 of shape [${x.shape[0]}], got ${describe(labels)}`);
  }
  const opt = opts.optimizer ?? new optim.Adam(model.parameters(), { lr: opts.lr ?? 1e-3 });
  const generator = opts.generator ?? new Generator(0);
  const history: number[] = [];
  model.train();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    let sum = 0;
    for (const [xb, yb] of miniBatches([x, labels], { batchSize: opts.batchSize ?? 32, generator })) {
      opt.zeroGrad();
      const l = F.crossEntropy(model.forward(xb!) as Tensor, yb!);
      l.backward();
      opt.step();
      sum += l.item() * xb!.shape[0]!;
    }
    history.push(sum / x.shape[0]!);
    opts.onEpoch?.({ epoch, loss: sum / x.shape[0]! });
  }
  return history;
}

/** Fraction of rows whose argmax logit is the label, in evaluation mode. */
export function accuracy(model: nn.Module, x: Tensor, labels: Tensor, batchSize = 256): number {
  const logits = evaluating(model, () => inBatches(x, (b) => model.forward(b) as Tensor, batchSize));
  const pred = logits.argmax(1).data;
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels.data[i]) right++;
  return right / pred.length;
}
