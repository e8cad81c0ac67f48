import { describe, expect, it } from 'vitest';
import { UnknownCharacterError, Vocabulary } from '../src/vocab.js';

describe('Vocabulary', () => {
  const text = 'Call me Ishmael.\nSome years ago — never mind how long — “precisely”. 𝄞 naïve';
  const v = Vocabulary.fromText(text);

  it('round-trips text through indices', () => {
    const ids = v.encode(text);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe([...text].length); // one index per code point, astral characters included
    expect(v.decode(ids)).toBe(text);
  });

  it('holds each distinct character once, in code-point order', () => {
    expect(v.size).toBe(new Set(text).size);
    const cps = v.chars.map((c) => c.codePointAt(0)!);
    expect(cps).toEqual([...cps].sort((a, b) => a - b));
    expect(v.chars[0]).toBe('\n');
  });

  it('round-trips through its JSON form (as stored in checkpoints)', () => {
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(back.chars).toEqual(v.chars);
    expect(back.decode(v.encode('Ishmael 𝄞'))).toBe('Ishmael 𝄞');
  });

  it('refuses unknown characters, naming them', () => {
    expect(() => v.encode('Café ~', 'generate')).toThrow(UnknownCharacterError);
    try {
      v.encode('Café ~', 'generate');
    } catch (e) {
      const err = e as UnknownCharacterError;
      expect(err.characters).toEqual(['f', 'é', '~']);
      expect(err.message).toMatch(/^generate: /);
      expect(err.message).toContain("'~' (U+007E)");
    }
    expect(v.unknown('mad ~ham~')).toEqual(['~']);
  });

  it('rejects malformed vocabularies', () => {
    expect(() => new Vocabulary(['a', 'a'])).toThrow(/twice/);
    expect(() => new Vocabulary(['ab'])).toThrow(/one character/);
    expect(() => Vocabulary.fromJSON(42)).toThrow();
  });
});
