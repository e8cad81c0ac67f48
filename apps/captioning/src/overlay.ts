// Input images for the model, and the per-word attention overlays.
import { createCanvas } from '@napi-rs/canvas';
import { tensor, type Tensor } from '@neurone/core';
import { IMAGE_SIZE } from './scene.js';

/**
 * Any loaded image (C, H, W) in [0, 1] (grayscale, RGB or RGBA) to the
 * model's input (3, IMAGE_SIZE, IMAGE_SIZE), by area averaging.
 */
export function toModelInput(img: Tensor): Tensor {
  const [C, H, W] = img.shape as [number, number, number];
  const src = img.data;
  const S = IMAGE_SIZE;
  const out = new Float32Array(3 * S * S);
  for (let c = 0; c < 3; c++) {
    const sc = C === 1 ? 0 : c;
    for (let y = 0; y < S; y++) {
      const y0 = Math.floor((y * H) / S);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * H) / S));
      for (let x = 0; x < S; x++) {
        const x0 = Math.floor((x * W) / S);
        const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * W) / S));
        let acc = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) acc += src[sc * H * W + yy * W + xx]!;
        out[c * S * S + y * S + x] = acc / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  return tensor(out, { shape: [3, S, S] });
}

/** Bilinear sample of a g x g map at fractional grid coordinates. */
function sample(map: Float32Array, g: number, u: number, v: number): number {
  const x = Math.min(g - 1, Math.max(0, u - 0.5));
  const y = Math.min(g - 1, Math.max(0, v - 0.5));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(g - 1, x0 + 1);
  const y1 = Math.min(g - 1, y0 + 1);
  const fx = x - x0;
  const fy = y - y0;
  const a = map[y0 * g + x0]! * (1 - fx) + map[y0 * g + x1]! * fx;
  const b = map[y1 * g + x0]! * (1 - fx) + map[y1 * g + x1]! * fx;
  return a * (1 - fy) + b * fy;
}

/**
 * A PNG with one panel per word: the image, darkened where the attention is
 * low, and the word underneath. `image` is the model input (3, S, S); each
 * alpha is the attention over the g x g grid.
 */
export function attentionOverlay(image: Tensor, words: readonly string[], alphas: readonly Float32Array[], opts: { scale?: number; perRow?: number } = {}): Buffer {
  const S = IMAGE_SIZE;
  const k = opts.scale ?? 3;
  const P = S * k;
  const label = 22;
  const n = words.length + 1; // the first panel: the plain image
  const perRow = Math.min(n, opts.perRow ?? 6);
  const rows = Math.ceil(n / perRow);
  const canvas = createCanvas(perRow * (P + 4) + 4, rows * (P + label + 4) + 4);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const px = image.data;
  for (let i = 0; i < n; i++) {
    const alpha = i === 0 ? null : alphas[i - 1]!;
    const g = alpha ? Math.round(Math.sqrt(alpha.length)) : 0;
    let amax = 0;
    if (alpha) for (const a of alpha) amax = Math.max(amax, a);
    const img = ctx.createImageData(P, P);
    for (let y = 0; y < P; y++) {
      for (let x = 0; x < P; x++) {
        const s = Math.floor(y / k) * S + Math.floor(x / k);
        // brightness follows the attention (relative to its peak), floor 0.2
        const w = alpha ? 0.2 + 0.8 * (sample(alpha, g, (x / P) * g, (y / P) * g) / (amax || 1)) : 1;
        const t = (y * P + x) * 4;
        for (let c = 0; c < 3; c++) img.data[t + c] = Math.round(255 * px[c * S * S + s]! * w);
        img.data[t + 3] = 255;
      }
    }
    const ox = 4 + (i % perRow) * (P + 4);
    const oy = 4 + Math.floor(i / perRow) * (P + label + 4);
    ctx.putImageData(img, ox, oy);
    ctx.fillStyle = 'black';
    ctx.font = '16px sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(i === 0 ? '(input)' : words[i - 1]!, ox + P / 2, oy + P + 17);
  }
  return canvas.toBuffer('image/png');
}

