// Runs the README's TypeScript examples as written, against the sources.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const entries: Record<string, string> = {
  '@neurone/core': resolve(__dirname, '../../core/src/index.ts'),
  '@neurone/vision': resolve(__dirname, '../../vision/src/index.ts'),
  '@neurone/generative': resolve(__dirname, '../src/index.ts'),
};

describe('README examples', () => {
  it('has the autoencoder/VAE and the GAN examples', () => {
    expect(blocks.length).toBe(2);
  });

  blocks.forEach((code, i) => {
    it(`block ${i + 1} runs`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'generative-readme-'));
      const file = join(dir, `block${i}.ts`);
      let src = code.replaceAll("'out/readme/", `'${dir}/`);
      for (const [name, path] of Object.entries(entries)) src = src.replaceAll(`'${name}'`, JSON.stringify(path));
      writeFileSync(file, src);
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
      try {
        await import(file);
      } finally {
        spy.mockRestore();
      }
      const out = lines.join('\n');
      if (i === 0) {
        expect(out).toContain('code shape: 4,16');
        expect(Number(out.match(/reserved MSE: ([\d.]+)/)![1])).toBeLessThan(0.08);
        expect(out).toMatch(/ELBO -[\d.]+ nats = -\([\d.]+ \+ [\d.]+\)/);
        expect(out).toContain('frames: 6,1,28,28');
        expect(out).toContain('filled: 8,1,28,28');
        for (const f of ['reconstructions.png', 'vae-samples.png']) expect(readFileSync(join(dir, f)).subarray(1, 4).toString()).toBe('PNG');
      } else {
        expect(Math.abs(Number(out.match(/sample mean: ([\d.-]+)/)![1]) - 3)).toBeLessThan(0.5);
        expect(out).toContain(`minimax loss at D = ½: ${(-Math.log(2)).toFixed(4)}`);
      }
    }, 180_000);
  });
});
