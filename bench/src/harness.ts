// Times one workload for every implementation in the same process run:
// set up all, warm each up, then measured rounds that alternate between the
// implementations (the order rotates every round), so that noise from other
// processes on the machine falls on all of them alike. Medians per step.
import { ChildError, type ChildClient } from './child.js';
import type { TfInfo } from './tfjs.js';
import type { TorchClient } from './torch.js';
import { Unavailable, type Cell, type ImplName, type NeuroneEnv, type PeerName, type Prepared, type Workload } from './types.js';

export interface Settings {
  /** Warm-up time per implementation (at least one step). */
  warmMs: number;
  /** Target duration of one measured round (several steps when steps are short). */
  roundMs: number;
  /** Measured rounds at most. */
  maxRounds: number;
  /** Time one implementation may spend in measured rounds, per row. */
  budgetMs: number;
  /** A step slower than this is measured in one round only if the budget allows no more. */
  slowMs: number;
  /** A first step slower than this is the only one: warm-up and measurement at once (marked "~"). */
  singleShotMs: number;
  /**
   * Idle time before each measured round, so that the previous implementation's
   * threads (PyTorch's OpenMP workers spin after a parallel region, ours spin
   * briefly too) have parked and every round starts on a quiet machine.
   */
  gapMs: number;
  quick: boolean;
}

export const QUICK: Settings = { warmMs: 150, roundMs: 40, maxRounds: 5, budgetMs: 2500, slowMs: 400, singleShotMs: 1000, gapMs: 10, quick: true };
export const FULL: Settings = { warmMs: 600, roundMs: 250, maxRounds: 11, budgetMs: 20000, slowMs: 4000, singleShotMs: 30000, gapMs: 20, quick: false };

export interface Context {
  settings: Settings;
  neurone: NeuroneEnv;
  /** A process per tfjs backend that initialised and was selected. */
  tfjs: Map<'wasm' | 'cpu', ChildClient<TfInfo>>;
  torch: TorchClient | null;
  peers: Set<PeerName>;
  log: (line: string) => void;
}

interface Runner {
  impl: ImplName;
  /** Runs `steps` steps; returns the total milliseconds. */
  run(steps: number): Promise<number>;
  dispose(): Promise<void> | void;
  stepsPerRound: number;
  rounds: number;
  samples: number[];
}

/** neurone's runner: the steps run in this process. */
function jsRunner(impl: ImplName, p: Prepared): Runner {
  return {
    impl,
    async run(steps) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) p.step();
      return performance.now() - t0;
    },
    dispose: () => p.dispose?.(),
    stepsPerRound: 1,
    rounds: 0,
    samples: [],
  };
}

/** A runner for a peer in its own process: the child times the steps. */
function childRunner(impl: ImplName, client: ChildClient<unknown>, id: string): Runner {
  return {
    impl,
    run: (steps) => client.run(id, steps),
    dispose: () => client.dispose(id),
    stepsPerRound: 1,
    rounds: 0,
    samples: [],
  };
}

