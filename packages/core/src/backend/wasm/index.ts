// The WebAssembly backend: float32 kernels in WebAssembly SIMD (relaxed SIMD's
// fused multiply-add where the engine has it), multi-threaded for large work.
// Operands are copied into the module's memory per call and results copied
// back, so tensors stay plain garbage-collected typed arrays; long-lived state
// (trained parameters, optimizer moments) may live in that memory as views
// (allocState), which kernels read in place. Other dtypes
// (float64, int32 arithmetic, bool) run the reference kernels.
import type { TypedArray } from '../../dtype.js';
import { stridesOf, type Shape } from '../../shape.js';
import type { Backend, BinaryOp, ConvParams, Im2colParams, MatmulParams, ReduceOp, UnaryOp } from '../backend.js';
import type { ConvSaved, LstmSaved } from '../backend.js';
import { convBackwardComposed, convForwardComposed, convGemmSizes, convInputGradComposed, convWeightGradComposed, fillBias } from '../conv.js';
import { LstmArrays, lstmArrays, lstmBackwardComposed, lstmForwardComposed, lstmStarts } from '../lstm.js';
import { NeuroneError } from '../../errors.js';
import { jsBackend as js } from '../js.js';
import { Pool, type Overlap, type Task } from './pool.js';
import { align, builtin, envVar, OutOfWasmMemory, Runtime, type TaskName } from './runtime.js';

const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, square: 7, reciprocal: 8, sin: 9, cos: 10,
  floor: 11, ceil: 12, round: 13, log1p: 14, expm1: 15, relu: 16, sigmoid: 17, tanh: 18, softplus: 19,
  gelu: 20, silu: 21, geluGrad: 22, leakyRelu: 23, elu: 24, clamp: 25, powScalar: 26, addScalar: 27,
  mulScalar: 28, affine: 29,
};
/** Unary ops whose cost per element is well above a copy: worth threads on large inputs. */
const HEAVY_UNARY = new Set<UnaryOp>([
  'exp', 'log', 'sin', 'cos', 'log1p', 'expm1', 'sigmoid', 'tanh', 'softplus', 'gelu', 'silu', 'geluGrad', 'elu', 'powScalar',
]);
const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12, and: 13, or: 14,
};
const CMP_CODE = BINARY_CODES.eq;
const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, prod: 3 };

/**
 * Elementwise work on fewer elements than this runs the reference kernel: for
 * a handful of elements, copying into wasm memory costs more than the loop.
 */
let smallThreshold = 128;

/** Sets the size below which elementwise kernels run the reference code (0: always wasm; the kernel tests use it). */
export function setWasmSmallThreshold(n: number): void {
  smallThreshold = n;
}

/** Work below these sizes stays on the calling thread. */
const GEMM_MIN_FLOPS = 1 << 22;
/** At most this many bytes of B packed once for all threads (sharedBTasks); larger, each packs its own blocks. */
const SHARED_B_BYTES = 16 << 20;
const ELEMENTWISE_MIN = 1 << 16;
const HEAVY_MIN = 1 << 14;
/** Parameters from which an Adam step is split between threads: a square root and a division each. */
const ADAM_MIN = 1 << 15;
/** Elements (rows x hidden) from which an LSTM cell kernel is split between threads: each costs a few transcendentals. */
const CELL_MIN = 1 << 12;

// ---- threads ----

function hardwareThreads(): number {
  const os = builtin<{ availableParallelism?(): number; cpus(): unknown[] }>('node:os');
  if (!os) return 1;
  return Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
}

function defaultThreads(): number {
  const env = envVar('NEURONE_THREADS');
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return n;
  }
  return Math.min(hardwareThreads(), 8);
}

let numThreads = defaultThreads();

/**
 * Sets how many threads the wasm backend may use for large kernels (the
 * calling thread counts as one). 1 keeps everything on the calling thread.
 *
 * Example:
 *   setNumThreads(1);
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new NeuroneError(`setNumThreads: expected a positive integer, got ${String(n)}`);
  numThreads = n;
}

/** The thread count set by setNumThreads (default: NEURONE_THREADS, else the cores, at most 8). */
export function getNumThreads(): number {
  return numThreads;
}

let runtime: Runtime | null = null;
let pool: Pool | null = null;

function rt(): Runtime {
  if (!runtime) runtime = new Runtime(Math.max(1, Math.min(16, Math.max(hardwareThreads(), numThreads))));
  return runtime;
}

/** Threads to use for a kernel of the given amount of work. */
function threadsFor(work: number, min: number): number {
  if (numThreads <= 1 || work < min) return 1;
  if (!pool) {
    if (!Pool.supported()) return 1;
    pool = new Pool(rt());
  }
  return pool.ensure(numThreads);
}

function runTasks(tasks: Task[], overlap: Overlap = {}): void {
  if (tasks.length === 1) {
    const [name, args] = tasks[0]!;
    overlap.before?.();
    (rt().k as unknown as Record<string, (...a: number[]) => void>)[name]!(...args);
    overlap.after?.();
  } else {
    pool!.run(tasks, overlap);
  }
}

/** Splits [0, n) into `parts` ranges whose bounds are multiples of `step`. */
function ranges(n: number, parts: number, step: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const per = Math.ceil(n / parts / step) * step;
  for (let s = 0; s < n; s += per) out.push([s, Math.min(n, s + per)]);
  return out;
}

/**
 * About the wasm backend: whether relaxed SIMD is in use, the thread count,
 * the worker threads started so far, and the size of its WebAssembly memory.
 */
export function wasmInfo(): { relaxedSimd: boolean; threads: number; workers: number; memoryBytes: number } {
  const r = rt();
  return { relaxedSimd: r.relaxed, threads: numThreads, workers: pool?.workerCount ?? 0, memoryBytes: r.memory.buffer.byteLength };
}

// ---- resident operands ----

/** A wasm backend resident copy: its offset while live. */
class WasmResident {
  live = true;
  constructor(readonly length: number, readonly offset: number, readonly block: object) {}
}

/** Frees the blocks of handles that were garbage collected without `release`. */
const residentsCollected = new FinalizationRegistry<object>((block) => rt().unpin(block));

/** The offset of an operand's resident copy, or -1: a handle from elsewhere, released, or of another size. */
function residentOffset(h: unknown, x: TypedArray): number {
  return h instanceof WasmResident && h.live && h.length === x.length ? h.offset : -1;
}

// ---- long-lived state (Backend.allocState) ----

/** At most this many bytes of state live in wasm memory; past it allocState declines. */
const STATE_CAP = 256 << 20;
let stateBytes = 0;
/** Byte offsets of the state arrays that are views of wasm memory. */
const stateOffsets = new WeakMap<Float32Array, number>();
/** Frees a state array's block once the array is garbage collected. */
const stateCollected = new FinalizationRegistry<{ block: object; bytes: number }>(({ block, bytes }) => {
  stateBytes -= bytes;
  rt().unpin(block);
});

/** Where a kernel reads x: in place if it is a state array (a parameter), else a fresh copy. Only for read-only operands. */
function operand(r: Runtime, x: TypedArray): number {
  return (x instanceof Float32Array ? stateOffsets.get(x) : undefined) ?? r.put(x);
}

/**
 * Where a kernel updates x in place: a state array where it lives, else a
 * copy, which `copyBack` (run after the kernel) returns to x.
 */
function updated(r: Runtime, x: Float32Array, copyBack: Array<() => void>): number {
  const o = stateOffsets.get(x);
  if (o !== undefined) return o;
  const p = r.put(x);
  copyBack.push(() => r.take(p, x));
  return p;
}

// ---- what an LSTM forward keeps for its backward ----

/**
 * An LSTM layer's saved buffers left in wasm memory between its forward and
 * backward passes (act 4H, tc, hPrev, cPrev per row: 7H floats), instead of
 * being copied out and back in.
 */
class WasmLstmSaved implements LstmSaved, SavedBlock {
  readonly lstmSaved = true;
  live = true;
  constructor(readonly offset: number, readonly block: object, readonly bytes: number, readonly rows: number, readonly hidden: number) {}

  /** Byte offsets of the four buffers. */
  parts(): { act: number; tc: number; hPrev: number; cPrev: number } {
    const rh = this.rows * this.hidden * 4;
    return { act: this.offset, tc: this.offset + 4 * rh, hPrev: this.offset + 5 * rh, cPrev: this.offset + 6 * rh };
  }

