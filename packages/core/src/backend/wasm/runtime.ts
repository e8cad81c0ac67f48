// Loads the WebAssembly kernels (built from asm/ by asm/build.mjs) and manages
// their memory: per-thread GEMM workspaces at the bottom, then a scratch
// arena that every kernel call resets, so nothing allocated in wasm memory
// outlives the call (tensors keep their JS typed arrays; nothing to dispose).
import type { TypedArray } from '../../dtype.js';
import { MAX_PAGES, RELAXED_WASM, SIMD_WASM } from './generated/wasm.js';

/** The exports of asm/index.ts (pointers are byte offsets). */
export interface Kernels {
  sgemm(...args: number[]): void;
  sgemmBatch(...args: number[]): void;
  gemmWorkspaceBytes(): number;
  heapBase(): number;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binary(op: number, a: number, b: number, out: number, lay: number, r0: number, r1: number, offs: number): void;
  where(cond: number, a: number, b: number, out: number, lay: number, r0: number, r1: number, offs: number): void;
  cast(kind: number, x: number, out: number, n: number): void;
  reduce(op: number, x: number, outer: number, size: number, inner: number, out: number, ws: number): void;
  argReduce(isMax: number, x: number, outer: number, size: number, inner: number, out: number): void;
  softmax(x: number, o0: number, o1: number, size: number, inner: number, out: number, log: number): void;
  stridedCopy(x: number, out: number, lay: number, offs: number): void;
  addRows(...args: number[]): void;
  indexSelect(x: number, outer: number, size: number, inner: number, index: number, m: number, out: number): void;
  indexAdd(dst: number, outer: number, size: number, inner: number, index: number, m: number, src: number): void;
  gatherScatter(x: number, lay: number, dim: number, index: number, out: number, scatter: number, coord: number): void;
  im2col(x: number, out: number, g: number, n0: number, n1: number): void;
  col2im(col: number, out: number, g: number, n0: number, n1: number): void;
  maxPoolIndices(x: number, out: number, g: number, p0: number, p1: number): void;
  lstmCell(gates: number, cPrev: number, act: number, c: number, tc: number, h: number, rows: number, hidden: number): void;
  lstmCellBackward(act: number, tc: number, cPrev: number, dy: number, dhIn: number, dcIn: number, dG: number, rows: number, hidden: number): void;
  gruCell(gi: number, gh: number, hPrev: number, act: number, h: number, rows: number, hidden: number): void;
  gruCellBackward(act: number, gh: number, hPrev: number, dh: number, dgi: number, dgh: number, dhPrev: number, rows: number, hidden: number): void;
  reluGrad(x: number, g: number, out: number, n: number, slope: number): void;
  adam(x: number, g: number, m: number, v: number, n: number, ...scalars: number[]): void;
  winoFilter(w: number, u: number, O: number, I: number, flip: number, planeFloats: number): void;
  wino4Filter(w: number, u: number, O: number, I: number, planeFloats: number): void;
  sharedBFlagBytes(k: number, n: number): number;
  packABatch(batch: number, a: number, lda: number, strideA: number, transA: number, m: number, k: number, dst: number, dstStride: number): void;
  winoFilterGrad(du: number, dw: number, O: number, I: number): void;
  bceGrad(x: number, y: number, g: number, out: number, n: number): void;
}

