// The character vocabulary: every distinct character (Unicode code point) of
// a corpus, in code-point order, each mapped to its index.

/** Thrown when text holds characters the vocabulary does not know. */
export class UnknownCharacterError extends Error {
  constructor(
    readonly op: string,
    /** The distinct unknown characters, in order of first appearance. */
    readonly characters: readonly string[],
    what = 'text',
  ) {
    super(
      `${op}: the ${what} holds ${characters.length === 1 ? 'a character' : `${characters.length} characters`} outside the model's vocabulary: ` +
        `${characters.slice(0, 10).map(describeChar).join(', ')}${characters.length > 10 ? ', ...' : ''}. ` +
        'Use only characters of the training corpus (or pass --skip-unknown to drop them).',
    );
    this.name = 'UnknownCharacterError';
  }
}

/** `'é' (U+00E9)`: a character and its code point, readable even when invisible. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const shown = cp < 0x20 || cp === 0x7f ? JSON.stringify(ch) : `'${ch}'`;
  return `${shown} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Maps characters to indices 0..size-1 and back.
 *
 * Example:
 *   const v = Vocabulary.fromText('hello');   // chars: e h l o
 *   v.decode(v.encode('hole'));               // 'hole'
 */
export class Vocabulary {
  /** The characters, index i holding character i. */
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    if (chars.length === 0) throw new Error('Vocabulary: needs at least one character');
    this.index = new Map();
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1) throw new Error(`Vocabulary: entry ${i} must be one character, got ${JSON.stringify(c)}`);
      if (this.index.has(c)) throw new Error(`Vocabulary: ${describeChar(c)} appears twice`);
      this.index.set(c, i);
    });
    this.chars = [...chars];
  }

  /** The distinct characters of `text`, sorted by code point. */
  static fromText(text: string): Vocabulary {
    const set = new Set<string>();
    for (const ch of text) set.add(ch);
    return new Vocabulary([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number {
    return this.chars.length;
  }

  has(ch: string): boolean {
    return this.index.has(ch);
  }

  /** The index of one character, or -1. */
  indexOf(ch: string): number {
    return this.index.get(ch) ?? -1;
  }

  /** The characters of `text` that the vocabulary lacks (distinct, in order of appearance). */
  unknown(text: string): string[] {
    const out = new Set<string>();
    for (const ch of text) if (!this.index.has(ch)) out.add(ch);
    return [...out];
  }

  /** Text to indices; an unknown character throws UnknownCharacterError (naming `op`). */
  encode(text: string, op = 'encode'): Int32Array {
    const ids: number[] = [];
    let missing: Set<string> | null = null;
    for (const ch of text) {
      const i = this.index.get(ch);
      if (i === undefined) (missing ??= new Set()).add(ch);
      else ids.push(i);
    }
    if (missing) throw new UnknownCharacterError(op, [...missing]);
    return Int32Array.from(ids);
  }

  /** Indices to text. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]!];
      if (c === undefined) throw new RangeError(`decode: index ${ids[i]} is outside the vocabulary (size ${this.size})`);
      s += c;
    }
    return s;
  }

  /** The characters as one string, for the checkpoint's metadata. */
  toJSON(): string {
    return this.chars.join('');
  }

  static fromJSON(s: unknown): Vocabulary {
    if (typeof s !== 'string' || s.length === 0) throw new Error('Vocabulary: expected the characters as a non-empty string');
    return new Vocabulary([...s]);
  }
}
