/**
 * The WebAssembly runtime of the SIMD kernels: instantiates the module of `binary.ts` (built from
 * wasm/kernels.ts) with a memory owned here, a heap of blocks in that memory (./heap.ts) holding
 * each call's scratch — into which kernel wrappers copy plain-array inputs and from which they copy
 * outputs — and resident tensors (./resident.ts), which kernels read and write in place; and — in Node, and in a
 * cross-origin isolated browser page or Web Worker — a pool of worker threads sharing that memory,
 * so a kernel's range passes run on every core.
 *
 * Loading is lazy and never throws: where WebAssembly or SIMD is missing, or the platform forbids
 * synchronous compilation of a module this size (a browser's main thread), {@link wasmRuntime}
 * returns null and the kernels fall back to plain JS; {@link wasmReady} compiles asynchronously,
 * after which the wasm kernels are used.
 *
 * Threads in Node: `ERLANGEN_WASM_THREADS=n` sets the pool size (1 disables it; default: the
 * available parallelism, at most 4); the pool's workers (node:worker_threads) are unref'd (they
 * never keep a process alive). In a browser where `crossOriginIsolated` is true (COOP/COEP) the pool
 * is made of Web Workers (from a Blob URL), which only start once the creating thread yields: there
 * the kernels load only through {@link wasmReady} (until it resolves, {@link wasmRuntime} is null and
 * the kernels run in JS); `globalThis.ERLANGEN_WASM_THREADS` sets the size (default:
 * `navigator.hardwareConcurrency`, at most 4). On a page's main thread, where `Atomics.wait` is not
 * allowed, the caller spins while the workers finish. Elsewhere in browsers: one thread.
 * @module
 */
import { KERNELS_MEMORY_FLAG_OFFSET, KERNELS_WASM_BASE64 } from './binary.js';
import { BackendError } from '../../util/errors.js';
import { LINE, MAX_PAGES, WasmHeap, WasmMemoryError } from './heap.js';

export { WasmMemoryError };

type Fn = (...args: number[]) => number | void;

