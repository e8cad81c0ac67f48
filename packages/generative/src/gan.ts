// Generative adversarial networks (Goodfellow et al., 2014): a generator G
// turns codes drawn from a known distribution into samples and tries to fool a
// discriminator D, which tries to tell real samples from generated ones. D
// maximises V(D, G) = E[log D(x)] + E[log(1 − D(G(z)))], G minimises it; the
// optimum is a Nash equilibrium where p_G = p_data and D = ½ everywhere.
import { Generator, NeuroneError, Tensor, defaultGenerator, noGrad, nn, optim, randn } from '@neurone/core';
import { type GANLossKind, discriminatorLoss, generatorLoss } from './losses.js';
import { miniBatches } from './train.js';
import { describe, requireFloatTensor, requireModule, requirePositiveInt } from './util.js';

/** Draws `n` codes z. */
export type LatentSampler = (n: number, rng: Generator) => Tensor;

export interface GANTrainerOptions {
  /** G: (N, *latent) -> (N, *sample). */
  generator: nn.Module;
  /** D: (N, *sample) -> (N, 1) logits (the probability "real" is their sigmoid). */
  discriminator: nn.Module;
  /** Updates G's parameters only. */
  optimizerG: optim.Optimizer;
  /** Updates D's parameters only. */
  optimizerD: optim.Optimizer;
  /** Size of z ~ N(0, I), shape (N, latentSize); or give `sampleLatent`. */
  latentSize?: number;
  /** Draws codes of another shape or distribution, e.g. (n, Z, 1, 1) or uniform. */
  sampleLatent?: LatentSampler;
  /** G's objective: 'nonSaturating' (default, −log D(G(z))) or 'minimax' (log(1 − D(G(z)))). */
  loss?: GANLossKind;
  /** D steps per G step (default 1). */
  dSteps?: number;
  /** Target of real samples in D's loss (default 1; 0.9 is one-sided label smoothing). */
  realLabel?: number;
  /** Source of the codes z (default: a generator seeded with 0). */
  rng?: Generator;
  /** Called after each step with its log. */
  onStep?: (log: GANStepLog) => void;
}

/** What one step did (averages over the batch). */
export interface GANStepLog {
  /** Steps done so far, this one included. */
  step: number;
  /** D's loss, BCE(D(x), 1) + BCE(D(G(z)), 0), before its update. */
  lossD: number;
  /** G's loss before its update. */
  lossG: number;
  /** Mean D(x) on the real batch: D's belief that real samples are real. */
  dReal: number;
  /** Mean D(G(z)) during D's step (before D's update). */
  dFake: number;
  /** Mean D(G(z)) during G's step (after D's update). */
  dFakeAfter: number;
}

export interface GANTrainOptions {
  epochs?: number;
  batchSize?: number;
  /** Stop after this many steps. */
  maxSteps?: number;
  /** Stop once this much wall-clock time has passed (milliseconds). */
  timeBudgetMs?: number;
  /** Source of the shuffling (default: seeded with 0). */
  shuffle?: Generator;
}

function meanSigmoid(logits: Tensor): number {
  const d = logits.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += 1 / (1 + Math.exp(-d[i]!));
  return s / d.length;
}

/**
 * Alternating GAN training: each `step(real)` runs `dSteps` discriminator
 * updates, then one generator update, with separate optimizers, and logs both
 * losses with D(x) and D(G(z)) (`history`).
 *
 * A step, as PyTorch's DCGAN example: fake = G(z); D's loss on real and on
 * fake.detach(), D steps; G's loss on D(fake) (the same fake, through the
 * updated D), G steps.
 *
 * Example:
 *   const trainer = new GANTrainer({
 *     generator: G, discriminator: D, latentSize: 100,
 *     optimizerG: new optim.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
 *     optimizerD: new optim.Adam(D.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
 *   });
 *   trainer.train(images, { epochs: 5, batchSize: 64 });
 *   const { lossD, lossG, dReal, dFake } = trainer.history.at(-1)!;
 *   const samples = trainer.sample(64);
 */
export class GANTrainer {
  readonly generator: nn.Module;
  readonly discriminator: nn.Module;
  readonly optimizerG: optim.Optimizer;
  readonly optimizerD: optim.Optimizer;
  readonly loss: GANLossKind;
  readonly dSteps: number;
  readonly realLabel: number;
  readonly rng: Generator;
  readonly sampleLatent: LatentSampler;
  onStep: ((log: GANStepLog) => void) | undefined;
  /** One entry per step. */
  readonly history: GANStepLog[] = [];