  /** A copy in JS arrays (for the reference path). */
  arrays(): LstmArrays {
    const f32 = rt().f32;
    const rh = this.rows * this.hidden;
    const at = (p: number, n: number) => f32.slice(p >> 2, (p >> 2) + n);
    const q = this.parts();
    return new LstmArrays(at(q.act, 4 * rh), at(q.tc, rh), at(q.hPrev, rh), at(q.cPrev, rh));
  }
}

/**
 * Bytes of saved buffers (LSTM layers, conv columns) kept in wasm memory at
 * most: past it (forwards whose backward never came and whose handles are
 * not yet collected) an LSTM's are copied out and a conv's are not kept, so
 * wasm memory, which never shrinks, stays bounded.
 */
const SAVED_CAP = 512 << 20;
let savedBytes = 0;
const savedCollected = new FinalizationRegistry<{ block: object; bytes: number }>(({ block, bytes }) => {
  savedBytes -= bytes;
  rt().unpin(block);
});

/** A block for saved buffers, or null past the cap or when memory cannot grow; `make` wraps it in its handle. */
function reserveSaved<T extends SavedBlock>(bytes: number, make: (offset: number, block: object) => T): T | null {
  if (savedBytes + bytes > SAVED_CAP) return null;
  try {
    const { offset, block } = rt().reserve(bytes);
    const kept = make(offset, block);
    savedBytes += bytes;
    savedCollected.register(kept, { block, bytes }, kept);
    return kept;
  } catch (e) {
    if (e instanceof OutOfWasmMemory) return null;
    throw e;
  }
}

interface SavedBlock {
  live: boolean;
  readonly block: object;
  readonly bytes: number;
}

function freeSaved(s: SavedBlock): void {
  if (!s.live) return;
  s.live = false;
  savedCollected.unregister(s);
  savedBytes -= s.bytes;
  rt().unpin(s.block);
}

// ---- what a conv forward keeps for its backward ----

/** The unrolled input (batch x K x L floats) of a conv forward, left in wasm memory for the weight gradient. */
class WasmConvSaved implements ConvSaved, SavedBlock {
  readonly convSaved = true;
  live = true;
  /** `kind`: the unrolled columns of the batch, or its Winograd-transformed input (V). */
  constructor(readonly offset: number, readonly block: object, readonly bytes: number, readonly kind: 'columns' | 'winograd' = 'columns') {}
}

// ---- layouts ----

/**
 * Drops size-1 dims and merges neighbours that every operand walks
 * contiguously: out (dims) reads operand j at sum(coord * strides[j]).
 */
function collapse(outShape: Shape, strideLists: number[][]): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const strides: number[][] = strideLists.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    const size = outShape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strideLists.every((s, j) => strides[j]![last] === s[d]! * size)) {
      dims[last]! *= size;
      for (let j = 0; j < strides.length; j++) strides[j]![last] = strideLists[j]![d]!;
    } else {
      dims.push(size);
      for (let j = 0; j < strides.length; j++) strides[j]!.push(strideLists[j]![d]!);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of strides) s.push(0);
  }
  return { dims, strides };
}

/** Strides of `shape` right-aligned against `outShape`, 0 where it broadcasts. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const s = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const off = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : s[i]!;
  return out;
}

function layoutInts(l: { dims: number[]; strides: number[][] }): number[] {
  return [l.dims.length, ...l.dims, ...l.strides.flat()];
}

function rowsOf(dims: number[]): number {
  let r = 1;
  for (let i = 0; i < dims.length - 1; i++) r *= dims[i]!;
  return r;
}

const isF32 = (x: TypedArray): x is Float32Array => x instanceof Float32Array;
const is4 = (x: TypedArray): boolean => x instanceof Float32Array || x instanceof Int32Array;

/** Runs `fast` on the wasm kernels, or `slow` (the reference kernel) when the scratch would not fit. */
function guarded(fast: () => void, slow: () => void): void {
  try {
    fast();
  } catch (e) {
    if (e instanceof OutOfWasmMemory) slow();
    else throw e;
  }
}

/** One sgemmBatch call in wasm memory: pointers are byte offsets, strides in elements. */
interface GemmCall {
  batch: number; m: number; n: number; k: number;
  a: number; lda: number; strideA: number; transA: boolean;
  b: number; ldb: number; strideB: number; transB: boolean;
  c: number; ldc: number; strideC: number; accumulate: boolean;
}

/**
 * Splits a batched GEMM into `t` tasks: by batch when there are enough
 * matrices (and strideC != 0, so that no two tasks add into one C), else by
 * rows or columns of C. Each task gets its own thread's workspace.
 */
function gemmTasks(r: Runtime, t: number, g: GemmCall): Task[] {
  const tasks: Task[] = [];
  const task = (bt: number, mm: number, nn: number, ao: number, bo: number, co: number): void => {
    tasks.push(['sgemmBatch', [
      bt, mm, nn, g.k, ao, g.lda, g.strideA, g.transA ? 1 : 0, bo, g.ldb, g.strideB, g.transB ? 1 : 0,
      co, g.ldc, g.strideC, g.accumulate ? 1 : 0, r.workspace(tasks.length),
    ]]);
  };
  const { batch, m, n } = g;
  if (t === 1) {
    task(batch, m, n, g.a, g.b, g.c);
  } else if (g.strideC !== 0 && (batch >= 2 * t || (batch >= t && batch % t === 0))) {
    for (const [s, e] of ranges(batch, t, 1)) task(e - s, m, n, g.a + s * g.strideA * 4, g.b + s * g.strideB * 4, g.c + s * g.strideC * 4);
  } else if (m >= n) {
    // rows of C: rows of A (columns when A is stored transposed)
    for (const [s, e] of gemmRows(m, t)) task(batch, e - s, n, g.a + (g.transA ? s : s * g.lda) * 4, g.b, g.c + s * g.ldc * 4);
  } else {
    for (const [s, e] of ranges(n, t, 8)) task(batch, m, e - s, g.a, g.b + (g.transB ? s * g.ldb : s) * 4, g.c + s * 4);
  }
  return tasks;
}

/**
 * One GEMM (batch 1) split by `rows` of C (of A; its columns when A is stored
 * transposed), the tasks sharing B's panels: packed once into this call's
 * scratch, each by the first thread to reach it (each task starts at its own
 * share of them).
 */
function sharedBTasks(r: Runtime, rows: Array<[number, number]>, g: GemmCall): Task[] {
  const n8 = align(g.n, 8);
  const packed = r.alloc(g.k * n8 * 4);
  const flags = r.zeros(r.k.sharedBFlagBytes(g.k, g.n));
  return rows.map(([s, e], i): Task => ['sgemmSharedB', [
    e - s, g.n, g.k, g.a + (g.transA ? s : s * g.lda) * 4, g.lda, g.transA ? 1 : 0, g.b, g.ldb, g.transB ? 1 : 0, packed, flags,
    Math.floor((i * n8) / 8 / rows.length), g.c + s * g.ldc * 4, g.ldc, g.accumulate ? 1 : 0, r.workspace(i),
  ]]);
}

/** The rows of C each thread takes when one GEMM is split by rows; the calling thread's come first. */
function gemmRows(m: number, t: number): Array<[number, number]> {
  return ranges(m, t, 4);
}

/**
 * An LSTM cell kernel over n rows of H units, split by rows between threads.
 * `rowPtrs` are its pointer arguments with the bytes one row advances each.
 */
function cellTasks(name: 'lstmCell' | 'lstmCellBackward', n: number, H: number, rowPtrs: Array<[number, number]>): void {
  const t = threadsFor(n * H, CELL_MIN);
  runTasks(ranges(n, Math.min(t, n), 1).map(([r0, r1]): Task => [name, [...rowPtrs.map(([p, stride]) => p + r0 * stride), r1 - r0, H]]));
}

// ---- the backend ----