/** The kernels exported by the module (pointers are byte offsets into its memory). */
export interface WasmKernelExports {
  compose(gather: number, perm: number, k0: number, k1: number, out: number): void;
  permuteRowsF32(src: number, C: number, perm: number, k0: number, k1: number, dst: number): void;
  permuteRowsF64(src: number, C: number, perm: number, k0: number, k1: number, dst: number): void;
  gsumF32(x: number, F: number, H: number, rows: number, w: number, rowptr: number, s0: number, s1: number, out: number): void;
  gsumF64(x: number, F: number, H: number, rows: number, w: number, rowptr: number, s0: number, s1: number, out: number): void;
  gdotF32(a: number, b: number, F: number, H: number, ia: number, ib: number, e0: number, e1: number, out: number): void;
  gdotF64(a: number, b: number, F: number, H: number, ia: number, ib: number, e0: number, e1: number, out: number): void;
  firstBadId(ids: number, n: number, S: number, sorted: number): number;
  fillF32(p: number, n: number, v: number): void;
  fillF64(p: number, n: number, v: number): void;
  segMaxF32(x: number, C: number, ids: number, e0: number, e1: number, m: number): void;
  segMaxF64(x: number, C: number, ids: number, e0: number, e1: number, m: number): void;
  csrMaxF32(x: number, C: number, perm: number, rowptr: number, s0: number, s1: number, m: number): void;
  csrMaxF64(x: number, C: number, perm: number, rowptr: number, s0: number, s1: number, m: number): void;
  csrSumF32(a: number, b: number, C: number, perm: number, rowptr: number, s0: number, s1: number, out: number): void;
  csrSumF64(a: number, b: number, C: number, perm: number, rowptr: number, s0: number, s1: number, out: number): void;
  expSumF32(x: number, C: number, ids: number, e0: number, e1: number, m: number, out: number, sum: number): void;
  expSumF64(x: number, C: number, ids: number, e0: number, e1: number, m: number, out: number, sum: number): void;
  recipF32(p: number, n: number): void;
  recipF64(p: number, n: number): void;
  scaleF32(C: number, ids: number, e0: number, e1: number, out: number, r: number): void;
  scaleF64(C: number, ids: number, e0: number, e1: number, out: number, r: number): void;
  gradDotF32(y: number, g: number, C: number, ids: number, e0: number, e1: number, dot: number): void;
  gradDotF64(y: number, g: number, C: number, ids: number, e0: number, e1: number, dot: number): void;
  gradOutF32(y: number, g: number, C: number, ids: number, e0: number, e1: number, dot: number, out: number): void;
  gradOutF64(y: number, g: number, C: number, ids: number, e0: number, e1: number, dot: number, out: number): void;
  expF32(x: number, i0: number, i1: number, out: number): void;
  expF64(x: number, i0: number, i1: number, out: number): void;
  logF64(x: number, i0: number, i1: number, out: number): void;
  tanhF64(x: number, i0: number, i1: number, out: number): void;
  sigmoidF64(x: number, i0: number, i1: number, out: number): void;
  siluF64(x: number, i0: number, i1: number, out: number): void;
  sigmoidF32(x: number, i0: number, i1: number, out: number): void;
  siluF32(x: number, i0: number, i1: number, out: number): void;
  siluGradF32(x: number, g: number, i0: number, i1: number, out: number): void;
  siluGradF64(x: number, g: number, i0: number, i1: number, out: number): void;
  minMaxF32(x: number, n: number, out: number): void;
  minMaxF64(x: number, n: number, out: number): void;
  expSumShiftF32(x: number, C: number, ids: number, e0: number, e1: number, pshift: number, out: number, sum: number): void;
  expSumShiftF64(x: number, C: number, ids: number, e0: number, e1: number, pshift: number, out: number, sum: number): void;
  fingerprint(ids: number, n: number, S: number): number;
  buildCsr(ids: number, n: number, S: number, rowptr: number, perm: number, cursor: number): void;
  packBF32(b: number, transB: number, K: number, N: number, t0: number, t1: number, dst: number): void;
  packBF64(b: number, transB: number, K: number, N: number, t0: number, t1: number, dst: number): void;
  packAFullF32(a: number, lda: number, M: number, K: number, s0: number, s1: number, dst: number): void;
  packAFullF64(a: number, lda: number, M: number, K: number, s0: number, s1: number, dst: number): void;
  gemmF32(a: number, transA: number, pb: number, c: number, M: number, K: number, N: number, i0: number, i1: number, accumulate: number, pa: number, tile: number): void;
  gemmF64(a: number, transA: number, pb: number, c: number, M: number, K: number, N: number, i0: number, i1: number, accumulate: number, pa: number, tile: number): void;
  conv2dF32(geo: number, x: number, w: number, out: number, u0: number, u1: number, scratch: number): void;
  conv2dF64(geo: number, x: number, w: number, out: number, u0: number, u1: number, scratch: number): void;
  conv2dGradInputF32(geo: number, gy: number, w: number, dx: number, u0: number, u1: number, scratch: number): void;
  conv2dGradInputF64(geo: number, gy: number, w: number, dx: number, u0: number, u1: number, scratch: number): void;
  conv2dGradWeightF32(geo: number, x: number, gy: number, part: number, n0: number, n1: number, scratch: number): void;
  conv2dGradWeightF64(geo: number, x: number, gy: number, part: number, n0: number, n1: number, scratch: number): void;
  sumPartsF32(src: number, count: number, stride: number, i0: number, i1: number, dst: number): void;
  sumPartsF64(src: number, count: number, stride: number, i0: number, i1: number, dst: number): void;
  so2GatherF32(x: number, F: number, L: number, idx: number, coef: number, k0: number, k1: number, out: number, scratch: number): void;
  so2GatherF64(x: number, F: number, L: number, idx: number, coef: number, k0: number, k1: number, out: number, scratch: number): void;
  so2SegSumF32(m: number, F: number, L: number, coef: number, perm: number, rowptr: number, s0: number, s1: number, out: number, scratch: number): void;
  so2SegSumF64(m: number, F: number, L: number, coef: number, perm: number, rowptr: number, s0: number, s1: number, out: number, scratch: number): void;
  mapF32(op: number, x: number, i0: number, i1: number, out: number): void;
  mapF64(op: number, x: number, i0: number, i1: number, out: number): void;
  binF32(op: number, mode: number, a: number, b: number, N: number, mid: number, i0: number, i1: number, out: number): void;
  binF64(op: number, mode: number, a: number, b: number, N: number, mid: number, i0: number, i1: number, out: number): void;
  whereF32(c: number, a: number, b: number, mode: number, i0: number, i1: number, out: number): void;
  whereF64(c: number, a: number, b: number, mode: number, i0: number, i1: number, out: number): void;
  reducePartsF32(op: number, x: number, len: number, CH: number, cpr: number, c0: number, c1: number, parts: number): void;
  reducePartsF64(op: number, x: number, len: number, CH: number, cpr: number, c0: number, c1: number, parts: number): void;
  reduceRowsF32(op: number, x: number, len: number, r0: number, r1: number, out: number): void;
  reduceRowsF64(op: number, x: number, len: number, r0: number, r1: number, out: number): void;
  firstIndexF32(x: number, i0: number, i1: number, m: number): number;
  firstIndexF64(x: number, i0: number, i1: number, m: number): number;
  argRowsF32(op: number, x: number, len: number, r0: number, r1: number, out: number): void;
  argRowsF64(op: number, x: number, len: number, r0: number, r1: number, out: number): void;
  colSumF32(x: number, rows: number, W: number, j0: number, j1: number, out: number): void;
  colSumF64(x: number, rows: number, W: number, j0: number, j1: number, out: number): void;
  colSumBatchF32(x: number, rows: number, W: number, b0: number, b1: number, out: number): void;
  colSumBatchF64(x: number, rows: number, W: number, b0: number, b1: number, out: number): void;
  colExtremeF32(op: number, x: number, rows: number, W: number, b0: number, b1: number, out: number): void;
  colExtremeF64(op: number, x: number, rows: number, W: number, b0: number, b1: number, out: number): void;
  softmaxRowsF32(op: number, x: number, L: number, r0: number, r1: number, out: number): void;
  softmaxRowsF64(op: number, x: number, L: number, r0: number, r1: number, out: number): void;
  softmaxColsF32(op: number, x: number, L: number, W: number, t0: number, t1: number, out: number): void;
  softmaxColsF64(op: number, x: number, L: number, W: number, t0: number, t1: number, out: number): void;
  softmaxGradColsF32(op: number, y: number, g: number, L: number, W: number, t0: number, t1: number, out: number): void;
  softmaxGradColsF64(op: number, y: number, g: number, L: number, W: number, t0: number, t1: number, out: number): void;
  logSoftmaxGradRowsF32(y: number, g: number, L: number, r0: number, r1: number, out: number): void;
  logSoftmaxGradRowsF64(y: number, g: number, L: number, r0: number, r1: number, out: number): void;
  softmaxGradRowsF32(y: number, g: number, L: number, r0: number, r1: number, out: number): void;
  softmaxGradRowsF64(y: number, g: number, L: number, r0: number, r1: number, out: number): void;
  batchNormStatsF32(x: number, N: number, C: number, S: number, peps: number, c0: number, c1: number, mu: number, va: number, st: number): void;
  batchNormApplyF32(x: number, w: number, b: number, C: number, S: number, st: number, u0: number, u1: number, y: number): void;
  batchNormGradStatsF32(x: number, g: number, N: number, C: number, S: number, st: number, c0: number, c1: number, sums: number): void;
  batchNormGradApplyF32(x: number, g: number, C: number, S: number, st: number, coef: number, u0: number, u1: number, gx: number): void;
  varianceRowsF32(x: number, L: number, pden: number, r0: number, r1: number, out: number): void;
  varianceRowsF64(x: number, L: number, pden: number, r0: number, r1: number, out: number): void;
  varianceColsF32(x: number, L: number, W: number, pden: number, t0: number, t1: number, out: number): void;
  varianceColsF64(x: number, L: number, W: number, pden: number, t0: number, t1: number, out: number): void;
  argColsF32(op: number, x: number, L: number, W: number, t0: number, t1: number, out: number): void;
  argColsF64(op: number, x: number, L: number, W: number, t0: number, t1: number, out: number): void;
  permuteRunsF32(x: number, nd: number, dims: number, strides: number, r0: number, r1: number, out: number): void;
  permuteRunsF64(x: number, nd: number, dims: number, strides: number, r0: number, r1: number, out: number): void;
  sumOuterInnerF32(x: number, N: number, C: number, S: number, c0: number, c1: number, out: number): void;
  sumOuterInnerF64(x: number, N: number, C: number, S: number, c0: number, c1: number, out: number): void;
  varianceOuterInnerF32(x: number, N: number, C: number, S: number, pden: number, c0: number, c1: number, out: number): void;
  varianceOuterInnerF64(x: number, N: number, C: number, S: number, pden: number, c0: number, c1: number, out: number): void;
  layerNormRowsF64(x: number, w: number, b: number, L: number, peps: number, r0: number, r1: number, y: number, mu: number, rs: number): void;
  layerNormGradRowsF64(x: number, mu: number, rs: number, g: number, w: number, L: number, CR: number, r0: number, r1: number, gx: number, parts: number): void;
  batchNormStatsF64(x: number, N: number, C: number, S: number, peps: number, c0: number, c1: number, mu: number, va: number, st: number): void;
  batchNormApplyF64(x: number, w: number, b: number, C: number, S: number, st: number, u0: number, u1: number, y: number): void;
  batchNormGradStatsF64(x: number, g: number, N: number, C: number, S: number, st: number, c0: number, c1: number, sums: number): void;
  batchNormGradApplyF64(x: number, g: number, C: number, S: number, st: number, coef: number, u0: number, u1: number, gx: number): void;
  layerNormRowsF32(x: number, w: number, b: number, L: number, peps: number, r0: number, r1: number, y: number, mu: number, rs: number): void;
  layerNormGradRowsF32(x: number, mu: number, rs: number, g: number, w: number, L: number, CR: number, r0: number, r1: number, gx: number, parts: number): void;
  clampF32(x: number, pb: number, i0: number, i1: number, out: number): void;
  clampF64(x: number, pb: number, i0: number, i1: number, out: number): void;
  adamF32(p: number, g: number, m: number, v: number, sc: number, mode: number, i0: number, i1: number): void;
  adamF64(p: number, g: number, m: number, v: number, sc: number, mode: number, i0: number, i1: number): void;
  sgdF32(p: number, g: number, b: number, sc: number, mode: number, i0: number, i1: number): void;
  sgdF64(p: number, g: number, b: number, sc: number, mode: number, i0: number, i1: number): void;
  logsumexpRowsF32(x: number, L: number, r0: number, r1: number, out: number): void;
  logsumexpRowsF64(x: number, L: number, r0: number, r1: number, out: number): void;
}