  constructor(opts: GANTrainerOptions) {
    const op = 'GANTrainer';
    requireModule(op, opts.generator, 'generator');
    requireModule(op, opts.discriminator, 'discriminator');
    if (!(opts.optimizerG instanceof optim.Optimizer) || !(opts.optimizerD instanceof optim.Optimizer)) {
      throw new NeuroneError(`${op}: optimizerG and optimizerD must be optimizers, got ${describe(opts.optimizerG)} and ${describe(opts.optimizerD)}`);
    }
    if (opts.optimizerG === opts.optimizerD) throw new NeuroneError(`${op}: G and D need separate optimizers`);
    this.generator = opts.generator;
    this.discriminator = opts.discriminator;
    this.optimizerG = opts.optimizerG;
    this.optimizerD = opts.optimizerD;
    this.loss = opts.loss ?? 'nonSaturating';
    if (this.loss !== 'nonSaturating' && this.loss !== 'minimax') throw new NeuroneError(`${op}: loss must be 'nonSaturating' or 'minimax', got ${describe(this.loss)}`);
    this.dSteps = opts.dSteps ?? 1;
    requirePositiveInt(op, this.dSteps, 'dSteps');
    this.realLabel = opts.realLabel ?? 1;
    this.rng = opts.rng ?? new Generator(0);
    if (opts.sampleLatent !== undefined) {
      this.sampleLatent = opts.sampleLatent;
    } else {
      const size = opts.latentSize;
      requirePositiveInt(op, size, 'latentSize (or give sampleLatent)');
      this.sampleLatent = (n, rng) => randn([n, size], { generator: rng });
    }
    this.onStep = opts.onStep;
  }

  /**
   * One round of training on a batch of real samples. `z` (the codes for the
   * batch; with dSteps > 1, those of the last D step) may be given, for
   * reproducing a step exactly.
   */
  step(real: Tensor, opts: { z?: Tensor } = {}): GANStepLog {
    requireFloatTensor('GANTrainer.step', real, 'real');
    const n = real.shape[0]!;
    const G = this.generator;
    const D = this.discriminator;
    G.train();
    D.train();
    let lossD = 0;
    let dReal = 0;
    let dFake = 0;
    let fake: Tensor | null = null;
    for (let k = 0; k < this.dSteps; k++) {
      const z = k === this.dSteps - 1 && opts.z !== undefined ? opts.z : this.sampleLatent(n, this.rng);
      fake = G.forward(z) as Tensor;
      this.optimizerD.zeroGrad();
      const realLogits = D.forward(real) as Tensor;
      const fakeLogits = D.forward(fake.detach()) as Tensor;
      const l = discriminatorLoss(realLogits, fakeLogits, { realLabel: this.realLabel });
      l.backward();
      this.optimizerD.step();
      lossD = l.item();
      dReal = meanSigmoid(realLogits);
      dFake = meanSigmoid(fakeLogits);
    }
    this.optimizerG.zeroGrad();
    const fakeLogits = D.forward(fake!) as Tensor;
    const lg = generatorLoss(fakeLogits, { kind: this.loss });
    lg.backward();
    this.optimizerG.step();
    const log: GANStepLog = { step: this.history.length + 1, lossD, lossG: lg.item(), dReal, dFake, dFakeAfter: meanSigmoid(fakeLogits) };
    this.history.push(log);
    this.onStep?.(log);
    return log;
  }

  /**
   * Runs steps over shuffled mini-batches of `data` until the epochs, the
   * step count or the time budget run out; returns the logs of this call.
   */
  train(data: Tensor, opts: GANTrainOptions = {}): GANStepLog[] {
    requireFloatTensor('GANTrainer.train', data, 'data');
    const epochs = opts.epochs ?? (opts.maxSteps !== undefined || opts.timeBudgetMs !== undefined ? Infinity : 1);
    const maxSteps = opts.maxSteps ?? Infinity;
    const deadline = opts.timeBudgetMs === undefined ? Infinity : performance.now() + opts.timeBudgetMs;
    const shuffle = opts.shuffle ?? new Generator(0);
    const batchSize = opts.batchSize ?? 64;
    const logs: GANStepLog[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const [x] of miniBatches([data], { batchSize, generator: shuffle })) {
        // a short last batch would give batch norm different statistics: skip it
        if (x!.shape[0]! < batchSize && data.shape[0]! >= batchSize) continue;
        logs.push(this.step(x!));
        if (logs.length >= maxSteps || performance.now() >= deadline) return logs;
      }
    }
    return logs;
  }

  /** `n` samples from G in evaluation mode (batch norm uses its running statistics unless `train` is set). */
  sample(n: number, opts: { rng?: Generator; train?: boolean } = {}): Tensor {
    requirePositiveInt('GANTrainer.sample', n, 'n');
    const z = this.sampleLatent(n, opts.rng ?? defaultGenerator);
    return this.generate(z, opts.train ?? false);
  }

  /** G(z) without recording, in evaluation mode unless `train`. */
  generate(z: Tensor, train = false): Tensor {
    const G = this.generator;
    const was = G.training;
    G.train(train);
    try {
      return noGrad(() => G.forward(z) as Tensor);
    } finally {
      G.train(was);
    }
  }
}