export const wasmBackend: Backend = {
  name: 'wasm',

  alloc(dtype, size, uninitialized) {
    return js.alloc(dtype, size, uninitialized);
  },

  fill(out, value) {
    out.fill(value);
  },

  cast(x, out) {
    const kind =
      x instanceof Float32Array && out instanceof Int32Array ? 0
        : x instanceof Int32Array && out instanceof Float32Array ? 1
          : x instanceof Float32Array && out instanceof Uint8Array ? 2
            : x instanceof Uint8Array && out instanceof Float32Array ? 3 : -1;
    if (kind < 0 || x.length === 0) return js.cast(x, out);
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.put(x);
      const po = r.space(out);
      r.k.cast(kind, px, po, x.length);
      r.take(po, out);
    }, () => js.cast(x, out));
  },

  unary(op, x, out, p0 = 0, p1 = 0) {
    const code = UNARY_CODES[op];
    if (code === undefined || !isF32(x) || !isF32(out) || x.length < smallThreshold || x.length === 0) {
      return js.unary(op, x, out, p0, p1);
    }
    guarded(() => {
      const r = rt();
      r.reset();
      const n = x.length;
      const px = r.put(x);
      const po = r.space(out);
      const t = threadsFor(n, HEAVY_UNARY.has(op) ? HEAVY_MIN : ELEMENTWISE_MIN);
      if (t === 1) r.k.unary(code, px, po, n, p0, p1);
      else runTasks(ranges(n, t, 4).map(([s, e]): Task => ['unary', [code, px + s * 4, po + s * 4, e - s, p0, p1]]));
      r.take(po, out);
    }, () => js.unary(op, x, out, p0, p1));
  },

  binary(op, a, aShape, b, bShape, out, outShape) {
    const code = BINARY_CODES[op];
    const n = out.length;
    if (!isF32(a) || !isF32(b) || !(code >= CMP_CODE ? out instanceof Uint8Array : isF32(out)) || n < smallThreshold || n === 0) {
      return js.binary(op, a, aShape, b, bShape, out, outShape);
    }
    guarded(() => {
      // the common cases need no layout walk: one row of n with strides 0 or 1
      let l: { dims: number[]; strides: number[][] };
      if (a.length === n && b.length === n) l = { dims: [n], strides: [[1], [1]] };
      else if (a.length === n && b.length === 1) l = { dims: [n], strides: [[1], [0]] };
      else if (a.length === 1 && b.length === n) l = { dims: [n], strides: [[0], [1]] };
      else l = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
      const r = rt();
      r.reset();
      const pa = r.put(a);
      const pb = r.put(b);
      const po = r.space(out);
      const lay = r.ints(layoutInts(l));
      const rows = rowsOf(l.dims);
      const t = rows > 1 ? threadsFor(n, ELEMENTWISE_MIN) : 1;
      if (t === 1) {
        r.k.binary(code, pa, pb, po, lay, 0, rows, r.alloc((rows * 2 + l.dims.length) * 4));
      } else {
        runTasks(ranges(rows, Math.min(t, rows), 1).map(([r0, r1]): Task => {
          const offs = r.alloc(((r1 - r0) * 2 + l.dims.length) * 4);
          return ['binary', [code, pa, pb, po, lay, r0, r1, offs]];
        }));
      }
      r.take(po, out);
    }, () => js.binary(op, a, aShape, b, bShape, out, outShape));
  },

  where(cond, condShape, a, aShape, b, bShape, out, outShape) {
    const same = (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)
      || (a instanceof Int32Array && b instanceof Int32Array && out instanceof Int32Array);
    if (!same || !(cond instanceof Uint8Array) || out.length < smallThreshold || out.length === 0) {
      return js.where(cond, condShape, a, aShape, b, bShape, out, outShape);
    }
    guarded(() => {
      const l = collapse(outShape, [
        broadcastStrides(condShape, outShape), broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape),
      ]);
      const r = rt();
      r.reset();
      const pc = r.put(cond);
      const pa = r.put(a);
      const pb = r.put(b);
      const po = r.space(out);
      const lay = r.ints(layoutInts(l));
      const rows = rowsOf(l.dims);
      const offs = r.alloc((rows * 3 + l.dims.length) * 4);
      r.k.where(pc, pa, pb, po, lay, 0, rows, offs);
      r.take(po, out);
    }, () => js.where(cond, condShape, a, aShape, b, bShape, out, outShape));
  },

  reduce(op, x, outer, size, inner, out) {
    if (!isF32(x) || !isF32(out) || size === 0 || out.length === 0) return js.reduce(op, x, outer, size, inner, out);
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.put(x);
      const po = r.space(out);
      const ws = r.alloc(inner * 8);
      r.k.reduce(REDUCE_CODES[op], px, outer, size, inner, po, ws);
      r.take(po, out);
    }, () => js.reduce(op, x, outer, size, inner, out));
  },

  argReduce(op, x, outer, size, inner, out) {
    if (!isF32(x) || size === 0 || out.length === 0) return js.argReduce(op, x, outer, size, inner, out);
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.put(x);
      const po = r.space(out);
      r.k.argReduce(op === 'argmax' ? 1 : 0, px, outer, size, inner, po);
      r.take(po, out);
    }, () => js.argReduce(op, x, outer, size, inner, out));
  },

  softmax(x, outer, size, inner, out, log) {
    if (!isF32(x) || !isF32(out) || x.length === 0) return js.softmax(x, outer, size, inner, out, log);
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.put(x);
      const po = r.space(out);
      const t = threadsFor(x.length, HEAVY_MIN);
      runTasks(ranges(outer, Math.min(t, outer), 1).map(([o0, o1]): Task => ['softmax', [px, o0, o1, size, inner, po, log ? 1 : 0]]));
      r.take(po, out);
    }, () => js.softmax(x, outer, size, inner, out, log));
  },

  matmul(a, b, out, p: MatmulParams) {
    const bias = p.bias ?? null;
    if (!isF32(a) || !isF32(b) || !isF32(out) || (bias !== null && !isF32(bias))) return js.matmul(a, b, out, p);
    const { batch, m, n, k, transA, transB, strideA, strideB, accumulate } = p;
    if (batch === 0 || m === 0 || n === 0) return;
    guarded(() => {
      const r = rt();
      r.reset();
      const t = threadsFor(2 * batch * m * n * k, GEMM_MIN_FLOPS);
      // one matrix split by rows (sharing B's packed panels): this thread's, the first, are copied in once
      // the workers have started, and its rows of C copied out while they finish
      const rows = t > 1 && batch === 1 && m >= n ? gemmRows(m, t) : null;
      const own = rows ? rows[0]![1] : 0;
      const ra = residentOffset(p.residentA, a);
      const rb = residentOffset(p.residentB, b);
      const pb = rb >= 0 ? rb : operand(r, b);
      const lateA = own > 0 && ra < 0 && !transA && !stateOffsets.has(a);
      let pa: number;
      if (lateA) {
        pa = r.space(a);
        r.f32.set(a.subarray(own * k), (pa >> 2) + own * k);
      } else {
        pa = ra >= 0 ? ra : operand(r, a);
      }
      const pc = accumulate ? r.put(out) : r.space(out);
      if (bias) {
        // the bias in (or added onto) every row, then the products added onto it
        const pb0 = r.put(bias);
        if (accumulate) {
          r.k.addRows(pb0, 0, 0, pc, 1, 0, batch * m, 1, n);
        } else {
          const f32 = r.f32;
          for (let row = 0, c = pc >> 2; row < batch * m; row++, c += n) f32.copyWithin(c, pb0 >> 2, (pb0 >> 2) + n);
        }
      }
      const call: GemmCall = {
        batch, m, n, k, a: pa, lda: transA ? m : k, strideA, transA, b: pb, ldb: transB ? k : n, strideB, transB,
        c: pc, ldc: n, strideC: m * n, accumulate: accumulate || bias !== null,
      };
      // (gemmTasks splits by the same rows when B's packed copy would be too large to share)
      const share = rows !== null && k * align(n, 8) * 4 <= SHARED_B_BYTES;
      runTasks(share ? sharedBTasks(r, rows, call) : gemmTasks(r, t, call), {
        before: lateA ? () => r.f32.set(a.subarray(0, own * k), pa >> 2) : undefined,
        after: own > 0 ? () => r.take(pc, out, 0, own * n) : undefined,
      });
      r.take(pc, out, own * n);
    }, () => js.matmul(a, b, out, p));
  },

  bce(x, y, out) {
    if (!isF32(x) || !isF32(y) || !isF32(out) || out.length < smallThreshold || out.length === 0) return js.bce(x, y, out);
    let bad = 0;
    guarded(() => {
      const r = rt();
      r.reset();
      const [px, py, po] = [r.put(x), r.put(y), r.space(out)];
      const n = out.length;
      const parts = ranges(n, threadsFor(n, HEAVY_MIN), 4);
      const counts = r.alloc(4 * parts.length);
      runTasks(parts.map(([s, e], i): Task => ['bce', [px + 4 * s, py + 4 * s, po + 4 * s, e - s, counts + 4 * i]]));
      bad = 0;
      for (let i = 0; i < parts.length; i++) bad += r.i32[(counts >> 2) + i]!;
      r.take(po, out);
    }, () => {
      bad = js.bce(x, y, out);
    });
    return bad;
  },

  bceGrad(x, y, g, out) {
    if (!isF32(x) || !isF32(y) || !isF32(g) || !isF32(out) || out.length < smallThreshold || out.length === 0) return js.bceGrad(x, y, g, out);
    guarded(() => {
      const r = rt();
      r.reset();
      const [px, py, pg, po] = [r.put(x), r.put(y), r.put(g), r.space(out)];
      const n = out.length;
      runTasks(ranges(n, threadsFor(n, HEAVY_MIN), 4).map(([s, e]): Task => ['bceGrad', [px + 4 * s, py + 4 * s, pg + 4 * s, po + 4 * s, e - s]]));
      r.take(po, out);
    }, () => js.bceGrad(x, y, g, out));
  },

  adam(x, g, m, v, s) {
    const n = x.length;
    if (n < smallThreshold) return js.adam(x, g, m, v, s);
    guarded(() => {
      const r = rt();
      r.reset();
      const copyBack: Array<() => void> = [];
      const [px, pm, pv] = [updated(r, x, copyBack), updated(r, m, copyBack), updated(r, v, copyBack)];
      const pg = r.put(g);
      const { beta1, beta2, sign, l2, decay, stepSize, invBc2, eps } = s;
      runTasks(ranges(n, threadsFor(n, ADAM_MIN), 4).map(([s0, s1]): Task => ['adam', [
        px + 4 * s0, pg + 4 * s0, pm + 4 * s0, pv + 4 * s0, s1 - s0, beta1, beta2, sign, l2, decay, stepSize, invBc2, eps,
      ]]));
      for (const back of copyBack) back();
    }, () => js.adam(x, g, m, v, s));
  },

  sgd(x, g, b, s) {
    const n = x.length;
    if (n < smallThreshold || n === 0) return js.sgd(x, g, b, s);
    guarded(() => {
      const r = rt();
      r.reset();
      const copyBack: Array<() => void> = [];
      const px = updated(r, x, copyBack);
      const pb = b === null ? 0 : updated(r, b, copyBack);
      const pg = r.put(g);
      const { lr, sign, weightDecay, momentum, keep, first, nesterov } = s;
      runTasks(ranges(n, threadsFor(n, ADAM_MIN), 4).map(([s0, s1]): Task => ['sgd', [
        px + 4 * s0, pg + 4 * s0, pb === 0 ? 0 : pb + 4 * s0, s1 - s0, sign, weightDecay, lr, momentum, keep, first ? 1 : 0, nesterov ? 1 : 0,
      ]]));
      for (const back of copyBack) back();
    }, () => js.sgd(x, g, b, s));
  },

  allocState(size) {
    const bytes = 4 * size;
    if (size === 0 || stateBytes + bytes > STATE_CAP) return null;
    try {
      const r = rt();
      const { offset, block } = r.reserve(bytes);
      // a view of shared memory stays valid when the memory grows
      const view = new Float32Array(r.memory.buffer, offset, size).fill(0);
      stateOffsets.set(view, offset);
      stateCollected.register(view, { block, bytes });
      stateBytes += bytes;
      return view;
    } catch (e) {
      if (e instanceof OutOfWasmMemory) return null;
      throw e;
    }
  },

  resident(x) {
    if (!isF32(x) || x.length === 0) return null;
    try {
      const { offset, block } = rt().pin(x);
      const h = new WasmResident(x.length, offset, block);
      residentsCollected.register(h, block, h);
      return h;
    } catch (e) {
      if (e instanceof OutOfWasmMemory) return null;
      throw e;
    }
  },

  release(h) {
    if (!(h instanceof WasmResident) || !h.live) return;
    h.live = false;
    residentsCollected.unregister(h);
    rt().unpin(h.block);
  },

  permute(x, shape, perm, out) {
    if (!is4(x) || x.constructor !== out.constructor || out.length === 0) return js.permute(x, shape, perm, out);
    const inStrides = stridesOf(shape);
    const outShape = perm.map((q) => shape[q]!);
    stridedCopy(x, out, outShape, perm.map((q) => inStrides[q]!), () => js.permute(x, shape, perm, out));
  },

  broadcastTo(x, shape, out, outShape) {
    if (!is4(x) || x.constructor !== out.constructor || out.length === 0 || x.length === out.length) {
      return js.broadcastTo(x, shape, out, outShape);
    }
    // one value everywhere (the gradient of a sum, say): a fill, no copy in and out
    if (x.length === 1) {
      out.fill(x[0]!);
      return;
    }
    stridedCopy(x, out, outShape, broadcastStrides(shape, outShape), () => js.broadcastTo(x, shape, out, outShape));
  },

  copyRows(src, srcSize, srcStart, dst, dstSize, dstStart, outer, len, inner, accumulate) {
    // plain copies are memcpy already (TypedArray.set); only the accumulating form is a kernel
    if (!accumulate || !isF32(src) || !isF32(dst) || outer * len * inner === 0) {
      return js.copyRows(src, srcSize, srcStart, dst, dstSize, dstStart, outer, len, inner, accumulate);
    }
    guarded(() => {
      const r = rt();
      r.reset();
      const ps = r.put(src);
      const pd = r.put(dst);
      r.k.addRows(ps, srcSize, srcStart, pd, dstSize, dstStart, outer, len, inner);
      r.take(pd, dst);
    }, () => js.copyRows(src, srcSize, srcStart, dst, dstSize, dstStart, outer, len, inner, accumulate));
  },

  indexSelect(x, outer, size, inner, index, out) {
    if (!is4(x) || x.constructor !== out.constructor || out.length === 0) return js.indexSelect(x, outer, size, inner, index, out);
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.put(x);
      const pi = r.put(index);
      const po = r.space(out);
      r.k.indexSelect(px, outer, size, inner, pi, index.length, po);
      r.take(po, out);
    }, () => js.indexSelect(x, outer, size, inner, index, out));
  },

  indexAdd(dst, outer, size, inner, index, src) {
    if (!isF32(dst) || !isF32(src) || src.length === 0) return js.indexAdd(dst, outer, size, inner, index, src);
    guarded(() => {
      const r = rt();
      r.reset();
      const pd = r.put(dst);
      const pi = r.put(index);
      const ps = r.put(src);
      r.k.indexAdd(pd, outer, size, inner, pi, index.length, ps);
      r.take(pd, dst);
    }, () => js.indexAdd(dst, outer, size, inner, index, src));
  },

  gather(x, xShape, dim, index, indexShape, out) {
    if (!is4(x) || x.constructor !== out.constructor || out.length === 0) return js.gather(x, xShape, dim, index, indexShape, out);
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.put(x);
      const pi = r.put(index);
      const po = r.space(out);
      const lay = r.ints([indexShape.length, ...indexShape, ...stridesOf(xShape)]);
      const coord = r.alloc(indexShape.length * 4);
      r.k.gatherScatter(px, lay, dim, pi, po, 0, coord);
      r.take(po, out);
    }, () => js.gather(x, xShape, dim, index, indexShape, out));
  },

  scatterAdd(dst, dstShape, dim, index, indexShape, src) {
    if (!isF32(dst) || !isF32(src) || index.length === 0) return js.scatterAdd(dst, dstShape, dim, index, indexShape, src);
    guarded(() => {
      const r = rt();
      r.reset();
      const pd = r.put(dst);
      const pi = r.put(index);
      const ps = r.put(src);
      const lay = r.ints([indexShape.length, ...indexShape, ...stridesOf(dstShape)]);
      const coord = r.alloc(indexShape.length * 4);
      r.k.gatherScatter(pd, lay, dim, pi, ps, 1, coord);
      r.take(pd, dst);
    }, () => js.scatterAdd(dst, dstShape, dim, index, indexShape, src));
  },

  im2col(x, out, p: Im2colParams) {
    if (!isF32(x) || !isF32(out) || out.length === 0) return js.im2col(x, out, p);
    guarded(() => windowKernel('im2col', x, out, p, p.batch, out.length), () => js.im2col(x, out, p));
  },

  col2im(col, out, p: Im2colParams) {
    if (!isF32(col) || !isF32(out) || out.length === 0) return js.col2im(col, out, p);
    guarded(() => windowKernel('col2im', col, out, p, p.batch, col.length), () => js.col2im(col, out, p));
  },

  maxPoolIndices(x, out, p: Im2colParams) {
    if (!isF32(x) || out.length === 0) return js.maxPoolIndices(x, out, p);
    guarded(() => windowKernel('maxPoolIndices', x, out, p, p.batch * p.channels, x.length), () => js.maxPoolIndices(x, out, p));
  },

  reluGrad(x, g, out, negativeSlope) {
    if (!isF32(x) || !isF32(g) || !isF32(out) || out.length < smallThreshold) return js.reluGrad(x, g, out, negativeSlope);
    guarded(() => {
      const r = rt();
      r.reset();
      const [px, pg, po] = [r.put(x), r.put(g), r.space(out)];
      r.k.reluGrad(px, pg, po, out.length, negativeSlope);
      r.take(po, out);
    }, () => js.reluGrad(x, g, out, negativeSlope));
  },

  lstmCell(gates, cPrev, act, c, tc, h, hidden) {
    if (![gates, cPrev, act, c, tc, h].every(isF32) || cPrev.length === 0) return js.lstmCell(gates, cPrev, act, c, tc, h, hidden);
    guarded(() => {
      const r = rt();
      r.reset();
      const pg = r.put(gates);
      const pc = r.put(cPrev);
      const [pa, pn, pt, ph] = [r.space(act), r.space(c), r.space(tc), r.space(h)];
      r.k.lstmCell(pg, pc, pa, pn, pt, ph, cPrev.length / hidden, hidden);
      r.take(pa, act);
      r.take(pn, c);
      r.take(pt, tc);
      r.take(ph, h);
    }, () => js.lstmCell(gates, cPrev, act, c, tc, h, hidden));
  },

  lstmForward(w, h0, c0, out, p, keep) {
    if (![w.x, w.wIh, w.wHh, h0, c0, out.h, out.hN, out.cN].every(isF32) || (w.bias !== null && !isF32(w.bias))) {
      return lstmForwardComposed(js, w, h0, c0, out, p, keep);
    }
    const { hidden: H, input: I, sizes, reverse } = p;
    const G = 4 * H;
    const { starts, rows } = lstmStarts(sizes);
    const N = sizes[0]!;
    // what the backward reads stays in wasm memory, in a block reserved before this call's scratch
    const bytes = rows * 7 * H * 4;
    const kept = keep ? reserveSaved(bytes, (offset, block) => new WasmLstmSaved(offset, block, bytes, rows, H)) : null;
    let result: LstmSaved | null = kept;
    // the whole layer in wasm memory: the input projection of every row, then per step a GEMM
    // adding into its block and the cell reading it there; the states are copied, never taken out
    guarded(() => {
      const r = rt();
      r.reset();
      const px = r.alloc(rows * G * 4);
      if (w.bias) {
        // the bias in the first row, then doubled into the rest
        r.f32.set(w.bias, px >> 2);
        for (let done = 1; done < rows; done *= 2) r.copy(px + done * G * 4, px, Math.min(done, rows - done) * G * 4);
      }
      const pin = r.put(w.x);
      const pwi = operand(r, w.wIh);
      runTasks(gemmTasks(r, threadsFor(2 * rows * G * I, GEMM_MIN_FLOPS), {
        batch: 1, m: rows, n: G, k: I, a: pin, lda: I, strideA: 0, transA: false, b: pwi, ldb: I, strideB: 0, transB: true,
        c: px, ldc: G, strideC: 0, accumulate: w.bias !== null,
      }));
      const pw = operand(r, w.wHh);
      const phs = r.put(h0);
      const pcs = r.put(c0);
      const ph = r.space(out.h);
      // without a backward to feed, the activations overwrite the gates and tanh(c) is per-step scratch
      const q = kept?.parts() ?? (keep
        ? { act: r.alloc(rows * G * 4), tc: r.alloc(rows * H * 4), hPrev: r.alloc(rows * H * 4), cPrev: r.alloc(rows * H * 4) }
        : { act: px, tc: r.alloc(N * H * 4), hPrev: 0, cPrev: 0 });
      for (let s = 0; s < sizes.length; s++) {
        const t = reverse ? sizes.length - 1 - s : s;
        const n = sizes[t]!;
        const row = starts[t]!;
        if (keep) {
          r.copy(q.hPrev + row * H * 4, phs, n * H * 4);
          r.copy(q.cPrev + row * H * 4, pcs, n * H * 4);
        }
        const pg = px + row * G * 4;
        runTasks(gemmTasks(r, threadsFor(2 * n * G * H, GEMM_MIN_FLOPS), {
          batch: 1, m: n, n: G, k: H, a: phs, lda: H, strideA: 0, transA: false, b: pw, ldb: H, strideB: 0, transB: true,
          c: pg, ldc: G, strideC: 0, accumulate: true,
        }));
        // c replaces cPrev in the state rows
        cellTasks('lstmCell', n, H, [
          [pg, G * 4], [pcs, H * 4], [q.act + row * G * 4, G * 4], [pcs, H * 4], [keep ? q.tc + row * H * 4 : q.tc, H * 4], [ph + row * H * 4, H * 4],
        ]);
        r.copy(phs, ph + row * H * 4, n * H * 4);
      }
      r.take(ph, out.h);
      r.take(phs, out.hN);
      r.take(pcs, out.cN);
      if (keep && !kept) {
        const a = LstmArrays.alloc(w.x, js, rows, H);
        r.take(q.act, a.act);
        r.take(q.tc, a.tc);
        r.take(q.hPrev, a.hPrev);
        r.take(q.cPrev, a.cPrev);
        result = a;
      }
    }, () => {
      if (kept) freeSaved(kept);
      result = lstmForwardComposed(js, w, h0, c0, out, p, keep);
    });
    return result;
  },

  lstmBackward(dh, dhN, dcN, w, saved, grads, p) {
    const ins = [dh, w.x, w.wIh, w.wHh];
    const opt = [dhN, dcN, grads.x, grads.wIh, grads.wHh, grads.bias, grads.h0, grads.c0];
    if (saved instanceof WasmLstmSaved && !saved.live) throw new Error('lstmBackward: the saved buffers were freed (lstmFree) before this backward');
    const arrays = () => (saved instanceof WasmLstmSaved ? saved.arrays() : lstmArrays(saved));
    if (!ins.every(isF32) || !opt.every((x) => x === null || isF32(x))) return lstmBackwardComposed(js, dh, dhN, dcN, w, arrays(), grads, p);
    guarded(() => {
      const { hidden: H, input: I, sizes, reverse } = p;
      const G = 4 * H;
      const { starts, rows } = lstmStarts(sizes);
      const N = sizes[0]!;
      const r = rt();
      r.reset();
      let q: { act: number; tc: number; hPrev: number; cPrev: number };
      if (saved instanceof WasmLstmSaved) q = saved.parts();
      else {
        const a = lstmArrays(saved);
        q = { act: r.put(a.act), tc: r.put(a.tc), hPrev: r.put(a.hPrev), cPrev: r.put(a.cPrev) };
      }
      const pdy = r.put(dh);
      const pw = operand(r, w.wHh);
      const pdhs = dhN ? r.put(dhN) : r.zeros(N * H * 4);
      const pdcs = dcN ? r.put(dcN) : r.zeros(N * H * 4);
      const pdg = r.alloc(rows * G * 4);
      // the steps in the reverse of the forward pass's order
      for (let s = sizes.length - 1; s >= 0; s--) {
        const t = reverse ? sizes.length - 1 - s : s;
        const n = sizes[t]!;
        const row = starts[t]!;
        const g = pdg + row * G * 4;
        cellTasks('lstmCellBackward', n, H, [
          [q.act + row * G * 4, G * 4], [q.tc + row * H * 4, H * 4], [q.cPrev + row * H * 4, H * 4], [pdy + row * H * 4, H * 4],
          [pdhs, H * 4], [pdcs, H * 4], [g, G * 4],
        ]);
        // dhPrev = dG W_hh
        runTasks(gemmTasks(r, threadsFor(2 * n * G * H, GEMM_MIN_FLOPS), {
          batch: 1, m: n, n: H, k: G, a: g, lda: G, strideA: 0, transA: false, b: pw, ldb: H, strideB: 0, transB: false,
          c: pdhs, ldc: H, strideC: 0, accumulate: false,
        }));
      }
      if (grads.h0) r.take(pdhs, grads.h0);
      if (grads.c0) r.take(pdcs, grads.c0);
      // the weights' gradients over every row at once (dG stored (rows, 4H) is A transposed), and dx = dG W_ih
      const dW = (b: number, n: number, out: Float32Array) => {
        const pdw = r.space(out);
        runTasks(gemmTasks(r, threadsFor(2 * rows * G * n, GEMM_MIN_FLOPS), {
          batch: 1, m: G, n, k: rows, a: pdg, lda: G, strideA: 0, transA: true, b, ldb: n, strideB: 0, transB: false,
          c: pdw, ldc: n, strideC: 0, accumulate: false,
        }));
        r.take(pdw, out);
      };
      if (grads.wHh) dW(q.hPrev, H, grads.wHh as Float32Array);
      if (grads.wIh) dW(r.put(w.x), I, grads.wIh as Float32Array);
      if (grads.bias) {
        const pb = r.space(grads.bias);
        r.k.reduce(REDUCE_CODES.sum, pdg, 1, rows, G, pb, r.alloc(G * 8));
        r.take(pb, grads.bias);
      }
      if (grads.x) {
        const pwi = operand(r, w.wIh);
        const pdx = r.space(grads.x);
        runTasks(gemmTasks(r, threadsFor(2 * rows * G * I, GEMM_MIN_FLOPS), {
          batch: 1, m: rows, n: I, k: G, a: pdg, lda: G, strideA: 0, transA: false, b: pwi, ldb: I, strideB: 0, transB: false,
          c: pdx, ldc: I, strideC: 0, accumulate: false,
        }));
        r.take(pdx, grads.x);
      }
    }, () => lstmBackwardComposed(js, dh, dhN, dcN, w, arrays(), grads, p));
  },

  lstmFree(saved) {
    if (saved instanceof WasmLstmSaved) freeSaved(saved);
  },

  gruCell(gi, gh, hPrev, act, h, hidden) {
    if (![gi, gh, hPrev, act, h].every(isF32) || hPrev.length === 0) return js.gruCell(gi, gh, hPrev, act, h, hidden);
    guarded(() => {
      const r = rt();
      r.reset();
      const [pi, pg, pp] = [r.put(gi), r.put(gh), r.put(hPrev)];
      const [pa, ph] = [r.space(act), r.space(h)];
      r.k.gruCell(pi, pg, pp, pa, ph, hPrev.length / hidden, hidden);
      r.take(pa, act);
      r.take(ph, h);
    }, () => js.gruCell(gi, gh, hPrev, act, h, hidden));
  },

  gruCellBackward(act, gh, hPrev, dh, dgi, dgh, dhPrev, hidden) {
    const arrays = dhPrev === null ? [act, gh, hPrev, dh, dgi, dgh] : [act, gh, hPrev, dh, dgi, dgh, dhPrev];
    if (!arrays.every(isF32) || hPrev.length === 0) return js.gruCellBackward(act, gh, hPrev, dh, dgi, dgh, dhPrev, hidden);
    guarded(() => {
      const r = rt();
      r.reset();
      const [pa, pg, pp, pd] = [r.put(act), r.put(gh), r.put(hPrev), r.put(dh)];
      const [pi, pj] = [r.space(dgi), r.space(dgh)];
      const ph = dhPrev === null ? 0 : r.space(dhPrev);
      r.k.gruCellBackward(pa, pg, pp, pd, pi, pj, ph, hPrev.length / hidden, hidden);
      r.take(pi, dgi);
      r.take(pj, dgh);
      if (dhPrev !== null) r.take(ph, dhPrev);
    }, () => js.gruCellBackward(act, gh, hPrev, dh, dgi, dgh, dhPrev, hidden));
  },

  convForward(x, w, out, p: ConvParams, bias, keep = false) {
    if (!isF32(x) || !isF32(w) || !isF32(out) || (bias != null && !isF32(bias)) || p.groups !== 1 || out.length === 0) {
      convForwardComposed(wasmBackend, x, w, out, p, bias);
      return null;
    }
    if (winogradFits(p)) {
      // a forward whose weight trains: F(2x2, 3x3), its transformed input kept in wasm memory for the weight
      // gradient when it is no larger than the columns a GEMM convolution would keep; else (inference, frozen
      // weights) F(4x4, 3x3), 1.8x fewer multiplications
      const tile4 = !keep;
      const q = tile4 ? wino4Of(p) : winoOf(p);
      const bytes = winoKeptBytes(q);
      let kept = keep && bytes <= CONV_COLUMN_BYTES ? reserveSaved(bytes, (offset, block) => new WasmConvSaved(offset, block, bytes, 'winograd')) : null;
      guarded(() => {
        const r = rt();
        r.reset();
        const px = r.put(x);
        const pu = winogradFilters(r, operand(r, w), p.outChannels, p.channels, false, tile4);
        const pb = bias == null ? 0 : r.put(bias);
        const po = r.space(out);
        winograd(r, q, px, pu, pb, po, kept?.offset ?? 0, tile4);
        r.take(po, out);
      }, () => {
        if (kept) freeSaved(kept);
        kept = null;
        convForwardComposed(js, x, w, out, p, bias);
      });
      return kept;
    }
    // the columns of the whole batch stay in wasm memory for the weight gradient, in a block reserved before this call's scratch
    const { k, l } = convGemmSizes(p);
    const bytes = p.batch * k * l * 4;
    let kept = keep && bytes <= CONV_COLUMN_BYTES ? reserveSaved(bytes, (offset, block) => new WasmConvSaved(offset, block, bytes)) : null;
    // the product is added onto the bias
    const init = bias == null ? null : (o: Float32Array) => fillBias(o, bias, p.batch, p.outH * p.outW);
    convFrame(x, w, out, p, init, (c) => {
      const col = kept ? kept.offset + c.n0 * c.k * c.l * 4 : c.col;
      unrollChunk(c, c.a, col);
      // (M, K) @ (K, L) for every image of the chunk, one weight
      runTasks(gemmTasks(c.r, threadsFor(2 * c.count * c.m * c.k * c.l, GEMM_MIN_FLOPS), {
        batch: c.count, m: c.m, n: c.l, k: c.k, a: c.b, lda: c.k, strideA: 0, transA: false,
        b: col, ldb: c.l, strideB: c.k * c.l, transB: false, c: c.out + c.n0 * c.m * c.l * 4, ldc: c.l, strideC: c.m * c.l, accumulate: bias != null,
      }));
    }, () => {
      if (kept) freeSaved(kept);
      kept = null;
      convForwardComposed(js, x, w, out, p, bias);
    }, kept !== null);
    return kept;
  },

  convInputGrad(y, w, out, p: ConvParams) {
    if (!isF32(y) || !isF32(w) || !isF32(out) || p.groups !== 1 || out.length === 0) return convInputGradComposed(wasmBackend, y, w, out, p);
    if (winogradFits(p)) {
      guarded(() => {
        const r = rt();
        r.reset();
        const py = r.put(y);
        const pu = winogradFilters(r, operand(r, w), p.outChannels, p.channels, true);
        const po = r.space(out);
        winograd(r, winoInputGradOf(p), py, pu, 0, po);
        r.take(po, out);
      }, () => convInputGradComposed(js, y, w, out, p));
      return;
    }
    convFrame(y, w, out, p, null, (c) => inputGradChunk(c, c.b, c.a, c.out), () => convInputGradComposed(js, y, w, out, p));
  },

  convWeightGrad(x, y, out, p: ConvParams) {
    if (!isF32(x) || !isF32(y) || !isF32(out) || p.groups !== 1 || out.length === 0) return convWeightGradComposed(wasmBackend, x, y, out, p);
    if (winogradFits(p)) {
      guarded(() => {
        const r = rt();
        r.reset();
        const [px, py, po] = [r.put(x), r.put(y), r.space(out)];
        winogradWeightGrad(r, winoOf(p), px, py, po);
        r.take(po, out);
      }, () => convWeightGradComposed(js, x, y, out, p));
      return;
    }
    convFrame(x, y, out, p, (o) => o.fill(0), (c) => {
      unrollChunk(c, c.a, c.col);
      weightGradChunk(c, c.b, c.col, c.out);
    }, () => convWeightGradComposed(js, x, y, out, p));
  },

  convBackward(dy, x, w, grads, p: ConvParams, saved = null) {
    const outs = [grads.x, grads.w, grads.bias].filter((o) => o !== null);
    if (![dy, x, w, ...outs].every(isF32) || p.groups !== 1 || dy.length === 0) return convBackwardComposed(wasmBackend, dy, x, w, grads, p);
    const { m, k, l } = convGemmSizes(p);
    // what the forward kept, its columns or its Winograd-transformed input: no copy of x, no unrolling
    const live = saved instanceof WasmConvSaved && saved.live ? saved : null;
    const kept = live?.kind === 'columns' && live.bytes === p.batch * k * l * 4 ? live : null;
    const keptV = live?.kind === 'winograd' && winogradFits(p) && live.bytes === winoKeptBytes(winoOf(p)) ? live : null;
    guarded(() => {
      const r = rt();
      r.reset();
      // 3x3 convolutions take Winograd's F(2x2, 3x3) both ways: the input gradient is itself a 3x3 convolution
      // (of dy, by the rotated filters), and the weight gradient sums the same tiles
      const wino = grads.x !== null && winogradFits(p);
      const winoW = grads.w !== null && winogradFits(p);
      // dy is copied in once and read by all three
      const py = r.put(dy);
      const pw = grads.x ? operand(r, w) : 0;
      const px = grads.w && (winoW ? !keptV : !kept) ? r.put(x) : 0;
      const pdx = grads.x ? r.space(grads.x) : 0;
      const pdw = grads.w ? r.zeros(grads.w.length * 4) : 0;
      const g = r.ints(im2colInts(p));
      const chunk = convChunk(p.batch, k * l);
      const col = (grads.x && !wino) || (grads.w && !kept && !winoW) ? r.alloc(chunk * k * l * 4) : 0;
      const imageBytes = p.channels * p.height * p.width * 4;
      if (wino) {
        const pu = winogradFilters(r, pw, p.outChannels, p.channels, true);
        winograd(r, winoInputGradOf(p), py, pu, 0, pdx);
      }
      if (winoW) winogradWeightGrad(r, winoOf(p), px, py, pdw, keptV?.offset ?? 0);
      for (let n0 = 0; n0 < p.batch && ((grads.x && !wino) || (grads.w && !winoW)); n0 += chunk) {
        const c: ChunkGeometry = { r, g, col, n0, count: Math.min(chunk, p.batch - n0), m, k, l, imageBytes };
        if (grads.x && !wino) inputGradChunk(c, pw, py, pdx);
        if (grads.w && !winoW) {
          const cols = kept ? kept.offset + n0 * k * l * 4 : col;
          if (!kept) unrollChunk(c, px, cols);
          weightGradChunk(c, py, cols, pdw);
        }
      }
      if (grads.bias) {
        // (N, C_out, L) -> (N, C_out) -> (C_out)
        const perImage = r.alloc(p.batch * m * 4);
        r.k.reduce(REDUCE_CODES.sum, py, p.batch * m, l, 1, perImage, r.alloc(8));
        const pb = r.space(grads.bias);
        r.k.reduce(REDUCE_CODES.sum, perImage, 1, p.batch, m, pb, r.alloc(m * 8));
        r.take(pb, grads.bias);
      }
      if (grads.x) r.take(pdx, grads.x);
      if (grads.w) r.take(pdw, grads.w);
    }, () => convBackwardComposed(js, dy, x, w, grads, p));
  },

  convFree(saved) {
    if (saved instanceof WasmConvSaved) freeSaved(saved);
  },
};