/** Name of a kernel export. */
export type KernelName = keyof WasmKernelExports;

/** Arguments that differ per thread in a chunked call: thread t gets `args[p] + t·stride` at each position p. */
export interface PerThread {
  pos: number | readonly number[];
  stride: number;
}

/** Typed arrays the arena copies. */
type Arr = Float32Array | Float64Array | Int32Array;

/** The first 64 KiB hold the module's static data (e.g. the exp table of `Math.exp`, below 4 KiB) and the pool's control slots. */
const ARENA_START = 65536;
/**
 * Control slots of the worker pool: 32 int32 per worker — [0] job state (0 = none or done,
 * 1 = posted, 2 = taken: the worker claimed it; the caller may withdraw a job still posted, see
 * {@link WorkerPool.join}),
 * [1] kernel index, [2] ready (1) / failed (2), [3] argument count, [4 … 25] arguments,
 * [26] chunk table (0: one call with the arguments as given; else the byte offset of
 * [count, start₀, end₀, start₁, end₁, …], see {@link WasmArena.parallelChunks}), [27] the argument
 * index of a chunk's start (its end follows), [28] a bit mask of per-thread arguments (bit i:
 * argument i) and [31] their stride (worker w adds (w + 1)·stride to each: thread w + 1's
 * scratch), [29] the worker sleeps in Atomics.wait (needs a notify), [30] the job threw.
 */
const CTL_START = 32768;
const SLOT_INTS = 32;
const MAX_ARGS = 22;
/**
 * The chunk counters of a chunked call, below the slots: [P, next₀, next₁, …, next_{P−1}]. The P
 * threads (the caller is thread 0) each own a contiguous block of chunks, thread u the chunks
 * [⌊n·u/P⌋, ⌊n·(u+1)/P⌋), and `next_u` is the next unclaimed chunk of block u: a thread claims
 * chunks of its own block first (Atomics.add on its counter), then of the others' in turn (see
 * {@link WasmArena.parallelChunks}).
 */
const CHUNK_COUNTER = 28736;
/** Most threads of one chunked call (the counters' room). */
const MAX_CHUNK_THREADS = (CTL_START - 128 - CHUNK_COUNTER) / 4 - 1;
/**
 * The chunk table of a chunked call, [count, start₀, end₀, …], at a fixed place between the module's
 * static data (bytes 1024–3072) and the counter, so workers read it through the views they made at
 * start-up (a view made later could see a stale length after the memory grew on another thread).
 */
const CHUNK_TABLE = 16384;
/**
 * Completion flags of a chunked call's chunks, one int32 each (a thread stores 1 when it has run
 * chunk c), after the chunk table: {@link WasmArena.parallelChunksOut} copies finished chunks out
 * while the others run.
 */
const CHUNK_DONE = 24640;
/** Most chunks one call can have (the table's room). */
export const MAX_CHUNKS = 1024;
/**
 * Below this many element-operations a call stays on one thread (default of `parallelMinWork`):
 * waking a sleeping worker (futex) costs 0.1–0.5 ms on the 2-core VM this was tuned on (2 µs when
 * it still spins), so a call must be worth ≈ 1 ms on one thread to gain from a second. At 2^17
 * the EGNN N-body epoch (ops of 2000 × 64) took 8.0–8.8 s on two threads against 6.6–6.9 s on one.
 */
export const PARALLEL_MIN_WORK = 1 << 21;
/**
 * Milliseconds a worker spins for the next job before it sleeps (Atomics.wait), and the caller for
 * a worker to finish before it sleeps: short, because spinning steals a core when the machine is
 * oversubscribed (other processes, or several erlangen processes).
 */
const SPIN_MS = 0.2;
/** The smallest scratch block the arena takes from the heap. */
const MIN_SCRATCH = 1 << 20;

/** Bytes the arena copied into and out of the wasm memory, see {@link WasmArena.copyStats}. */
export interface CopyStats {
  /** Bytes of kernel inputs copied in (inputs resident in this memory are read in place). */
  inBytes: number;
  /** Bytes of kernel outputs copied out (resident outputs are written in place). */
  outBytes: number;
}

/**
 * A kernel call's scratch in the module's memory, and the memory's owner: `reset()`, then
 * `alloc`/`put` inputs and outputs (or take resident ones in place: {@link input},
 * {@link output}), run, `get` / {@link finish} the outputs. Scratch is a bump allocator over a
 * block of the memory's heap (./heap.ts), which also holds the resident tensors (./resident.ts):
 * the block is kept across calls, and a call that needs more takes further blocks, which the next
 * `reset()` merges into one of the call's size (its high-water mark).
 */
export class WasmArena {
  /** The allocator of the memory above the static data and the control slots. */
  readonly heap: WasmHeap;
  /** Whether the memory is shared (it never detaches on growth: views into it stay valid, so tensors may live in it). */
  readonly shared: boolean;
  private readonly buffers = new WeakSet<object>();
  private chunk = -1;
  private chunkEnd = 0;
  private top = 0;
  /** Blocks taken during this call besides `chunk`, and the bytes the call allocated. */
  private extra: number[] = [];
  private callBytes = 0;
  private readonly copies: CopyStats = { inBytes: 0, outBytes: 0 };

  constructor(readonly memory: WebAssembly.Memory, readonly k: WasmKernelExports, readonly pool: WorkerPool | null) {
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    // only a shared memory's views survive its growth: a plain memory's arrays are never read in place
    if (this.shared) this.buffers.add(memory.buffer);
    this.heap = new WasmHeap(memory, ARENA_START, () => { if (this.shared) this.buffers.add(memory.buffer); });
  }

  /** Number of threads {@link parallel} runs on (1 without a pool). */
  get threads(): number {
    return this.pool ? this.pool.size + 1 : 1;
  }

  /** Stop the pool's workers (a runtime made by {@link createWasmRuntime}; the shared one lives as long as the process). */
  dispose(): void {
    this.pool?.terminate();
  }

  /** Whether `a` lies in this runtime's memory (a resident array or a view of one): kernels read and write it in place. */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Bytes copied in and out since the runtime started (the counters are live: read, then compare). */
  copyStats(): Readonly<CopyStats> {
    return this.copies;
  }

