// Training in three phases: (1) the encoder is pre-trained on presence
// classification (which colours, shapes and coloured shapes are in the
// image); (2) the decoder learns to caption with the encoder frozen;
// (3) everything is fine-tuned, the encoder at a lower learning rate.
import { F, nn, optim, tensor, type Tensor } from '@neurone/core';
import { freeze, unfreeze } from '@neurone/vision';
import {
  saveCaptionCheckpoint, type CaptionMeta, type Metrics, type Phase, type Progress, type TrainConfig,
} from './checkpoint.js';
import { SceneSet, captionBatch } from './data.js';
import { captionSet, scoreCaptions } from './evaluate.js';
import { Captioner, DEFAULT_CONFIG, type ModelConfig } from './model.js';
import { rng } from './scene.js';
import { Vocabulary } from './vocab.js';

export const DEFAULT_TRAIN: TrainConfig = {
  batch: 32,
  lr: 3e-3,
  encoderLr: 1e-3,
  alphaC: 1,
  clip: 5,
  pretrainSteps: 150,
  frozenSteps: 150,
  finetuneSteps: 600,
  trainScenes: 12000,
  valScenes: 100,
  valEvery: 150,
  seed: 1,
};

export interface TrainRequest {
  model: ModelConfig;
  train: TrainConfig;
  checkpoint: string;
  command: string;
  /** Wall-clock budget in minutes for the whole run (counting a resumed run's); phases share it 15/20/65. */
  minutes?: number;
  resume?: { model: Captioner; vocab: Vocabulary; meta: CaptionMeta; optimizer?: unknown };
  onStep?: (info: { phase: Phase; phaseStep: number; phaseSteps: number; step: number; loss: number; imagesPerSec: number }) => void;
  onValidate?: (m: Metrics, step: number) => void;
  log?: (msg: string) => void;
  /** Return true to stop (after saving). */
  shouldStop?: () => boolean;
}

const PHASES: Phase[] = ['pretrain', 'frozen', 'finetune'];
const SHARE: Record<string, number> = { pretrain: 0.15, frozen: 0.2, finetune: 0.65 };

export function defaultModelConfig(vocab: Vocabulary): ModelConfig {
  return { ...DEFAULT_CONFIG, encoder: [...DEFAULT_CONFIG.encoder], vocabSize: vocab.size };
}

/** Lets signals (Ctrl-C), timers and I/O run between steps. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs (or resumes) training; returns the final model and its validation
 * metrics. It yields to the event loop before every step, so that a signal
 * handler can ask it to stop through `shouldStop`.
 */