/**
 * Unrolled columns of at most this many bytes at once (a large batch is
 * convolved in chunks of images), and at most this much Winograd input kept
 * for a weight gradient.
 */
const CONV_COLUMN_BYTES = 64 << 20;

/** One chunk of images in a conv kernel: the im2col geometry block and column scratch (byte offsets), the images, the GEMM sizes. */
interface ChunkGeometry {
  r: Runtime;
  g: number;
  col: number;
  /** First image of the chunk and how many. */
  n0: number;
  count: number;
  m: number;
  k: number;
  l: number;
  imageBytes: number;
}

/** A chunk in convFrame, with the two operands as passed and the output. */
interface ConvChunk extends ChunkGeometry {
  a: number;
  b: number;
  out: number;
}

/** The chunk's images of x (image side, from the batch's start) unrolled into cols. */
function unrollChunk(c: ChunkGeometry, x: number, cols: number): void {
  windowTasks('im2col', x + c.n0 * c.imageBytes, cols, c.g, c.count, c.count * c.k * c.l);
}

/** Input gradient of the chunk: the column scratch = w^T (K, M) @ y[n] (M, L) per image (w stored (M, K)), folded onto out's images. */
function inputGradChunk(c: ChunkGeometry, w: number, y: number, out: number): void {
  runTasks(gemmTasks(c.r, threadsFor(2 * c.count * c.m * c.k * c.l, GEMM_MIN_FLOPS), {
    batch: c.count, m: c.k, n: c.l, k: c.m, a: w, lda: c.k, strideA: 0, transA: true,
    b: y + c.n0 * c.m * c.l * 4, ldb: c.l, strideB: c.m * c.l, transB: false, c: c.col, ldc: c.l, strideC: c.k * c.l, accumulate: false,
  }));
  windowTasks('col2im', c.col, out + c.n0 * c.imageBytes, c.g, c.count, c.count * c.k * c.l);
}

