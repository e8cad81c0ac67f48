// The captioner (after Xu et al. 2015, "Show, Attend and Tell"): a VGG-style
// CNN encoder giving a grid of feature vectors, and an LSTM decoder that
// attends over the grid (additive attention) at every step.
import { Generator, Tensor, cat, nn, noGrad, tensor } from '@neurone/core';
import { AdditiveAttention, LSTMCell } from '@neurone/sequence';
import { VGG, vgg, type VGGConfig } from '@neurone/vision';
import { PRESENCE_LABELS } from './scene.js';
import { END, START } from './vocab.js';

export interface ModelConfig {
  /** The encoder's VGG config (3x3 convs and 'M' pools). */
  encoder: Array<number | 'M'>;
  embedding: number;
  hidden: number;
  attention: number;
  dropout: number;
  vocabSize: number;
}

export const DEFAULT_CONFIG: Omit<ModelConfig, 'vocabSize'> = {
  encoder: [16, 'M', 32, 'M', 64, 'M', 64],
  embedding: 32,
  hidden: 128,
  attention: 64,
  dropout: 0.1,
};

export function checkConfig(c: ModelConfig): void {
  for (const k of ['embedding', 'hidden', 'attention', 'vocabSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`model config: ${k} must be a positive integer, got ${String(c[k])}`);
  }
  if (!Array.isArray(c.encoder) || !c.encoder.some((v) => typeof v === 'number')) throw new Error('model config: encoder must be a VGG config with at least one conv');
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`model config: dropout must be in [0, 1), got ${c.dropout}`);
}

/** Channels of the encoder's last conv: the feature size of each grid cell. */
export function featureSize(c: ModelConfig): number {
  return (c.encoder.filter((v) => typeof v === 'number') as number[]).at(-1)!;
}

/** Side of the feature grid for an image side. */
export function gridSide(c: ModelConfig, imageSize: number): number {
  return imageSize / 2 ** c.encoder.filter((v) => v === 'M').length;
}

/** Per-step output of the decoder. */
export interface StepOutput {
  logits: Tensor; // (B, V)
  alpha: Tensor; // (B, L)
  h: Tensor;
  c: Tensor;
}

/**
 * Encoder + attentive decoder.
 *
 * Shape: images (N, 3, S, S) -> grid (N, L, D) with L = (S / 2^pools)^2;
 * teacher-forced forward: inputs (N, T) word ids -> logits (N, T, V), alphas (N, T, L).
 */
export class Captioner extends nn.Module {
  readonly config: ModelConfig;
  /** VGG with a presence-classification head (used for pre-training only). */
  encoder: VGG;
  embed: nn.Embedding;
  attention: AdditiveAttention;
  init_h: nn.Linear;
  init_c: nn.Linear;
  f_beta: nn.Linear;
  cell: LSTMCell;
  drop: nn.Dropout;
  out: nn.Linear;
  readonly dropoutGenerator: Generator;

  constructor(config: ModelConfig, opts: { seed?: number } = {}) {
    super();
    checkConfig(config);
    this.config = config;
    const g = new Generator().manualSeed(opts.seed ?? 0);
    this.dropoutGenerator = new Generator().manualSeed((opts.seed ?? 0) + 1);
    const D = featureSize(config);
    const H = config.hidden;
    this.encoder = vgg(config.encoder as VGGConfig, { batchNorm: true, poolSize: 1, hidden: [], numClasses: PRESENCE_LABELS.length, generator: g });
    this.embed = new nn.Embedding(config.vocabSize, config.embedding, { generator: g });
    this.attention = new AdditiveAttention(H, D, config.attention, { generator: g });
    this.init_h = new nn.Linear(D, H, { generator: g });
    this.init_c = new nn.Linear(D, H, { generator: g });
    this.f_beta = new nn.Linear(H, D, { generator: g });
    this.cell = new LSTMCell(config.embedding + D, H, { generator: g });
    this.drop = new nn.Dropout(config.dropout, { generator: this.dropoutGenerator });
    this.out = new nn.Linear(H, config.vocabSize, { generator: g });
  }

  /** Feature grid: (N, 3, S, S) -> (N, L, D). */
  encode(images: Tensor): Tensor {
    const f = this.encoder.features.forward(images); // (N, D, h, w)
    const [N, D, h, w] = f.shape as [number, number, number, number];
    return f.reshape([N, D, h * w]).permute(0, 2, 1);
  }

  /** Teacher-forced captioning from images: (N, 3, S, S), (N, T) -> logits (N, T, V). */
  forward(images: Tensor, inputs: Tensor): Tensor {
    return this.forwardTeacher(this.encode(images), inputs).logits;
  }

  /** Presence logits for the encoder's pre-training: (N, 3, S, S) -> (N, labels). */
  presence(images: Tensor): Tensor {
    return this.encoder.forward(images);
  }

  /** Initial LSTM state from the mean feature. */
  initState(grid: Tensor): { h: Tensor; c: Tensor } {
    const m = grid.mean(1);
    return { h: this.init_h.forward(m).tanh(), c: this.init_c.forward(m).tanh() };
  }

  /** One decoder step: previous word ids (B,) and state -> next-word logits, attention. */
  step(words: Tensor, h: Tensor, c: Tensor, grid: Tensor, projectedKeys: Tensor): StepOutput {
    const { context, weights } = this.attention.forward(h, grid, null, { projectedKeys });
    // the gating scalar β of Show, Attend and Tell (section 4.2.1)
    const gated = this.f_beta.forward(h).sigmoid().mul(context);
    const x = cat([this.embed.forward(words), gated], 1);
    const [h1, c1] = this.cell.forward(x, [h, c]);
    const logits = this.out.forward(this.drop.forward(h1));
    return { logits, alpha: weights, h: h1, c: c1 };
  }

