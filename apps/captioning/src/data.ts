// Batches of rendered scenes: images, presence targets and teacher-forcing
// caption tensors.
import { tensor, type Tensor } from '@neurone/core';
import { IMAGE_SIZE, captions, makeScene, presenceTargets, renderCHW, splitSeed, type Scene, type Split } from './scene.js';
import { END, PAD, START, type Vocabulary } from './vocab.js';

/** A split's first `count` scenes, rendered once. */
export class SceneSet {
  readonly scenes: Scene[];
  readonly pixels: Float32Array[];
  readonly refs: string[][];

  constructor(split: Split, count: number, first = 0) {
    this.scenes = Array.from({ length: count }, (_, i) => makeScene(splitSeed(split, first + i)));
    this.pixels = this.scenes.map(renderCHW);
    this.refs = this.scenes.map(captions);
  }

  get length(): number {
    return this.scenes.length;
  }

  /** Images (B, 3, S, S) of the given indices. */
  images(idx: readonly number[]): Tensor {
    const n = 3 * IMAGE_SIZE * IMAGE_SIZE;
    const buf = new Float32Array(idx.length * n);
    idx.forEach((i, b) => buf.set(this.pixels[i]!, b * n));
    return tensor(buf, { shape: [idx.length, 3, IMAGE_SIZE, IMAGE_SIZE] });
  }

  presence(idx: readonly number[]): Tensor {
    const t = idx.map((i) => presenceTargets(this.scenes[i]!));
    const L = t[0]!.length;
    const buf = new Float32Array(idx.length * L);
    t.forEach((x, b) => buf.set(x, b * L));
    return tensor(buf, { shape: [idx.length, L] });
  }
}

/**
 * Teacher forcing tensors for one caption per image: inputs (B, T) =
 * <start> w1 .. wn <pad>..., targets (B, T) = w1 .. wn <end> -100..., and the
 * mask (B, T) of real steps (1) against padding (0).
 */
export function captionBatch(vocab: Vocabulary, caps: readonly string[]): { inputs: Tensor; targets: Tensor; mask: Tensor } {
  const ids = caps.map((c) => vocab.encode(c));
  const T = Math.max(...ids.map((x) => x.length)) + 1;
  const B = caps.length;
  const inp = new Int32Array(B * T).fill(PAD);
  const tgt = new Int32Array(B * T).fill(-100);
  const mask = new Float32Array(B * T);
  ids.forEach((w, b) => {
    inp[b * T] = START;
    w.forEach((id, t) => {
      inp[b * T + t + 1] = id;
      tgt[b * T + t] = id;
      mask[b * T + t] = 1;
    });
    tgt[b * T + w.length] = END;
    mask[b * T + w.length] = 1;
  });
  return {
    inputs: tensor(inp, { shape: [B, T] }),
    targets: tensor(tgt, { shape: [B, T] }),
    mask: tensor(mask, { shape: [B, T] }),
  };
}