/** Weight gradient of the chunk: dW (M, K) += y[n] (M, L) @ cols[n]^T (L, K), summed over its images (strideC 0). */
function weightGradChunk(c: ChunkGeometry, y: number, cols: number, dw: number): void {
  runTasks(gemmTasks(c.r, threadsFor(2 * c.count * c.m * c.k * c.l, GEMM_MIN_FLOPS), {
    batch: c.count, m: c.m, n: c.k, k: c.l, a: y + c.n0 * c.m * c.l * 4, lda: c.l, strideA: c.m * c.l, transA: false,
    b: cols, ldb: c.l, strideB: c.k * c.l, transB: true, c: dw, ldc: c.k, strideC: 0, accumulate: true,
  }));
}

/**
 * The frame the three conv kernels share: both operands copied in, the output
 * (filled by `init` when the GEMMs add into it), column scratch for one chunk
 * of images, `step` per chunk, the output copied out; the reference
 * composition if the scratch does not fit.
 */
function convFrame(
  a: Float32Array, b: Float32Array, out: Float32Array, p: ConvParams, init: ((out: Float32Array) => void) | null,
  step: (c: ConvChunk) => void, slow: () => void, noColumns = false,
): void {
  const { m, k, l } = convGemmSizes(p);
  guarded(() => {
    const r = rt();
    r.reset();
    const pa = operand(r, a);
    const pb = operand(r, b);
    const po = r.space(out);
    if (init) init(r.f32.subarray(po >> 2, (po >> 2) + out.length));
    const g = r.ints(im2colInts(p));
    const chunk = convChunk(p.batch, k * l);
    const col = noColumns ? 0 : r.alloc(chunk * k * l * 4);
    const imageBytes = p.channels * p.height * p.width * 4;
    for (let n0 = 0; n0 < p.batch; n0 += chunk) {
      step({ r, a: pa, b: pb, out: po, g, col, n0, count: Math.min(chunk, p.batch - n0), m, k, l, imageBytes });
    }
    r.take(po, out);
  }, slow);
}

