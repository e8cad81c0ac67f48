// Image transforms for data augmentation, as torchvision.transforms: each
// random one draws from a seeded Generator, so the same seed gives the same
// images. They work on (C, H, W) images and (N, C, H, W) batches (one draw
// per image) and are not differentiable (they prepare data).
import { NeuroneError, ShapeError, Tensor, defaultGenerator, tensor, type Generator } from '@neurone/core';
import { fmtShape } from './util.js';

/** Anything with `forward(image) -> image`. */
export interface Transform {
  forward(x: Tensor): Tensor;
}

/** (C, H, W) or (N, C, H, W) as a list of (C, H, W) planes; `join` puts results back into the input's layout. */
function perImage(op: string, x: Tensor, fn: (img: Tensor) => Tensor): Tensor {
  if (!(x instanceof Tensor) || (x.dtype !== 'float32' && x.dtype !== 'float64')) {
    throw new ShapeError(`${op}: expected a floating-point image tensor`);
  }
  if (x.ndim === 3) return fn(x);
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected an image (C, H, W) or a batch (N, C, H, W), got ${fmtShape(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const out = new Tensor(x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size), x.shape);
  const plane = C * H * W;
  for (let n = 0; n < N; n++) {
    const img = new Tensor(x.data.subarray(n * plane, (n + 1) * plane), [C, H, W]);
    out.data.set(fn(img).data, n * plane);
  }
  return out;
}

/** Bilinear sample of plane `c` at (y, x); outside the image reads `fill`. */
function sample(d: Tensor['data'], off: number, H: number, W: number, y: number, x: number, fill: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const at = (yy: number, xx: number) => (yy >= 0 && yy < H && xx >= 0 && xx < W ? d[off + yy * W + xx]! : fill);
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/** Output pixel (y, x) reads input (sy, sx) = map(y, x) in every channel. */
function remap(img: Tensor, map: (y: number, x: number) => [number, number], fill: number): Tensor {
  const [C, H, W] = img.shape as [number, number, number];
  const out = new Tensor(img.dtype === 'float64' ? new Float64Array(img.size) : new Float32Array(img.size), img.shape);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [sy, sx] = map(y, x);
      for (let c = 0; c < C; c++) out.data[(c * H + y) * W + x] = sample(img.data, c * H * W, H, W, sy, sx, fill);
    }
  }
  return out;
}

// ---------------------------------------------------------------- deterministic

/**
 * (x - mean[c]) / std[c] per channel (torchvision's Normalize); differentiable.
 *
 * Example:
 *   normalize(img, [0.1307], [0.3081]); // MNIST's statistics
 */
export function normalize(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const cdim = x.ndim - 3;
  if (cdim < 0 || cdim > 1) throw new ShapeError(`normalize: expected an image (C, H, W) or a batch (N, C, H, W), got ${fmtShape(x.shape)}`);
  const C = x.shape[cdim]!;
  const expand = (v: readonly number[], name: string): number[] => {
    const a = v.length === 1 ? new Array<number>(C).fill(v[0]!) : [...v];
    if (a.length !== C) throw new ShapeError(`normalize: ${name} has ${v.length} values for ${C} channels (input ${fmtShape(x.shape)})`);
    return a;
  };
  const s = expand(std, 'std');
  if (s.some((v) => v === 0)) throw new NeuroneError(`normalize: std must be nonzero, got ${JSON.stringify(std)}`);
  const shape = [C, 1, 1];
  return x.sub(tensor(expand(mean, 'mean'), { dtype: x.dtype }).reshape(shape)).div(tensor(s, { dtype: x.dtype }).reshape(shape));
}

export interface AffineParams {
  /** Rotation in degrees, counter-clockwise. */
  angle?: number;
  /** Shift in pixels [dx, dy] (right, down). */
  translate?: readonly [number, number];
  /** Zoom factor (> 1 enlarges). */
  scale?: number;
  /** Shear in degrees [x, y]. */
  shear?: readonly [number, number];
  /** Value of pixels that come from outside the image (default 0). */
  fill?: number;
}

/**
 * Rotates, scales, shears and translates about the image centre
 * (torchvision.transforms.functional.affine), with bilinear sampling.
 *
 * Example:
 *   affine(img, { angle: 15, translate: [2, 0], scale: 1.1 });
 */
