// JSON for checkpoint metadata: checked on the way in, non-finite numbers kept.
import { FormatError, NeuroneError } from '../errors.js';

/** A value JSON can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** How a non-finite number (NaN, ±Infinity) is written, since JSON has no literal for it. */
const NON_FINITE = '$nonFinite';

/**
 * JSON text for `value`, refusing what JSON cannot hold (functions, Tensors,
 * class instances, bigints) with an error naming `where` and the path inside it.
 * NaN and ±Infinity survive as `{"$nonFinite": "NaN"}`.
 *
 * Example:
 *   stringifyJson({ lr: 1e-3, best: Infinity }, 'saveCheckpoint: metadata');
 */
export function stringifyJson(value: unknown, where: string): string {
  return JSON.stringify(toJson(value, where));
}

/** Parses text written by `stringifyJson`; invalid JSON is a FormatError naming `where`. */
export function parseJson(text: string, where: string): JsonValue {
  try {
    return JSON.parse(text, (_key, v: unknown) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const keys = Object.keys(v);
        const tag = (v as Record<string, unknown>)[NON_FINITE];
        if (keys.length === 1 && (tag === 'NaN' || tag === 'Infinity' || tag === '-Infinity')) return Number(tag);
      }
      return v;
    }) as JsonValue;
  } catch (e) {
    throw new FormatError(`${where} is not valid JSON (${(e as Error).message})`);
  }
}

function toJson(value: unknown, path: string): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : { [NON_FINITE]: String(value) };
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v, i) => toJson(v, `${path}[${i}]`) ?? null);
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new NeuroneError(`${path} is a ${proto?.constructor?.name ?? 'class instance'}; only JSON values (numbers, strings, booleans, arrays, plain objects) can be stored here`);
      }
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(value)) {
        const j = toJson(v, `${path}.${k}`);
        if (j !== undefined) Object.defineProperty(out, k, { value: j, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      throw new NeuroneError(`${path} is a ${typeof value}; only JSON values (numbers, strings, booleans, arrays, plain objects) can be stored here`);
  }
}