/** Images per chunk, for `perImage` column elements an image. */
function convChunk(batch: number, perImage: number): number {
  return Math.max(1, Math.min(batch, Math.floor(CONV_COLUMN_BYTES / (perImage * 4))));
}

// ---- Winograd F(2x2, 3x3) (asm/winograd.ts) ----

/** Channels from which a 3x3 convolution takes the Winograd path: below, the GEMMs are too thin to gain. */
const WINO_MIN_CHANNELS = 8;

/**
 * Whether a convolution runs as Winograd F(2x2, 3x3): 3x3, unit stride and
 * dilation, one group, padding at most 2 and the same on both sides (so that
 * its input gradient is one too), enough channels each way.
 */
function winogradFits(p: ConvParams): boolean {
  return p.kernelH === 3 && p.kernelW === 3 && p.strideH === 1 && p.strideW === 1 && p.dilationH === 1 && p.dilationW === 1 &&
    p.groups === 1 && p.padTop <= 2 && p.padLeft <= 2 && p.outH === p.height + 2 * p.padTop - 2 && p.outW === p.width + 2 * p.padLeft - 2 &&
    p.outH > 0 && p.outW > 0 && p.channels >= WINO_MIN_CHANNELS && p.outChannels >= WINO_MIN_CHANNELS;
}

