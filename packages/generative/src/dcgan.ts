// A DCGAN pair (Radford et al., 2016) for 28x28 single-channel images such as
// MNIST: transposed convolutions up from a 7x7 map in the generator, strided
// convolutions down in the discriminator, batch norm in between, ReLU in G,
// LeakyReLU(0.2) in D, tanh output (images in [-1, 1]).
import { Generator, NeuroneError, Tensor, nn, noGrad } from '@neurone/core';
import { BatchNorm2d, Conv2d, ConvTranspose2d } from '@neurone/vision';
import { requirePositiveInt } from './util.js';

export interface DCGANOptions {
  /** Size of z (default 100). */
  latentSize?: number;
  /** Feature maps of the 14x14 layer; the 7x7 layer has twice as many (default 64). */
  channels?: number;
  /** Channels of the images (default 1). */
  imageChannels?: number;
  /** 'dcgan' (default): weights from N(0, 0.02), batch-norm scales from N(1, 0.02), biases 0, as the paper and PyTorch's example; 'default': each layer's own. */
  init?: 'dcgan' | 'default';
  /** Random numbers for the initialisation. */
  generator?: Generator;
}

/**
 * DCGAN initialisation (PyTorch's example's `weights_init`): convolution and
 * linear weights from N(0, 0.02), batch-norm weights from N(1, 0.02), biases 0.
 */
export function dcganInit(module: nn.Module, generator?: Generator): void {
  noGrad(() =>
    module.apply((m) => {
      const w = (m as { weight?: unknown }).weight;
      const b = (m as { bias?: unknown }).bias;
      if (m instanceof BatchNorm2d || m instanceof nn.LayerNorm) {
        if (w instanceof Tensor) nn.init.normal_(w, 1, 0.02, { generator });
      } else if (m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof nn.Linear) {
        if (w instanceof Tensor) nn.init.normal_(w, 0, 0.02, { generator });
      } else {
        return;
      }
      if (b instanceof Tensor) nn.init.zeros_(b);
    }),
  );
}

function options(op: string, opts: DCGANOptions): Required<Omit<DCGANOptions, 'generator'>> & { generator?: Generator } {
  const o = { latentSize: 100, channels: 64, imageChannels: 1, init: 'dcgan' as const, ...opts };
  requirePositiveInt(op, o.latentSize, 'latentSize');
  requirePositiveInt(op, o.channels, 'channels');
  requirePositiveInt(op, o.imageChannels, 'imageChannels');
  if (o.init !== 'dcgan' && o.init !== 'default') throw new NeuroneError(`${op}: init must be 'dcgan' or 'default', got '${String(o.init)}'`);
  return o;
}

/**
 * DCGAN generator for 28x28 images:
 *   z (N, Z) -> Linear(Z, 2c·7·7) -> (N, 2c, 7, 7) -> BN, ReLU
 *   -> ConvTranspose2d(2c, c, 4, stride 2, padding 1) (N, c, 14, 14) -> BN, ReLU
 *   -> ConvTranspose2d(c, C_img, 4, stride 2, padding 1) (N, C_img, 28, 28) -> tanh
 * (the convolution feeding batch norm has no bias).
 *
 * Shape: (N, latentSize) -> (N, imageChannels, 28, 28) in [-1, 1]
 *
 * Example:
 *   const G = new DCGANGenerator({ latentSize: 100 });
 *   G.forward(randn([64, 100])).shape; // [64, 1, 28, 28]
 */
export class DCGANGenerator extends nn.Module {
  readonly latentSize: number;
  readonly channels: number;
  fc: nn.Linear;
  bn0: BatchNorm2d;
  up1: ConvTranspose2d;
  bn1: BatchNorm2d;
  up2: ConvTranspose2d;

  constructor(opts: DCGANOptions = {}) {
    super();
    const o = options('DCGANGenerator', opts);
    const c = o.channels;
    this.latentSize = o.latentSize;
    this.channels = c;
    const g = o.generator;
    this.fc = new nn.Linear(o.latentSize, 2 * c * 7 * 7, { generator: g });
    this.bn0 = new BatchNorm2d(2 * c);
    this.up1 = new ConvTranspose2d(2 * c, c, 4, { stride: 2, padding: 1, bias: false, generator: g });
    this.bn1 = new BatchNorm2d(c);
    this.up2 = new ConvTranspose2d(c, o.imageChannels, 4, { stride: 2, padding: 1, generator: g });
    if (o.init === 'dcgan') dcganInit(this, g);
  }

  forward(z: Tensor): Tensor {
    const n = z.shape[0]!;
    let h = this.fc.forward(z).reshape([n, 2 * this.channels, 7, 7]); // (N, 2c, 7, 7)
    h = this.bn0.forward(h).relu();
    h = this.bn1.forward(this.up1.forward(h)).relu(); // (N, c, 14, 14)
    return this.up2.forward(h).tanh(); // (N, C_img, 28, 28)
  }

  override extraRepr(): string {
    return `latentSize=${this.latentSize}, channels=${this.channels}`;
  }
}

/**
 * DCGAN discriminator for 28x28 images:
 *   (N, C_img, 28, 28) -> Conv2d(C_img, c, 4, stride 2, padding 1) (N, c, 14, 14) -> LeakyReLU(0.2)
 *   -> Conv2d(c, 2c, 4, stride 2, padding 1) (N, 2c, 7, 7) -> BN -> LeakyReLU(0.2)
 *   -> Linear(2c·7·7, 1): the logit of "real".
 *
 * Shape: (N, imageChannels, 28, 28) -> (N, 1)
 *
 * Example:
 *   const D = new DCGANDiscriminator();
 *   discriminatorLoss(D.forward(real), D.forward(fake.detach()));
 */
export class DCGANDiscriminator extends nn.Module {
  readonly channels: number;
  conv1: Conv2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  fc: nn.Linear;

  constructor(opts: Omit<DCGANOptions, 'latentSize'> = {}) {
    super();
    const o = options('DCGANDiscriminator', opts);
    const c = o.channels;
    const g = o.generator;
    this.channels = c;
    this.conv1 = new Conv2d(o.imageChannels, c, 4, { stride: 2, padding: 1, generator: g });
    this.conv2 = new Conv2d(c, 2 * c, 4, { stride: 2, padding: 1, bias: false, generator: g });
    this.bn2 = new BatchNorm2d(2 * c);
    this.fc = new nn.Linear(2 * c * 7 * 7, 1, { generator: g });
    if (o.init === 'dcgan') dcganInit(this, g);
  }

  forward(x: Tensor): Tensor {
    let h = this.conv1.forward(x).leakyRelu(0.2); // (N, c, 14, 14)
    h = this.bn2.forward(this.conv2.forward(h)).leakyRelu(0.2); // (N, 2c, 7, 7)
    return this.fc.forward(h.flatten(1)); // (N, 1)
  }

  override extraRepr(): string {
    return `channels=${this.channels}`;
  }
}
