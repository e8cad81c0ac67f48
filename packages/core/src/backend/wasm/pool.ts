// A small pool of worker_threads that share the kernels' WebAssembly memory.
// The calling thread hands each worker one task (a kernel name and its
// arguments) through a SharedArrayBuffer, runs its own share, then waits.
// Workers spin briefly for the next task, then park in Atomics.wait, so an
// idle pool holds no core; they are unref'd, so a script ends normally.
// A task runs once it is claimed: by its worker, or by the calling thread
// once that is done with its own share and the worker has not started (a
// parked worker takes tens of µs to wake, longer than a small kernel's share).
import { builtin, TASK_NAMES, type Runtime } from './runtime.js';

// control words (Int32Array over the SharedArrayBuffer)
const GEN = 0; // task generation: workers wait on it
const PENDING = 1; // workers still running the current generation
const READY = 3; // workers that have started
const FAILED = 4; // set when a task threw
const INIT_FAILED = 5; // set when a worker could not start
const MAX_WORKERS = 64;
// Int32 word CLAIMS + w: the generation while worker w's task waits, 0 once claimed
// (a worker runs its task only if it turns the generation it woke for into 0)
const CLAIMS = 8;
const ARGS = (CLAIMS + MAX_WORKERS) / 2; // Float64 slot of worker w starts at element ARGS + w * SLOT of the f64 view
const SLOT = 24; // [unused, task index, argc, args...]

/** Iterations of the spin loops before parking, at most (each ~1-2 ns of Atomics.load). */
const SPIN = 100000;
/**
 * Iterations the calling thread spins for the workers to finish before it
 * parks: their share of a kernel is as long as its own, so they are usually
 * done within it (parking then costs a wake-up of ~30-40 µs).
 */
const WAIT_SPIN = 1000000;
/** A worker woken within this many ms of parking spins longer before parking again. */
const SHORT_PARK_MS = 2;