  /** Start a new call: forget all previous allocations. */
  reset(): void {
    if (this.extra.length > 0) { // the last call outgrew the block: one block of its size from now on
      for (const b of this.extra) this.heap.free(b);
      this.heap.free(this.chunk);
      this.extra = [];
      this.chunk = this.heap.alloc(Math.max(MIN_SCRATCH, this.callBytes));
      this.chunkEnd = this.chunk + this.heap.sizeAt(this.chunk);
    }
    this.top = this.chunk;
    this.callBytes = 0;
  }

  /**
   * Reserve `bytes` of scratch for this call and return the offset, aligned to a 64-byte cache
   * line (a 256-byte row then spans 4 lines, not 5: the gather-sums read ≈ 20% less); takes a
   * further heap block when the call's block is full. Throws {@link WasmMemoryError} past 4 GiB.
   * Consecutive allocations are not necessarily adjacent.
   */
  alloc(bytes: number): number {
    const b = Math.ceil(bytes / LINE) * LINE;
    this.callBytes += b;
    if (this.chunk < 0 || this.top + b > this.chunkEnd) {
      const size = Math.max(MIN_SCRATCH, b, this.callBytes);
      const blk = this.heap.alloc(size);
      if (this.chunk >= 0) {
        if (this.top === this.chunk && this.extra.length === 0) this.heap.free(this.chunk); // nothing of this call in it
        else this.extra.push(this.chunk);
      }
      this.chunk = blk;
      this.chunkEnd = blk + this.heap.sizeAt(blk);
      this.top = blk;
    }
    const off = this.top;
    this.top = off + b;
    return off;
  }

  /** Copy `a` into a fresh allocation and return its offset. */
  put(a: Arr): number {
    const off = this.alloc(a.byteLength);
    this.view(a, off, a.length).set(a);
    this.copies.inBytes += a.byteLength;
    return off;
  }

  /** Copy `dst.length` elements at `off` into `dst`. */
  get(off: number, dst: Arr): void {
    dst.set(this.view(dst, off, dst.length));
    this.copies.outBytes += dst.byteLength;
  }

  /** The offset of input `a`: where it lies when it is in this memory, else a copy ({@link put}). The kernel must not write it. */
  input(a: Arr): number {
    return this.buffers.has(a.buffer) ? a.byteOffset : this.put(a);
  }

  /**
   * Where a kernel writes output `o`: in place when `o` is in this memory, else `reuse` (scratch
   * this call already holds of `o`'s size, e.g. a copied input that may be overwritten; −1: none)
   * or fresh scratch. {@link finish} copies it out.
   */
  output(o: Arr, reuse = -1): number {
    if (this.buffers.has(o.buffer)) return o.byteOffset;
    return reuse >= 0 ? reuse : this.alloc(o.byteLength);
  }

  /** Finish output `o` written at `off` (from {@link output}): copy it out unless it was written in place. */
  finish(off: number, o: Arr): void {
    if (!(off === o.byteOffset && this.buffers.has(o.buffer))) this.get(off, o);
  }

  /**
   * {@link output} for an elementwise kernel that may write over its input `x`, which
   * {@link input} placed at `px`: a copy of `x` of `o`'s size is reused as the output's scratch.
   */
  outputOver(o: Arr, x: Arr, px: number): number {
    return this.output(o, !this.buffers.has(x.buffer) && x.byteLength === o.byteLength ? px : -1);
  }

  /** A view of `n` elements at `off` with the element type of `like`. */
  view<A extends Arr>(like: A, off: number, n: number): A {
    const C = like.constructor as new (b: ArrayBuffer, o: number, n: number) => A;
    return new C(this.memory.buffer as ArrayBuffer, off, n);
  }

  /**
   * Run kernel `name` once per argument list, concurrently: the first list on this thread, the
   * others on the pool's workers (at most {@link threads} lists); returns when all are done. A
   * list whose worker has not woken up by the time this thread has run its own is run here too
   * (the job is withdrawn, see {@link WorkerPool.join}): a descheduled worker delays the call by
   * at most its own list, never by the time until the scheduler runs it.
   * `beforeOwn` runs on this thread once the workers have started, before its own list (work to
   * overlap with theirs, e.g. faulting in a fresh output array).
   * Arguments travel as int32 (pointers, sizes, ranges): float arguments must stay on this thread.
   */
  parallel(name: KernelName, argLists: readonly (readonly number[])[], beforeOwn?: () => void): void {
    const f = this.k[name] as unknown as Fn;
    if (argLists.length === 0) { beforeOwn?.(); return; }
    if (!this.pool || argLists.length === 1) {
      beforeOwn?.();
      for (const a of argLists) f(...a);
      return;
    }
    this.pool.start(name, argLists.slice(1));
    let withdrawn: number[];
    try {
      beforeOwn?.();
      f(...argLists[0]!);
    } finally {
      withdrawn = this.pool.join();
    }
    // the lists of workers that had not woken up yet: run them here (same results, in any order)
    for (const w of withdrawn) f(...argLists[w + 1]!);
  }

  /**
   * Run kernel `name` over `chunks`: every thread (this one and the pool's workers) calls the kernel
   * with `args` whose entries `pos` and `pos + 1` are replaced by a chunk's [start, end), until all
   * chunks are claimed. **Scheduling.** Thread t owns the contiguous block t of P nearly equal
   * blocks of chunk indices and claims its own chunks in order first, then the unclaimed chunks of
   * the other blocks (t + 1, t + 2, … mod P), each claim an `Atomics.add` on that block's counter.
   * So with balanced threads a thread reads the same part of the operands in every call — data
   * that is still in its core's cache from the last call (a 10M float32 sum reads 40 MB: each of
   * two cores' halves fits its cache, the whole does not) — and a slow thread's chunks are still
   * taken over, one chunk at a time. Which thread runs a chunk never changes its result. `beforeOwn` runs on
   * this thread after the workers started and before it takes chunks (work that overlaps theirs,
   * e.g. faulting in the fresh output array the result will be copied to); the workers pick up the
   * chunks this thread does not get to meanwhile. With `perThread`, thread t (this one is 0, worker
   * w is w + 1) runs with `args[p] + t·stride` at each position p of `perThread.pos`: per-thread
   * scratch (at most {@link threads} copies). Returns when all chunks are done: once this thread
   * has claimed the last chunk it waits only for workers that took the job, and withdraws it from
   * those still asleep or descheduled (see {@link WorkerPool.join}) — they have claimed nothing, so
   * it has run their chunks itself.
   */
  parallelChunks(name: KernelName, args: readonly number[], pos: number, chunks: readonly (readonly [number, number])[], beforeOwn?: () => void, perThread?: PerThread): void {
    if (chunks.length > MAX_CHUNKS) throw new BackendError(`wasm kernels: ${chunks.length} chunks, more than ${MAX_CHUNKS}`);
    const f = this.k[name] as unknown as Fn;
    const a = [...args];
    const own = (c: readonly [number, number]): void => {
      a[pos] = c[0];
      a[pos + 1] = c[1];
      f(...a);
    };
    if (!this.pool || chunks.length <= 1) {
      beforeOwn?.();
      for (const c of chunks) own(c);
      return;
    }
    const S = this.beginChunked(this.pool, name, a, pos, chunks, perThread);
    try {
      beforeOwn?.();
      claimChunks(S, chunks.length, S[0]!, 0, (c) => own(chunks[c]!));
    } finally {
      this.pool.join();
    }
  }

