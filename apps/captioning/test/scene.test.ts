import { describe, expect, it } from 'vitest';
import {
  COLOURS, COUNT_WORDS, SHAPES, SPLITS, captions, makeScene, namedObjects, namesEveryObject, presenceTargets, relation, renderRGBA, splitSeed,
  type Scene, type SceneObject,
} from '../src/scene.js';
import { Vocabulary } from '../src/vocab.js';

describe('scene generator', () => {
  it('is deterministic: the same seed gives the same scene and pixels', () => {
    for (const seed of [0, 7, 1_000_003, 2_000_042]) {
      expect(makeScene(seed)).toEqual(makeScene(seed));
      expect(Buffer.from(renderRGBA(makeScene(seed))).equals(Buffer.from(renderRGBA(makeScene(seed))))).toBe(true);
    }
    expect(makeScene(1)).not.toEqual(makeScene(2));
  });

  it('draws 1 to 4 non-overlapping objects, sorted left to right, every count occurring', () => {
    const counts = new Set<number>();
    for (let s = 0; s < 200; s++) {
      const sc = makeScene(s);
      counts.add(sc.objects.length);
      expect(sc.objects.length).toBeGreaterThanOrEqual(1);
      expect(sc.objects.length).toBeLessThanOrEqual(4);
      sc.objects.forEach((o, i) => {
        if (i > 0) expect(o.x).toBeGreaterThanOrEqual(sc.objects[i - 1]!.x);
        for (const p of sc.objects.slice(i + 1)) expect(Math.hypot(o.x - p.x, o.y - p.y)).toBeGreaterThan(o.r + p.r);
      });
    }
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
  });

  it('draws train, validation and test scenes from disjoint seeds', () => {
    const ranges = Object.values(SPLITS).map((s) => [s.start, s.start + s.count] as const);
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) expect(ranges[i]![1] <= ranges[j]![0] || ranges[j]![1] <= ranges[i]![0]).toBe(true);
    }
    expect(splitSeed('test', 0)).toBe(SPLITS.test.start);
    expect(() => splitSeed('val', SPLITS.val.count)).toThrow(/outside the val split/);
  });
});

const obj = (colour: SceneObject['colour'], shape: SceneObject['shape'], x: number, y: number, size: SceneObject['size'] = 'small'): SceneObject => ({ colour, shape, x, y, size, r: 6 });
const scene = (objects: SceneObject[]): Scene => ({ seed: 0, background: { rgb: [200, 200, 200], noise: 10, gradient: 0 }, objects });

describe('caption grammar', () => {
  it('gives several phrasings that all name every object, with words from the vocabulary', () => {
    const vocab = new Vocabulary();
    for (let s = 0; s < 300; s++) {
      const sc = makeScene(s);
      const refs = captions(sc);
      expect(refs.length).toBeGreaterThanOrEqual(4);
      expect(new Set(refs).size).toBe(refs.length);
      for (const c of refs) {
        expect(c).toMatch(/^[a-z,:]+( [a-z,:]+)*$/);
        expect(vocab.encode(c)).not.toContain(3); // no <unk>
        expect(namesEveryObject(c, sc)).toBe(true);
        expect(c).not.toMatch(/\ba [aeiou]/);
      }
      if (sc.objects.length >= 3) expect(refs.some((c) => c.startsWith(`${COUNT_WORDS[sc.objects.length]} shapes :`))).toBe(true);
    }
  });

  it('phrases one, two and three objects as specified', () => {
    expect(captions(scene([obj('orange', 'star', 30, 30, 'large')]))).toEqual([
      'a large orange star', 'there is a large orange star', 'one orange star', 'an orange star on its own',
    ]);
    const two = captions(scene([obj('red', 'circle', 10, 30), obj('blue', 'square', 50, 34, 'large')]));
    expect(two).toEqual([
      'a small red circle left of a large blue square',
      'a red circle and a blue square',
      'two shapes : a small red circle and a large blue square',
      'a red circle next to a blue square',
    ]);
    const three = captions(scene([obj('red', 'circle', 10, 10), obj('green', 'cross', 12, 50), obj('yellow', 'triangle', 50, 30)]));
    expect(three[0]).toBe('a small red circle , a small green cross and a small yellow triangle');
    expect(three[1]).toBe('three shapes : a red circle , a green cross and a yellow triangle');
    expect(three[3]).toBe('a red circle above a green cross and a yellow triangle');
  });

  it('relates objects along the dominant axis', () => {
    expect(relation(obj('red', 'star', 10, 30), obj('red', 'star', 40, 35))).toBe('left of');
    expect(relation(obj('red', 'star', 40, 30), obj('red', 'star', 10, 35))).toBe('right of');
    expect(relation(obj('red', 'star', 30, 10), obj('red', 'star', 35, 50))).toBe('above');
    expect(relation(obj('red', 'star', 30, 50), obj('red', 'star', 35, 10))).toBe('below');
  });

  it('checks named objects as a multiset of (colour, shape)', () => {
    const sc = scene([obj('red', 'circle', 10, 30), obj('red', 'circle', 50, 30)]);
    expect(namedObjects('a small red circle next to a red circle')).toEqual([['red', 'circle'], ['red', 'circle']]);
    expect(namesEveryObject('a red circle and a red circle', sc)).toBe(true);
    expect(namesEveryObject('a red circle', sc)).toBe(false);
    expect(namesEveryObject('a red circle and a blue circle', sc)).toBe(false);
    expect(namesEveryObject('a red circle and a red square and a red circle', sc)).toBe(false);
  });

  it('gives presence targets for colours, shapes and coloured shapes', () => {
    const t = presenceTargets(scene([obj('blue', 'cross', 10, 30)]));
    expect(t.length).toBe(COLOURS.length + SHAPES.length + COLOURS.length * SHAPES.length);
    expect(Array.from(t).reduce((a, b) => a + b, 0)).toBe(3);
    expect(t[COLOURS.indexOf('blue')]).toBe(1);
    expect(t[COLOURS.length + SHAPES.indexOf('cross')]).toBe(1);
  });
});
