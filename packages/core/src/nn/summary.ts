import { noGrad } from '../autograd.js';
import { zeros } from '../creation.js';
import { type DType, isFloating } from '../dtype.js';
import { DTypeError, NeuroneError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { Module } from './module.js';

export interface SummaryOptions {
  /** dtype of the zero inputs made from shapes (default: that of the model's first floating parameter, else float32). */
  dtype?: DType;
  /** Print the table (default true). */
  print?: boolean;
  /** Where printed lines go (default console.log). */
  log?: (line: string) => void;
}

/** One call of one module during the summary's forward pass. */
export interface SummaryRow {
  /** Dotted path in the model ('' for the model itself). */
  name: string;
  /** Class name. */
  type: string;
  /** Nesting depth (0 for the model). */
  depth: number;
  /** Shape of the output, or of each output when the module returns several. */
  outputShape: number[] | number[][] | null;
  /** Parameters the module owns directly (not its children's). */
  params: number;
}

/** What `summary` returns; `toString()` is the printed table. */
export interface ModelSummary {
  rows: SummaryRow[];
  /** Every parameter element, each shared parameter once. */
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  toString(): string;
}

type Input = readonly number[] | Tensor;

/**
 * Runs one forward pass on zeros of `inputShape` (batch dim included) and
 * reports every module it went through, in call order: its name and type,
 * its output shape and its own parameter count, then the totals. It runs in
 * evaluation mode without gradients and restores the model afterwards, so
 * nothing (training mode, running statistics, random numbers) changes.
 * Pass a tensor instead of a shape for inputs that are not zeros of the
 * model's dtype (e.g. int32 token ids), and an array for several inputs.
 *
 * Example:
 *   summary(new nn.Linear(20, 10), [1, 20]).totalParams; // 210, and prints:
 *   // Layer (type)          Output shape    Param #
 *   // ==============================================
 *   // Linear                [1,10]              210
 *   // ...
 */
export function summary(model: Module, inputShape: Input | readonly Input[], opts: SummaryOptions = {}): ModelSummary {
  if (!(model instanceof Module)) throw new DTypeError(`summary: expected a Module, got ${model === null ? 'null' : typeof model}`);
  const dtype = opts.dtype ?? model.parameters().find((p) => isFloating(p.dtype))?.dtype ?? 'float32';
  const inputs = makeInputs(inputShape, dtype);

  const named = model.namedModules();
  const depthOf = new Map<Module, [string, number]>();
  for (const [name, m] of named) depthOf.set(m, [name, name === '' ? 0 : name.split('.').length]);

  const rows: SummaryRow[] = [];
  const restore: Array<() => void> = [];
  const modes = named.map(([, m]) => [m, m.training] as const);
  for (const [name, m] of named) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const original = m.forward as (...a: unknown[]) => unknown;
    const [, depth] = depthOf.get(m)!;
    const params = m.parameters(false).reduce((n, p) => n + p.size, 0);
    Object.defineProperty(m, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: function (this: Module, ...args: unknown[]) {
        const row: SummaryRow = { name, type: m.typeName(), depth, outputShape: null, params };
        rows.push(row); // pushed before the call so that parents come before their children
        const out = original.apply(this, args);
        row.outputShape = shapeOf(out);
        return out;
      },
    });
    restore.push(() => {
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as unknown as Record<string, unknown>).forward;
    });
  }
  try {
    model.eval();
    noGrad(() => model.forward(...inputs));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const last = rows[rows.length - 1];
    throw new NeuroneError(
      `summary: the forward pass on input ${inputs.map((x) => fmtShape(x.shape)).join(', ')} failed` +
        (last ? ` in ${last.name || '(model)'} (${last.type})` : '') + `: ${msg}`,
    );
  } finally {
    for (const r of restore) r();
    for (const [m, t] of modes) m.training = t;
  }

  const all = model.parameters();
  const totalParams = all.reduce((n, p) => n + p.size, 0);
  const trainableParams = all.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const result: ModelSummary = {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    toString: () => formatTable(result),
  };
  if (opts.print ?? true) {
    const log = opts.log ?? ((line: string) => console.log(line));
    for (const line of formatTable(result).split('\n')) log(line);
  }
  return result;
}

function makeInputs(spec: Input | readonly Input[], dtype: DType): Tensor[] {
  const one = (s: Input): Tensor => {
    if (s instanceof Tensor) return s;
    if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new DTypeError(`summary: expected an input shape (array of sizes, batch dim included) or a Tensor, got ${JSON.stringify(s)}`);
    }
    return zeros(s, { dtype });
  };
  if (spec instanceof Tensor) return [spec];
  if (Array.isArray(spec) && spec.length > 0 && (Array.isArray(spec[0]) || spec[0] instanceof Tensor)) return (spec as readonly Input[]).map(one);
  return [one(spec as Input)];
}

function shapeOf(out: unknown): number[] | number[][] | null {
  if (out instanceof Tensor) return [...out.shape];
  if (Array.isArray(out) && out.length > 0 && out.every((o) => o instanceof Tensor)) return out.map((o: Tensor) => [...o.shape]);
  return null;
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatTable(s: ModelSummary): string {
  const body = s.rows.map((r) => [
    `${'  '.repeat(r.depth)}${r.name === '' ? r.type : `${r.name} (${r.type})`}`,
    r.outputShape === null ? '--' : Array.isArray(r.outputShape[0]) ? (r.outputShape as number[][]).map(fmtShape).join(', ') : fmtShape(r.outputShape as number[]),
    r.params === 0 && r.depth < maxDepthBelow(s.rows, r) ? '--' : fmtCount(r.params),
  ]);
  const header = ['Layer (type)', 'Output shape', 'Param #'];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)) + 2);
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]! - 2) : c.padEnd(widths[i]!))).join('').trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) - 2);
  return [
    line(header),
    rule,
    ...body.map(line),
    rule,
    `Total params: ${fmtCount(s.totalParams)}`,
    `Trainable params: ${fmtCount(s.trainableParams)}`,
    `Non-trainable params: ${fmtCount(s.nonTrainableParams)}`,
  ].join('\n');
}

/** The depth of the deepest row nested under `r` (its own depth if it has no children rows): containers show '--'. */
function maxDepthBelow(rows: SummaryRow[], r: SummaryRow): number {
  const i = rows.indexOf(r);
  let d = r.depth;
  for (let j = i + 1; j < rows.length && rows[j]!.depth > r.depth; j++) d = Math.max(d, rows[j]!.depth);
  return d;
}
