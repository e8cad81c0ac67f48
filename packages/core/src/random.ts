/**
 * Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32):
 * the same seed gives the same stream on every platform.
 *
 * Example:
 *   const g = new Generator(42);
 *   randn([2, 3], { generator: g });
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;
  private initialSeed = 0;

  constructor(seed: number = Date.now()) {
    this.manualSeed(seed);
  }

  /** Resets the stream to the one `seed` starts. */
  manualSeed(seed: number): this {
    this.initialSeed = seed;
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const next = () => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
    return this;
  }

  seed(): number {
    return this.initialSeed;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Fills `out` with `below` where the next uint32 of the stream is under
   * `threshold`, else `above`: one draw per element, the same draws as
   * calling nextUint32 that many times (dropout masks), with the state kept
   * in locals for speed.
   */
  fillThreshold(out: Float32Array | Float64Array, threshold: number, below: number, above: number): void {
    let { s0, s1, s2, s3 } = this;
    for (let i = 0; i < out.length; i++) {
      const x = Math.imul(s1, 5);
      const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = result < threshold ? below : above;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Standard normal (Box-Muller, the second value is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return mean + std * v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Fills `out` with U(low, high): the same values, in the same order, as
   * calling `uniform(low, high)` for each element, in a loop the JIT keeps
   * tight (parameter initialisation, `rand`, `uniform`).
   */
  fillUniform(out: Float32Array | Float64Array, low = 0, high = 1): void {
    const span = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + span * this.random();
  }

  /**
   * Fills `out` with N(mean, std²): the same values, in the same order, as
   * calling `normal(mean, std)` for each element (a pending Box-Muller
   * value is used first, and one left over is kept for the next call).
   */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    const n = out.length;
    let i = 0;
    if (n > 0 && this.spare !== null) {
      out[i++] = mean + std * this.spare;
      this.spare = null;
    }
    for (; i < n; i += 2) {
      let u = 0;
      while (u === 0) u = this.random();
      const v = this.random();
      const r = Math.sqrt(-2 * Math.log(u));
      const second = r * Math.sin(2 * Math.PI * v);
      out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
      if (i + 1 < n) out[i + 1] = mean + std * second;
      else this.spare = second;
    }
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** The full internal state, for checkpoints. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spare ?? NaN, this.initialSeed];
  }

  setState(state: readonly number[]): this {
    [this.s0, this.s1, this.s2, this.s3] = state.slice(0, 4).map((v) => v! | 0) as [number, number, number, number];
    this.spare = Number.isNaN(state[4]) ? null : state[4]!;
    this.initialSeed = state[5] ?? 0;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when a call does not pass its own. */
export const defaultGenerator = new Generator(0x5eed);

/** Seeds the default generator: the same seed gives the same run. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
