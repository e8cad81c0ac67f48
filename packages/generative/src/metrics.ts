// Image quality measures used to report what the models do.
import { NeuroneError, Tensor } from '@neurone/core';
import { describe, requireFloatTensor, requireSameShape } from './util.js';

export interface PsnrOptions {
  /** The range of pixel values, max − min (default 1, for images in [0, 1]). */
  dataRange?: number;
  /** 'mean' (default): the average of the per-image PSNRs; 'none': one per image. */
  reduction?: 'mean' | 'none';
}

/**
 * Peak signal-to-noise ratio in decibels, 10 log10(range² / MSE), per image
 * (dim 0 is the batch) and then averaged. Higher is better; identical images
 * give Infinity.
 *
 * Shape: input (N, *), target (N, *) -> number, or number[] (N) with reduction 'none'
 *
 * Example:
 *   psnr(noisy, clean);    // e.g. 12.3
 *   psnr(denoised, clean); // e.g. 19.8
 */
export function psnr(input: Tensor, target: Tensor, opts: PsnrOptions & { reduction: 'none' }): number[];
export function psnr(input: Tensor, target: Tensor, opts?: PsnrOptions): number;
export function psnr(input: Tensor, target: Tensor, opts: PsnrOptions = {}): number | number[] {
  requireFloatTensor('psnr', input);
  requireFloatTensor('psnr', target, 'target');
  requireSameShape('psnr', input, target);
  if (input.ndim === 0 || input.size === 0) throw new NeuroneError('psnr: expected a batch (N, *) with at least one element');
  const range = opts.dataRange ?? 1;
  if (typeof range !== 'number' || !(range > 0)) throw new NeuroneError(`psnr: dataRange must be positive, got ${describe(range)}`);
  const n = input.shape[0]!;
  const per = input.size / n;
  const a = input.data;
  const b = target.data;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let se = 0;
    for (let j = i * per; j < (i + 1) * per; j++) se += (a[j]! - b[j]!) ** 2;
    out.push(10 * Math.log10((range * range) / (se / per)));
  }
  if ((opts.reduction ?? 'mean') === 'none') return out;
  return out.reduce((s, v) => s + v, 0) / n;
}
