// Seeded scenes: 1-4 coloured shapes on a noisy background, drawn with
// @napi-rs/canvas, and reference captions generated from the scene's own
// description (several phrasings, counts, spatial relations).
import { createCanvas } from '@napi-rs/canvas';

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross'] as const;
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export const SIZES = ['small', 'large'] as const;
export const COUNT_WORDS = ['zero', 'one', 'two', 'three', 'four'] as const;

export type Shape = (typeof SHAPES)[number];
export type Colour = (typeof COLOURS)[number];
export type Size = (typeof SIZES)[number];

const RGB: Record<Colour, [number, number, number]> = {
  red: [220, 30, 30],
  green: [30, 170, 40],
  blue: [30, 70, 230],
  yellow: [240, 220, 20],
  purple: [150, 40, 190],
  orange: [250, 140, 0],
};

/** Side of the rendered square images, in pixels. */
export const IMAGE_SIZE = 64;

export interface SceneObject {
  shape: Shape;
  colour: Colour;
  size: Size;
  /** Centre in pixels, and radius (half the bounding box side). */
  x: number;
  y: number;
  r: number;
}

export interface Scene {
  seed: number;
  /** Background base colour and noise amplitude. */
  background: { rgb: [number, number, number]; noise: number; gradient: number };
  /** Objects, sorted left to right. */
  objects: SceneObject[];
}

/** Disjoint seed ranges of the three splits. */
export const SPLITS = {
  train: { start: 0, count: 1_000_000 },
  val: { start: 1_000_000, count: 100_000 },
  test: { start: 2_000_000, count: 100_000 },
} as const;
export type Split = keyof typeof SPLITS;

/** The seed of scene `i` of a split. */
export function splitSeed(split: Split, i: number): number {
  const s = SPLITS[split];
  if (!(i >= 0 && i < s.count)) throw new Error(`splitSeed: index ${i} is outside the ${split} split (0..${s.count - 1})`);
  return s.start + i;
}

/** mulberry32: a small seeded generator of uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** The scene of a seed: the same seed always gives the same scene. */
export function makeScene(seed: number): Scene {
  const r = rng(seed);
  const n = 1 + Math.floor(r() * 4);
  // low-saturation backgrounds, light or dark, so that every colour stays visible
  const light = r() < 0.6;
  const base = light ? 170 + r() * 70 : 25 + r() * 60;
  const tint = (): number => Math.round(Math.min(255, Math.max(0, base + (r() - 0.5) * 40)));
  const background = { rgb: [tint(), tint(), tint()] as [number, number, number], noise: 8 + r() * 30, gradient: (r() - 0.5) * 60 };
  const objects: SceneObject[] = [];
  const S = IMAGE_SIZE;
  for (let attempt = 0; objects.length < n && attempt < 500; attempt++) {
    const size = pick(r, SIZES);
    const rad = size === 'small' ? 6 + r() * 2 : 10 + r() * 3;
    const x = rad + 1 + r() * (S - 2 * rad - 2);
    const y = rad + 1 + r() * (S - 2 * rad - 2);
    // no overlaps, and centres apart enough for a clear left/right or above/below
    if (objects.some((o) => Math.hypot(o.x - x, o.y - y) < o.r + rad + 3)) continue;
    objects.push({ shape: pick(r, SHAPES), colour: pick(r, COLOURS), size, x, y, r: rad });
  }
  objects.sort((a, b) => a.x - b.x);
  return { seed, background, objects };
}

function drawShape(ctx: CanvasRenderingContext2DLike, o: SceneObject): void {
  const { x, y, r } = o;
  ctx.beginPath();
  switch (o.shape) {
    case 'circle':
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case 'square':
      ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 'triangle':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r * 0.95, y + r * 0.8);
      ctx.lineTo(x - r * 0.95, y + r * 0.8);
      ctx.closePath();
      break;
    case 'star':
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? r : r * 0.45;
        if (k === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
        else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      ctx.closePath();
      break;
    case 'cross': {
      const w = r * 0.35;
      ctx.rect(x - r, y - w, 2 * r, 2 * w);
      ctx.rect(x - w, y - r, 2 * w, 2 * r);
      break;
    }
  }
  ctx.fillStyle = `rgb(${RGB[o.colour].join(',')})`;
  ctx.fill('nonzero');
}

// the subset of the 2-D context API used here (napi-rs's context type is not exported by name)
interface CanvasRenderingContext2DLike {
  beginPath(): void;
  arc(x: number, y: number, r: number, a0: number, a1: number): void;
  rect(x: number, y: number, w: number, h: number): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  fill(rule?: 'nonzero' | 'evenodd'): void;
  fillStyle: unknown;
}

/** Renders a scene to RGBA bytes (IMAGE_SIZE x IMAGE_SIZE), noise seeded by the scene. */
export function renderRGBA(scene: Scene, size = IMAGE_SIZE): Uint8ClampedArray {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  const k = size / IMAGE_SIZE;
  ctx.scale(k, k);
  const [br, bg, bb] = scene.background.rgb;
  ctx.fillStyle = `rgb(${br},${bg},${bb})`;
  ctx.fillRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
  for (const o of scene.objects) drawShape(ctx as unknown as CanvasRenderingContext2DLike, o);
  const img = ctx.getImageData(0, 0, size, size);
  const d = img.data;
  const r = rng(scene.seed * 7919 + 17);
  const { noise, gradient } = scene.background;
  for (let p = 0; p < size * size; p++) {
    const g = (gradient * ((p % size) / size - 0.5));
    for (let c = 0; c < 3; c++) d[p * 4 + c] = d[p * 4 + c]! + g + (r() - 0.5) * noise;
  }
  return d;
}

