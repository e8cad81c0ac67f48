// VGG-style networks (Simonyan and Zisserman 2014), as torchvision.models.vgg.
import { NeuroneError, noGrad, nn, type Generator, type Tensor } from '@neurone/core';
import { Conv2d } from '../layers/conv.js';
import { BatchNorm2d } from '../layers/normalization.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../layers/pooling.js';

/** Output channels of each 3x3 conv, 'M' for a 2x2 max pool. */
export type VGGConfig = ReadonlyArray<number | 'M'>;

/** torchvision's configurations A, B, D and E. */
export const VGG_CONFIGS: Readonly<Record<'vgg11' | 'vgg13' | 'vgg16' | 'vgg19', VGGConfig>> = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

export interface VGGOptions {
  /** Channels of the input images (default 3). */
  inChannels?: number;
  /** Outputs of the classifier (default 1000). */
  numClasses?: number;
  /** A BatchNorm2d after every conv (default false). */
  batchNorm?: boolean;
  /** Side of the adaptive average pool between features and classifier (default 7, as torchvision). */
  poolSize?: number;
  /** Widths of the classifier's hidden layers (default [4096, 4096]); [] for a single Linear. */
  hidden?: readonly number[];
  /** Dropout before each hidden Linear's successor (default 0.5). */
  dropout?: number;
  generator?: Generator;
}

/**
 * A VGG network: `features` (3x3 convs with padding 1, each followed by
 * [BatchNorm2d and] ReLU, and 2x2 max pools), `avgpool` (adaptive, to
 * poolSize x poolSize), `classifier` (Linear-ReLU-Dropout blocks, then the
 * output Linear). State-dict keys are torchvision's (`features.0.weight`,
 * `classifier.6.bias` for the default head). Initialised as torchvision does:
 * convs kaiming-normal (fan out, relu), Linear N(0, 0.01), biases 0.
 *
 * Shape: (N, inChannels, H, W) -> (N, numClasses).
 */
export class VGG extends nn.Module {
  features: nn.Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(config: VGGConfig, opts: VGGOptions = {}) {
    super();
    if (!Array.isArray(config) || config.length === 0 || config.some((c) => c !== 'M' && !(Number.isInteger(c) && (c as number) > 0))) {
      throw new NeuroneError(`vgg: config must be a non-empty list of channel counts and 'M', got ${JSON.stringify(config)}`);
    }
    const g = opts.generator;
    const layers: nn.Module[] = [];
    let c = opts.inChannels ?? 3;
    for (const v of config) {
      if (v === 'M') {
        layers.push(new MaxPool2d(2, { stride: 2 }));
        continue;
      }
      layers.push(new Conv2d(c, v, 3, { padding: 1, generator: g }));
      if (opts.batchNorm) layers.push(new BatchNorm2d(v));
      layers.push(new nn.ReLU());
      c = v;
    }
    this.features = new nn.Sequential(...layers);
    const pool = opts.poolSize ?? 7;
    this.avgpool = new AdaptiveAvgPool2d(pool);
    const head: nn.Module[] = [];
    let width = c * pool * pool;
    for (const h of opts.hidden ?? [4096, 4096]) {
      head.push(new nn.Linear(width, h), new nn.ReLU(), new nn.Dropout(opts.dropout ?? 0.5, { generator: g }));
      width = h;
    }
    head.push(new nn.Linear(width, opts.numClasses ?? 1000));
    this.classifier = new nn.Sequential(...head);
    this.initWeights(g);
  }

  private initWeights(generator?: Generator): void {
    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) {
          nn.init.kaimingNormal_(m.weight, { mode: 'fanOut', nonlinearity: 'relu', generator });
          m.bias?.zero_();
        } else if (m instanceof BatchNorm2d) {
          m.weight?.fill_(1);
          m.bias?.zero_();
        } else if (m instanceof nn.Linear) {
          nn.init.normal_(m.weight, 0, 0.01, { generator });
          m.bias?.zero_();
        }
      }
    });
  }

  forward(input: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(input)).flatten(1));
  }
}

/**
 * Builds a VGG-style network from a config such as [64, 'M', 128, 'M'] or
 * one of `VGG_CONFIGS`.
 *
 * Example:
 *   const net = vgg([32, 'M', 64, 'M'], { inChannels: 1, numClasses: 10, poolSize: 1, hidden: [128], batchNorm: true });
 *   net.forward(randn([8, 1, 28, 28])).shape; // [8, 10]
 *   vgg(VGG_CONFIGS.vgg16); // torchvision's VGG-16 (138M parameters)
 */
export function vgg(config: VGGConfig, opts: VGGOptions = {}): VGG {
  return new VGG(config, opts);
}
