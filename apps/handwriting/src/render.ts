// Synthetic handwritten lines: text drawn with a handwriting font on a canvas,
// then distorted (size, slant, stroke width, ink colour, baseline wobble,
// letter spacing, elastic distortion, blur, noise, paper texture), all from
// one seeded generator: the same seed gives the same pixels.
import { createCanvas } from '@napi-rs/canvas';
import { Generator } from '@neurone/core';
import { loadFont } from './fonts.js';
import { type Plane, type RGBImage, elastic, gaussianBlur, plane, smoothNoise } from './imageops.js';

export interface RenderOptions {
  /** No random distortion: a plain black line on white paper at 48 px (default false). */
  clean?: boolean;
  /** Font size in pixels (default: random 24-56, or 48 when clean). */
  size?: number;
}

/**
 * Renders `text` in the handwriting font `font` into an ink-coverage plane
 * (1 = ink), with the geometric distortions drawn from `rng`.
 */
export function renderInk(text: string, font: string, rng: Generator, opts: RenderOptions = {}): Plane {
  const family = loadFont(font);
  const clean = opts.clean ?? false;
  const size = opts.size ?? (clean ? 48 : rng.uniform(24, 56));
  const spacing = clean ? 0 : size * (rng.random() < 0.5 ? 0 : rng.uniform(-0.03, 0.12));
  const shear = clean ? 0 : rng.uniform(-0.35, 0.2); // negative leans forward
  const stroke = clean || rng.random() < 0.5 ? 0 : size * rng.uniform(0.01, 0.05);
  const wobbleAmp = clean ? 0 : size * rng.uniform(0, 0.06);
  const wobbleLen = size * rng.uniform(3, 12);
  const wobblePhase = rng.uniform(0, 2 * Math.PI);
  const jitter = clean ? 0 : size * rng.uniform(0, 0.025);
  // per-character drawing gives wobble and spacing; whole-line drawing keeps a font's contextual joins
  const perChar = !clean && (spacing !== 0 || wobbleAmp > size * 0.02 || jitter > size * 0.012);

  const measure = createCanvas(8, 8).getContext('2d');
  const fontSpec = `${size.toFixed(2)}px "${family}"`;
  measure.font = fontSpec;
  const chars = [...text];
  const xs = chars.map((_, i) => measure.measureText(chars.slice(0, i).join('')).width + i * spacing);
  const m = measure.measureText(text.length > 0 ? text : ' ');
  const textWidth = m.width + Math.max(0, chars.length - 1) * spacing;
  const ascent = Math.max(m.actualBoundingBoxAscent, size * 0.7);
  const descent = Math.max(m.actualBoundingBoxDescent, size * 0.25);
  const margin = size * 0.35 + wobbleAmp + stroke;
  const slantRoom = Math.abs(shear) * (ascent + descent);
  const width = Math.ceil(textWidth + 2 * margin + slantRoom + size * 0.3);
  const height = Math.ceil(ascent + descent + 2 * margin);
  const baseline = margin + ascent;
  const x0 = margin + (shear < 0 ? 0 : slantRoom) + size * 0.1;

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.font = fontSpec;
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = stroke;
  ctx.lineJoin = 'round';
  // x' = x + shear * (y - baseline): the slant pivots on the baseline
  ctx.setTransform(1, 0, shear, 1, -shear * baseline, 0);
  const draw = (s: string, x: number, y: number) => {
    ctx.fillText(s, x, y);
    if (stroke > 0) ctx.strokeText(s, x, y);
  };
  if (perChar) {
    chars.forEach((c, i) => {
      const y = baseline + wobbleAmp * Math.sin((2 * Math.PI * xs[i]!) / wobbleLen + wobblePhase) + jitter * rng.normal();
      if (c !== ' ') draw(c, x0 + xs[i]!, y);
    });
  } else {
    draw(text, x0, baseline);
  }
  const rgba = ctx.getImageData(0, 0, width, height).data;
  let ink = plane(width, height);
  for (let p = 0; p < width * height; p++) ink.data[p] = rgba[4 * p + 3]! / 255;
  if (!clean && rng.random() < 0.8) {
    ink = elastic(ink, size * rng.uniform(0.01, 0.06), Math.max(4, size * rng.uniform(0.3, 0.8)), rng);
  }
  return ink;
}

/** Ink colours: black, blue-black, blue, dark grey, brown, dark green. */
const INKS: ReadonlyArray<readonly [number, number, number]> = [
  [0.05, 0.05, 0.07], [0.08, 0.1, 0.3], [0.1, 0.2, 0.6], [0.25, 0.25, 0.27], [0.3, 0.18, 0.08], [0.05, 0.22, 0.12],
];

/**
 * Lays an ink plane onto paper: paper colour and texture, ink colour and
 * density, optional ruled line, blur and sensor noise, drawn from `rng`
 * (or plain black on white when `clean`). Returns an RGB image (3, H, W),
 * or with `gray` its luminance alone (1, H, W), which is cheaper to make.
 */
