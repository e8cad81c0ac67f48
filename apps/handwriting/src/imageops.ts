// Small image operations on float planes (row-major H x W, values in [0, 1]).
import type { Generator } from '@neurone/core';

/** One channel, row-major. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

/** Channels-first RGB, values in [0, 1]. */
export interface RGBImage {
  /** (3, H, W) */
  data: Float32Array;
  width: number;
  height: number;
}

export function plane(width: number, height: number, fill = 0): Plane {
  const data = new Float32Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { data, width, height };
}

/** Luminance (ITU-R 601, as PIL's 'L') of an RGB image. */
export function toGray(img: RGBImage): Plane {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let p = 0; p < n; p++) out[p] = 0.299 * d[p]! + 0.587 * d[n + p]! + 0.114 * d[2 * n + p]!;
  return { data: out, width: img.width, height: img.height };
}

/** Bilinear sample of a plane at (x, y) in pixel coordinates; outside is `outside`. */
export function sample(p: Plane, x: number, y: number, outside = 0): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const W = p.width;
  const H = p.height;
  const d = p.data;
  // no closures here: this runs once per pixel
  const inX0 = x0 >= 0 && x0 < W;
  const inX1 = x0 + 1 >= 0 && x0 + 1 < W;
  const inY0 = y0 >= 0 && y0 < H;
  const inY1 = y0 + 1 >= 0 && y0 + 1 < H;
  const a = inX0 && inY0 ? d[y0 * W + x0]! : outside;
  const b = inX1 && inY0 ? d[y0 * W + x0 + 1]! : outside;
  const c = inX0 && inY1 ? d[(y0 + 1) * W + x0]! : outside;
  const e = inX1 && inY1 ? d[(y0 + 1) * W + x0 + 1]! : outside;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + e * fx) * fy;
}

/**
 * Resizes a plane. Shrinking averages the source area under each target
 * pixel (no aliasing); enlarging interpolates bilinearly.
 */
export function resize(p: Plane, width: number, height: number): Plane {
  const out = plane(width, height);
  // separable: each axis is area-averaged (shrinking, with fractional pixel coverage) or interpolated (enlarging)
  const tmp = new Float32Array(width * p.height);
  for (let y = 0; y < p.height; y++) axisAverage(p.data, y * p.width, 1, p.width, tmp, y * width, 1, width);
  for (let x = 0; x < width; x++) axisAverage(tmp, x, width, p.height, out.data, x, width, height);
  return out;
}

function axisAverage(src: Float32Array, s0: number, ss: number, n: number, dst: Float32Array, d0: number, ds: number, m: number): void {
  const scale = n / m;
  for (let i = 0; i < m; i++) {
    const a = i * scale;
    const b = Math.min((i + 1) * scale, n);
    if (scale <= 1) {
      // enlarging along this axis: linear interpolation
      const c = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), n - 1);
      const c0 = Math.floor(c);
      const c1 = Math.min(c0 + 1, n - 1);
      const f = c - c0;
      dst[d0 + i * ds] = src[s0 + c0 * ss]! * (1 - f) + src[s0 + c1 * ss]! * f;
      continue;
    }
    let sum = 0;
    for (let k = Math.floor(a); k < Math.ceil(b); k++) {
      const w = Math.min(b, k + 1) - Math.max(a, k);
      sum += w * src[s0 + k * ss]!;
    }
    dst[d0 + i * ds] = sum / (b - a);
  }
}

/** Separable Gaussian blur of one plane, in place; sigma in pixels. */
export function gaussianBlur(p: Plane, sigma: number): void {
  if (sigma <= 0.05) return;
  const r = Math.max(1, Math.ceil(2.5 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  const { width: W, height: H, data } = p;
  const tmp = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r]! * data[y * W + Math.min(Math.max(x + i, 0), W - 1)]!;
      tmp[y * W + x] = acc;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r]! * tmp[Math.min(Math.max(y + i, 0), H - 1) * W + x]!;
      data[y * W + x] = acc;
    }
  }
}

/**
 * Smooth random field: values at a grid of nodes `cell` pixels apart, drawn
 * from N(0, 1), interpolated bilinearly (value noise).
 */
export function smoothNoise(width: number, height: number, cell: number, rng: Generator): Plane {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const g = new Float32Array(gw * gh);
  for (let i = 0; i < g.length; i++) g[i] = rng.normal();
  const out = plane(width, height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const k = y0 * gw + x0;
      out.data[y * width + x] = (g[k]! * (1 - fx) + g[k + 1]! * fx) * (1 - fy) + (g[k + gw]! * (1 - fx) + g[k + gw + 1]! * fx) * fy;
    }
  }
  return out;
}

/**
 * Elastic distortion (Simard et al. 2003): every pixel moves by a smooth
 * random displacement field of scale `alpha` pixels that varies over `cell` pixels.
 */
export function elastic(p: Plane, alpha: number, cell: number, rng: Generator): Plane {
  const dx = smoothNoise(p.width, p.height, cell, rng);
  const dy = smoothNoise(p.width, p.height, cell, rng);
  const out = plane(p.width, p.height);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const i = y * p.width + x;
      out.data[i] = sample(p, x + alpha * dx.data[i]!, y + alpha * dy.data[i]!, 0);
    }
  }
  return out;
}

/** The q-quantile (0..1) of values, from a 256-bin histogram of [0, 1]. */
export function quantile(values: ArrayLike<number>, q: number, start = 0, end = values.length, stride = 1): number {
  const hist = new Uint32Array(256);
  let n = 0;
  for (let i = start; i < end; i += stride) {
    hist[Math.min(255, Math.max(0, Math.round(values[i]! * 255)))]! += 1;
    n++;
  }
  const target = q * n;
  let acc = 0;
  for (let b = 0; b < 256; b++) {
    acc += hist[b]!;
    if (acc >= target && acc > 0) return b / 255;
  }
  return 1;
}
