import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// heap.ts: freed tensor buffers stay in glibc's heap instead of being faulted in again
const dist = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url));
const glibc = process.platform === 'linux'
  && (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime !== undefined;

// page faults while allocating 20 rounds of eight 256 KB tensors, each round freed
// together by a collection (as in a training loop) before the next one
const script = `
const core = require(${JSON.stringify(dist)});
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
gc(); sleep(20); gc(); sleep(20); // frees heap.ts's 31 MB buffer; the sweeper frees on another thread
let faults = 0;
for (let round = 0; round < 20; round++) {
  const before = process.resourceUsage().minorPageFault;
  let batch = [];
  for (let i = 0; i < 8; i++) batch.push(core.full([65536], round + i));
  faults += process.resourceUsage().minorPageFault - before;
  batch = null;
  gc(); sleep(5);
}
console.log(faults);
`;

function faults(env: Record<string, string>): number {
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`heap test child failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

describe.runIf(glibc && existsSync(dist))('heap tuning (Linux, glibc)', { timeout: 60000 }, () => {
  it('reuses freed tensor buffers instead of faulting their pages in again', () => {
    const tuned = faults({});
    const untuned = faults({ NEURONE_MALLOC_TUNE: '0' });
    // untuned: about 20 x 8 x 64 faults (every 4 KB page of every buffer)
    expect(untuned).toBeGreaterThan(5000);
    expect(tuned).toBeLessThan(untuned / 4);
  });
});
