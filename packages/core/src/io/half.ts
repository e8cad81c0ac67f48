// 16-bit float decoding: IEEE 754 half precision (F16) and bfloat16 (BF16).

const scratch = new DataView(new ArrayBuffer(4));

/**
 * The value of an IEEE 754 half-precision bit pattern (exact in float32).
 *
 * Example:
 *   f16ToNumber(0x3c00); // 1
 *   f16ToNumber(0x7c00); // Infinity
 */
export function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  // subnormal: frac * 2^-24; normal: (1 + frac/1024) * 2^(exp-15)
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The value of a bfloat16 bit pattern: the top 16 bits of a float32.
 *
 * Example:
 *   bf16ToNumber(0x3f80); // 1
 */
export function bf16ToNumber(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16 >>> 0);
  return scratch.getFloat32(0);
}
