// Shared by the examples: command-line options, the MNIST split, timing.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend } from '@neurone/core';

export interface ExampleArgs {
  /** Where the PNGs go. */
  out: string;
  /** --name value or --name=value flags, as numbers where they parse. */
  flags: Record<string, string>;
  num(name: string, fallback: number): number;
  str(name: string, fallback: string): string;
  has(name: string): boolean;
}

/**
 * Parses `[outDir] [--flag value | --flag=value | --switch]...`. The output
 * directory defaults to the package's out/<name> (git-ignored). `--backend
 * js|wasm` picks the kernels (also NEURONE_BACKEND). `--help` prints `usage`.
 */
export function parseArgs(name: string, usage: string): ExampleArgs {
  const argv = process.argv.slice(2);
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue; // pnpm/npm pass it through
    if (a === '--help' || a === '-h') {
      console.log(`${usage}\n\n  outDir defaults to packages/generative/out/${name}\n  --backend js|wasm  kernels to run on (default: NEURONE_BACKEND, else core's default)`);
      process.exit(0);
    }
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags[k] = v;
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) flags[k] = argv[++i]!;
      else flags[k] = 'true';
    } else {
      positional.push(a);
    }
  }
  if (flags.backend) setBackend(flags.backend);
  const out = resolve(positional[0] ?? fileURLToPath(new URL(`../out/${name}`, import.meta.url)));
  console.log(`${name}: backend ${getBackend().name}, writing to ${out}`);
  return {
    out,
    flags,
    num: (k, d) => {
      if (flags[k] === undefined) return d;
      const v = Number(flags[k]);
      if (!Number.isFinite(v)) throw new Error(`--${k} must be a number, got '${flags[k]}'`);
      return v;
    },
    str: (k, d) => flags[k] ?? d,
    has: (k) => flags[k] !== undefined && flags[k] !== 'false',
  };
}

/** Seconds since `t0` (performance.now()), one decimal. */
export function since(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)}s`;
}
