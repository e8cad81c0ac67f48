// The buffer forms (serialize, deserialize, checkpoints in memory) must run in a browser:
// no io module they import, directly or not, may use a Node API (the rest of core is
// checked by whoever owns it).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { data, io, tensor } from '../../src/index.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module reachable from `entry` by static imports, with the non-relative specifiers each uses. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const code = readFileSync(file, 'utf8');
    const specs = [...code.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    seen.set(file, specs.filter((s) => !s.startsWith('.')));
    for (const s of specs) if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('portability', () => {
  for (const entry of ['io/safetensors.ts', 'io/checkpoint.ts']) {
    it(`${entry} reaches no Node module through io`, () => {
      const graph = [...importGraph(resolve(src, entry))].filter(([f]) => f.startsWith(resolve(src, 'io')));
      expect(graph.length).toBeGreaterThan(3);
      const external = graph.filter(([, specs]) => specs.length > 0).map(([f, specs]) => `${f}: ${specs.join(', ')}`);
      expect(external).toEqual([]);
    });
  }

  it('the graph walk does see Node imports where they are', () => {
    const graph = importGraph(resolve(src, 'io/file.ts'));
    expect([...graph.values()].flat()).toContain('node:fs');
  });

  it('io and data are namespaces of the package entry', () => {
    const bytes = io.serialize({ w: tensor([1, 2]) });
    expect(io.deserialize(bytes).tensors.w!.toArray()).toEqual([1, 2]);
    expect(typeof io.save).toBe('function');
    expect(typeof io.loadCheckpoint).toBe('function');
    expect(typeof data.DataLoader).toBe('function');
  });
});
