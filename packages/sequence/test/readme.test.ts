import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

// Every ```ts block of the README runs as written (imports resolve to the sources).
const here = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = fileURLToPath(new URL('../.tmp/readme/', import.meta.url));

describe('README examples run', () => {
  blocks.forEach((code, i) => {
    it(`block ${i + 1}: ${code.split('\n').find((l) => !l.startsWith('import'))?.slice(0, 60)}`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = `${dir}block${i + 1}.ts`;
      const src = code
        .replace(/from '@neurone\/sequence'/g, `from '${here}../src/index.js'`)
        .replace(/'test\/fixtures\//g, `'${here}fixtures/`);
      writeFileSync(file, `${src}\nexport {};\n`);
      await import(/* @vite-ignore */ file);
    });
  });
});