/** The tiling of a 3x3 convolution of (count, cin, h, w) into (count, cout, outH, outW) with padding (padT, padL). */
interface WinoGeometry {
  count: number; cin: number; h: number; w: number; cout: number; padT: number; padL: number;
  outH: number; outW: number;
  /** Tile rows and columns per image (tW a multiple of 4), tiles per image. */
  tH: number; tW: number; T: number;
  /** Floats of one zero-padded image plane: (tile tH + 2) (tile tW + 2), tile 2 or 4. */
  framed: number;
}

function winoGeometry(count: number, cin: number, h: number, w: number, cout: number, padT: number, padL: number, tile = 2): WinoGeometry {
  const outH = h + 2 * padT - 2;
  const outW = w + 2 * padL - 2;
  const tH = Math.ceil(outH / tile);
  const tW = Math.ceil(Math.ceil(outW / tile) / 4) * 4;
  return { count, cin, h, w, cout, padT, padL, outH, outW, tH, tW, T: tH * tW, framed: (tile * tH + 2) * (tile * tW + 2) };
}

/** The geometry of a convolution's Winograd forward and weight gradient. */
const winoOf = (p: ConvParams): WinoGeometry => winoGeometry(p.batch, p.channels, p.height, p.width, p.outChannels, p.padTop, p.padLeft);

