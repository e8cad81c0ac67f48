// The recognizers: a convolutional stack + bidirectional LSTMs (default), or
// multi-dimensional LSTM layers (Graves & Schmidhuber 2009), both ending in
// a linear layer to the charset plus the CTC blank.
import { Tensor, nn } from '@neurone/core';
import { BatchNorm2d, Conv2d, MaxPool2d } from '@neurone/vision';
import { LSTM, MDLSTM } from '@neurone/sequence';
import { NUM_CLASSES } from './charset.js';
import { LINE_HEIGHT } from './preprocess.js';

export type Arch = 'crnn' | 'mdlstm';

/** Everything needed to rebuild a model; stored in its checkpoint. */
export interface ModelConfig {
  arch: Arch;
  /** Input height (rows). */
  height: number;
  /** Output channels of each convolutional block (crnn) or MDLSTM block (mdlstm). */
  channels: number[];
  /** Max-pool [height, width] of each block. */
  pools: Array<[number, number]>;
  /** Hidden units per direction of each BLSTM layer (crnn). */
  hidden: number;
  /** Stacked BLSTM layers (crnn). */
  layers: number;
  /** Dropout before the recurrent layers, between them and before the classifier. */
  dropout: number;
  /** Output classes: the charset plus the blank. */
  numClasses: number;
}

export const DEFAULT_CONFIGS: Record<Arch, ModelConfig> = {
  crnn: {
    // one frame per 2 input columns: the narrowest training fonts get about 4 frames a character, room for
    // CTC's blank between doubled letters (with 4 columns a frame they had under 2, and twice the error)
    arch: 'crnn', height: LINE_HEIGHT, channels: [8, 16, 32, 64], pools: [[2, 2], [2, 1], [2, 1], [2, 1]],
    hidden: 64, layers: 2, dropout: 0.2, numClasses: NUM_CLASSES,
  },
  mdlstm: {
    arch: 'mdlstm', height: LINE_HEIGHT, channels: [8, 16, 32], pools: [[2, 2], [2, 2], [2, 1]],
    hidden: 0, layers: 0, dropout: 0.2, numClasses: NUM_CLASSES,
  },
};

/** Output of a recognizer on a padded batch. */
export interface RecognizerOutput {
  /** (T, N, numClasses) log-probabilities. */
  logProbs: Tensor;
  /** Valid frames of each sample. */
  lengths: number[];
}

/** What both architectures offer to training and decoding. */
export abstract class Recognizer extends nn.Module {
  constructor(readonly config: ModelConfig) {
    super();
  }

  /** Columns of input per output frame. */
  get stride(): number {
    return this.config.pools.reduce((s, [, w]) => s * w, 1);
  }

  /** Frames for an input `width` columns wide. */
  frames(width: number): number {
    return Math.max(1, Math.floor(width / this.stride));
  }

  /**
   * Shape: x (N, 1, height, W) zero-padded on the right; widths (N) the
   * valid columns of each -> logProbs (T = W / stride, N, numClasses).
   */
  abstract override forward(x: Tensor, widths: readonly number[]): RecognizerOutput;
}

/**
 * Conv blocks (conv 3x3, batch norm, LeakyReLU, max-pool), the feature map
 * collapsed along the height into one frame per column, a stack of
 * bidirectional LSTMs with dropout, and a linear layer to the classes
 * (after Puigcerver, ICDAR 2017).
 *
 * Shape: (N, 1, 32, W) -> (W / 4, N, numClasses) with the default config.
 */
export class CRNN extends Recognizer {
  readonly cnn: nn.Sequential;
  readonly drop: nn.Dropout;
  readonly rnn: LSTM;
  readonly fc: nn.Linear;

  constructor(config: ModelConfig = DEFAULT_CONFIGS.crnn) {
    super(config);
    const layers: nn.Module[] = [];
    let c = 1;
    let h = config.height;
    config.channels.forEach((out, i) => {
      layers.push(new Conv2d(c, out, 3, { padding: 1 }), new BatchNorm2d(out), new nn.LeakyReLU(0.01), new MaxPool2d(config.pools[i]!));
      c = out;
      h = Math.floor(h / config.pools[i]![0]);
    });
    this.cnn = new nn.Sequential(...layers);
    this.drop = new nn.Dropout(config.dropout);
    this.rnn = new LSTM(c * h, config.hidden, { numLayers: config.layers, bidirectional: true, dropout: config.dropout });
    this.fc = new nn.Linear(2 * config.hidden, config.numClasses);
  }

  forward(x: Tensor, widths: readonly number[]): RecognizerOutput {
    const f = this.cnn.forward(x) as Tensor; // (N, C, H', T)
    const [N, C, H, T] = f.shape as [number, number, number, number];
    const seq = this.drop.forward(f.reshape([N, C * H, T]).permute([2, 0, 1])); // (T, N, C*H')
    const lengths = widths.map((w) => Math.min(T, this.frames(w)));
    const [out] = this.rnn.forward(seq, null, { lengths });
    const logits = this.fc.forward(this.drop.forward(out));
    return { logProbs: logits.logSoftmax(2), lengths };
  }
}

/**
 * Multi-dimensional LSTM blocks (conv 3x3, tanh, max-pool, then a 2-D LSTM
 * scanning from the four corners, their outputs summed), the height summed
 * away, and a linear layer to the classes: the architecture Puigcerver
 * compares against.
 *
 * Shape: (N, 1, 32, W) -> (W / 4, N, numClasses) with the default config.
 */
export class MDLSTMRecognizer extends Recognizer {
  readonly blocks: nn.ModuleList;
  readonly drop: nn.Dropout;
  readonly fc: nn.Linear;

  constructor(config: ModelConfig = DEFAULT_CONFIGS.mdlstm) {
    super(config);
    const blocks: nn.Module[] = [];
    let c = 1;
    config.channels.forEach((out, i) => {
      blocks.push(new nn.Sequential(new Conv2d(c, out, 3, { padding: 1 }), new nn.Tanh(), new MaxPool2d(config.pools[i]!), new MDLSTM(out, out, { combine: 'sum' })));
      c = out;
    });
    this.blocks = new nn.ModuleList(blocks);
    this.drop = new nn.Dropout(config.dropout);
    this.fc = new nn.Linear(c, config.numClasses);
  }

  forward(x: Tensor, widths: readonly number[]): RecognizerOutput {
    let f = x;
    for (const b of this.blocks) f = (b as nn.Sequential).forward(f) as Tensor;
    const T = f.shape[3]!;
    const seq = f.sum(2).permute([2, 0, 1]); // (T, N, C): the height collapsed by summing
    const logits = this.fc.forward(this.drop.forward(seq));
    return { logProbs: logits.logSoftmax(2), lengths: widths.map((w) => Math.min(T, this.frames(w))) };
  }
}

/** Builds the model a config describes. */
export function buildModel(config: ModelConfig): Recognizer {
  return config.arch === 'mdlstm' ? new MDLSTMRecognizer(config) : new CRNN(config);
}
