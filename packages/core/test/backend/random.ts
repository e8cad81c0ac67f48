// Reproducible test inputs for the backend tests.

/** n float32 values in [-0.5, 0.5) from a linear congruential generator seeded with `seed`. */
export function random(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}