function errorCell(e: unknown): Cell {
  if (e instanceof Unavailable) return { status: e.kind, note: e.message };
  if (e instanceof ChildError && e.status !== 'error') return { status: e.status, note: e.message };
  const msg = e instanceof Error ? e.message : String(e);
  return { status: 'error', note: msg.split('\n')[0]!.slice(0, 300) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Two measurements of one row pooled: an implementation timed in both gets
 * the median of all their rounds; one that failed or was skipped in either
 * keeps that cell.
 */
export function poolCells(a: Partial<Record<ImplName, Cell>>, b: Partial<Record<ImplName, Cell>>): Partial<Record<ImplName, Cell>> {
  const out: Partial<Record<ImplName, Cell>> = {};
  for (const impl of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<ImplName>) {
    const x = a[impl];
    const y = b[impl];
    if (x?.status === 'ok' && y?.status === 'ok') {
      const samples = [...x.samples!, ...y.samples!];
      out[impl] = { status: 'ok', ms: median(samples), minMs: Math.min(...samples), samples, stepsPerRound: x.stepsPerRound };
    } else {
      out[impl] = x !== undefined && x.status !== 'ok' ? x : (y ?? x)!;
    }
  }
  return out;
}

/** Measures one row; every implementation gets a cell (absent peers are left out). */
export async function measure(w: Workload, ctx: Context): Promise<Partial<Record<ImplName, Cell>>> {
  const { settings } = ctx;
  const cells: Partial<Record<ImplName, Cell>> = {};
  const runners: Runner[] = [];

  try {
    const p = await w.neurone(ctx.neurone);
    runners.push(jsRunner('neurone', p));
  } catch (e) {
    cells.neurone = errorCell(e);
  }
  const neuroneOut = cells.neurone !== undefined;

  // Peers: in --quick, rows neurone cannot run yet and peers known to be very slow are not timed.
  const quickSkip = (peer: PeerName): string | null => {
    if (!settings.quick) return null;
    if (neuroneOut) return 'not timed in --quick while the neurone side is unavailable';
    const why = w.quickSkip?.[peer];
    return why ? `not timed in --quick (${why})` : null;
  };

  for (const [backend, client] of ctx.tfjs) {
    const name = `tfjs-${backend}` as const;
    if (!ctx.peers.has(name)) continue;
    if ('none' in w.tfjs) {
      cells[name] = { status: 'none', note: w.tfjs.none };
      continue;
    }
    const skip = quickSkip(name);
    if (skip) {
      cells[name] = { status: 'skipped', note: skip };
      continue;
    }
    const r = await client.setup(w.id);
    if (r.ok) runners.push(childRunner(name, client, w.id));
    else cells[name] = { status: r.status, note: r.note };
  }

  if (ctx.torch && ctx.peers.has('torch')) {
    const skip = quickSkip('torch');
    if (skip) cells.torch = { status: 'skipped', note: skip };
    else {
      const r = await ctx.torch.setup(w.id);
      if (r.ok) runners.push(childRunner('torch', ctx.torch, w.id));
      else cells.torch = { status: r.status, note: r.note };
    }
  }

  const fail = async (r: Runner, e: unknown) => {
    cells[r.impl] = errorCell(e);
    runners.splice(runners.indexOf(r), 1);
    try {
      await r.dispose();
    } catch {
      /* already failed */
    }
  };

  // Warm-up: one step (which may pay one-time costs: compilation, pools), a
  // second that estimates the step time, then about warmMs of steps for
  // short ones; the estimate sizes the rounds. Only a first step slower than
  // singleShotMs is taken as the measurement itself.
  for (const r of [...runners]) {
    try {
      const t1 = await r.run(1);
      if (t1 > settings.singleShotMs) {
        r.samples.push(t1);
        r.rounds = 0;
        continue;
      }
      let est = await r.run(1);
      if (t1 + est < settings.warmMs) {
        const k = Math.min(10000, Math.max(1, Math.ceil((settings.warmMs - t1 - est) / est)));
        est = (await r.run(k)) / k;
      }
      r.stepsPerRound = Math.max(1, Math.round(settings.roundMs / est));
      const minRounds = est > settings.slowMs ? 1 : 3;
      const fit = Math.floor(settings.budgetMs / (est * r.stepsPerRound));
      r.rounds = Math.min(settings.maxRounds, Math.max(minRounds, fit));
    } catch (e) {
      await fail(r, e);
    }
  }

  const most = Math.max(0, ...runners.map((r) => r.rounds));
  for (let round = 0; round < most; round++) {
    const order = runners.map((_, i) => runners[(i + round) % runners.length]!);
    for (const r of order) {
      if (round >= r.rounds || !runners.includes(r)) continue;
      try {
          await new Promise((done) => setTimeout(done, settings.gapMs));
        const t = await r.run(r.stepsPerRound);
        r.samples.push(t / r.stepsPerRound);
      } catch (e) {
        await fail(r, e);
      }
    }
  }

  for (const r of runners) {
    cells[r.impl] = { status: 'ok', ms: median(r.samples), minMs: Math.min(...r.samples), samples: r.samples, stepsPerRound: r.stepsPerRound };
    await r.dispose();
  }
  return cells;
}