  /**
   * Write the chunk table and the block counters (returned: [P, next₀, …], see
   * {@link CHUNK_COUNTER}) and start the workers on a chunked call.
   */
  private beginChunked(pool: WorkerPool, name: KernelName, a: readonly number[], pos: number, chunks: readonly (readonly [number, number])[], perThread?: PerThread): Int32Array {
    const n = chunks.length;
    const t = new Int32Array(this.memory.buffer, CHUNK_TABLE, 1 + 2 * n);
    t[0] = n;
    chunks.forEach(([c0, c1], i) => { t[1 + 2 * i] = c0; t[2 + 2 * i] = c1; });
    const workers = Math.min(pool.size, n - 1, MAX_CHUNK_THREADS - 1), P = workers + 1;
    const S = new Int32Array(this.memory.buffer, CHUNK_COUNTER, 1 + P);
    S[0] = P;
    for (let u = 0; u < P; u++) Atomics.store(S, 1 + u, Math.floor((n * u) / P));
    pool.startChunks(name, a, pos, CHUNK_TABLE, workers, perThread);
    return S;
  }

  /**
   * {@link parallelChunks} for a kernel that writes output `o` at `off` (from {@link output}),
   * then {@link finish}: when `o` is not in this memory, this thread copies each chunk's result
   * out as soon as the chunk is done, so the copy overlaps the computation instead of following it
   * (an eager op's output is a plain array: the copy of 40 MB costs as much as a two-thread
   * elementwise kernel). **Copying comes first**: before it claims a chunk, this thread copies out
   * every finished one, and it claims a chunk only when none is waiting — the copy, which only it
   * can do, is then spread over the whole call, and the workers compute more of the chunks. Each
   * block of chunks (see {@link parallelChunks}) is copied in order, as its chunks finish. Chunk
   * [s, e) covers elements [s·unit, e·unit) of `o`. Same results as `parallelChunks` then `finish`.
   */
  parallelChunksOut(name: KernelName, args: readonly number[], pos: number, chunks: readonly (readonly [number, number])[], off: number, o: Arr, unit: number, beforeOwn?: () => void): void {
    if ((off === o.byteOffset && this.buffers.has(o.buffer)) || !this.pool || chunks.length <= 1) {
      this.parallelChunks(name, args, pos, chunks, beforeOwn);
      this.finish(off, o);
      return;
    }
    if (chunks.length > MAX_CHUNKS) throw new BackendError(`wasm kernels: ${chunks.length} chunks, more than ${MAX_CHUNKS}`);
    const f = this.k[name] as unknown as Fn;
    const a = [...args], n = chunks.length;
    const done = new Int32Array(this.memory.buffer, CHUNK_DONE, n);
    done.fill(0);
    const src = this.view(o, off, o.length);
    const pool = this.pool, S = this.beginChunked(pool, name, a, pos, chunks), P = S[0]!;
    // next[u]: the first chunk of block u not yet copied out; end[u]: the block's end
    const next = Array.from({ length: P }, (_, u) => Math.floor((n * u) / P));
    const end = Array.from({ length: P }, (_, u) => Math.floor((n * (u + 1)) / P));
    let left = n, bytes = 0;
    const copy = (c: number): void => {
      const s = chunks[c]![0] * unit, e = chunks[c]![1] * unit;
      o.set(src.subarray(s, e), s);
      bytes += (e - s) * o.BYTES_PER_ELEMENT;
      left--;
    };
    /** Copy out every finished chunk that follows the copied ones of its block; whether it copied any. */
    const drain = (): boolean => {
      let any = false;
      for (let u = 0; u < P; u++) {
        for (let c = next[u]!; c < end[u]! && Atomics.load(done, c) === 1; c = ++next[u]!) { copy(c); any = true; }
      }
      return any;
    };
    try {
      beforeOwn?.();
      for (;;) {
        if (drain()) continue;
        const c = claimNext(S, n, P, 0);
        if (c < 0) break;
        a[pos] = chunks[c]![0];
        a[pos + 1] = chunks[c]![1];
        f(...a);
        Atomics.store(done, c, 1);
      }
      // the workers' last chunks: copy each as it finishes; once they are all idle every flag is final
      while (left > 0) {
        const idle = pool.idle();
        drain();
        if (idle) break;
      }
    } finally {
      pool.join();
    }
    // not reached unless a worker failed (join throws then): copy what is left in one go
    for (let u = 0; u < P; u++) while (next[u]! < end[u]!) copy(next[u]!++);
    this.copies.outBytes += bytes;
  }
}

/**
 * The next chunk thread `me` claims in a chunked call (the order of {@link claimChunks}: its own
 * block first, then blocks me + 1, me + 2, … mod P), or −1 when every chunk is claimed. One call,
 * one chunk: the caller of {@link WasmArena.parallelChunksOut} decides between chunks whether to
 * copy or to compute.
 */
export function claimNext(S: Int32Array, n: number, P: number, me: number): number {
  for (let k = 0; k < P; k++) {
    const u = (me + k) % P;
    const c = Atomics.add(S, 1 + u, 1);
    if (c < Math.floor((n * (u + 1)) / P)) return c;
  }
  return -1;
}

/**
 * Thread `me`'s part of a chunked call over n chunks: `run(c)` for each chunk index c it claims
 * from the block counters `S` = [P, next₀, …] (see {@link CHUNK_COUNTER}) — its own block first,
 * in order, then the unclaimed chunks of blocks me + 1, me + 2, … mod P. Each `Atomics.add` on a
 * block's counter hands out one index, so every chunk is run by exactly one thread (the overshoot
 * past a block's end is discarded). The workers run this same function: its source is part of
 * theirs, so it must not refer to anything outside itself.
 * @internal exported for tests
 */
export function claimChunks(S: Int32Array, n: number, P: number, me: number, run: (c: number) => void): void {
  for (let k = 0; k < P; k++) {
    const u = (me + k) % P, end = Math.floor((n * (u + 1)) / P);
    for (let c = Atomics.add(S, 1 + u, 1); c < end; c = Atomics.add(S, 1 + u, 1)) run(c);
  }
}

/** Split [0, n) into at most `parts` contiguous ranges of (nearly) equal length, as [start, end) pairs. */
export function splitRange(n: number, parts: number): [number, number][] {
  const p = Math.max(1, Math.min(parts, n));
  const out: [number, number][] = [];
  for (let t = 0; t < p; t++) out.push([Math.floor((n * t) / p), Math.floor((n * (t + 1)) / p)]);
  return out;
}

