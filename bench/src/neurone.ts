// Loads neurone (the built packages) and checks, at run time, that the exports
// a workload needs exist: rows whose layers have not landed yet are skipped
// with a note instead of failing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as core from '@neurone/core';
import { Unavailable, type NeuroneEnv } from './types.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A domain package by name (bench/package.json depends on each, so that
 * `pnpm bench` builds it first); failing that, its built entry in the
 * workspace (packages/<dir>/dist/index.js) if present; otherwise null, and
 * the rows that need it are skipped.
 */
async function optional(name: string, dir: string): Promise<Record<string, any> | null> {
  try {
    return (await import(name)) as Record<string, any>;
  } catch {
    const entry = join(repoRoot, 'packages', dir, 'dist', 'index.js');
    if (!existsSync(entry)) return null;
    try {
      return (await import(pathToFileURL(entry).href)) as Record<string, any>;
    } catch {
      return null;
    }
  }
}

export async function loadNeurone(): Promise<NeuroneEnv> {
  const [vision, sequence, generative] = await Promise.all([
    optional('@neurone/vision', 'vision'),
    optional('@neurone/sequence', 'sequence'),
    optional('@neurone/generative', 'generative'),
  ]);
  return { core, vision, sequence, generative };
}

/** The value at a dotted path from one of env's roots: `core.nn.Linear`, `vision.Conv2d`. */
export function lookup(env: NeuroneEnv, path: string): any {
  let v: any = env;
  for (const key of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[key];
  }
  return v;
}

/**
 * Resolves every named export from its candidate paths (the first that exists
 * wins) or throws `Unavailable('skipped')` listing the missing ones.
 *
 * Example:
 *   const { Conv2d } = need(env, { Conv2d: ['core.nn.Conv2d', 'vision.Conv2d', 'vision.nn.Conv2d'] });
 */
export function need<K extends string>(env: NeuroneEnv, wanted: Record<K, string | string[]>): Record<K, any> {
  const out = {} as Record<K, any>;
  const missing: string[] = [];
  for (const name of Object.keys(wanted) as K[]) {
    const paths = ([] as string[]).concat(wanted[name]);
    const found = paths.map((p) => lookup(env, p)).find((v) => v !== undefined);
    if (found === undefined) missing.push(paths[0]!.replace(/^core\./, ''));
    else out[name] = found;
  }
  if (missing.length > 0) throw new Unavailable('skipped', `not available: ${missing.join(', ')}`);
  return out;
}

/** The parameters of modules as one array (`parameters()` may return an array or an iterator). */
export function paramsOf(...modules: Array<{ parameters(): Iterable<core.Tensor> }>): core.Tensor[] {
  return modules.flatMap((m) => [...m.parameters()]);
}

/** The first tensor of a recurrent layer's result: `[output, h]`, `{ output }` or the output itself. */
export function firstOutput(r: any): core.Tensor {
  if (r instanceof core.Tensor) return r;
  if (Array.isArray(r)) return r[0];
  if (r && r.output instanceof core.Tensor) return r.output;
  throw new Error(`unexpected recurrent-layer result: ${Object.prototype.toString.call(r)}`);
}

/** Where a layer class may be exported: core's `nn`, or a domain package (top level or its `nn`). */
export function layerPaths(name: string, ...packages: Array<'vision' | 'sequence' | 'generative'>): string[] {
  return [`core.nn.${name}`, ...packages.flatMap((p) => [`${p}.${name}`, `${p}.nn.${name}`])];
}

/** Where a functional form may be exported: core's `F` or top level, or a domain package. */
export function fnPaths(name: string, ...packages: Array<'vision' | 'sequence' | 'generative'>): string[] {
  return [`core.F.${name}`, `core.${name}`, ...packages.flatMap((p) => [`${p}.${name}`, `${p}.F.${name}`])];
}

/** Gradient clipping by global norm, wherever it is exported (PyTorch: torch.nn.utils.clip_grad_norm_). */
export const CLIP_GRAD_NORM = ['core.nn.utils.clipGradNorm_', 'core.optim.clipGradNorm_', 'core.nn.utils.clipGradNorm', 'core.optim.clipGradNorm'];

/** The first of `paths` that exists, or undefined. */
export function lookupFirst(env: NeuroneEnv, paths: string[]): any {
  return paths.map((p) => lookup(env, p)).find((v) => v !== undefined);
}
