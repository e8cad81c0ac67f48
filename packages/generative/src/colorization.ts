// Colorization: a small convolutional encoder-decoder (with U-Net skip
// connections) that learns to colour grayscale images, and a synthetic set of
// coloured scenes whose colours can be inferred from shapes and layout.
import { Generator, NeuroneError, Tensor, cat, nn } from '@neurone/core';
import { BatchNorm2d, Conv2d, ConvTranspose2d } from '@neurone/vision';
import { requirePositiveInt } from './util.js';

export interface ColorizationNetOptions {
  /** Feature maps of the first layer; each downsampling doubles them (default 16). */
  channels?: number;
  /** Random numbers for the initialisation. */
  generator?: Generator;
}

/**
 * Grayscale in, RGB out: two stride-2 convolutions down to a quarter of the
 * size, two transposed convolutions back, with the encoder's maps concatenated
 * to the decoder's at each scale (U-Net), and a sigmoid for colours in [0, 1].
 *
 * Shape: (N, 1, H, W) -> (N, 3, H, W), H and W multiples of 4
 *
 * Example:
 *   const net = new ColorizationNet();
 *   trainAutoencoder(net, gray, { target: rgb, epochs: 10, loss: 'l1' });
 */
export class ColorizationNet extends nn.Module {
  readonly channels: number;
  enc1: Conv2d;
  enc2: Conv2d;
  bn2: BatchNorm2d;
  enc3: Conv2d;
  bn3: BatchNorm2d;
  dec2: ConvTranspose2d;
  bnd2: BatchNorm2d;
  dec1: ConvTranspose2d;
  bnd1: BatchNorm2d;
  out: Conv2d;

  constructor(opts: ColorizationNetOptions = {}) {
    super();
    const c = opts.channels ?? 16;
    requirePositiveInt('ColorizationNet', c, 'channels');
    const g = opts.generator;
    const down = { stride: 2, padding: 1, bias: false, generator: g };
    this.channels = c;
    this.enc1 = new Conv2d(1, c, 3, { padding: 1, generator: g });
    this.enc2 = new Conv2d(c, 2 * c, 4, down);
    this.bn2 = new BatchNorm2d(2 * c);
    this.enc3 = new Conv2d(2 * c, 4 * c, 4, down);
    this.bn3 = new BatchNorm2d(4 * c);
    this.dec2 = new ConvTranspose2d(4 * c, 2 * c, 4, down);
    this.bnd2 = new BatchNorm2d(2 * c);
    this.dec1 = new ConvTranspose2d(4 * c, c, 4, down);
    this.bnd1 = new BatchNorm2d(c);
    this.out = new Conv2d(2 * c + 1, 3, 3, { padding: 1, generator: g });
  }

  forward(gray: Tensor): Tensor {
    if (gray.ndim !== 4 || gray.shape[1] !== 1 || gray.shape[2]! % 4 !== 0 || gray.shape[3]! % 4 !== 0) {
      throw new NeuroneError(`ColorizationNet: expected grayscale images (N, 1, H, W) with H and W multiples of 4, got [${gray.shape.join(',')}]`);
    }
    const e1 = this.enc1.forward(gray).relu(); // (N, c, H, W)
    const e2 = this.bn2.forward(this.enc2.forward(e1)).relu(); // (N, 2c, H/2, W/2)
    const e3 = this.bn3.forward(this.enc3.forward(e2)).relu(); // (N, 4c, H/4, W/4)
    const d2 = this.bnd2.forward(this.dec2.forward(e3)).relu(); // (N, 2c, H/2, W/2)
    const d1 = this.bnd1.forward(this.dec1.forward(cat([d2, e2], 1))).relu(); // (N, c, H, W)
    return this.out.forward(cat([d1, e1, gray], 1)).sigmoid(); // (N, 3, H, W)
  }

  override extraRepr(): string {
    return `channels=${this.channels}`;
  }
}

/** Luminance as PIL's 'L': 0.299 R + 0.587 G + 0.114 B. Shape: (N, 3, H, W) -> (N, 1, H, W) */
export function toGrayscale(rgb: Tensor): Tensor {
  if (rgb.ndim !== 4 || rgb.shape[1] !== 3) throw new NeuroneError(`toGrayscale: expected RGB images (N, 3, H, W), got [${rgb.shape.join(',')}]`);
  const [r, g, b] = rgb.split(1, 1) as [Tensor, Tensor, Tensor];
  return r.mul(0.299).add(g.mul(0.587)).add(b.mul(0.114));
}

export interface ColoredShapesOptions {
  /** Side of the square images (default 32). */
  size?: number;
  /** Seed of the scenes (default 0). */
  seed?: number;
}

const SKY: [number, number, number] = [0.45, 0.7, 0.95];
const GRASS: [number, number, number] = [0.25, 0.6, 0.2];
/** Each kind of shape has its colour: what a colorizer has to learn from the gray image. */
const SHAPE_COLOURS: Array<[number, number, number]> = [
  [0.9, 0.15, 0.15], // discs: red
  [0.95, 0.85, 0.15], // squares: yellow
  [0.55, 0.25, 0.75], // triangles: purple
];

/**
 * `n` synthetic scenes (N, 3, size, size) in [0, 1]: blue sky above a green
 * ground at a random horizon, and 1-3 shapes whose colour follows their kind
 * (red discs, yellow squares, purple triangles), each with a random shade, so
 * gray levels overlap and a colorizer must recognise shapes and layout.
 *
 * Example:
 *   const rgb = coloredShapes(2000, { seed: 1 });
 *   const gray = toGrayscale(rgb);
 */
export function coloredShapes(n: number, opts: ColoredShapesOptions = {}): Tensor {
  requirePositiveInt('coloredShapes', n, 'n');
  const S = opts.size ?? 32;
  requirePositiveInt('coloredShapes', S, 'size');
  const g = new Generator(opts.seed ?? 0);
  const data = new Float32Array(n * 3 * S * S);
  const plane = S * S;
  for (let i = 0; i < n; i++) {
    const base = i * 3 * plane;
    const set = (x: number, y: number, c: readonly number[], shade: number) => {
      for (let ch = 0; ch < 3; ch++) data[base + ch * plane + y * S + x] = Math.min(1, c[ch]! * shade);
    };
    const horizon = Math.floor(S * g.uniform(0.45, 0.75));
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        // a little texture, so that flat regions are not all one gray
        const shade = 0.85 + 0.15 * g.random() + (y < horizon ? 0.1 * (y / S) : 0);
        set(x, y, y < horizon ? SKY : GRASS, shade);
      }
    }
    const count = 1 + g.int(0, 3);
    for (let k = 0; k < count; k++) {
      const kind = g.int(0, 3);
      const r = S * g.uniform(0.1, 0.2);
      const cx = g.uniform(r, S - r);
      const cy = g.uniform(r, S - r);
      const shade = g.uniform(0.6, 1.05);
      for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
        for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
          if (x < 0 || y < 0 || x >= S || y >= S) continue;
          const dx = x + 0.5 - cx;
          const dy = y + 0.5 - cy;
          const inside = kind === 0
            ? dx * dx + dy * dy <= r * r
            : kind === 1
              ? Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85
              : dy <= r && dy >= -r && Math.abs(dx) <= (dy + r) / 2; // apex up
          if (inside) set(x, y, SHAPE_COLOURS[kind]!, shade);
        }
      }
    }
  }
  return new Tensor(data, [n, 3, S, S]);
}
