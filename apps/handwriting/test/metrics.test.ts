import { describe, expect, it } from 'vitest';
import { ErrorRate, cer, wer, words } from '../src/metrics.js';

describe('CER and WER', () => {
  it('count edits over the reference length (hand-computed)', () => {
    // one deletion of 'l' against 11 reference characters
    expect(cer('helo world', 'hello world')).toBeCloseTo(1 / 11, 12);
    // kitten -> sitting: 2 substitutions and 1 insertion over 7 characters
    expect(cer('kitten', 'sitting')).toBeCloseTo(3 / 7, 12);
    // one word missing out of four
    expect(wer('the cat sat', 'the cat sat down')).toBeCloseTo(1 / 4, 12);
    // 'helo' is one substituted word out of two
    expect(wer('helo world', 'hello world')).toBeCloseTo(1 / 2, 12);
    expect(cer('same', 'same')).toBe(0);
    expect(wer('  spaced   out ', 'spaced out')).toBe(0);
  });

  it('add up over lines as total edits over total reference length', () => {
    // 'abc' vs 'abd': 1 of 3; 'hello' vs 'hallo': 1 of 5 -> 2 / 8 (not the mean of 1/3 and 1/5)
    expect(cer(['abd', 'hallo'], ['abc', 'hello'])).toBeCloseTo(2 / 8, 12);
    const r = new ErrorRate().add('a b c', 'a b c').add('x y', 'x z w');
    // words: 0 of 3, then 'y' -> 'z' and 'w' missing: 2 of 3
    expect(r.wer).toBeCloseTo(2 / 6, 12);
    expect(r.exactLines).toBe(1);
    expect(r.lines).toBe(2);
  });

  it('can exceed 1 when the prediction is longer than the reference', () => {
    expect(cer('abcd', 'a')).toBe(3);
    expect(words(' one  two ')).toEqual(['one', 'two']);
  });

  it('refuses lists of different lengths', () => {
    expect(() => cer(['a'], ['a', 'b'])).toThrow(/1 predictions for 2 references/);
  });
});
