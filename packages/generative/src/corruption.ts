// Seeded input corruptions for denoising autoencoders.
import { NeuroneError, Tensor, defaultGenerator, noGrad, type Generator } from '@neurone/core';
import { describe, requireFloatTensor, requireProbability } from './util.js';

/**
 * How a denoising autoencoder damages its input:
 * - masking: each element is set to `value` (default 0) with probability `p`
 *   (Vincent et al.'s masking noise);
 * - gaussian: N(0, std²) noise is added, then clipped to `clip` (default
 *   [0, 1], null for none);
 * - saltAndPepper: each element is set to 0 or 1 (even odds) with probability `p`;
 * - patch: in each image (N, …, H, W) a random size × size square (every
 *   channel) is set to `value` (default 0): practice for inpainting.
 */
export type Corruption =
  | { kind: 'masking'; p: number; value?: number }
  | { kind: 'gaussian'; std: number; clip?: readonly [number, number] | null }
  | { kind: 'saltAndPepper'; p: number }
  | { kind: 'patch'; size: number; value?: number };

export interface CorruptOptions {
  /** Source of the noise (default: core's seeded default generator). */
  generator?: Generator;
}

/**
 * A corrupted copy of `x` (not recorded by autograd: the corruption is part of
 * the data, not of the model). The same generator state gives the same noise.
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   const g = new Generator(0);
 *   corrupt(x, { kind: 'masking', p: 0.3 }, { generator: g });            // 30% of pixels zeroed
 *   corrupt(x, { kind: 'gaussian', std: 0.5 }, { generator: g });         // noisy, clipped to [0, 1]
 */
export function corrupt(x: Tensor, corruption: Corruption, opts: CorruptOptions = {}): Tensor {
  const op = 'corrupt';
  requireFloatTensor(op, x);
  if (corruption === null || typeof corruption !== 'object') throw new NeuroneError(`${op}: corruption must be an object with a kind, got ${describe(corruption)}`);
  const g = opts.generator ?? defaultGenerator;
  return noGrad(() => {
    const out = x.detach().clone();
    const d = out.data;
    switch (corruption.kind) {
      case 'masking': {
        requireProbability(op, corruption.p, 'masking p', true);
        const value = corruption.value ?? 0;
        for (let i = 0; i < d.length; i++) if (g.random() < corruption.p) d[i] = value;
        break;
      }
      case 'saltAndPepper': {
        requireProbability(op, corruption.p, 'saltAndPepper p', true);
        for (let i = 0; i < d.length; i++) if (g.random() < corruption.p) d[i] = g.random() < 0.5 ? 0 : 1;
        break;
      }
      case 'gaussian': {
        const std = corruption.std;
        if (typeof std !== 'number' || !(std >= 0)) throw new NeuroneError(`${op}: gaussian std must be a non-negative number, got ${describe(std)}`);
        const clip = corruption.clip === undefined ? [0, 1] : corruption.clip;
        if (clip !== null && !(Array.isArray(clip) && clip.length === 2 && clip[0] <= clip[1])) {
          throw new NeuroneError(`${op}: gaussian clip must be [low, high] with low <= high, or null, got ${describe(clip)}`);
        }
        for (let i = 0; i < d.length; i++) {
          const v = d[i]! + std * g.normal();
          d[i] = clip === null ? v : Math.min(Math.max(v, clip[0]), clip[1]);
        }
        break;
      }
      case 'patch': {
        const size = corruption.size;
        if (x.ndim < 3) throw new NeuroneError(`${op}: patch corruption needs images (N, …, H, W), got ${describe(x)}`);
        const [H, W] = x.shape.slice(-2) as [number, number];
        if (!Number.isInteger(size) || size < 1 || size > Math.min(H, W)) {
          throw new NeuroneError(`${op}: patch size must be an integer in 1..${Math.min(H, W)}, got ${describe(size)}`);
        }
        const value = corruption.value ?? 0;
        const n = x.shape[0]!;
        const planes = x.size / (n * H * W);
        for (let i = 0; i < n; i++) {
          const y0 = g.int(0, H - size + 1);
          const x0 = g.int(0, W - size + 1);
          for (let c = 0; c < planes; c++) {
            const base = (i * planes + c) * H * W;
            for (let y = y0; y < y0 + size; y++) d.fill(value, base + y * W + x0, base + y * W + x0 + size);
          }
        }
        break;
      }
      default:
        throw new NeuroneError(`${op}: kind must be 'masking', 'gaussian', 'saltAndPepper' or 'patch', got ${describe((corruption as { kind: unknown }).kind)}`);
    }
    return out;
  });
}
