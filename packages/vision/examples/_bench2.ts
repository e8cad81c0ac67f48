import { F as CF, optim, randn, randint, getBackend } from '@neurone/core';
import { lenet5 } from '../src/index.js';
const be = getBackend() as any;
const stats = new Map<string, [number, number, number]>();
for (const name of ['matmul', 'im2col', 'col2im', 'binary', 'unary', 'reduce', 'gather', 'scatterAdd', 'argReduce', 'softmax', 'permute', 'broadcastTo', 'copyRows', 'cast']) {
  const orig = be[name].bind(be);
  be[name] = (...args: any[]) => {
    const t0 = performance.now();
    orig(...args);
    const dt = performance.now() - t0;
    let key = name;
    if (name === 'matmul') { const p = args[3]; key += ` b${p.batch} m${p.m} n${p.n} k${p.k} tA${+p.transA} tB${+p.transB}`; }
    if (name === 'binary' || name === 'unary') key += ' ' + args[0];
    const s = stats.get(key) ?? [0, 0, 0];
    s[0] += dt; s[1]++;
    if (name === 'matmul') { const p = args[3]; s[2] += 2 * p.batch * p.m * p.n * p.k; }
    stats.set(key, s);
  };
}
const model = lenet5();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const x = randn([64, 1, 28, 28]);
const y = randint(0, 10, [64]);
let total = 0;
for (let i = 0; i < 8; i++) {
  if (i === 3) { stats.clear(); total = 0; }
  const t0 = performance.now();
  opt.zeroGrad();
  const loss = CF.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  total += performance.now() - t0;
}
console.log('per step', (total / 5).toFixed(1));
[...stats.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25).forEach(([k, [t, c, f]]) => console.log((t / 5).toFixed(1).padStart(7), 'ms/step', String(c / 5).padStart(5), 'calls', f ? (f / t / 1e6).toFixed(2) + ' GF/s' : '', k));