/** The same with F(4x4, 3x3) tiles, for a forward without backward. */
const wino4Of = (p: ConvParams): WinoGeometry => winoGeometry(p.batch, p.channels, p.height, p.width, p.outChannels, p.padTop, p.padLeft, 4);

/** The geometry of its input gradient: a 3x3 convolution of dy by the rotated filters, padding 2 - p. */
const winoInputGradOf = (p: ConvParams): WinoGeometry => winoGeometry(p.batch, p.outChannels, p.outH, p.outW, p.channels, 2 - p.padTop, 2 - p.padLeft);

/**
 * Floats from one of the 16 planes (rows x P) of V, M or Yd to the next: a
 * little more than rows P, which is often a power of two whose multiples
 * would all fall in one cache set.
 */
const winoPlane = (rows: number, P: number): number => rows * P + 16;

/** Bytes of the transformed input V (16 planes of cin x count T) that a forward may keep for the weight gradient. */
const winoKeptBytes = (q: WinoGeometry): number => 16 * winoPlane(q.cin, q.count * q.T) * 4;

/**
 * A "same-size" 3x3 convolution in wasm memory: x (count, cin, h, w) into
 * out (count, cout, outH, outW) through the transformed filters u (from
 * winogradFilters) and an optional bias (0: none), each thread taking
 * some of the images from padding to output, one at a time. F(2x2, 3x3)
 * (16 planes) or, with `tile4`, F(4x4, 3x3) (36, q from wino4Of). With
 * `keepV` (F(2x2, 3x3)), a block of winoKeptBytes, the transformed input of
 * every image goes there (laid out as for the whole batch: image n's tiles
 * are columns n T..) for the weight gradient.
 */
function winograd(r: Runtime, q: WinoGeometry, x: number, u: number, bias: number, out: number, keepV = 0, tile4 = false): void {
  const { cin, cout, T } = q;
  const planes = tile4 ? 36 : 16;
  const uPlane = packedPlane(cout, cin);
  const t = Math.min(threadsFor(2 * planes * cout * cin * T * q.count, GEMM_MIN_FLOPS), q.count);
  // V's columns: one image's, in a buffer of each thread's, or with keepV the whole batch's (F(2x2, 3x3)),
  // kept for the weight gradient
  const P = keepV ? q.count * T : T;
  const gin = r.ints([cin, q.h, q.w, q.padT, q.padL, q.tH, q.tW, P, winoPlane(cin, P)]);
  const gout = r.ints([cout, q.outH, q.outW, q.tH, q.tW, T, winoPlane(cout, T)]);
  runTasks(ranges(q.count, t, 1).map(([a, b], i): Task => {
    // F(4x4, 3x3)'s input transform reads up to 2 floats past a padded plane's last row
    const xp = r.alloc((cin * q.framed + 4) * 4);
    const v = keepV || r.alloc(planes * winoPlane(cin, T) * 4);
    const m = r.alloc(planes * winoPlane(cout, T) * 4);
    return ['winoForwardImages', [
      x, xp, v, keepV ? T * 4 : 0, m, u, uPlane, bias, out, gin, gout, a, b, cout, cin, tile4 ? 4 : 2, r.workspace(i),
    ]];
  }));
}

/**
 * The weight gradient dw (cout, cin, 3, 3) of that convolution, from x
 * (count, cin, h, w) and the output gradient dy (count, cout, outH, outW),
 * both in wasm memory: dU[e] (cout, cin) = sum over the tiles of
 * (A dY A^T)[e] (cout, P) @ V[e]^T (P, cin), then dw = G^T dU G. Each thread
 * sums its images' tiles into a dU of its own. `keptV`: the forward's
 * transformed input of all the images (x is then not read).
 */
function winogradWeightGrad(r: Runtime, q: WinoGeometry, x: number, dy: number, dw: number, keptV = 0): void {
  const { cin, cout, T } = q;
  if (q.count === 0) {
    // no images: a zero gradient
    r.f32.fill(0, dw >> 2, (dw >> 2) + cout * cin * 9);
    return;
  }
  // each thread its images, one at a time through buffers of its own, into a dU of its own
  const P = keptV ? q.count * T : T;
  const gx = r.ints([cin, q.h, q.w, q.padT, q.padL, q.tH, q.tW, P, winoPlane(cin, P)]);
  const gy = r.ints([cout, q.outH, q.outW, 0, 0, q.tH, q.tW, T, winoPlane(cout, T)]);
  const duBytes = 16 * cout * cin * 4;
  const parts = ranges(q.count, Math.min(threadsFor(2 * 16 * cout * cin * T * q.count, GEMM_MIN_FLOPS), q.count), 1);
  const dus = parts.map(() => r.alloc(duBytes));
  runTasks(parts.map(([a, b], i): Task => {
    const xp = keptV ? 0 : r.alloc(cin * q.framed * 4);
    const v = keptV || r.alloc(16 * winoPlane(cin, T) * 4);
    const yp = r.alloc(cout * q.framed * 4);
    const yd = r.alloc(16 * winoPlane(cout, T) * 4);
    return ['winoWeightGradImages', [
      x, xp, v, keptV ? T * 4 : 0, dy, yp, yd, dus[i]!, gx, gy, a, b, cout, cin, r.workspace(i),
    ]];
  }));
  // the parts' sums into the first
  const f32 = r.f32;
  const d0 = dus[0]! >> 2;
  for (const d of dus.slice(1)) for (let i = 0, j = d >> 2; i < duBytes / 4; i++, j++) f32[d0 + i]! += f32[j]!;
  r.k.winoFilterGrad(dus[0]!, dw, cout, cin);
}

/**
 * The transformed filters of w (O, I, 3, 3) in wasm memory: 16 planes (36
 * with `tile4`) of (O, I), or with `flip` (F(2x2, 3x3) only) those of the
 * input gradient, (I, O); each packed for the GEMMs (packABatch), packedPlane(rows, cols) floats apart.
 */
function winogradFilters(r: Runtime, w: number, O: number, I: number, flip: boolean, tile4 = false): number {
  const planes = tile4 ? 36 : 16;
  const plane = winoPlane(O, I);
  const u = r.alloc(planes * plane * 4);
  if (tile4) r.k.wino4Filter(w, u, O, I, plane);
  else r.k.winoFilter(w, u, O, I, flip ? 1 : 0, plane);
  // packed once here, not by every thread's GEMMs for every image
  const [rows, cols] = flip ? [I, O] : [O, I];
  const packed = r.alloc(planes * packedPlane(rows, cols) * 4);
  r.k.packABatch(planes, u, cols, plane, 0, rows, cols, packed, packedPlane(rows, cols));
  return packed;
}

/** Floats from one packed filter plane of `rows` x `cols` to the next (rows padded to 4, then as winoPlane). */
const packedPlane = (rows: number, cols: number): number => winoPlane(align(rows, 4), cols);

/** A sliding-window kernel over `count` images (or planes), split over threads by image: input in, out back. */
function windowKernel(name: TaskName, input: TypedArray, out: TypedArray, p: Im2colParams, count: number, work: number): void {
  const r = rt();
  r.reset();
  const po = r.space(out);
  windowTasks(name, r.put(input), po, r.ints(im2colInts(p)), count, work);
  r.take(po, out);
}

/** Runs a sliding-window kernel on `count` images (or planes) already in wasm memory, split over threads by image. */
function windowTasks(name: TaskName, input: number, out: number, g: number, count: number, work: number): void {
  const t = Math.min(threadsFor(work, ELEMENTWISE_MIN), count);
  runTasks(ranges(count, t, 1).map(([n0, n1]): Task => [name, [input, out, g, n0, n1]]));
}

function im2colInts(p: Im2colParams): number[] {
  return [
    p.batch, p.channels, p.height, p.width, p.kernelH, p.kernelW, p.strideH, p.strideW,
    p.padTop, p.padLeft, p.dilationH, p.dilationW, p.outH, p.outW,
  ];
}

/** out (contiguous, outShape) = x read with the given element strides, for 4-byte elements. */
function stridedCopy(x: TypedArray, out: TypedArray, outShape: Shape, strides: number[], slow: () => void): void {
  guarded(() => {
    const l = collapse(outShape, [strides]);
    const r = rt();
    r.reset();
    const px = r.put(x);
    const po = r.space(out);
    const lay = r.ints(layoutInts(l));
    const offs = r.alloc((rowsOf(l.dims) + l.dims.length) * 4);
    r.k.stridedCopy(px, po, lay, offs);
    r.take(po, out);
  }, slow);
}