export function affine(x: Tensor, p: AffineParams): Tensor {
  const a = ((p.angle ?? 0) * Math.PI) / 180;
  const [shx, shy] = (p.shear ?? [0, 0]).map((v) => (v * Math.PI) / 180) as [number, number];
  const s = p.scale ?? 1;
  if (!(s > 0)) throw new NeuroneError(`affine: scale must be positive, got ${s}`);
  const [tx, ty] = p.translate ?? [0, 0];
  // forward map about the centre (image y points down, so a counter-clockwise rotation on screen is -a):
  // M = T R S Sh; the output samples the input at M^-1 (out - centre - t) + centre
  const cos = Math.cos(-a);
  const sin = Math.sin(-a);
  // R S Sh with Sh = [[1, tan shx], [tan shy, 1]]
  const tX = Math.tan(shx);
  const tY = Math.tan(shy);
  const m00 = s * (cos - sin * tY);
  const m01 = s * (cos * tX - sin);
  const m10 = s * (sin + cos * tY);
  const m11 = s * (sin * tX + cos);
  const det = m00 * m11 - m01 * m10;
  if (Math.abs(det) < 1e-12) throw new NeuroneError('affine: the transform is singular (shear of 45 degrees?)');
  const i00 = m11 / det;
  const i01 = -m01 / det;
  const i10 = -m10 / det;
  const i11 = m00 / det;
  return perImage('affine', x, (img) => {
    const cy = (img.shape[1]! - 1) / 2;
    const cx = (img.shape[2]! - 1) / 2;
    return remap(img, (y, xx) => {
      const dx = xx - cx - tx;
      const dy = y - cy - ty;
      return [i10 * dx + i11 * dy + cy, i00 * dx + i01 * dy + cx];
    }, p.fill ?? 0);
  });
}

/**
 * Moves each pixel by a displacement field (dy, dx), each (H, W), with
 * bilinear sampling: out(y, x) = in(y + dy, x + dx).
 */
export function displace(x: Tensor, dy: Float64Array, dx: Float64Array, fill = 0): Tensor {
  return perImage('displace', x, (img) => {
    const W = img.shape[2]!;
    if (dy.length !== img.shape[1]! * W || dx.length !== dy.length) {
      throw new ShapeError(`displace: displacement fields of ${dy.length} and ${dx.length} values do not fit an image of ${fmtShape(img.shape)}`);
    }
    return remap(img, (y, xx) => [y + dy[y * W + xx]!, xx + dx[y * W + xx]!], fill);
  });
}

// ---------------------------------------------------------------- random

/** A range: [lo, hi], or v for [-v, v]. */
type Range = number | readonly [number, number];

function range(op: string, name: string, v: Range): [number, number] {
  const r: [number, number] = typeof v === 'number' ? [-Math.abs(v), Math.abs(v)] : [v[0], v[1]];
  if (!(r[0] <= r[1])) throw new NeuroneError(`${op}: ${name} range must have lo <= hi, got ${JSON.stringify(v)}`);
  return r;
}

export interface RandomAffineOptions {
  /** Rotation range in degrees: d for [-d, d], or [lo, hi]. */
  degrees: Range;
  /** Largest shift as fractions of width and height: [fx, fy] (a shift in [-fx W, fx W]). */
  translate?: readonly [number, number] | null;
  /** Zoom range [lo, hi]. */
  scale?: readonly [number, number] | null;
  /** Shear range in degrees along x: s for [-s, s], or [lo, hi]; a 4-tuple adds a y range. */
  shear?: Range | readonly [number, number, number, number] | null;
  fill?: number;
  generator?: Generator;
}

/**
 * Random rotation, translation, zoom and shear (torchvision's RandomAffine),
 * one draw per image.
 *
 * Example:
 *   const aug = new RandomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1], generator: new Generator(0) });
 *   const batch2 = aug.forward(batch);
 */
export class RandomAffine implements Transform {
  private readonly degrees: [number, number];
  private readonly gen: Generator;

  constructor(private readonly opts: RandomAffineOptions) {
    this.degrees = range('RandomAffine', 'degrees', opts.degrees);
    this.gen = opts.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    const g = this.gen;
    const o = this.opts;
    return perImage('RandomAffine', x, (img) => {
      const [H, W] = [img.shape[1]!, img.shape[2]!];
      const angle = g.uniform(...this.degrees);
      const translate: [number, number] = o.translate
        ? [Math.round(g.uniform(-o.translate[0] * W, o.translate[0] * W)), Math.round(g.uniform(-o.translate[1] * H, o.translate[1] * H))]
        : [0, 0];
      const scale = o.scale ? g.uniform(o.scale[0], o.scale[1]) : 1;
      let shear: [number, number] = [0, 0];
      if (o.shear !== null && o.shear !== undefined) {
        if (typeof o.shear !== 'number' && o.shear.length === 4) shear = [g.uniform(o.shear[0], o.shear[1]), g.uniform(o.shear[2], o.shear[3])];
        else shear = [g.uniform(...range('RandomAffine', 'shear', o.shear as Range)), 0];
      }
      return affine(img, { angle, translate, scale, shear, fill: o.fill ?? 0 });
    });
  }
}