export function inkOnPaper(ink: Plane, rng: Generator, clean = false, gray = false): RGBImage {
  const { width: W, height: H } = ink;
  const n = W * H;
  const C = gray ? 1 : 3;
  const out = new Float32Array(C * n);
  if (clean) {
    for (let c = 0; c < C; c++) for (let p = 0; p < n; p++) out[c * n + p] = 1 - ink.data[p]!;
    return { data: out, width: W, height: H };
  }
  const base = rng.uniform(0.72, 1);
  const tint = [rng.uniform(-0.03, 0.02), rng.uniform(-0.03, 0.02), rng.uniform(-0.08, 0.01)];
  const inkIdx = rng.int(0, INKS.length);
  const inkJitter = [rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)];
  let paper = [0, 1, 2].map((c) => Math.min(1, base + tint[c]!));
  let inkRgb = INKS[inkIdx]!.map((v, c) => Math.min(1, Math.max(0, v + inkJitter[c]!)));
  if (gray) {
    const lum = (v: number[]) => [0.299 * v[0]! + 0.587 * v[1]! + 0.114 * v[2]!];
    paper = lum(paper);
    inkRgb = lum(inkRgb);
  }
  const density = rng.uniform(0.7, 1);
  const texture = smoothNoise(W, H, Math.max(4, H * rng.uniform(0.2, 1)), rng);
  const grain = smoothNoise(W, H, rng.uniform(1, 3), rng);
  const texAmp = rng.uniform(0, 0.06);
  const grainAmp = rng.uniform(0, 0.04);
  // uneven lighting: a linear gradient across the image
  const gx = rng.uniform(-0.12, 0.12) / W;
  const gy = rng.uniform(-0.12, 0.12) / H;
  const rule = rng.random() < 0.15 ? { y: Math.round(H * rng.uniform(0.7, 0.95)), a: rng.uniform(0.1, 0.3) } : null;
  const blur = rng.random() < 0.5 ? rng.uniform(0.3, 1.4) : 0;
  const noise = rng.random() < 0.7 ? rng.uniform(0, 0.06) : 0;
  // the background (paper, texture, lighting) is the same in every channel but for the paper's tint
  const bg = new Float32Array(n);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      bg[p] = texAmp * texture.data[p]! + grainAmp * grain.data[p]! + gx * (x - W / 2) + gy * (y - H / 2);
    }
  }
  for (let c = 0; c < C; c++) {
    const ch: Plane = { data: out.subarray(c * n, (c + 1) * n), width: W, height: H };
    const ruleA = rule === null ? 0 : rule.a * (gray ? 0.8 : c === 2 ? 0.3 : 1);
    for (let p = 0; p < n; p++) {
      const a = Math.min(1, ink.data[p]! * density);
      ch.data[p] = (paper[c]! + bg[p]!) * (1 - a) + inkRgb[c]! * a;
    }
    if (rule !== null) for (let x = 0; x < W; x++) ch.data[rule.y * W + x]! -= ruleA * (1 - Math.min(1, ink.data[rule.y * W + x]! * density));
    gaussianBlur(ch, blur);
  }
  if (noise > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! + noise * rng.normal();
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return { data: out, width: W, height: H };
}

/**
 * A synthetic handwritten line: `text` in `font`, distorted by the generator
 * seeded with `seed`. The same (text, font, seed) always gives the same pixels.
 *
 * Example:
 *   const img = renderLine('Call me Ishmael.', 'caveat', 7); // RGB (3, H, W)
 */
export function renderLine(text: string, font: string, seed: number, opts: RenderOptions = {}): RGBImage {
  const rng = new Generator(seed);
  return inkOnPaper(renderInk(text, font, rng, opts), rng, opts.clean ?? false);
}

/**
 * A page: lines rendered one under the other with random gaps on one sheet
 * of paper (for the line splitter).
 */
export function renderPage(lines: readonly string[], font: string, seed: number, opts: RenderOptions = {}): RGBImage {
  const rng = new Generator(seed);
  const size = opts.size ?? (opts.clean ? 40 : rng.uniform(28, 44));
  const inks = lines.map((t) => renderInk(t, font, rng, { ...opts, size }));
  const W = Math.max(...inks.map((p) => p.width)) + Math.round(size);
  const gaps = inks.map(() => Math.round(size * rng.uniform(-0.1, 0.3)));
  const H = inks.reduce((h, p, i) => h + p.height + gaps[i]!, 0) + Math.round(size);
  const page = plane(W, H);
  let y = Math.round(size / 2);
  inks.forEach((p, i) => {
    const x = Math.round(size / 2 + rng.uniform(0, size / 2));
    for (let r = 0; r < p.height; r++) {
      for (let c = 0; c < p.width && x + c < W; c++) {
        const k = (y + r) * W + x + c;
        page.data[k] = Math.max(page.data[k]!, p.data[r * p.width + c]!);
      }
    }
    y += p.height + gaps[i]!;
  });
  return inkOnPaper(page, rng, opts.clean ?? false);
}