  /**
   * Teacher forcing: inputs (N, T) int32 (starting with <start>) ->
   * logits (N, T, V) and attention weights (N, T, L).
   */
  forwardTeacher(grid: Tensor, inputs: Tensor): { logits: Tensor; alphas: Tensor } {
    const [, T] = inputs.shape as [number, number];
    let { h, c } = this.initState(grid);
    const pk = this.attention.projectKeys(grid);
    const logits: Tensor[] = [];
    const alphas: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const s = this.step(inputs.select(1, t), h, c, grid, pk);
      h = s.h;
      c = s.c;
      logits.push(s.logits.unsqueeze(1));
      alphas.push(s.alpha.unsqueeze(1));
    }
    return { logits: cat(logits, 1), alphas: cat(alphas, 1) };
  }
}

export interface DecodeResult {
  ids: number[];
  /** Attention weights over the grid for each generated word (the <end> step excluded). */
  alphas: Float32Array[];
  logProb: number;
}

/** Greedy decoding of one batch of images, in eval mode. */
export function greedyDecode(model: Captioner, images: Tensor, maxLen = 24): DecodeResult[] {
  return noGrad(() => {
    const grid = model.encode(images);
    const [N, L] = grid.shape as [number, number];
    let { h, c } = model.initState(grid);
    const pk = model.attention.projectKeys(grid);
    const res: DecodeResult[] = Array.from({ length: N }, () => ({ ids: [], alphas: [], logProb: 0 }));
    const done = new Array<boolean>(N).fill(false);
    let words = tensor(new Int32Array(N).fill(START), { shape: [N] });
    for (let t = 0; t < maxLen && done.some((d) => !d); t++) {
      const s = model.step(words, h, c, grid, pk);
      h = s.h;
      c = s.c;
      const lp = s.logits.logSoftmax(-1).data;
      const al = s.alpha.data;
      const V = model.config.vocabSize;
      const next = new Int32Array(N);
      for (let b = 0; b < N; b++) {
        let best = 0;
        for (let v = 1; v < V; v++) if (lp[b * V + v]! > lp[b * V + best]!) best = v;
        next[b] = best;
        if (done[b]) continue;
        res[b]!.logProb += lp[b * V + best]!;
        if (best === END) done[b] = true;
        else {
          res[b]!.ids.push(best);
          res[b]!.alphas.push(Float32Array.from(al.subarray(b * L, (b + 1) * L)));
        }
      }
      words = tensor(next, { shape: [N] });
    }
    return res;
  });
}

/** Beam search over one image (3, S, S): the hypothesis with the best length-normalised log-probability. */
export function beamDecode(model: Captioner, image: Tensor, beam = 3, maxLen = 24): DecodeResult {
  return noGrad(() => {
    const grid1 = model.encode(image.unsqueeze(0));
    const [, L, D] = grid1.shape as [number, number, number];
    const V = model.config.vocabSize;
    type Hyp = { ids: number[]; alphas: Float32Array[]; logProb: number };
    const st = model.initState(grid1);
    let hyps: Hyp[] = [{ ids: [], alphas: [], logProb: 0 }];
    const finished: DecodeResult[] = [];
    let h = st.h;
    let c = st.c;
    for (let t = 0; t < maxLen && hyps.length > 0; t++) {
      const B = hyps.length;
      const grid = grid1.expand([B, L, D]);
      const pk = model.attention.projectKeys(grid);
      const words = tensor(Int32Array.from(hyps.map((x) => x.ids.at(-1) ?? START)), { shape: [B] });
      const s = model.step(words, h, c, grid, pk);
      const lp = s.logits.logSoftmax(-1).data;
      const al = s.alpha.data;
      const cands: Array<{ from: number; word: number; score: number }> = [];
      for (let b = 0; b < B; b++) {
        for (let v = 1; v < V; v++) cands.push({ from: b, word: v, score: hyps[b]!.logProb + lp[b * V + v]! });
      }
      cands.sort((x, y) => y.score - x.score);
      const next: Hyp[] = [];
      const rows: number[] = [];
      for (const cd of cands) {
        if (next.length >= beam) break;
        const base = hyps[cd.from]!;
        if (cd.word === END) {
          finished.push({ ids: base.ids, alphas: base.alphas, logProb: cd.score });
          if (finished.length >= beam) break;
          continue;
        }
        next.push({ ids: [...base.ids, cd.word], alphas: [...base.alphas, Float32Array.from(al.subarray(cd.from * L, (cd.from + 1) * L))], logProb: cd.score });
        rows.push(cd.from);
      }
      if (finished.length >= beam) break;
      hyps = next;
      if (rows.length > 0) {
        const idx = tensor(Int32Array.from(rows), { shape: [rows.length] });
        h = s.h.indexSelect(0, idx);
        c = s.c.indexSelect(0, idx);
      }
    }
    for (const x of hyps) finished.push({ ids: x.ids, alphas: x.alphas, logProb: x.logProb });
    const norm = (r: DecodeResult) => r.logProb / (r.ids.length + 1);
    finished.sort((a, b) => norm(b) - norm(a));
    return finished[0]!;
  });
}