/** Split segments [0, S) of a CSR into at most `parts` ranges with (nearly) equal numbers of positions. */
export function splitCsr(rowptr: Int32Array, parts: number): [number, number][] {
  const S = rowptr.length - 1, E = rowptr[S]!;
  if (parts <= 1 || E === 0) return [[0, S]];
  const out: [number, number][] = [];
  let s0 = 0;
  for (let t = 1; t <= parts; t++) {
    let s1 = S;
    if (t < parts) {
      const target = Math.floor((E * t) / parts);
      let lo = s0, hi = S; // first s with rowptr[s] ≥ target
      while (lo < hi) { const mid = (lo + hi) >> 1; if (rowptr[mid]! < target) lo = mid + 1; else hi = mid; }
      s1 = lo;
    }
    if (s1 > s0) out.push([s0, s1]);
    s0 = s1;
  }
  return out.length ? out : [[0, S]];
}

// ------------------------------------------------------------------ worker pool (Node, and browsers where cross-origin isolated)

let waitable: boolean | undefined;
/** Whether this thread may block in Atomics.wait (not a browser's main thread); tested once. */
function canWait(): boolean {
  if (waitable === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
      waitable = true;
    } catch {
      waitable = false;
    }
  }
  return waitable;
}

/**
 * The body of the worker's program, given `module`, `memory`, `slot` and `names`: instantiate the
 * module on the shared memory, then serve its slot.
 */
const WORKER_BODY = `
const I = new Int32Array(memory.buffer, slot, ${SLOT_INTS});
const S = new Int32Array(memory.buffer, ${CHUNK_COUNTER}, ${1 + MAX_CHUNK_THREADS});
const claimChunks = (${claimChunks.toString()});
const T = new Int32Array(memory.buffer, ${CHUNK_TABLE}, ${1 + 2 * MAX_CHUNKS});
const D = new Int32Array(memory.buffer, ${CHUNK_DONE}, ${MAX_CHUNKS});
let fns;
try {
  const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernels: abort'); } } });
  fns = names.map((n) => inst.exports[n]);
  Atomics.store(I, 2, 1);
} catch (e) {
  Atomics.store(I, 2, 2);
}
Atomics.notify(I, 2);
if (fns) for (;;) {
  // spin briefly before sleeping: kernels come in bursts, and a futex wake costs more than a call
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(I, 0) === 0 && performance.now() < until);
  if (Atomics.load(I, 0) === 0) {
    Atomics.store(I, 29, 1);
    Atomics.wait(I, 0, 0);
    Atomics.store(I, 29, 0);
  }
  // take the job; a job the caller withdrew meanwhile (it ran the work itself) is gone: wait again
  if (Atomics.compareExchange(I, 0, 1, 2) !== 1) continue;
  const f = fns[I[1]], n = I[3], a = new Array(n), table = I[26]; // table: 0 or ${CHUNK_TABLE}
  for (let i = 0; i < n; i++) a[i] = I[4 + i];
  try {
    if (table === 0) f(...a);
    else {
      const pos = I[27], count = T[0];
      for (let i = 0; i < n; i++) if ((I[28] >>> i) & 1) a[i] += ((slot - ${CTL_START}) / ${SLOT_INTS * 4} + 1) * I[31]; // worker w is thread w + 1
      const me = (slot - ${CTL_START}) / ${SLOT_INTS * 4} + 1;
      claimChunks(S, count, S[0], me, (c) => {
        a[pos] = T[1 + 2 * c];
        a[pos + 1] = T[2 + 2 * c];
        f(...a);
        Atomics.store(D, c, 1);
      });
    }
    I[30] = 0;
  } catch (e) { I[30] = 1; }
  Atomics.store(I, 0, 0);
  Atomics.notify(I, 0);
}
`;

/** The worker's program in Node (CommonJS, run with `eval`): its start data come as `workerData`. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, slot, names } = workerData;
${WORKER_BODY}`;

/**
 * The worker's program in a browser (a classic Web Worker from a Blob URL): its start data come in
 * the first message; from then on it serves its slot exactly as in Node (a worker may Atomics.wait).
 */
const WEB_WORKER_SOURCE = `
self.onmessage = (ev) => {
  self.onmessage = null;
  const { module, memory, slot, names } = ev.data;
${WORKER_BODY}};
`;

interface NodeWorker { unref(): void; terminate(): Promise<number> }
/** A worker of either kind, as far as the pool needs it. */
interface AnyWorker { terminate(): unknown }
/** The browser's Worker, as far as the pool needs it. */
interface WebWorker extends AnyWorker { postMessage(m: unknown): void; addEventListener(type: 'error', f: () => void): void }
type WebWorkerCtor = new (url: string) => WebWorker;
type WorkerCtor = new (src: string, opts: { eval: true; execArgv: string[]; workerData: unknown }) => NodeWorker;

/** Worker threads serving kernel calls through control slots in the shared memory (Atomics wait/notify). */
export class WorkerPool {
  private readonly names: KernelName[];
  private readonly slots: Int32Array[] = [];
  private busy = 0;

  private constructor(readonly memory: WebAssembly.Memory, names: KernelName[], readonly workers: AnyWorker[]) {
    this.names = names;
  }

