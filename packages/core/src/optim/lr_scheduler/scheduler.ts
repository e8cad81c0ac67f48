// The base class of epoch-based LR schedulers (torch/optim/lr_scheduler.py's _LRScheduler).
import { NeuroneError } from '../../errors.js';
import { Optimizer } from '../optimizer.js';
import { collectState, restoreState, type SchedulerStateDict, type Stateful } from './state.js';

/** Any optimizer: schedulers only read and write each group's `lr`. */
export type AnyOptimizer = Optimizer<{ lr: number }, object>;

/**
 * Base class of the LR schedulers. A scheduler sets each param group's `lr`
 * on construction (epoch 0) and on every `step()` (call it after
 * `optimizer.step()`, usually once per epoch). Like PyTorch, the update is
 * chainable: each step derives the new lr from the group's current lr, so a
 * manual change of `lr` carries on.
 *
 * The first scheduler attached records each group's starting lr as
 * `initialLr`; `baseLrs` are those values.
 *
 * Subclasses set their fields, then call `initialStep()` at the end of their
 * constructor.
 */
export abstract class LRScheduler implements Stateful {
  readonly optimizer: AnyOptimizer;
  /** Each group's initial lr. */
  baseLrs: number[];
  /** The number of `step()` calls so far (0 after construction). */
  lastEpoch = -1;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  protected readonly name: string;

  protected constructor(name: string, optimizer: AnyOptimizer) {
    this.name = name;
    if (!(optimizer instanceof Optimizer)) {
      throw new NeuroneError(`${name}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    }
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) {
      if (group.initialLr === undefined) group.initialLr = group.lr;
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** Applies epoch 0's learning rates; subclasses call it last in their constructor. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.computeLr();
    const groups = this.optimizer.paramGroups;
    for (let i = 0; i < groups.length; i++) groups[i]!.lr = values[i]!;
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The learning rates set by the last `step()` (or the constructor), one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's fields (except the optimizer), as plain values. */
  stateDict(): SchedulerStateDict {
    return collectState(this);
  }

  /** Restores fields saved by `stateDict()`; group lrs live in the optimizer's own state dict. */
  loadStateDict(sd: SchedulerStateDict): void {
    restoreState(this.name, this, sd);
  }

  /** The learning rates for epoch `lastEpoch`, one per group. */
  protected abstract computeLr(): number[];
}

/** Throws `<name>: <what> should be <expected>, got <value>` unless ok. */
export function checkArg(name: string, what: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new NeuroneError(`${name}: ${what} should be ${expected}, got ${String(value)}`);
}