export async function train(req: TrainRequest): Promise<{ model: Captioner; vocab: Vocabulary; val: Metrics | null; meta: CaptionMeta }> {
  const log = req.log ?? (() => {});
  const vocab = req.resume?.vocab ?? new Vocabulary();
  const cfg = req.train;
  const model = req.resume?.model ?? new Captioner(req.model, { seed: cfg.seed });
  const progress: Progress = req.resume?.meta.progress
    ? structuredClone(req.resume.meta.progress)
    : { phase: 'pretrain', phaseStep: 0, step: 0, trainMs: 0, wallMs: 0, trainCurve: [], valCurve: [], dropoutRng: [] };
  // a finished run given a larger budget goes back to fine-tuning
  if (progress.phase === 'done') {
    const prevSteps = req.resume?.meta.train.finetuneSteps ?? 0;
    if (req.minutes !== undefined ? req.minutes * 60_000 > progress.wallMs : cfg.finetuneSteps > prevSteps) {
      progress.phase = 'finetune';
      progress.phaseStep = prevSteps;
    }
  }
  const encParams = model.encoder.parameters();
  const encSet = new Set(encParams);
  const decParams = model.parameters().filter((p) => !encSet.has(p));
  const opt = new optim.Adam([
    { params: encParams, lr: cfg.lr },
    { params: decParams, lr: cfg.lr },
  ]);
  if (req.resume?.optimizer) opt.loadStateDict(req.resume.optimizer as optim.OptimizerStateDict);

  log(`rendering ${cfg.trainScenes} training and ${cfg.valScenes} validation scenes...`);
  const trainSet = new SceneSet('train', cfg.trainScenes);
  const valSet = new SceneSet('val', cfg.valScenes);
  const r = rng(cfg.seed * 1000 + progress.step);
  let val: Metrics | null = req.resume?.meta.val ?? null;
  const t0 = Date.now();
  const wall0 = progress.wallMs;
  const phaseSteps = (p: Phase): number => (p === 'pretrain' ? cfg.pretrainSteps : p === 'frozen' ? cfg.frozenSteps : cfg.finetuneSteps);
  const budgetMs = req.minutes !== undefined ? req.minutes * 60_000 : undefined;
  // phase ends by time when a budget is given: pretrain ends at 15% of it, frozen at 35%
  const phaseEndMs = (p: Phase): number => {
    let acc = 0;
    for (const q of PHASES) {
      acc += SHARE[q]!;
      if (q === p) break;
    }
    return acc * (budgetMs ?? Infinity);
  };

  const save = (): void => {
    progress.wallMs = wall0 + (Date.now() - t0);
    progress.dropoutRng = model.dropoutGenerator.getState().map((v) => (Number.isNaN(v) ? null : v));
    saveCaptionCheckpoint(req.checkpoint, {
      model, vocab, optimizer: opt.stateDict(),
      meta: { train: cfg, progress, val, command: req.command },
    });
  };
  const validate = (): void => {
    const caps = captionSet(model, vocab, valSet);
    val = scoreCaptions(caps, valSet, 'val');
    progress.valCurve.push([progress.step, val.bleu[3]]);
    req.onValidate?.(val, progress.step);
  };

  const setPhase = (p: Phase): void => {
    if (p === 'pretrain' || p === 'finetune') unfreeze(model.encoder);
    else freeze(model.encoder);
    opt.paramGroups[0]!.lr = p === 'pretrain' ? cfg.lr : p === 'finetune' ? cfg.encoderLr : 0;
    opt.paramGroups[1]!.lr = cfg.lr * (p === 'finetune' ? 0.5 : 1);
  };

  while (progress.phase !== 'done') {
    const phase = progress.phase;
    setPhase(phase);
    const elapsed = (): number => wall0 + (Date.now() - t0);
    const over = (): boolean => (budgetMs !== undefined ? elapsed() >= phaseEndMs(phase) : progress.phaseStep >= phaseSteps(phase));
    log(`phase ${phase}${phase === 'frozen' ? ' (encoder frozen)' : phase === 'finetune' ? ' (encoder unfrozen)' : ' (presence classification)'}`);
    while (!over()) {
      await breathe();
      if (req.shouldStop?.()) {
        save();
        return { model, vocab, val, meta: { format: 'neurone-captioning', version: 1, vocab: vocab.toJSON(), model: model.config, train: cfg, progress, val, command: req.command } };
      }
      const s0 = Date.now();
      model.train();
      // a frozen encoder runs in eval mode (fixed BatchNorm statistics)
      if (phase === 'frozen') model.encoder.eval();
      const idx = Array.from({ length: cfg.batch }, () => Math.floor(r() * trainSet.length));
      const images = trainSet.images(idx);
      opt.zeroGrad();
      let loss: Tensor;
      if (phase === 'pretrain') {
        loss = F.bceWithLogitsLoss(model.presence(images), trainSet.presence(idx));
      } else {
        const caps = idx.map((i) => {
          const refs = trainSet.refs[i]!;
          return refs[Math.floor(r() * refs.length)]!;
        });
        const { inputs, targets, mask } = captionBatch(vocab, caps);
        const grid = model.encode(images);
        const { logits, alphas } = model.forwardTeacher(grid, inputs);
        const [B, T, V] = logits.shape as [number, number, number];
        const ce = F.crossEntropy(logits.reshape([B * T, V]), targets.reshape([B * T]), { ignoreIndex: -100 });
        // doubly stochastic regularisation: each grid cell's attention summed over the words should be near 1
        const cover = alphas.mul(mask.unsqueeze(2)).sum(1);
        const reg = tensor([1]).sub(cover).square().sum(1).mean();
        loss = ce.add(reg.mul(cfg.alphaC));
      }
      loss.backward();
      nn.utils.clipGradNorm_(model.parameters().filter((p) => p.grad !== null), cfg.clip);
      opt.step();
      const lv = loss.item();
      const ms = Date.now() - s0;
      progress.trainMs += ms;
      progress.step++;
      progress.phaseStep++;
      if (progress.step % 10 === 0) progress.trainCurve.push([progress.step, lv]);
      req.onStep?.({ phase, phaseStep: progress.phaseStep, phaseSteps: phaseSteps(phase), step: progress.step, loss: lv, imagesPerSec: (cfg.batch * 1000) / Math.max(1, ms) });
      if (phase !== 'pretrain' && progress.step % cfg.valEvery === 0) {
        validate();
        save();
      }
    }
    progress.phase = PHASES[PHASES.indexOf(phase) + 1] ?? 'done';
    progress.phaseStep = 0;
    if (phase === 'pretrain') save();
  }
  validate();
  save();
  log(`done: ${progress.step} steps, ${Math.round((wall0 + Date.now() - t0) / 1000)} s`);
  const meta: CaptionMeta = { format: 'neurone-captioning', version: 1, vocab: vocab.toJSON(), model: model.config, train: cfg, progress, val, command: req.command };
  return { model, vocab, val, meta };
}