/** The scene as a float32 CHW array in [0, 1] (3 x IMAGE_SIZE x IMAGE_SIZE). */
export function renderCHW(scene: Scene): Float32Array {
  return rgbaToCHW(renderRGBA(scene), IMAGE_SIZE, IMAGE_SIZE);
}

export function rgbaToCHW(rgba: Uint8ClampedArray | Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(3 * w * h);
  for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) out[c * w * h + p] = rgba[p * 4 + c]! / 255;
  return out;
}

/** A PNG of the scene, `scale` times IMAGE_SIZE on a side. */
export function renderPNG(scene: Scene, scale = 1): Buffer {
  const size = IMAGE_SIZE * scale;
  const rgba = renderRGBA(scene);
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = (Math.floor(y / scale) * IMAGE_SIZE + Math.floor(x / scale)) * 4;
      const t = (y * size + x) * 4;
      for (let c = 0; c < 4; c++) img.data[t + c] = c === 3 ? 255 : rgba[s + c]!;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toBuffer('image/png');
}

// ---- captions ----

/** "a"/"an" before the next word. */
const article = (next: string): string => (/^[aeiou]/.test(next) ? 'an' : 'a');

const np = (o: SceneObject, withSize: boolean): string => {
  const words = `${withSize ? o.size + ' ' : ''}${o.colour} ${o.shape}`;
  return `${article(words)} ${words}`;
};

/** "a, b and c" with comma tokens. */
function list(items: string[]): string {
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(' , ')} and ${items[items.length - 1]}`;
}

/** How a relates to b: the dominant axis between their centres. */
export function relation(a: SceneObject, b: SceneObject): 'left of' | 'right of' | 'above' | 'below' {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (Math.abs(dx) >= Math.abs(dy)) return dx > 0 ? 'left of' : 'right of';
  return dy > 0 ? 'above' : 'below';
}

/**
 * The reference captions of a scene: lower-case words and commas separated by
 * single spaces, objects named left to right. The first is the canonical one.
 */
export function captions(scene: Scene): string[] {
  const objs = scene.objects;
  const n = objs.length;
  const out: string[] = [];
  if (n === 1) {
    const [o] = objs as [SceneObject];
    out.push(np(o, true));
    out.push(`there is ${np(o, true)}`);
    out.push(`one ${o.colour} ${o.shape}`);
    out.push(`${np(o, false)} on its own`);
  } else if (n === 2) {
    const [a, b] = objs as [SceneObject, SceneObject];
    const rel = relation(a, b);
    out.push(`${np(a, true)} ${rel} ${np(b, true)}`);
    out.push(`${np(a, false)} and ${np(b, false)}`);
    out.push(`two shapes : ${np(a, true)} and ${np(b, true)}`);
    out.push(rel === 'left of' ? `${np(a, false)} next to ${np(b, false)}` : `${np(a, false)} ${rel} ${np(b, false)}`);
  } else {
    const cw = COUNT_WORDS[n]!;
    out.push(list(objs.map((o) => np(o, true))));
    out.push(`${cw} shapes : ${list(objs.map((o) => np(o, false)))}`);
    out.push(`from left to right : ${list(objs.map((o) => np(o, true)))}`);
    out.push(`${np(objs[0]!, false)} ${relation(objs[0]!, objs[1]!)} ${list(objs.slice(1).map((o) => np(o, false)))}`);
  }
  return out;
}

/** The (colour, shape) pairs a caption names, in order. */
export function namedObjects(caption: string): Array<[Colour, Shape]> {
  const w = caption.split(' ');
  const out: Array<[Colour, Shape]> = [];
  for (let i = 0; i + 1 < w.length; i++) {
    if ((COLOURS as readonly string[]).includes(w[i]!) && (SHAPES as readonly string[]).includes(w[i + 1]!)) {
      out.push([w[i] as Colour, w[i + 1] as Shape]);
    }
  }
  return out;
}

/** True when the caption names exactly the scene's objects (colour and shape, as a multiset). */
export function namesEveryObject(caption: string, scene: Scene): boolean {
  const key = ([c, s]: [string, string]) => `${c} ${s}`;
  const said = namedObjects(caption).map(key).sort();
  const truth = scene.objects.map((o) => key([o.colour, o.shape])).sort();
  return said.length === truth.length && said.every((k, i) => k === truth[i]);
}

/** Presence labels for the encoder's pre-training: each colour, each shape, each (colour, shape). */
export const PRESENCE_LABELS: string[] = [
  ...COLOURS,
  ...SHAPES,
  ...COLOURS.flatMap((c) => SHAPES.map((s) => `${c} ${s}`)),
];

export function presenceTargets(scene: Scene): Float32Array {
  const t = new Float32Array(PRESENCE_LABELS.length);
  for (const o of scene.objects) {
    t[COLOURS.indexOf(o.colour)] = 1;
    t[COLOURS.length + SHAPES.indexOf(o.shape)] = 1;
    t[COLOURS.length + SHAPES.length + COLOURS.indexOf(o.colour) * SHAPES.length + SHAPES.indexOf(o.shape)] = 1;
  }
  return t;
}
