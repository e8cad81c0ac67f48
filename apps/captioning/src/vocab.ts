// The caption vocabulary: every word the scene grammar can produce, plus
// <pad>, <start>, <end> and <unk>.
import { COLOURS, COUNT_WORDS, SHAPES, SIZES } from './scene.js';

export const PAD = 0;
export const START = 1;
export const END = 2;
export const UNK = 3;

const GRAMMAR_WORDS = [
  'a', 'an', 'and', ',', ':', 'there', 'is', 'shapes', 'on', 'its', 'own', 'next', 'to',
  'left', 'right', 'of', 'above', 'below', 'from',
  ...COUNT_WORDS.slice(1), ...SIZES, ...COLOURS, ...SHAPES,
];

export class Vocabulary {
  readonly words: string[];
  private readonly index = new Map<string, number>();

  constructor(words: readonly string[] = GRAMMAR_WORDS) {
    this.words = ['<pad>', '<start>', '<end>', '<unk>', ...new Set(words)];
    this.words.forEach((w, i) => this.index.set(w, i));
  }

  get size(): number {
    return this.words.length;
  }

  /** Word ids of a caption, without <start>/<end>. */
  encode(caption: string): number[] {
    return caption.split(' ').filter((w) => w.length > 0).map((w) => this.index.get(w) ?? UNK);
  }

  /** The caption of word ids, stopping at <end> and skipping <pad>/<start>. */
  decode(ids: readonly number[]): string {
    const out: string[] = [];
    for (const id of ids) {
      if (id === END) break;
      if (id === PAD || id === START) continue;
      out.push(this.words[id] ?? '<unk>');
    }
    return out.join(' ');
  }

  toJSON(): string[] {
    return this.words.slice(4);
  }

  static fromJSON(words: unknown): Vocabulary {
    if (!Array.isArray(words) || words.some((w) => typeof w !== 'string')) throw new Error('the vocabulary must be a list of words');
    return new Vocabulary(words as string[]);
  }
}