// plain script or ES module alike (workers inherit --input-type): no require, no import
const WORKER_SOURCE = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, control, names, index } = workerData;
const ctl = new Int32Array(control);
let fns;
try {
  const exp = new WebAssembly.Instance(module, { env: { memory } }).exports;
  fns = names.map((n) => exp[n]);
} catch (e) {
  Atomics.store(ctl, ${INIT_FAILED}, 1);
  Atomics.notify(ctl, ${READY});
  throw e;
}
const f64 = new Float64Array(control);
const slot = ${ARGS} + index * ${SLOT};
let seen = Atomics.load(ctl, ${GEN});
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let spin = ${SPIN};
for (;;) {
  let g = Atomics.load(ctl, ${GEN});
  for (let i = 0; g === seen && i < spin; i++) g = Atomics.load(ctl, ${GEN});
  if (g === seen) {
    // nothing came while spinning: park. Woken again soon (kernels of one
    // training step), spin longer next time; after a long rest, shorter.
    const parked = performance.now();
    Atomics.wait(ctl, ${GEN}, seen);
    spin = performance.now() - parked < ${SHORT_PARK_MS} ? Math.min(spin * 4, ${SPIN}) : Math.max(spin >> 1, 1000);
    continue;
  }
  seen = g;
  if (Atomics.compareExchange(ctl, ${CLAIMS} + index, g, 0) !== g) continue;
  try {
    const argc = f64[slot + 2];
    const a = [];
    for (let i = 0; i < argc; i++) a.push(f64[slot + 3 + i]);
    fns[f64[slot + 1]](...a);
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
}
`;

interface WorkerLike {
  unref(): void;
  on(ev: string, fn: (...a: unknown[]) => void): void;
}
interface WorkerThreads {
  Worker: new (src: string, opts: { eval: boolean; workerData: unknown }) => WorkerLike;
}

export type Task = [name: (typeof TASK_NAMES)[number], args: number[]];

/** The calling thread's own work around its task while the workers run theirs (Pool.run). */
export interface Overlap {
  before?: () => void;
  after?: () => void;
}

export class Pool {
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;
  private readonly control: SharedArrayBuffer;
  private readonly workers: WorkerLike[] = [];
  private broken = false;

  constructor(private readonly rt: Runtime) {
    this.control = new SharedArrayBuffer((ARGS + SLOT * MAX_WORKERS) * 8);
    this.ctl = new Int32Array(this.control);
    this.f64 = new Float64Array(this.control);
  }

  /** Workers started and ready to take tasks. */
  get workerCount(): number {
    return this.broken ? 0 : Atomics.load(this.ctl, READY);
  }

  /** Whether worker_threads exist here (Node); without them everything runs on the calling thread. */
  static supported(): boolean {
    return builtin<WorkerThreads>('node:worker_threads') !== undefined && typeof SharedArrayBuffer === 'function';
  }

  /** Starts workers until `threads - 1` are ready (the caller is the other one); returns the threads usable. */
  ensure(threads: number): number {
    if (this.broken) return 1;
    const want = Math.min(threads, this.rt.maxThreads) - 1;
    if (this.workers.length < want) {
      const wt = builtin<WorkerThreads>('node:worker_threads');
      if (!wt) return 1;
      while (this.workers.length < want) {
        const w = new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            module: this.rt.module, memory: this.rt.memory, control: this.control,
            names: TASK_NAMES, index: this.workers.length,
          },
        });
        w.unref();
        w.on('error', () => {
          this.broken = true;
        });
        this.workers.push(w);
      }
      // block until they are up (tens of ms, once)
      const deadline = Date.now() + 10000;
      for (let r = Atomics.load(this.ctl, READY); r < want; r = Atomics.load(this.ctl, READY)) {
        if (Date.now() > deadline || Atomics.load(this.ctl, INIT_FAILED) !== 0) {
          this.broken = true;
          return 1;
        }
        Atomics.wait(this.ctl, READY, r, 50);
      }
    }
    return want + 1;
  }

  /**
   * Runs tasks[0] here and tasks[1..] on workers 0.., returning when all are
   * done. `overlap.before` runs here once the workers have their tasks,
   * before tasks[0] (work that only tasks[0] waits for, such as copying its
   * inputs in), and `overlap.after` right after tasks[0], while the workers
   * may still run theirs (copying its outputs out).
   */
  run(tasks: Task[], overlap: Overlap = {}): void {
    const k = this.rt.k as unknown as Record<string, (...a: number[]) => void>;
    const n = tasks.length - 1;
    let gen = 0;
    if (n > 0) {
      gen = (Atomics.load(this.ctl, GEN) + 1) | 0 || 1; // never 0: 0 marks a claimed task
      for (let w = 0; w < n; w++) {
        const [name, args] = tasks[w + 1]!;
        const s = ARGS + w * SLOT;
        this.f64[s + 1] = TASK_NAMES.indexOf(name);
        this.f64[s + 2] = args.length;
        for (let i = 0; i < args.length; i++) this.f64[s + 3 + i] = args[i]!;
      }
      Atomics.store(this.ctl, PENDING, n);
      for (let w = 0; w < n; w++) Atomics.store(this.ctl, CLAIMS + w, gen);
      Atomics.store(this.ctl, GEN, gen);
      Atomics.notify(this.ctl, GEN);
    }
    const [name, args] = tasks[0]!;
    let failure: unknown = null;
    try {
      overlap.before?.();
      k[name]!(...args);
      overlap.after?.();
    } catch (e) {
      failure = e;
    }
    if (n > 0) {
      // the tasks of workers that have not started yet run here
      for (let w = 0; w < n; w++) {
        if (Atomics.compareExchange(this.ctl, CLAIMS + w, gen, 0) !== gen) continue;
        const [tn, ta] = tasks[w + 1]!;
        try {
          k[tn]!(...ta);
        } catch (e) {
          failure ??= e;
        }
        Atomics.sub(this.ctl, PENDING, 1);
      }
      // every task of this round finished, whatever failed, before the next round reuses PENDING
      let p = Atomics.load(this.ctl, PENDING);
      for (let i = 0; p !== 0 && i < WAIT_SPIN; i++) p = Atomics.load(this.ctl, PENDING);
      while (p !== 0) {
        Atomics.wait(this.ctl, PENDING, p, 1000);
        p = Atomics.load(this.ctl, PENDING);
      }
      if (Atomics.exchange(this.ctl, FAILED, 0) !== 0) failure ??= new Error('wasm backend: a kernel failed on a worker thread');
    }
    if (failure !== null) throw failure;
  }
}