/** Names of the kernels a worker thread may run, by index. */
export const TASK_NAMES = ['sgemmBatch', 'unary', 'binary', 'softmax', 'im2col', 'col2im', 'maxPoolIndices', 'lstmCell', 'lstmCellBackward', 'adam', 'winoWeightGradImages', 'bce', 'bceGrad', 'winoForwardImages', 'sgd', 'sgemmSharedB'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

const PAGE = 65536;

// The few WebAssembly JS API pieces used here (the ES2022 lib without DOM does not declare them).
export interface WasmModule { readonly __wasmModule?: never }
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** A Node built-in module, loaded synchronously from ESM and CJS alike; undefined elsewhere. */
export function builtin<T>(id: string): T | undefined {
  try {
    return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

export function envVar(name: string): string | undefined {
  return nodeProcess()?.env?.[name];
}

function decodeBase64(s: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Whether relaxed SIMD can be used: WA.validate on the relaxed
 * module, after turning on V8's flag where Node 20 still hides the feature.
 * NEURONE_WASM_RELAXED=0 turns it off.
 */
function relaxedAvailable(bytes: Uint8Array): boolean {
  if (envVar('NEURONE_WASM_RELAXED') === '0') return false;
  if (!WA) return false;
  if (WA.validate(bytes)) return true;
  const v8 = builtin<{ setFlagsFromString(flags: string): void }>('node:v8');
  if (!v8) return false;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WA.validate(bytes);
}

/** Thrown when a call would need more wasm memory than the module may have; the backend then runs the JS kernel. */
export class OutOfWasmMemory extends Error {}

export class Runtime {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly k: Kernels;
  readonly relaxed: boolean;
  /** Threads whose GEMM workspace is reserved. */
  readonly maxThreads: number;
  readonly wsBytes: number;
  /** Below it: the module's static data (AssemblyScript's math tables). */
  private readonly wsBase: number;
  /** Where each call's scratch starts: above the GEMM workspaces and the resident copies. */
  private arenaBase: number;
  private readonly pinBase: number;
  /** Live resident blocks in address order: [start, end). */
  private readonly pins: Array<{ start: number; end: number; live: boolean }> = [];
  private top: number;
  f32!: Float32Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  private viewBytes = 0;

  constructor(maxThreads: number) {
    const relaxedBytes = decodeBase64(RELAXED_WASM);
    this.relaxed = relaxedAvailable(relaxedBytes);
    this.module = new WA.Module(this.relaxed ? relaxedBytes : decodeBase64(SIMD_WASM));
    this.maxThreads = maxThreads;
    // a probe instance on a small memory tells the workspace size
    const probeMem = new WA.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const probe = new WA.Instance(this.module, { env: { memory: probeMem } }).exports as unknown as Kernels;
    this.wsBytes = align(probe.gemmWorkspaceBytes(), 64);
    this.wsBase = align(probe.heapBase() + 64, 64);
    this.pinBase = align(this.wsBase + this.wsBytes * maxThreads, 64);
    this.arenaBase = this.pinBase;
    const initial = Math.min(MAX_PAGES, Math.ceil((this.arenaBase + (4 << 20)) / PAGE));
    this.memory = new WA.Memory({ initial, maximum: MAX_PAGES, shared: true });
    this.k = new WA.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.top = this.arenaBase;
    this.refresh();
  }

  /** Byte offset of thread t's GEMM workspace. */
  workspace(t: number): number {
    return this.wsBase + t * this.wsBytes;
  }

  /**
   * Copies x into a block that outlives kernel calls (below the scratch
   * arena), until `unpin`. Only between kernel calls. Returns its offset and the
   * block, which `unpin` takes.
   */
  pin(x: TypedArray): { offset: number; block: object } {
    const r = this.reserve(x.byteLength);
    this.write(x, r.offset);
    return r;
  }

  /**
   * A block like `pin`'s, of `bytes` uninitialised, for kernels to write into:
   * the first gap between live blocks that fits it, else on top of them.
   */
  reserve(bytes: number): { offset: number; block: object } {
    const size = align(Math.max(bytes, 16), 64);
    let start = this.pinBase;
    let at = 0;
    for (; at < this.pins.length && this.pins[at]!.start - start < size; at++) start = this.pins[at]!.end;
    const end = start + size;
    if (end > this.viewBytes) this.grow(end);
    const block = { start, end, live: true };
    this.pins.splice(at, 0, block);
    this.arenaBase = Math.max(this.arenaBase, end);
    this.top = this.arenaBase;
    return { offset: start, block };
  }

  /** Frees a pinned block; the arena comes down to the end of the highest live block. */
  unpin(block: object): void {
    const b = block as { live: boolean };
    if (!b.live) return;
    b.live = false;
    this.pins.splice(this.pins.indexOf(block as { start: number; end: number; live: boolean }), 1);
    this.arenaBase = this.pins.length > 0 ? this.pins[this.pins.length - 1]!.end : this.pinBase;
    this.top = this.arenaBase;
  }

  /** Starts a kernel call: everything the previous call allocated is free again. */
  reset(): void {
    this.top = this.arenaBase;
  }

  /** `bytes` of 16-byte aligned scratch (zero-padded to whole vectors), growing the memory as needed. */
  alloc(bytes: number): number {
    const p = this.top;
    const end = p + align(Math.max(bytes, 16), 16);
    if (end > this.viewBytes) this.grow(end);
    this.top = end;
    return p;
  }

  private grow(end: number): void {
    const cur = this.memory.buffer.byteLength;
    if (end > cur) {
      const pages = Math.ceil((end - cur) / PAGE);
      // grow by at least an eighth, to amortise
      const want = Math.max(pages, Math.ceil(cur / PAGE / 8));
      const maxMore = MAX_PAGES - cur / PAGE;
      if (pages > maxMore) throw new OutOfWasmMemory(`wasm backend: a kernel needs ${end} bytes of scratch, more than ${MAX_PAGES * PAGE}`);
      try {
        this.memory.grow(Math.min(want, maxMore));
      } catch {
        // the engine could not reserve more (address space, or a smaller cap than ours)
        if (this.memory.buffer.byteLength < end) throw new OutOfWasmMemory(`wasm backend: could not grow memory to ${end} bytes`);
      }
    }
    this.refresh();
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    this.viewBytes = buf.byteLength;
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
  }

  /** Copies a typed array (4-byte or 1-byte elements) into fresh scratch; returns its offset. */
  put(x: TypedArray): number {
    const p = this.alloc(x.byteLength);
    this.write(x, p);
    return p;
  }

  /** Copies a typed array (4-byte or 1-byte elements) to byte offset p. */
  private write(x: TypedArray, p: number): void {
    if (x instanceof Uint8Array) this.u8.set(x, p);
    else if (x instanceof Int32Array) this.i32.set(x, p >> 2);
    else this.f32.set(x as Float32Array, p >> 2);
  }

  /** Scratch for `n` elements of `like`'s size, uninitialised. */
  space(like: TypedArray, n = like.length): number {
    return this.alloc(n * like.BYTES_PER_ELEMENT);
  }

  /** Copies elements start..end of the array at offset p out into the same elements of `out` (all by default). */
  take(p: number, out: TypedArray, start = 0, end = out.length): void {
    if (out instanceof Uint8Array) out.set(this.u8.subarray(p + start, p + end), start);
    else if (out instanceof Int32Array) out.set(this.i32.subarray((p >> 2) + start, (p >> 2) + end), start);
    else (out as Float32Array).set(this.f32.subarray((p >> 2) + start, (p >> 2) + end), start);
  }

  /** Fresh scratch of `bytes` (a multiple of 4) filled with zeros. */
  zeros(bytes: number): number {
    const p = this.alloc(bytes);
    this.f32.fill(0, p >> 2, (p + bytes) >> 2);
    return p;
  }

  /** Copies `bytes` (a multiple of 4) from offset src to offset dst inside wasm memory. */
  copy(dst: number, src: number, bytes: number): void {
    this.f32.copyWithin(dst >> 2, src >> 2, (src + bytes) >> 2);
  }

  /** Writes i32s into fresh scratch. */
  ints(values: readonly number[]): number {
    const p = this.alloc(values.length * 4);
    const b = p >> 2;
    for (let i = 0; i < values.length; i++) this.i32[b + i] = values[i]!;
    return p;
  }
}

export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
