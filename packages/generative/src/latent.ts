// Walking the latent space: interpolation between codes, for morphing.
import { NeuroneError, Tensor } from '@neurone/core';
import { describe, fmtShape, requireFloatTensor, requirePositiveInt } from './util.js';

export interface InterpolateOptions {
  /**
   * 'linear' (default): (1 − t) a + t b. 'spherical' (slerp):
   * sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b with Ω the angle between a and
   * b, which follows the arc instead of cutting through the low-density
   * middle of a Gaussian prior (White 2016, "Sampling generative networks").
   */
  mode?: 'linear' | 'spherical';
}

/**
 * `steps` codes from zA to zB, both included (t = 0, 1/(steps−1), …, 1), for
 * morphing one decoded sample into another. Codes are vectors along the last
 * dim; leading dims (a batch of pairs) are interpolated row by row.
 *
 * Shape: zA (*, Z), zB (*, Z) -> (steps, *, Z)
 *
 * Example:
 *   const { mean } = vae.encode(twoDigits);                         // (2, 20)
 *   const path = interpolate(mean.select(0, 0), mean.select(0, 1), 8, { mode: 'spherical' }); // (8, 20)
 *   const frames = vae.decode(path);                                // (8, 1, 28, 28)
 */
export function interpolate(zA: Tensor, zB: Tensor, steps: number, opts: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  requireFloatTensor(op, zA, 'zA');
  requireFloatTensor(op, zB, 'zB');
  if (zA.ndim === 0 || zA.shape.length !== zB.shape.length || zA.shape.some((s, i) => s !== zB.shape[i])) {
    throw new NeuroneError(`${op}: zA ${fmtShape(zA.shape)} and zB ${fmtShape(zB.shape)} must be codes of one shape (*, Z)`);
  }
  requirePositiveInt(op, steps, 'steps');
  const mode = opts.mode ?? 'linear';
  if (mode !== 'linear' && mode !== 'spherical') throw new NeuroneError(`${op}: mode must be 'linear' or 'spherical', got ${describe(mode)}`);
  const Z = zA.shape.at(-1)!;
  const rows = zA.size / Z;
  const a = zA.data;
  const b = zB.data;
  const out = new (zA.dtype === 'float64' ? Float64Array : Float32Array)(steps * zA.size);
  for (let r = 0; r < rows; r++) {
    const off = r * Z;
    let na = 0;
    let nb = 0;
    let dot = 0;
    for (let j = 0; j < Z; j++) {
      na += a[off + j]! ** 2;
      nb += b[off + j]! ** 2;
      dot += a[off + j]! * b[off + j]!;
    }
    na = Math.sqrt(na);
    nb = Math.sqrt(nb);
    const cos = na > 0 && nb > 0 ? Math.min(1, Math.max(-1, dot / (na * nb))) : 1;
    const omega = Math.acos(cos);
    const so = Math.sin(omega);
    // slerp is undefined for (anti)parallel or zero codes: fall back to the straight line
    const spherical = mode === 'spherical' && so > 1e-6;
    for (let s = 0; s < steps; s++) {
      const t = steps === 1 ? 0 : s / (steps - 1);
      const base = s * zA.size + off;
      if (!spherical) {
        for (let j = 0; j < Z; j++) out[base + j] = (1 - t) * a[off + j]! + t * b[off + j]!;
        continue;
      }
      // sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, Ω the angle between a and b
      const wa = Math.sin((1 - t) * omega) / so;
      const wb = Math.sin(t * omega) / so;
      for (let j = 0; j < Z; j++) out[base + j] = wa * a[off + j]! + wb * b[off + j]!;
    }
  }
  return new Tensor(out, [steps, ...zA.shape]);
}