export interface ElasticOptions {
  /** Strength of the displacement in pixels (default 34, Simard et al.'s value for MNIST). */
  alpha?: number;
  /** Smoothness: standard deviation of the Gaussian that filters the random field (default 4). */
  sigma?: number;
  fill?: number;
  generator?: Generator;
}

/** 1-D Gaussian blur along rows (axis 1) or columns (axis 0) of an (H, W) field, zero outside. */
function blur(f: Float64Array, H: number, W: number, sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const ks = k.reduce((a, b) => a + b, 0);
  const tmp = new Float64Array(H * W);
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let s = 0;
    for (let i = -r; i <= r; i++) if (x + i >= 0 && x + i < W) s += k[i + r]! * f[y * W + x + i]!;
    tmp[y * W + x] = s / ks;
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let s = 0;
    for (let i = -r; i <= r; i++) if (y + i >= 0 && y + i < H) s += k[i + r]! * tmp[(y + i) * W + x]!;
    out[y * W + x] = s / ks;
  }
  return out;
}

/**
 * Elastic distortion (Simard, Steinkraus and Platt 2003; torchvision's
 * ElasticTransform): a uniform random displacement field, smoothed by a
 * Gaussian of `sigma` and scaled by `alpha`, moves the pixels.
 *
 * Example:
 *   new ElasticDistortion({ alpha: 34, sigma: 4, generator: new Generator(1) }).forward(img);
 */
export class ElasticDistortion implements Transform {
  private readonly alpha: number;
  private readonly sigma: number;
  private readonly gen: Generator;

  constructor(private readonly opts: ElasticOptions = {}) {
    this.alpha = opts.alpha ?? 34;
    this.sigma = opts.sigma ?? 4;
    if (!(this.sigma > 0) || !(this.alpha >= 0)) throw new NeuroneError(`ElasticDistortion: expected alpha >= 0 and sigma > 0, got ${this.alpha}, ${this.sigma}`);
    this.gen = opts.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    return perImage('ElasticDistortion', x, (img) => {
      const [H, W] = [img.shape[1]!, img.shape[2]!];
      const field = () => {
        const f = Float64Array.from({ length: H * W }, () => this.gen.uniform(-1, 1));
        return blur(f, H, W, this.sigma).map((v) => v * this.alpha);
      };
      const dy = field();
      const dx = field();
      return displace(img, dy, dx, this.opts.fill ?? 0);
    });
  }
}

export interface GaussianNoiseOptions {
  /** Standard deviation of the noise (default 0.1). */
  std?: number;
  mean?: number;
  /** Clamp the result to [0, 1] (default true). */
  clip?: boolean;
  generator?: Generator;
}

/**
 * Adds N(mean, std²) to every pixel.
 *
 * Example:
 *   new GaussianNoise({ std: 0.2, generator: new Generator(2) }).forward(img);
 */
export class GaussianNoise implements Transform {
  private readonly gen: Generator;

  constructor(private readonly opts: GaussianNoiseOptions = {}) {
    if (opts.std !== undefined && !(opts.std >= 0)) throw new NeuroneError(`GaussianNoise: std must be non-negative, got ${opts.std}`);
    this.gen = opts.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    const std = this.opts.std ?? 0.1;
    const mean = this.opts.mean ?? 0;
    const clip = this.opts.clip ?? true;
    return perImage('GaussianNoise', x, (img) => {
      const out = new Tensor(img.data.slice(), img.shape);
      for (let i = 0; i < out.data.length; i++) {
        const v = out.data[i]! + this.gen.normal(mean, std);
        out.data[i] = clip ? Math.min(Math.max(v, 0), 1) : v;
      }
      return out;
    });
  }
}

/** Per-channel normalisation as a transform (see `normalize`). */
export class Normalize implements Transform {
  constructor(readonly mean: readonly number[], readonly std: readonly number[]) {}

  forward(x: Tensor): Tensor {
    return normalize(x, this.mean, this.std);
  }
}

/**
 * Applies transforms in order (torchvision's Compose).
 *
 * Example:
 *   const aug = new Compose([new RandomAffine({ degrees: 10, generator: g }), new Normalize([0.1307], [0.3081])]);
 */
export class Compose implements Transform {
  constructor(readonly transforms: readonly Transform[]) {}

  forward(x: Tensor): Tensor {
    return this.transforms.reduce((y, t) => t.forward(y), x);
  }
}