  /** Number of workers (threads besides the caller's). */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Start `size` workers on `memory` (shared) and wait until they are ready (at most `timeoutMs`);
   * null when worker threads are unavailable or a worker fails to start.
   */
  static create(mod: WebAssembly.Module, memory: WebAssembly.Memory, names: KernelName[], size: number, Worker: WorkerCtor, timeoutMs = 10_000): WorkerPool | null {
    const workers: NodeWorker[] = [];
    const slots: Int32Array[] = [];
    for (let w = 0; w < size; w++) {
      const slot = CTL_START + w * SLOT_INTS * 4;
      const I = new Int32Array(memory.buffer, slot, SLOT_INTS);
      I.fill(0);
      slots.push(I);
      // execArgv: none of the parent's flags (`--input-type=module` would make this CommonJS source a module)
      const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module: mod, memory, slot, names } });
      worker.unref();
      workers.push(worker);
    }
    const deadline = Date.now() + timeoutMs;
    for (const I of slots) {
      while (Atomics.load(I, 2) === 0 && Date.now() < deadline) Atomics.wait(I, 2, 0, 50);
      if (Atomics.load(I, 2) !== 1) {
        for (const w of workers) void w.terminate();
        return null;
      }
    }
    const pool = new WorkerPool(memory, names, workers);
    pool.slots.push(...slots);
    return pool;
  }

  /**
   * @internal A pool of `size` control slots on `memory` that no worker serves: every job it is
   * handed stays posted, as with workers that never get scheduled (tests of {@link join}'s
   * withdrawal).
   */
  static unserved(memory: WebAssembly.Memory, names: KernelName[], size: number): WorkerPool {
    const pool = new WorkerPool(memory, names, []);
    for (let w = 0; w < size; w++) pool.slots.push(new Int32Array(memory.buffer, CTL_START + w * SLOT_INTS * 4, SLOT_INTS).fill(0));
    return pool;
  }

  /**
   * The browser's pool: start `size` Web Workers (from a Blob URL of the web worker program) on
   * `memory` (shared), hand each its start data by message, and wait — asynchronously, since a Web
   * Worker only starts once this thread yields — until all are ready (at most `timeoutMs`); null
   * when one fails to start or the time runs out (the workers are then terminated).
   */
  static async createWeb(mod: WebAssembly.Module, memory: WebAssembly.Memory, names: KernelName[], size: number, Worker: WebWorkerCtor, timeoutMs = 5_000): Promise<WorkerPool | null> {
    const workers: WebWorker[] = [];
    const slots: Int32Array[] = [];
    let error = false;
    const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
    try {
      for (let w = 0; w < size; w++) {
        const slot = CTL_START + w * SLOT_INTS * 4;
        const I = new Int32Array(memory.buffer, slot, SLOT_INTS);
        I.fill(0);
        slots.push(I);
        const worker = new Worker(url);
        worker.addEventListener('error', () => { error = true; });
        workers.push(worker);
        worker.postMessage({ module: mod, memory, slot, names });
      }
      const deadline = Date.now() + timeoutMs;
      for (const I of slots) {
        while (Atomics.load(I, 2) === 0 && !error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        if (Atomics.load(I, 2) !== 1) {
          for (const w of workers) w.terminate();
          return null;
        }
      }
    } catch {
      for (const w of workers) w.terminate();
      return null;
    } finally {
      URL.revokeObjectURL(url);
    }
    const pool = new WorkerPool(memory, names, workers);
    pool.slots.push(...slots);
    return pool;
  }

  /** Hand one argument list to each of the first `argLists.length` workers. */
  start(name: KernelName, argLists: readonly (readonly number[])[]): void {
    const fi = this.names.indexOf(name);
    const n = Math.min(argLists.length, this.slots.length);
    for (let w = 0; w < n; w++) {
      const I = this.slots[w]!, a = argLists[w]!;
      if (a.length > MAX_ARGS) throw new BackendError(`wasm kernels: ${name} has more than ${MAX_ARGS} arguments`);
      this.post(I, fi, a, 0, 0);
    }
    this.busy = n;
  }

  /** Hand the same chunked job (see {@link WasmArena.parallelChunks}) to the first `n` workers. */
  startChunks(name: KernelName, args: readonly number[], pos: number, table: number, n: number, perThread?: PerThread): void {
    const fi = this.names.indexOf(name);
    const m = Math.min(n, this.slots.length);
    if (args.length > MAX_ARGS) throw new BackendError(`wasm kernels: ${name} has more than ${MAX_ARGS} arguments`);
    for (let w = 0; w < m; w++) this.post(this.slots[w]!, fi, args, table, pos, perThread);
    this.busy = m;
  }

  private post(I: Int32Array, fi: number, a: readonly number[], table: number, pos: number, perThread?: PerThread): void {
    I[1] = fi;
    I[3] = a.length;
    for (let i = 0; i < a.length; i++) I[4 + i] = a[i]!;
    I[26] = table;
    I[27] = pos;
    I[28] = perThread ? (typeof perThread.pos === 'number' ? [perThread.pos] : perThread.pos).reduce((m, p) => m | (1 << p), 0) : 0;
    I[31] = perThread ? perThread.stride : 0;
    Atomics.store(I, 0, 1);
    if (Atomics.load(I, 29) === 1) Atomics.notify(I, 0); // only a sleeping worker needs the futex wake
  }

  /** Terminate the workers. */
  terminate(): void {
    for (const w of this.workers) void w.terminate();
  }

  /** Whether every started worker has finished its job (its chunk flags are then final). */
  idle(): boolean {
    for (let w = 0; w < this.busy; w++) if (Atomics.load(this.slots[w]!, 0) !== 0) return false;
    return true;
  }

  /**
   * Finish the started jobs: a job no worker has taken yet (state still 1: the worker is asleep or
   * not scheduled) is withdrawn at once — one compare-exchange 1 → 0, which the worker's own
   * 1 → 2 cannot then win, so it never runs it — and a taken job is waited for (spinning briefly,
   * then `Atomics.wait`; a browser's main thread spins). Returns the indices of the workers whose
   * jobs were withdrawn, in order: the caller runs their work itself (a chunked call's claims
   * already have). Throws if a worker's job failed.
   */
  join(): number[] {
    let failed = false;
    const withdrawn: number[] = [];
    for (let w = 0; w < this.busy; w++) {
      const I = this.slots[w]!;
      if (Atomics.compareExchange(I, 0, 1, 0) === 1) { withdrawn.push(w); continue; }
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(I, 0) !== 0 && performance.now() < until);
      if (canWait()) for (let v = Atomics.load(I, 0); v !== 0; v = Atomics.load(I, 0)) Atomics.wait(I, 0, v);
      else while (Atomics.load(I, 0) !== 0); // a browser's main thread may not block: spin
      if (I[30] !== 0) failed = true;
    }
    this.busy = 0;
    if (failed) throw new BackendError('wasm kernels: a kernel failed on a worker thread');
    return withdrawn;
  }
}

// ------------------------------------------------------------------ loading

let arena: WasmArena | null = null;
let failed = false;
let pending: Promise<boolean> | null = null;

/** The module bytes; `shared`: the variant importing a shared memory (one flag byte differs). */
function moduleBytes(shared = false): Uint8Array<ArrayBuffer> {
  const s = atob(KERNELS_WASM_BASE64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  if (shared) {
    if (b[KERNELS_MEMORY_FLAG_OFFSET] !== 0x01) throw new BackendError('wasm kernels: unexpected memory import flags');
    b[KERNELS_MEMORY_FLAG_OFFSET] = 0x03;
  }
  return b;
}

interface NodeApi {
  v8?: { setFlagsFromString(f: string): void };
  Worker?: WorkerCtor;
  threads: number;
}

/** Node's modules and the pool size (`ERLANGEN_WASM_THREADS`, read on every call), or null outside Node. */
function nodeApi(): NodeApi | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> } }).process;
  if (!proc?.getBuiltinModule) return null;
  const v8 = proc.getBuiltinModule('node:v8') as NodeApi['v8'];
  const wt = proc.getBuiltinModule('node:worker_threads') as { Worker?: WorkerCtor } | undefined;
  const os = proc.getBuiltinModule('node:os') as { availableParallelism?: () => number } | undefined;
  const env = Number(proc.env?.ERLANGEN_WASM_THREADS);
  const threads = Number.isInteger(env) && env >= 1 ? env : Math.min(4, os?.availableParallelism?.() ?? 1);
  return { v8, Worker: wt?.Worker, threads };
}

/**
 * In Node, compile the kernels straight to optimised code: V8 otherwise starts them in its baseline
 * compiler (Liftoff) and tiers them up only after many calls, which makes the first dozen calls of
 * a hot kernel about 1.5–2× slower. The flag is set around this module's compilation only and
 * restored afterwards.
 */
function compileOptimised(bytes: Uint8Array<ArrayBuffer>, v8: NodeApi['v8']): WebAssembly.Module {
  if (!v8) return new WebAssembly.Module(bytes);
  v8.setFlagsFromString('--no-wasm-dynamic-tiering');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    v8.setFlagsFromString('--wasm-dynamic-tiering');
  }
}

