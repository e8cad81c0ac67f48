// Runs the README's TypeScript examples as written, against the package's sources.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const entry = resolve(__dirname, '../../src/index.ts');

describe('README examples', () => {
  it('has the training loop example', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  blocks.forEach((code, i) => {
    it(`block ${i + 1} runs`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'neurone-readme-'));
      const file = join(dir, `block${i}.ts`);
      writeFileSync(file, code.replaceAll("'@neurone/core'", JSON.stringify(entry)));
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
      try {
        await import(file);
      } finally {
        spy.mockRestore();
      }
      const out = lines.join('\n');
      const acc = out.match(/test accuracy: ([\d.]+)%/);
      if (code.includes('test accuracy')) {
        expect(acc).not.toBeNull();
      }
      if (acc) {
        console.info(out);
        expect(Number(acc[1])).toBeGreaterThan(95);
        expect(out).toContain(`restored accuracy: ${acc[1]}%`);
      }
    }, 120_000);
  });
});
