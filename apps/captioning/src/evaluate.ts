// Captioning a set of scenes and scoring the captions.
import type { Metrics } from './checkpoint.js';
import type { SceneSet } from './data.js';
import { corpusBleu, cider } from './metrics.js';
import { beamDecode, greedyDecode, type Captioner } from './model.js';
import { namesEveryObject } from './scene.js';
import type { Vocabulary } from './vocab.js';

/** Captions of every scene of the set: greedy in batches, or beam search with beam > 1. */
export function captionSet(model: Captioner, vocab: Vocabulary, set: SceneSet, opts: { beam?: number; batch?: number; onProgress?: (done: number) => void } = {}): string[] {
  const wasTraining = model.training;
  model.eval();
  const out: string[] = [];
  const batch = opts.batch ?? 64;
  for (let i = 0; i < set.length; i += batch) {
    const idx = Array.from({ length: Math.min(batch, set.length - i) }, (_, k) => i + k);
    const images = set.images(idx);
    if ((opts.beam ?? 1) > 1) {
      for (let b = 0; b < idx.length; b++) out.push(vocab.decode(beamDecode(model, images.select(0, b), opts.beam).ids));
    } else {
      for (const r of greedyDecode(model, images)) out.push(vocab.decode(r.ids));
    }
    opts.onProgress?.(out.length);
  }
  model.train(wasTraining);
  return out;
}

/** BLEU-1..4, CIDEr and the share of captions naming every object (colour and shape). */
export function scoreCaptions(cands: readonly string[], set: SceneSet, split: string): Metrics {
  const bleu = corpusBleu(cands, set.refs);
  const ok = cands.filter((c, i) => namesEveryObject(c, set.scenes[i]!)).length;
  return { bleu, cider: cider(cands, set.refs), objectAccuracy: cands.length ? ok / cands.length : 0, scenes: cands.length, split };
}