function instantiate(mod: WebAssembly.Module, memory: WebAssembly.Memory, pool: WorkerPool | null): WasmArena {
  const inst = new WebAssembly.Instance(mod, { env: { memory, abort: () => { throw new Error('wasm kernels: abort'); } } });
  return new WasmArena(memory, inst.exports as unknown as WasmKernelExports, pool);
}

interface WebApi {
  Worker: WebWorkerCtor;
  threads: number;
}

/**
 * In a browser (page or Web Worker) that is cross-origin isolated, with SharedArrayBuffer, Web
 * Workers and Blob URLs: the Worker constructor and the pool size — `globalThis.ERLANGEN_WASM_THREADS`
 * when set (an integer ≥ 1, read on every call), else `navigator.hardwareConcurrency`, at most 4.
 * Null elsewhere (Node included).
 */
function webApi(): WebApi | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: WebWorkerCtor; navigator?: { hardwareConcurrency?: number }; ERLANGEN_WASM_THREADS?: unknown };
  if (nodeApi() || g.crossOriginIsolated !== true || typeof g.Worker !== 'function' || typeof SharedArrayBuffer !== 'function'
    || typeof Blob !== 'function' || typeof URL?.createObjectURL !== 'function') return null;
  const set = Number(g.ERLANGEN_WASM_THREADS);
  const threads = Number.isInteger(set) && set >= 1 ? set : Math.min(4, Math.max(1, g.navigator?.hardwareConcurrency ?? 1));
  return { Worker: g.Worker, threads };
}

/** The browser's pool size where a pool of more than one thread can be started, else 0. */
function webThreads(): number {
  const web = webApi();
  return web && web.threads > 1 ? web.threads : 0;
}

/** Whether a pool of `threads` (> 1) can be started here: Node's worker threads and SharedArrayBuffer. */
function canPool(node: NodeApi | null, threads: number): node is NodeApi & { Worker: WorkerCtor } {
  return !!node?.Worker && threads > 1 && typeof SharedArrayBuffer === 'function';
}

/**
 * A runtime on `threads` threads (the caller and `threads − 1` workers) from the shared-memory
 * module `mod`; null when the pool fails to start.
 */
function pooled(mod: WebAssembly.Module, node: NodeApi & { Worker: WorkerCtor }, threads: number): WasmArena | null {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  const a = instantiate(mod, memory, null);
  const names = Object.keys(a.k).filter((k) => typeof (a.k as unknown as Record<string, unknown>)[k] === 'function') as KernelName[];
  const pool = WorkerPool.create(mod, memory, names, threads - 1, node.Worker);
  return pool ? new WasmArena(memory, a.k, pool) : null;
}

/** The browser's runtime on `threads` threads (Web Workers, started asynchronously); null when the pool fails to start. */
async function pooledWeb(mod: WebAssembly.Module, web: WebApi, threads: number): Promise<WasmArena | null> {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  const a = instantiate(mod, memory, null);
  const names = Object.keys(a.k).filter((k) => typeof (a.k as unknown as Record<string, unknown>)[k] === 'function') as KernelName[];
  const pool = await WorkerPool.createWeb(mod, memory, names, threads - 1, web.Worker);
  return pool ? new WasmArena(memory, a.k, pool) : null;
}

/**
 * A single-threaded runtime: in Node on a shared memory (module variant `shared`), so tensors can
 * be resident in it as on a pooled runtime; elsewhere on a plain memory.
 */
function single(mod: WebAssembly.Module, shared = false): WasmArena {
  return instantiate(mod, new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared }), null);
}

/** Whether a single-threaded runtime gets a shared memory: in Node, where SharedArrayBuffer always exists. */
const sharedSingle = (node: NodeApi | null): boolean => node !== null && typeof SharedArrayBuffer === 'function';

/** Load synchronously on `threads` threads (the pool when it starts, else one thread). */
function load(threads: number): WasmArena {
  const node = nodeApi();
  if (canPool(node, threads)) {
    const a = pooled(compileOptimised(moduleBytes(true), node.v8), node, threads);
    if (a) return a;
  }
  const shared = sharedSingle(node);
  return single(compileOptimised(moduleBytes(shared), node?.v8), shared);
}

/**
 * A new, separate runtime on `threads` threads (its own memory and worker pool; one thread where
 * worker threads are unavailable), for tests and tuning: `wasmKernels({ runtime })` runs on it.
 * {@link WasmArena.dispose} stops its workers. Null where WebAssembly SIMD is unavailable.
 */
export function createWasmRuntime(threads: number): WasmArena | null {
  try {
    return load(Math.max(1, Math.floor(threads)));
  } catch {
    return null;
  }
}

/**
 * The shared runtime, loading it synchronously on first use (on `ERLANGEN_WASM_THREADS` threads,
 * default: the available parallelism, at most 4); null where WebAssembly SIMD is unavailable or
 * synchronous compilation is refused (then call {@link wasmReady}).
 */
export function wasmRuntime(): WasmArena | null {
  if (arena || failed) return arena;
  if (webThreads()) { // a browser's pool starts asynchronously: the kernels come with wasmReady()
    void wasmReady();
    return null;
  }
  try {
    if (typeof WebAssembly !== 'object') throw new Error('no WebAssembly');
    arena = load(nodeApi()?.threads ?? 1);
  } catch {
    failed = true;
    void wasmReady();
  }
  return arena;
}

/**
 * Load the kernels, asynchronously where synchronous compilation is not allowed (a browser's main
 * thread); resolves to whether they are available. Whether it is the first call or not, the
 * runtime gets the same threads as a synchronous load (`ERLANGEN_WASM_THREADS` in Node). In a
 * cross-origin isolated browser context it also starts the Web Worker pool
 * (`globalThis.ERLANGEN_WASM_THREADS`, default `navigator.hardwareConcurrency` capped at 4) and
 * waits for every worker's ready flag, at most 5 s, else it loads the kernels on one thread.
 */
export function wasmReady(): Promise<boolean> {
  if (arena) return Promise.resolve(true);
  const web = webThreads() ? webApi() : null;
  if (!web && !failed && wasmRuntime()) return Promise.resolve(true);
  pending ??= (async () => {
    try {
      const node = nodeApi(), threads = node?.threads ?? 1;
      if (web) arena = await pooledWeb(await WebAssembly.compile(moduleBytes(true)), web, web.threads);
      else if (canPool(node, threads)) arena = pooled(await WebAssembly.compile(moduleBytes(true)), node, threads);
      const shared = !web && sharedSingle(node);
      arena ??= single(await WebAssembly.compile(moduleBytes(shared)), shared);
      failed = false;
      return true;
    } catch {
      return false;
    }
  })();
  return pending;
}

/** Whether the wasm kernels are loaded (after a first use or {@link wasmReady}). */
export function wasmAvailable(): boolean {
  return wasmRuntime() !== null;
}

/** Threads the wasm kernels run on (0 when they are unavailable). */
export function wasmThreads(): number {
  return wasmRuntime()?.threads ?? 0;
}
