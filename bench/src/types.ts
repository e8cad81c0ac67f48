// The shapes every workload file and the harness share.
import type * as Core from '@neurone/core';
import type { Tf } from './tfjs.js';

/** The implementations a row is timed with; `neurone` is the one under test. */
export type ImplName = 'neurone' | 'tfjs-wasm' | 'tfjs-cpu' | 'torch';
export const PEERS = ['tfjs-wasm', 'tfjs-cpu', 'torch'] as const;
export type PeerName = (typeof PEERS)[number];

/**
 * One timed step. Synchronous work is timed around the call; the result of
 * every step must be complete when it returns (tfjs: read the loss back).
 */
export type Step = () => void;

/**
 * What a workload's implementation returns once set up: the step to time and,
 * optionally, a teardown (tfjs variables must be disposed).
 */
export interface Prepared {
  step: Step;
  dispose?: () => void;
}

/** Thrown from a setup when the implementation cannot run the row. */
export class Unavailable extends Error {
  constructor(
    /** `skipped`: neurone lacks an export yet; `cannot`: the peer lacks a kernel or a layer. */
    readonly kind: 'skipped' | 'cannot',
    reason: string,
  ) {
    super(reason);
  }
}

/** The optional domain packages, loaded when built (null otherwise). */
export interface NeuroneEnv {
  core: typeof Core;
  vision: Record<string, any> | null;
  sequence: Record<string, any> | null;
  generative: Record<string, any> | null;
}

/** tfjs with its backend already selected (`tf.getBackend()` is `backend`). */
export interface TfEnv {
  tf: Tf;
  backend: 'wasm' | 'cpu';
}

/** The goal from issue 3 the row is judged against (shown in the table). */
export type Target =
  | { kind: 'gflops-vs-wasm'; factor: number } // neurone GFLOP/s >= factor x tfjs-wasm's
  | { kind: 'time-vs-torch'; factor: number }; // neurone ms <= factor x PyTorch's

export interface Workload {
  /** Stable key, shared with bench/py/bench_torch.py and the JSON. */
  id: string;
  /** Row label in the table. */
  title: string;
  /** What exactly is timed: shapes, loss, optimizer (one line, for the JSON and the README). */
  spec: string;
  /** Floating-point operations of one step (GEMM rows: shown as GFLOP/s). */
  flops?: number;
  target?: Target;
  neurone(env: NeuroneEnv): Prepared | Promise<Prepared>;
  /** The TensorFlow.js version, or why tfjs has none (e.g. no CTC loss). */
  tfjs: ((env: TfEnv) => Prepared | Promise<Prepared>) | { none: string };
  /**
   * Peers skipped under --quick, with the per-step time measured on this
   * machine (issue 3) that makes them too slow for a 2-minute run.
   */
  quickSkip?: Partial<Record<PeerName, string>>;
}

/** One implementation's outcome on one row. */
export interface Cell {
  status: 'ok' | 'skipped' | 'cannot' | 'none' | 'error';
  /** Median ms per step over the measured rounds. */
  ms?: number;
  /** Fastest round (ms per step): less sensitive to a busy machine than the median. */
  minMs?: number;
  /** Every measured round (ms per step). */
  samples?: number[];
  /** Steps per round. */
  stepsPerRound?: number;
  note?: string;
}
