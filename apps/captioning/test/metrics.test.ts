import { describe, expect, it } from 'vitest';
import { cider, corpusBleu } from '../src/metrics.js';

describe('BLEU', () => {
  it('is 1 for a candidate equal to a reference', () => {
    expect(corpusBleu(['a red circle left of a blue square'], [['a red circle left of a blue square', 'x y']])).toEqual([1, 1, 1, 1]);
  });

  it('matches a hand-computed example', () => {
    // 1-grams 5/6, 2-grams 3/5, 3-grams 1/4, 4-grams 0/3; equal lengths, no brevity penalty
    const [b1, b2, b3, b4] = corpusBleu(['the cat sat on the mat'], [['the cat is on the mat']]);
    expect(b1).toBeCloseTo(5 / 6, 10);
    expect(b2).toBeCloseTo(Math.sqrt(0.5), 10);
    expect(b3).toBeCloseTo(0.5, 10);
    expect(b4).toBe(0);
  });

  it('clips counts and applies the brevity penalty against the closest reference', () => {
    expect(corpusBleu(['the the the the'], [['the cat']])[0]).toBeCloseTo(0.25, 10);
    // c = 2, closest reference length 6 -> exp(1 - 6/2)
    const [b1, b2] = corpusBleu(['the cat'], [['the cat is on the mat']]);
    expect(b1).toBeCloseTo(Math.exp(-2), 10);
    expect(b2).toBeCloseTo(Math.exp(-2), 10);
    // the closer of two references sets r: lengths 3 and 7 for c = 3 -> no penalty
    expect(corpusBleu(['a b c'], [['a b c d e f g', 'a b c']])[0]).toBe(1);
  });

  it('sums counts over the corpus before taking the mean', () => {
    // 1-grams: (2 + 1) / (2 + 2); lengths 4 = 4
    expect(corpusBleu(['a b', 'c x'], [['a b'], ['c d']])[0]).toBeCloseTo(0.75, 10);
  });
});

describe('CIDEr', () => {
  it('is 10 * (1 + 1 + 0 + 0) / 4 for two-word captions equal to their unique references', () => {
    expect(cider(['a b', 'c d'], [['a b'], ['c d']])).toBeCloseTo(5, 10);
  });

  it('matches a hand-computed example with tf-idf weights', () => {
    // image 1: unigram vectors (a, b) = (.5, .5)·ln2 and (a, c) = (.5·ln2, 0) since c is in both images' refs: cos = 1/√2; bigrams 0
    // image 2: unigrams (c, d) = (0, .5·ln2) on both sides: cos 1; bigram "c d": 1
    const expected = ((Math.SQRT1_2 / 4) * 10 + (2 / 4) * 10) / 2;
    expect(cider(['a b', 'c d'], [['a c'], ['c d']])).toBeCloseTo(expected, 10);
  });

  it('averages over the references', () => {
    // image 1 against ["a b", "x y"]: unigram and bigram cosines (1 + 0) / 2 each
    expect(cider(['a b', 'c d'], [['a b', 'x y'], ['c d']])).toBeCloseTo(((0.5 + 0.5) / 4 * 10 + 5) / 2, 10);
  });
});
