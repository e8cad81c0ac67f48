// The TensorFlow.js peer in a process of its own (src/child.ts): one backend
// per process (`node dist/tfjs-child.js wasm|cpu`), serving setup / run /
// dispose requests for the workloads of src/registry.ts over JSON lines.
import { createInterface } from 'node:readline';
import { registry } from './registry.js';
import { classifyTfError, loadTf } from './tfjs.js';
import { Unavailable, type Prepared } from './types.js';

function reply(msg: object): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

async function main(): Promise<void> {
  const backend = process.argv[2];
  if (backend !== 'wasm' && backend !== 'cpu') return reply({ error: `tfjs-child: expected the backend wasm or cpu, got ${backend}` });
  const loaded = await loadTf([backend]);
  if (!loaded) return reply({ error: '@tensorflow/tfjs-core is not installed' });
  const { tf, info } = loaded;
  if (!info.backends.includes(backend)) return reply({ error: info.errors.join('; ') || `tfjs-${backend} did not initialise` });
  reply({ ready: true, ...info });

  const prepared = new Map<string, Prepared>();
  for await (const line of createInterface({ input: process.stdin })) {
    let msg: { op: string; id?: string; steps?: number };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.op === 'quit') break;
    const id = msg.id ?? '';
    try {
      if (msg.op === 'setup') {
        const w = registry.find((x) => x.id === id);
        if (!w) reply({ ok: false, status: 'error', error: `no workload ${id}` });
        else if ('none' in w.tfjs) reply({ ok: false, status: 'none', error: w.tfjs.none });
        else {
          prepared.set(id, await w.tfjs({ tf, backend }));
          reply({ ok: true });
        }
      } else if (msg.op === 'run') {
        const p = prepared.get(id);
        if (!p) throw new Error(`${id} is not set up`);
        const steps = msg.steps ?? 1;
        const t0 = performance.now();
        for (let i = 0; i < steps; i++) p.step();
        reply({ ms: performance.now() - t0 });
      } else if (msg.op === 'dispose') {
        prepared.get(id)?.dispose?.();
        prepared.delete(id);
        reply({ ok: true });
      } else reply({ error: `unknown op ${msg.op}` });
    } catch (e) {
      const c = classifyTfError(e);
      const error = c instanceof Error ? c.message : String(c);
      reply({ ok: false, status: c instanceof Unavailable ? c.kind : 'error', error });
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    reply({ error: (e as Error).message });
    process.exit(1);
  },
);
