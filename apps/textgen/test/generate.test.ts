import { beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '@neurone/core';
import { CharRNN } from '../src/model.js';
import { generate, sample } from '../src/generate.js';
import { UnknownCharacterError, Vocabulary } from '../src/vocab.js';

describe('generate', () => {
  const vocab = Vocabulary.fromText('abcdefgh ijklmnop\nThe whale.');
  let model: CharRNN;
  beforeAll(() => {
    model = new CharRNN({ cell: 'lstm', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0.2 }, { seed: 3 });
  });

  it('gives the same text for the same seed, and another for another seed', () => {
    const opts = { prompt: 'The ', length: 60, temperature: 1, seed: 42 };
    const a = generate(model, vocab, opts);
    const b = generate(model, vocab, opts);
    expect(a.text).toHaveLength(60);
    expect(b.text).toBe(a.text);
    expect(generate(model, vocab, { ...opts, seed: 43 }).text).not.toBe(a.text);
  });

  it('streams every character as it is sampled', () => {
    const seen: string[] = [];
    const r = generate(model, vocab, { prompt: 'ab', length: 25, seed: 1, topK: 5, onChar: (c) => seen.push(c) });
    expect(seen.join('')).toBe(r.text);
  });

  it('uses no dropout while sampling and restores training mode', () => {
    model.train();
    const a = generate(model, vocab, { prompt: 'The', length: 30, seed: 9 });
    expect(model.training).toBe(true);
    expect(generate(model, vocab, { prompt: 'The', length: 30, seed: 9 }).text).toBe(a.text);
  });

  it('is greedy at temperature 0, whatever the seed', () => {
    const a = generate(model, vocab, { prompt: 'ab', length: 20, temperature: 0, seed: 1 });
    expect(generate(model, vocab, { prompt: 'ab', length: 20, temperature: 0, seed: 2 }).text).toBe(a.text);
  });

  it('refuses a prompt with unknown characters, or drops them with skipUnknown', () => {
    expect(() => generate(model, vocab, { prompt: 'The Zag', length: 5, seed: 1 })).toThrow(UnknownCharacterError);
    expect(() => generate(model, vocab, { prompt: 'The Zag', length: 5, seed: 1 })).toThrow(/'Z' \(U\+005A\)/);
    const r = generate(model, vocab, { prompt: 'The Zag', length: 5, seed: 1, skipUnknown: true });
    expect(r.prompt).toBe('The ag');
    expect(r.dropped).toEqual(['Z']);
    // the same as the prompt without the unknown character
    expect(r.text).toBe(generate(model, vocab, { prompt: 'The ag', length: 5, seed: 1 }).text);
  });

  it('starts from an empty prompt', () => {
    expect(generate(model, vocab, { prompt: '', length: 10, seed: 5 }).text).toHaveLength(10);
  });

  it('samples only among the top k', () => {
    const logits = [0, 5, 1, 4, -2, 3];
    const g = new Generator(0);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(sample(logits, 2, 2, g));
    expect([...seen].sort()).toEqual([1, 3]);
    expect(sample(logits, 0, null, g)).toBe(1);
  });
});
