import { loadTf } from './tfjs.js';
import { registry } from './registry.js';
const { tf } = (await loadTf(['wasm', 'cpu']))!;
const only = new Set((process.env.ONLY ?? '').split(',')); const skipCpu = new Set<string>();
for (const w of registry) {
  if ('none' in w.tfjs) { console.log(w.id, 'none'); continue; }
  for (const b of ['wasm', 'cpu'] as const) {
    if (b === 'cpu' && skipCpu.has(w.id)) continue;
    if (!only.has(w.id)) continue;
    await tf.setBackend(b);
    const before = tf.memory().numTensors;
    try {
      const p = await w.tfjs({ tf, backend: b });
      const t0 = performance.now(); p.step(); const t1 = performance.now(); p.step(); const t2 = performance.now(); p.step();
      const mid = tf.memory().numTensors;
      p.dispose?.();
      console.log(w.id, b, (t1 - t0).toFixed(0), (t2 - t1).toFixed(0), 'tensors', before, mid, tf.memory().numTensors);
    } catch (e) { console.log(w.id, b, 'ERR', (e as Error).message.slice(0, 200)); }
  }
}
process.exit(0);
