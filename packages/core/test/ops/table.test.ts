// The op tables in src/ops/table.ts must list every op index.ts exports from ops/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import { differentiableOps, nonDifferentiableOps } from '../../src/ops/table.js';

const opsDir = fileURLToPath(new URL('../../src/ops/', import.meta.url));
const opFiles = readdirSync(opsDir).filter((f) => f.endsWith('.ts') && f !== 'table.ts');
const opModules: Record<string, Record<string, unknown>> = {};
for (const f of opFiles) opModules[f] = (await import(pathToFileURL(join(opsDir, f)).href)) as Record<string, unknown>;

/** Every function defined in a file of src/ops. */
const opFunctions = new Set<unknown>();
for (const mod of Object.values(opModules)) for (const v of Object.values(mod)) if (typeof v === 'function') opFunctions.add(v);

/** index.ts's exports that come from src/ops, by exported name. */
const exportedOps = Object.entries(core).filter(([, v]) => typeof v === 'function' && opFunctions.has(v));

const tables: Record<string, Record<string, unknown>> = { differentiableOps, nonDifferentiableOps };

describe('op tables', () => {
  it('finds the op files and their exports', () => {
    expect(opFiles).toEqual(expect.arrayContaining(['elementwise.ts', 'reduce.ts', 'matmul.ts', 'shape.ts', 'indexing.ts', 'activation.ts']));
    expect(exportedOps.length).toBeGreaterThan(80);
  });

  it.each(exportedOps)('%s (exported from index.ts) is in exactly one op table, under its exported name', (name, fn) => {
    const homes = Object.entries(tables).filter(([, t]) => Object.values(t).includes(fn)).map(([n]) => n);
    expect(homes, `${name} must be listed in differentiableOps or nonDifferentiableOps (src/ops/table.ts)`).toHaveLength(1);
    expect(tables[homes[0]!]![name], `${name} is listed under another key`).toBe(fn);
  });

  it('lists only ops that index.ts exports', () => {
    const exported = new Map(exportedOps);
    for (const t of Object.values(tables)) {
      for (const [name, fn] of Object.entries(t)) expect(exported.get(name), `${name} is not exported from index.ts`).toBe(fn);
    }
  });
});
