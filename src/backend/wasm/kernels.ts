/**
 * The wasm kernel provider of the dispatch chain (../dispatch.ts), backed by the WebAssembly SIMD
 * kernels (wasm/kernels.ts): the fused message-passing sums (`gatherSegmentSum`,
 * `gatherSegmentWeightedSum`, `segmentSum`), per-edge dot products (`gatherDot`), the segment
 * softmax with its gradient, `matmul`, the convolutions (`conv2d` and both gradients, float32 and
 * float64: im2col blocks packed straight into the GEMM, see `convGeo`), `exp` / `sigmoid` /
 * `silu` (float32 and float64) and float32 `siluGrad`; and the elementwise maps and reductions of ./elementwise.ts,
 * with their own measured thresholds. `accepts` takes a call when the wasm runtime is loaded, the
 * dtypes are ones the kernel has, and the work reaches `minWork` (O(1): shapes and dtypes only);
 * the kernel then copies its inputs into the module's memory (resident ones, ./resident.ts, it
 * reads in place; the elementwise, row, GEMM and exp-family kernels also write resident outputs in
 * place), validates indices there and
 * **declines** (returns false, before writing any output) on a bad index or when the call does not
 * fit the wasm32 memory — the chain then runs the next provider, down to the reference, which
 * throws the named error. Sums run gather-style over the CSR of the segment ids from the shared
 * cache (../csr-cache.ts). Every kernel returns the same bits for any thread count (see
 * `segmentPasses`). docs/design/wasm-kernels.md has the design and the measurements.
 * @module
 */
import type { FloatArray, Kernel, KernelTensor, TypedArray } from '../types.js';
import { matmulBatches } from '../js/matmul.js';
import { gemm } from '../js/gemm.js';
import type { Conv2dAttrs, GemmFn } from '../js/conv.js';
import { jsBackend } from '../js/backend.js';
import { csrProvider } from '../js/segment-csr.js';
import { chainBackend, everyCall, type KernelProvider, type ProviderKernel } from '../dispatch.js';
import { cachedComposed, cachedCsr, storeComposed, storeCsr, type SegmentCsr } from '../csr-cache.js';
import { aroundAxes, aroundAxis, colUnits, consecutive, elementwiseKernels, outerInnerAxes, permuteToRows, touchFresh } from './elementwise.js';
import './resident.js'; // installs resident storage (allocArray)
import { MAX_CHUNKS, PARALLEL_MIN_WORK, WasmMemoryError, splitCsr, splitRange, wasmRuntime, type WasmArena } from './runtime.js';

/** Options of {@link wasmKernels}. */
export interface WasmKernelOptions {
  /**
   * Use wasm only when a call touches at least this many elements (edges × features); smaller calls
   * run the plain-JS kernels, whose call overhead is lower. Default 4096; 0 always uses wasm.
   */
  minWork?: number;
  /**
   * Split a call across the worker threads only from this many element-operations on (waking a
   * worker costs 0.1–0.5 ms on a VM); default 2^21, 0 always splits.
   */
  parallelMinWork?: number;
  /** Use the wasm float32 GEMM for matrix products of at least this many multiply-adds (M·K·N per batch); default 32768. */
  minGemm?: number;
  /**
   * The runtime to run on (e.g. one from `createWasmRuntime(threads)`, to test a given thread
   * count); default: the shared runtime of `wasmRuntime()`.
   */
  runtime?: WasmArena;
}

/** Most chunks (of images) of a weight gradient: partial sums fixed by the shape, added in order. */
const CONV_WGRAD_CHUNKS = 16;

/** Most chunks of rows of a layer-norm backward (each holds float64 partials of the weight and bias gradients). */
const LAYERNORM_CHUNKS = 64;

/** Chunks per thread of the dynamically scheduled gather-sums (≈ 1 ms each at 1M edges × 64 features). */
const CHUNKS_PER_THREAD = 16;

/**
 * Write one element per 4 KiB page of `out` (a kernel output, about to be overwritten in full):
 * faults its pages in on this thread while the workers compute.
 */
function touchPages(out: TypedArray): void {
  const step = 4096 / out.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += step) out[i] = 0;
}

/** [0, n) in {@link CHUNKS_PER_THREAD} chunks per thread (one chunk for one thread), for `parallelChunks`. */
function chunked(n: number, T: number): [number, number][] {
  return splitRange(n, T > 1 ? Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * T) : 1);
}

const isFloat = (t: KernelTensor): boolean => t.dtype === 'float32' || t.dtype === 'float64';
const rowSize = (t: KernelTensor): number => { const R = t.shape[0] ?? 0; return R === 0 ? 0 : t.data.length / R; };

function f64(t: KernelTensor): boolean { return t.dtype === 'float64'; }


/** The wasm kernels as a provider for a dispatch chain (see the module doc). */
export function wasmProvider(opts: WasmKernelOptions = {}): KernelProvider {
  const minWork = opts.minWork ?? 4096;
  const parMin = opts.parallelMinWork ?? PARALLEL_MIN_WORK;
  /** Threads for `work` element-operations: the pool from `parallelMinWork` on, else this thread alone. */
  const par = (a: WasmArena, work: number): number => (work >= parMin ? a.threads : 1);
  const runtime = (): WasmArena | null => opts.runtime ?? wasmRuntime();
  /** The runtime of an accepted call (`accepts` checked that it is loaded). */
  const rt = (): WasmArena => runtime()!;

  /**
   * Validate and fingerprint segment ids already copied to `pids` in wasm, and return the arena
   * offsets of their CSR (cached per ids array and fingerprint, built in wasm on a miss); null when
   * an id is out of range or `sorted` is declared but false (the caller then runs the reference,
   * which throws).
   */
  function csrIn(a: WasmArena, pids: number, ids: TypedArray, S: number, sorted = false): { csr: SegmentCsr; prowptr: number; pperm: number } | null {
    const n = ids.length;
    const hash = a.k.fingerprint(pids, n, S); // the same function as the cache's idsFingerprint
    if (hash < 0 || (sorted && a.k.firstBadId(pids, n, S, 1) !== -1)) return null;
    const hit = cachedCsr(ids, S, hash);
    if (hit) return { csr: hit, prowptr: a.put(hit.rowptr), pperm: a.put(hit.perm) };
    const prowptr = a.alloc((S + 1) * 4), pperm = a.alloc(n * 4), pcur = a.alloc(S * 4);
    a.k.buildCsr(pids, n, S, prowptr, pperm, pcur);
    const rowptr = new Int32Array(S + 1), perm = new Int32Array(n);
    a.get(prowptr, rowptr);
    a.get(pperm, perm);
    return { csr: storeCsr(ids, S, hash, rowptr, perm), prowptr, pperm };
  }

  /** Σ over CSR positions of (weighted) rows: shared by gatherSegmentSum, segmentSum and the weighted sum. */
  function gsum(a: WasmArena, x: KernelTensor, F: number, H: number, gather: TypedArray | null, w: KernelTensor | null,
    ids: TypedArray, S: number, sorted: boolean, out: TypedArray): boolean {
    a.reset();
    const E = ids.length, d64 = f64(x), R = x.shape[0] ?? 0;
    let pg = 0, gh = 0;
    if (gather) { // gather indices: copied in, checked and fingerprinted in wasm
      pg = a.put(gather as Int32Array);
      gh = a.k.fingerprint(pg, E, R);
      if (gh < 0) return false;
    }
    const c = csrIn(a, a.put(ids as Int32Array), ids, S, sorted);
    if (!c) return false;
    const { csr, pperm, prowptr } = c;
    const T = par(a, E * F);
    const byPos = splitRange(E, T);
    const px = a.input(x.data as Float32Array | Float64Array);
    let prows = pperm;
    if (gather) {
      // rows[k] = gather[perm[k]]: 1M random reads of a 4 MB array cost 1.5–3 ms, so the result
      // is cached per gather array (and its fingerprint) and CSR, like the CSR itself
      const hit = cachedComposed(gather, csr, gh, R);
      if (hit) prows = a.put(hit);
      else {
        prows = a.alloc(E * 4);
        a.parallel('compose', byPos.map(([k0, k1]) => [pg, pperm, k0, k1, prows]));
        const rows = new Int32Array(E);
        a.get(prows, rows);
        storeComposed(gather, csr, gh, R, rows);
      }
    }
    let pw = 0;
    if (w) {
      const pw0 = a.input(w.data as Float32Array | Float64Array);
      pw = a.alloc(w.data.byteLength);
      a.parallel(d64 ? 'permuteRowsF64' : 'permuteRowsF32', byPos.map(([k0, k1]) => [pw0, H, pperm, k0, k1, pw]));
    }
    const po = a.output(out as Float32Array | Float64Array);
    // Chunks taken dynamically by the threads, while this one first faults in the pages of the fresh
    // output array (a freshly mapped 25 MB costs 10+ ms of page faults in the copy below otherwise;
    // this way the workers sum meanwhile and this thread takes fewer chunks).
    const chunks = splitCsr(csr.rowptr, T > 1 ? Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * T) : 1);
    a.parallelChunks(d64 ? 'gsumF64' : 'gsumF32', [px, F, H, prows, pw, prowptr, 0, 0, po], 6, chunks, touchFresh(a, out, T));
    a.finish(po, out as Float32Array | Float64Array);
    return true;
  }

  const gatherSegmentSum: ProviderKernel = (inputs, outputs, attrs: { numSegments: number }) => {
    const [x, gi, si] = inputs, [o] = outputs;
    return gsum(rt(), x!, rowSize(x!), 1, gi!.data, null, si!.data, attrs.numSegments, false, o!.data);
  };

  const segmentSum: ProviderKernel = (inputs, outputs, attrs: { numSegments: number; sorted: boolean }) => {
    const [x, si] = inputs, [o] = outputs;
    return gsum(rt(), x!, rowSize(x!), 1, null, null, si!.data, attrs.numSegments, attrs.sorted, o!.data);
  };

  const gatherSegmentWeightedSum: ProviderKernel = (inputs, outputs, attrs: { numSegments: number; heads: number }) => {
    const [x, w, gi, si] = inputs, [o] = outputs;
    return gsum(rt(), x!, rowSize(x!), attrs.heads, gi!.data, w!, si!.data, attrs.numSegments, false, o!.data);
  };

  const gatherDot: ProviderKernel = (inputs, outputs, attrs: { heads: number }) => {
    const [xa, xb, ia, ib] = inputs, [o] = outputs;
    const E = ia!.data.length, F = rowSize(xa!) || rowSize(xb!);
    const a = rt();
    a.reset();
    const pia = a.put(ia!.data as Int32Array), pib = a.put(ib!.data as Int32Array);
    if (a.k.firstBadId(pia, E, xa!.shape[0]!, 0) !== -1 || a.k.firstBadId(pib, E, xb!.shape[0]!, 0) !== -1) return false;
    const pa = a.input(xa!.data as Float32Array), pb = a.input(xb!.data as Float32Array);
    const po = a.output(o!.data as Float32Array);
    const T = par(a, E * F);
    a.parallelChunks(f64(xa!) ? 'gdotF64' : 'gdotF32', [pa, pb, F, attrs.heads, pia, pib, 0, 0, po], 6, chunked(E, T), touchFresh(a, o!.data, T));
    a.finish(po, o!.data as Float32Array);
  };

  /** Copy ids in and check them in wasm; the offset, or −1 when an id is bad (then the reference throws). */
  function putIds(a: WasmArena, ids: TypedArray, S: number, sorted: boolean): number {
    const p = a.put(ids as Int32Array);
    return a.k.firstBadId(p, ids.length, S, sorted ? 1 : 0) === -1 ? p : -1;
  }

  /** [S, C] scratch filled with `init` (on this thread: workers take integer arguments only). */
  function scratch(a: WasmArena, SC: number, d64: boolean, init: number): number {
    const base = a.alloc(SC * (d64 ? 8 : 4));
    (d64 ? a.k.fillF64 : a.k.fillF32)(base, SC, init);
    return base;
  }

  /**
   * The common set-up of the segment-softmax kernels: the runtime (null → the caller runs the
   * reference), the ids copied in and checked, the thread count, the edge chunks and — when the
   * call runs on more than one thread — the CSR of the ids in wasm memory (`prowptr`, `pperm`) and
   * its segment chunks.
   *
   * Determinism: every per-segment reduction (max, Σ exp, Σ g·y) adds the same terms in the same
   * order whatever the thread count: on one thread the edge-order passes accumulate in ascending
   * edge order; on several, the edge passes only compute per-edge values (split by edge ranges)
   * and each segment is reduced by exactly one thread over its CSR positions — ascending edges
   * again, from the same initial value. The results are therefore bit-identical for 1, 2, … threads
   * and any chunk schedule (test/backend/determinism.test.ts). (Per-thread partial sums merged
   * afterwards, as before, made the grouping depend on which thread took which chunk.)
   */
  function segmentPasses(x: KernelTensor, ids: TypedArray, attrs: { numSegments: number; sorted?: boolean }) {
    const a = rt();
    a.reset();
    const S = attrs.numSegments, n = ids.length, sorted = attrs.sorted ?? false;
    const C = rowSize(x), d64 = f64(x), SC = S * C;
    const T = par(a, n * C * 16); // ×16: three or four passes per element, with an exp
    let csr: { prowptr: number; pperm: number; segs: [number, number][] } | null = null, pids: number;
    if (T > 1) { // the CSR's fingerprint pass validates the ids
      pids = a.put(ids as Int32Array);
      const c = csrIn(a, pids, ids, S, sorted);
      if (!c) return null;
      csr = { prowptr: c.prowptr, pperm: c.pperm, segs: splitCsr(c.csr.rowptr, Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * T)) };
    } else {
      pids = putIds(a, ids, S, sorted);
      if (pids < 0) return null;
    }
    return { a, pids, n, C, d64, SC, chunks: chunked(n, T), T, csr };
  }

  // Segment softmax: exp(x − shift) per edge, Σ per segment, then a scale by the reciprocal.
  const segmentSoftmax: ProviderKernel = (inputs, outputs, attrs: { numSegments: number; sorted?: boolean }) => {
    const [x, si] = inputs, [o] = outputs;
    const p = segmentPasses(x!, si!.data, attrs);
    if (!p) return false;
    const { a, pids, n, C, d64, SC, chunks, T, csr } = p;
    const px = a.input(x!.data as Float32Array), po = a.output(o!.data as Float32Array);
    const touch = touchFresh(a, o!.data, T); // overlapped with the workers' first edge pass
    // Shift invariance: when max − min of all scores is small (no exp can overflow or flush a
    // whole segment to 0, and x − shift rounds as finely as with per-segment maxima), shift by the
    // global max — one SIMD min/max pass instead of the max pass with its scattered stores.
    // (split across the threads; min and max do not depend on the grouping)
    const mm = splitRange(n * C, T), pmm = a.alloc(16 * (mm.length + 1)), per = d64 ? 2 : 4; // 16-byte slots
    a.parallel(d64 ? 'minMaxF64' : 'minMaxF32', mm.map(([i0, i1], t) => [px + i0 * (16 / per), i1 - i0, pmm + 16 * (t + 1)]));
    const part = d64 ? a.view(new Float64Array(0), pmm, per * (mm.length + 1)) : a.view(new Float32Array(0), pmm, per * (mm.length + 1));
    let lo = Infinity, hi = -Infinity;
    for (let t = 1; t <= mm.length; t++) { lo = Math.min(lo, part[per * t]!); hi = Math.max(hi, part[per * t + 1]!); }
    part[0] = lo;
    part[1] = hi; // the shift expSumShift reads (at pmm + one element)
    const shift = hi - lo <= (d64 ? 64 : 16); // false for NaN and ±∞ (then the exact per-segment path)
    let ps: number;
    if (!csr) { // one thread: edge-order passes accumulating into [S, C] scratch
      ps = scratch(a, SC, d64, 0);
      if (shift) a.parallelChunks(d64 ? 'expSumShiftF64' : 'expSumShiftF32', [px, C, pids, 0, 0, pmm + (d64 ? 8 : 4), po, ps], 3, chunks);
      else {
        const pm = scratch(a, SC, d64, -Infinity);
        a.parallelChunks(d64 ? 'segMaxF64' : 'segMaxF32', [px, C, pids, 0, 0, pm], 3, chunks);
        a.parallelChunks(d64 ? 'expSumF64' : 'expSumF32', [px, C, pids, 0, 0, pm, po, ps], 3, chunks);
      }
    } else { // threads: per-edge exps by edge ranges, per-segment max and sum in CSR order by segment ranges
      ps = a.alloc(SC * (d64 ? 8 : 4));
      if (shift) a.parallelChunks(d64 ? 'expSumShiftF64' : 'expSumShiftF32', [px, C, pids, 0, 0, pmm + (d64 ? 8 : 4), po, 0], 3, chunks, touch);
      else {
        const pm = a.alloc(SC * (d64 ? 8 : 4));
        a.parallelChunks(d64 ? 'csrMaxF64' : 'csrMaxF32', [px, C, csr.pperm, csr.prowptr, 0, 0, pm], 4, csr.segs, touch);
        a.parallelChunks(d64 ? 'expSumF64' : 'expSumF32', [px, C, pids, 0, 0, pm, po, 0], 3, chunks);
      }
      a.parallelChunks(d64 ? 'csrSumF64' : 'csrSumF32', [po, 0, C, csr.pperm, csr.prowptr, 0, 0, ps], 5, csr.segs);
    }
    a.parallel(d64 ? 'recipF64' : 'recipF32', splitRange(SC, par(a, SC)).map(([i0, i1]) => [ps + i0 * (d64 ? 8 : 4), i1 - i0]));
    a.parallelChunks(d64 ? 'scaleF64' : 'scaleF32', [C, pids, 0, 0, po, ps], 2, chunks);
    a.finish(po, o!.data as Float32Array);
  };

  const segmentSoftmaxGrad: ProviderKernel = (inputs, outputs, attrs: { numSegments: number; sorted?: boolean }) => {
    const [y, g, si] = inputs, [o] = outputs;
    const p = segmentPasses(y!, si!.data, attrs);
    if (!p) return false;
    const { a, pids, C, d64, SC, chunks, T, csr } = p;
    const py = a.input(y!.data as Float32Array), pg = a.input(g!.data as Float32Array), po = a.output(o!.data as Float32Array);
    let pd: number;
    if (!csr) {
      pd = scratch(a, SC, d64, 0);
      a.parallelChunks(d64 ? 'gradDotF64' : 'gradDotF32', [py, pg, C, pids, 0, 0, pd], 4, chunks);
    } else { // Σ g·y per segment on one thread each, in CSR (ascending edge) order: the one-thread sums' bits
      pd = a.alloc(SC * (d64 ? 8 : 4));
      a.parallelChunks(d64 ? 'csrSumF64' : 'csrSumF32', [py, pg, C, csr.pperm, csr.prowptr, 0, 0, pd], 5, csr.segs, touchFresh(a, o!.data, T));
    }
    a.parallelChunks(d64 ? 'gradOutF64' : 'gradOutF32', [py, pg, C, pids, 0, 0, pd, po], 4, chunks);
    a.finish(po, o!.data as Float32Array);
  };

  // float32 / float64 GEMM: op(B) packed once per call (in parallel over column slivers), C's rows
  // split across the threads, each packing its own blocks of op(A). Same contract as the JS `gemm`,
  // which it runs itself for products below `minGemm` or that do not fit the wasm memory (the GEMM
  // routine's own choice, per product: a convolution makes products of several sizes).
  const minGemm = opts.minGemm ?? 32768;
  const gemmScratch = (d64: boolean): number => 64 * 256 * (d64 ? 8 : 4) + 128; // a packed A block, then the tile
  const gemmF32: GemmFn = (A, aOff, transA, B, bOff, transB, C, cOff, M, K, N, accumulate) => {
    const a = M * K * N >= minGemm && M * K * N > 0 ? runtime() : null;
    const same = (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) || (A instanceof Float64Array && B instanceof Float64Array && C instanceof Float64Array);
    if (a && same) {
      try {
        wasmGemm(a, A, aOff, transA, B, bOff, transB, C, cOff, M, K, N, accumulate);
        return;
      } catch (e) {
        if (!(e instanceof WasmMemoryError)) throw e; // (thrown by an allocation, before C is written)
      }
    }
    gemm(A, aOff, transA, B, bOff, transB, C, cOff, M, K, N, accumulate);
  };
  const wasmGemm = (a: WasmArena, A: FloatArray, aOff: number, transA: boolean, B: FloatArray, bOff: number, transB: boolean, C: FloatArray, cOff: number, M: number, K: number, N: number, accumulate: boolean): void => {
    const d64 = C instanceof Float64Array, es = d64 ? 8 : 4, NB = 32 / es, slivers = Math.ceil(N / NB), GEMM_SCRATCH = gemmScratch(d64);
    a.reset();
    // operands in the wasm memory (resident) are read and written where they lie
    const inPlace = (X: FloatArray, off: number): number => (a.owns(X) ? X.byteOffset + es * off : -1);
    let pA = inPlace(A, aOff), pB = inPlace(B, bOff), pC = inPlace(C, cOff);
    const cIn = pC >= 0;
    if (pA < 0) pA = a.put(A.subarray(aOff, aOff + M * K));
    if (pB < 0) pB = a.put(B.subarray(bOff, bOff + K * N));
    const pBp = a.alloc(slivers * 32 * K);
    if (!cIn) pC = accumulate ? a.put(C.subarray(cOff, cOff + M * N)) : a.alloc(M * N * es);
    const T = par(a, M * K * N / (d64 ? 8 : 16));
    const scratch = a.alloc(T * GEMM_SCRATCH);
    a.parallel(d64 ? 'packBF64' : 'packBF32', splitRange(slivers, T).map(([t0, t1]) => [pB, transB ? 1 : 0, K, N, t0, t1, pBp]));
    // row blocks (multiples of 4 rows) taken dynamically, each thread with its own packing scratch;
    // meanwhile the caller faults in C's pages when C is a fresh output (not when accumulating).
    // Deterministic: each element of C is one thread's sum over k in a fixed order, whichever
    // thread takes its rows.
    const rows = chunked(Math.ceil(M / 4), T).map(([s0, s1]) => [s0 * 4, Math.min(M, s1 * 4)] as const);
    const fresh = T > 1 && !accumulate && !cIn && cOff === 0 && M * N === C.length;
    a.parallelChunks(d64 ? 'gemmF64' : 'gemmF32', [pA, transA ? 1 : 0, pBp, pC, M, K, N, 0, 0, accumulate ? 1 : 0, scratch, scratch + GEMM_SCRATCH - 128], 7, rows,
      fresh ? () => touchPages(C) : undefined, { pos: [10, 11], stride: GEMM_SCRATCH });
    if (!cIn) C.set(a.view(C, pC, M * N), cOff);
  };

  // float32 and float64 convolutions: im2col fused into the GEMM's packing, per block of output
  // columns, on the GEMM's register tile (wasm/kernels.ts, `conv2dF32` / `conv2dF64` and their
  // gradients). Inputs are copied in once (read in place when resident); each thread packs into its
  // own scratch in the arena (no per-image allocation).
  /** The geometry block the wasm conv kernels read, and the sizes the wrappers need; `es`: bytes per element. */
  function convGeo(a: WasmArena, xs: readonly number[], ws: readonly number[], ys: readonly number[], at: Conv2dAttrs, es: number, minNC = 8) {
    const [N, C, H, W] = xs as [number, number, number, number];
    const [O, , kh, kw] = ws as [number, number, number, number];
    const Ho = ys[2]!, Wo = ys[3]!, G = at.groups, Cg = C / G, Og = O / G, Kc = Cg * kh * kw, P = Ho * Wo;
    // column blocks of ≈ 128 KiB of packed im2col (a multiple of 8 columns): stays in L2; at least
    // `minNC` columns (the forward's: its GEMM reads only a 256-deep slice of the block at a time)
    const NC = Math.max(Math.min(minNC, Math.ceil(P / 8) * 8), Math.min(Math.ceil(P / 8) * 8, (Math.floor(131072 / es / Math.max(1, Kc)) >> 3) << 3));
    const NB = Math.ceil(P / NC);
    // weight gradient: images in at most 16 chunks, fixed by the shape (not by the thread count)
    const R = Math.min(N, CONV_WGRAD_CHUNKS), B = Math.ceil(N / Math.max(1, R));
    const geo = a.alloc(22 * 4);
    a.view(new Int32Array(0), geo, 22).set([C, H, W, O, kh, kw, at.stride[0], at.stride[1], at.padding[0], at.padding[1],
      at.dilation[0], at.dilation[1], Ho, Wo, G, Cg, Og, Kc, P, NC, NB, B]);
    return { geo, N, C, O, G, Og, Kc, P, NC, NB, B, work: N * O * P * Kc };
  }
  /**
   * Forward column blocks have at least this many columns: with the weight packed once per call,
   * a wider block means fewer passes over the packed weight (at 5×5 × 128 channels, Kc = 3200, the
   * 128 KiB rule alone gives 8 columns).
   */
  const CONV_FWD_MIN_NC = 64;
  const line = (bytes: number): number => Math.ceil(bytes / 64) * 64;

  const conv2d: ProviderKernel = ([x, w], [o], at: Conv2dAttrs) => {
    const a = rt();
    a.reset();
    const d64 = o!.dtype === 'float64', es = d64 ? 8 : 4, F = d64 ? 'F64' : 'F32';
    const g = convGeo(a, x!.shape, w!.shape, o!.shape, at, es, CONV_FWD_MIN_NC);
    if (!(g.work > 0)) return false; // empty sums: the reference writes the zeros
    const out = o!.data as FloatArray;
    const px = a.input(x!.data as FloatArray), pw0 = a.input(w!.data as FloatArray), po = a.output(out);
    const T = par(a, g.work / 16), stride = line(128 + g.NC * g.Kc * es);
    // the weight packed once for every column block (4-row slivers per depth block, group by group)
    const Mp = Math.ceil(g.Og / 4) * 4, pw = a.alloc(g.G * Mp * g.Kc * es);
    for (let q = 0; q < g.G; q++) {
      a.parallel(`packAFull${F}`, splitRange(Mp / 4, T).map(([s0, s1]) => [pw0 + q * g.Og * g.Kc * es, g.Kc, g.Og, g.Kc, s0, s1, pw + q * Mp * g.Kc * es]));
    }
    const scr = a.alloc(T * stride);
    a.parallelChunks(`conv2d${F}`, [g.geo, px, pw, po, 0, 0, scr], 4, chunked(g.N * g.G * g.NB, T),
      touchFresh(a, out, T), { pos: [6], stride });
    a.finish(po, out);
  };

  const conv2dGradInput: ProviderKernel = ([gy, w], [o], at: Conv2dAttrs) => {
    const a = rt();
    a.reset();
    const d64 = o!.dtype === 'float64', es = d64 ? 8 : 4;
    const g = convGeo(a, o!.shape, w!.shape, gy!.shape, at, es);
    if (!(g.work > 0)) return false;
    const out = o!.data as FloatArray;
    const pg = a.input(gy!.data as FloatArray), pw = a.input(w!.data as FloatArray), po = a.output(out);
    const T = par(a, g.work / 16), stride = line(gemmScratch(d64) + g.NC * g.Og * es + g.NC * g.Kc * es);
    const scr = a.alloc(T * stride);
    a.parallelChunks(d64 ? 'conv2dGradInputF64' : 'conv2dGradInputF32', [g.geo, pg, pw, po, 0, 0, scr], 4, chunked(g.N * g.G, T),
      touchFresh(a, out, T), { pos: [6], stride });
    a.finish(po, out);
  };

  const conv2dGradWeight: ProviderKernel = ([x, gy], [o], at: Conv2dAttrs) => {
    const a = rt();
    a.reset();
    const d64 = o!.dtype === 'float64', es = d64 ? 8 : 4, NB = 32 / es;
    const g = convGeo(a, x!.shape, o!.shape, gy!.shape, at, es);
    if (!(g.work > 0)) return false;
    const px = a.input(x!.data as FloatArray), pg = a.input(gy!.data as FloatArray);
    const chunks: [number, number][] = [];
    for (let n0 = 0; n0 < g.N; n0 += g.B) chunks.push([n0, Math.min(g.N, n0 + g.B)]);
    const size = g.O * g.Kc, ppart = a.alloc(chunks.length * size * es);
    const T = par(a, g.work / 16), stride = line(gemmScratch(d64) + Math.ceil(g.Kc / NB) * NB * g.NC * es);
    const scr = a.alloc(T * stride);
    const kernel = d64 ? 'conv2dGradWeightF64' : 'conv2dGradWeightF32';
    // the pool takes part whenever it is given several chunks, so below the threading threshold
    // (scratch for one thread) the chunks run one by one on this thread
    if (T > 1) {
      a.parallelChunks(kernel, [g.geo, px, pg, ppart, 0, 0, scr], 4, chunks, undefined, { pos: [6], stride });
    } else {
      for (const ch of chunks) a.parallelChunks(kernel, [g.geo, px, pg, ppart, 0, 0, scr], 4, [ch], undefined, { pos: [6], stride });
    }
    // the chunks' partial sums, added in chunk order (a fixed grouping for any thread count)
    const out = o!.data as FloatArray;
    const po = a.output(out);
    (d64 ? a.k.sumPartsF64 : a.k.sumPartsF32)(ppart, chunks.length, size, 0, size, po);
    a.finish(po, out);
  };

  const matmul: ProviderKernel = (inputs, outputs, attrs: { transA: boolean; transB: boolean }) => {
    const [x, y] = inputs, [o] = outputs;
    const { M, K, N, batches } = matmulBatches(x!.shape, y!.shape, o!.shape, attrs.transA);
    const A = x!.data as FloatArray, B = y!.data as FloatArray, C = o!.data as FloatArray;
    batches.forEach(([ao, bo], i) => gemmF32(A, ao, attrs.transA, B, bo, attrs.transB, C, i * M * N, M, K, N, false));
  };

  // exp / sigmoid / SiLU as SIMD polynomial maps: float32 ≈ 1e-7 relative, float64 within one ulp
  // (the reference's Math.exp is within one ulp too: the two may differ in the last bit)
  const unary = (name: 'exp' | 'sigmoid' | 'silu'): ProviderKernel => (inputs, outputs) => {
    const [x] = inputs, [o] = outputs;
    const n = x!.data.length, d64 = x!.dtype === 'float64';
    const a = rt();
    a.reset();
    const xd = x!.data as FloatArray, od = o!.data as FloatArray;
    const px = a.input(xd), po = a.outputOver(od, xd, px);
    const T = par(a, n * (d64 ? 32 : 8));
    a.parallelChunksOut(d64 ? `${name}F64` : `${name}F32`, [px, 0, 0, po], 1, chunked(n, T), po, od, 1, touchFresh(a, od, T));
  };

  // SiLU's backward in one pass (the composed rule is six elementwise ops and five temporaries)
  const siluGrad: ProviderKernel = (inputs, outputs) => {
    const [x, g] = inputs, [o] = outputs;
    const n = x!.data.length, d64 = f64(x!);
    const a = rt();
    a.reset();
    const xd = x!.data as FloatArray, od = o!.data as FloatArray;
    const px = a.input(xd), pg = a.input(g!.data as FloatArray), po = a.outputOver(od, xd, px);
    const T = par(a, n * (d64 ? 32 : 8));
    a.parallelChunksOut(d64 ? 'siluGradF64' : 'siluGradF32', [px, pg, 0, 0, po], 2, chunked(n, T), po, od, 1, touchFresh(a, od, T));
  };

  // SO(2) transport (GEM-CNN, wasm/kernels.ts `so2GatherF32` / `so2SegSumF32`): the rotating gather
  // per edge (split by edge ranges), the rotating segment sum per segment over the CSR of the ids in
  // ascending edge order (split by segment ranges) — the reference's bits for any thread count.
  // Rows are padded by one vector on each side in the arena (the kernels read a row's neighbours
  // one element beyond its ends, into lanes they then discard).
  const so2Scratch = (L: number, d64: boolean): number => line(40 * (2 * L + 1) * (d64 ? 8 : 4)); // masks and P, Q (segment sum: 4 edges' worth)
  const putPadded = (a: WasmArena, x: TypedArray): number => { // one block: 16 bytes, x, 16 bytes
    const p = a.alloc(x.byteLength + 32) + 16;
    a.view(x as Float32Array, p, x.length).set(x as Float32Array);
    return p;
  };
  const so2Gather: ProviderKernel = ([x, gi, t], [o], attrs: { maxOrder: number }) => {
    const L = attrs.maxOrder, F = rowSize(x!), R = x!.shape[0]!, idx = gi!.data, E = idx.length, d64 = f64(x!);
    if (F % (2 * L + 1) !== 0) return false; // the reference throws
    const a = rt();
    a.reset();
    const pidx = a.put(idx as Int32Array);
    if (a.k.firstBadId(pidx, E, R, 0) !== -1) return false;
    const px = putPadded(a, x!.data), pt = a.input(t!.data as Float32Array | Float64Array), po = a.output(o!.data as Float32Array | Float64Array);
    const T = par(a, E * F * 4), stride = so2Scratch(L, d64), scr = a.alloc(T * stride);
    a.parallelChunks(d64 ? 'so2GatherF64' : 'so2GatherF32', [px, F, L, pidx, pt, 0, 0, po, scr], 5, chunked(E, T),
      touchFresh(a, o!.data, T), { pos: [8], stride });
    a.finish(po, o!.data as Float32Array | Float64Array);
  };
  const so2SegmentSum: ProviderKernel = ([m, t, si], [o], attrs: { maxOrder: number; numSegments: number }) => {
    const L = attrs.maxOrder, F = rowSize(m!), ids = si!.data, E = ids.length, S = attrs.numSegments, d64 = f64(m!);
    if (F % (2 * L + 1) !== 0) return false;
    const a = rt();
    a.reset();
    const c = csrIn(a, a.put(ids as Int32Array), ids, S);
    if (!c) return false;
    const pm = putPadded(a, m!.data), pt = a.input(t!.data as Float32Array | Float64Array), po = a.output(o!.data as Float32Array | Float64Array);
    const T = par(a, E * F * 4), stride = so2Scratch(L, d64), scr = a.alloc(T * stride);
    const chunks = splitCsr(c.csr.rowptr, T > 1 ? Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * T) : 1);
    a.parallelChunks(d64 ? 'so2SegSumF64' : 'so2SegSumF32', [pm, F, L, pt, c.pperm, c.prowptr, 0, 0, po, scr], 6, chunks,
      touchFresh(a, o!.data, T), { pos: [9], stride });
    a.finish(po, o!.data as Float32Array | Float64Array);
  };

  // softmax / log-softmax over the last axis (float32, float64): one pass per row for the maximum,
  // one for exp and its float64 sum, one to scale — rows split across the threads (each row on one thread)
  // over any other axis, x as [B, L, W]: the columns' vectors walk down L (wasm/kernels.ts `softmaxCols`)
  const softmaxRows = (op: 0 | 1): ProviderKernel => (inputs, outputs, attrs: { axis: number }) => {
    const [x] = inputs, [o] = outputs;
    const n = x!.data.length, d64 = f64(x!), [B, L, W] = aroundAxis(x!.shape, attrs.axis);
    const a = rt();
    a.reset();
    const xd = x!.data as FloatArray, od = o!.data as FloatArray;
    const px = a.input(xd), po = a.outputOver(od, xd, px);
    const T = par(a, n * (d64 ? 32 : 8));
    if (W === 1) a.parallelChunksOut(d64 ? 'softmaxRowsF64' : 'softmaxRowsF32', [op, px, L, 0, 0, po], 3, chunked(B, T), po, od, L, touchFresh(a, od, T));
    else { // a task's output is a strip of columns, not a contiguous range: copied out at the end
      a.parallelChunks(d64 ? 'softmaxColsF64' : 'softmaxColsF32', [op, px, L, W, 0, 0, po], 4, chunked(B * colUnits(W, d64), T), touchFresh(a, od, T));
      a.finish(po, od);
    }
  };
  // the gradients of softmax (gx = y ⊙ (g − Σ g ⊙ y)) and log-softmax (gx = g − exp(y) · Σ g) over
  // the last axis (float32, float64) from the output y and the upstream g: rows split across the
  // threads, copied out chunk by chunk; `work` elements of work per element (an exp costs more)
  const gradRows = (name: 'softmaxGradRows' | 'logSoftmaxGradRows', work: number): ProviderKernel => (inputs, outputs, attrs: { axis: number }) => {
    const [y, g] = inputs, [o] = outputs;
    const n = y!.data.length, d64 = f64(y!), [B, L, W] = aroundAxis(y!.shape, attrs.axis);
    const a = rt();
    a.reset();
    const gd = g!.data as FloatArray, od = o!.data as FloatArray;
    const py = a.input(y!.data as FloatArray), pg = a.input(gd), po = a.outputOver(od, gd, pg);
    const T = par(a, n * (d64 && name === 'logSoftmaxGradRows' ? 32 : work));
    if (W === 1) a.parallelChunksOut(d64 ? `${name}F64` : `${name}F32`, [py, pg, L, 0, 0, po], 3, chunked(B, T), po, od, L, touchFresh(a, od, T));
    else {
      a.parallelChunks(d64 ? 'softmaxGradColsF64' : 'softmaxGradColsF32', [name === 'softmaxGradRows' ? 0 : 1, py, pg, L, W, 0, 0, po], 5, chunked(B * colUnits(W, d64), T), touchFresh(a, od, T));
      a.finish(po, od);
    }
  };
  const softmaxGrad = gradRows('softmaxGradRows', 4), logSoftmaxGrad = gradRows('logSoftmaxGradRows', 8);


  // variance over trailing axes (float32): two float64 passes per row, rows split across the threads
  const variance: ProviderKernel = (inputs, outputs, attrs: { axes: number[]; correction: number }) => {
    const [x] = inputs, [o] = outputs;
    const rows = o!.data.length, L = rows === 0 ? 0 : x!.data.length / rows, d64 = f64(x!);
    const oi = outerInnerAxes(x!, attrs.axes); // leading and trailing axes together (else trailing ones)
    const a = rt();
    a.reset();
    const od = o!.data as FloatArray, px = a.input(x!.data as FloatArray), po = a.output(od);
    const pden = a.alloc(8);
    a.view(new Float64Array(0), pden, 1)[0] = Math.max(L - attrs.correction, 0);
    const T = par(a, x!.data.length * 2), [B, Lb, W] = aroundAxes(x!.shape, attrs.axes);
    if (oi) a.parallelChunks(d64 ? 'varianceOuterInnerF64' : 'varianceOuterInnerF32', [px, oi.N, oi.C, oi.S, pden, 0, 0, po], 5, chunked(oi.C, T));
    else if (!consecutive(attrs.axes)) { // a kept axis between reduced ones: rows of a permuted copy
      a.parallelChunks(d64 ? 'varianceRowsF64' : 'varianceRowsF32', [permuteToRows(a, px, x!, attrs.axes, T), L, pden, 0, 0, po], 3, chunked(rows, T));
    } else if (W > 1) a.parallelChunks(d64 ? 'varianceColsF64' : 'varianceColsF32', [px, Lb, W, pden, 0, 0, po], 4, chunked(B * colUnits(W, d64), T)); // a block of leading or middle axes
    else a.parallelChunks(d64 ? 'varianceRowsF64' : 'varianceRowsF32', [px, L, pden, 0, 0, po], 3, chunked(rows, T));
    a.finish(po, od);
  };

  // batch norm in training mode (float32), x as [N, C, S]: the channels' statistics split across
  // the threads by channel (each channel's blocks added in ascending n on one thread), then the
  // [n, c] blocks normalised — no result depends on the thread count
  const bnDims = (shape: readonly number[]): [number, number, number] => [shape[0]!, shape[1]!, shape.slice(2).reduce((p, d) => p * d, 1)];
  const batchNorm: ProviderKernel = (inputs, outputs, attrs: { eps: number; hasWeight: boolean; hasBias: boolean }) => {
    const x = inputs[0]!, [y, mu, va] = outputs, [N, C, S] = bnDims(x.shape);
    const a = rt();
    a.reset();
    const px = a.input(x.data as FloatArray), d64 = f64(x);
    const pw = attrs.hasWeight ? a.input(inputs[1]!.data as FloatArray) : 0;
    const pb = attrs.hasBias ? a.input(inputs[attrs.hasWeight ? 2 : 1]!.data as FloatArray) : 0;
    const peps = a.alloc(8), st = a.alloc(16 * C);
    const yd = y!.data as FloatArray, mud = mu!.data as FloatArray, vad = va!.data as FloatArray;
    const py = a.output(yd), pmu = a.output(mud), pva = a.output(vad);
    a.view(new Float64Array(0), peps, 1)[0] = attrs.eps;
    const T = par(a, x.data.length * 4);
    a.parallelChunks(d64 ? 'batchNormStatsF64' : 'batchNormStatsF32', [px, N, C, S, peps, 0, 0, pmu, pva, st], 5, chunked(C, T));
    a.parallelChunksOut(d64 ? 'batchNormApplyF64' : 'batchNormApplyF32', [px, pw, pb, C, S, st, 0, 0, py], 6, chunked(N * C, T), py, yd, S, touchFresh(a, yd, T));
    a.finish(pmu, mud);
    a.finish(pva, vad);
  };
  const batchNormGrad: ProviderKernel = (inputs, outputs, attrs: { eps: number; hasWeight: boolean }) => {
    const [x, mu, va, g] = inputs, [gx, gw, gb] = outputs, [N, C, S] = bnDims(x!.shape), M = N * S;
    const a = rt();
    a.reset();
    const px = a.input(x!.data as FloatArray), pg = a.input(g!.data as FloatArray), d64 = f64(x!);
    const st = a.alloc(16 * C), sums = a.alloc(16 * C), coef = a.alloc(24 * C);
    const gxd = gx!.data as FloatArray, pgx = a.output(gxd);
    // μ and r = 1/√(σ² + ε) from the float32 statistics, as the reference derives them
    const stv = a.view(new Float64Array(0), st, 2 * C), m = mu!.data, v = va!.data;
    for (let c = 0; c < C; c++) { stv[2 * c] = m[c]!; stv[2 * c + 1] = 1 / Math.sqrt(v[c]! + attrs.eps); }
    const T = par(a, x!.data.length * 4);
    a.parallelChunks(d64 ? 'batchNormGradStatsF64' : 'batchNormGradStatsF32', [px, pg, N, C, S, st, 0, 0, sums], 6, chunked(C, T));
    const sv = a.view(new Float64Array(0), sums, 2 * C), cv = a.view(new Float64Array(0), coef, 3 * C);
    const st2 = a.view(new Float64Array(0), st, 2 * C), w = attrs.hasWeight ? inputs[4]!.data : null, W = gw!.data, B = gb!.data;
    for (let c = 0; c < C; c++) {
      const r = st2[2 * c + 1]!;
      cv[3 * c] = w !== null ? r * w[c]! : r;
      cv[3 * c + 1] = sv[2 * c]! / M;
      cv[3 * c + 2] = sv[2 * c + 1]! / M;
      W[c] = sv[2 * c + 1]!;
      B[c] = sv[2 * c]!;
    }
    a.parallelChunksOut(d64 ? 'batchNormGradApplyF64' : 'batchNormGradApplyF32', [px, pg, C, S, st, coef, 0, 0, pgx], 6, chunked(N * C, T), pgx, gxd, S, touchFresh(a, gxd, T));
  };

  // layer norm (float32): rows split across the threads; the weight / bias gradients from fixed
  // chunks of rows (LAYERNORM_CHUNKS at most, set by the shape), their float64 partials added in
  // chunk order here, so no result depends on the thread count
  const layerNorm: ProviderKernel = (inputs, outputs, attrs: { size: number; eps: number; hasWeight: boolean; hasBias: boolean }) => {
    const x = inputs[0]!, [y, mu, rs] = outputs;
    const n = x.data.length, L = attrs.size, rows = n / L;
    const a = rt();
    a.reset();
    const px = a.input(x.data as FloatArray);
    const pw = attrs.hasWeight ? a.input(inputs[1]!.data as FloatArray) : 0;
    const pb = attrs.hasBias ? a.input(inputs[attrs.hasWeight ? 2 : 1]!.data as FloatArray) : 0;
    const peps = a.alloc(8);
    a.view(new Float64Array(0), peps, 1)[0] = attrs.eps;
    const yd = y!.data as FloatArray, mud = mu!.data as FloatArray, rsd = rs!.data as FloatArray;
    const py = a.output(yd), pmu = a.output(mud), prs = a.output(rsd);
    const T = par(a, n * 8);
    a.parallelChunksOut(f64(x) ? 'layerNormRowsF64' : 'layerNormRowsF32', [px, pw, pb, L, peps, 0, 0, py, pmu, prs], 5, chunked(rows, T), py, yd, L, touchFresh(a, yd, T));
    a.finish(pmu, mud);
    a.finish(prs, rsd);
  };
  const layerNormGrad: ProviderKernel = (inputs, outputs, attrs: { size: number; hasWeight: boolean }) => {
    const [x, mu, rs, g] = inputs, [gx, gw, gb] = outputs;
    const n = x!.data.length, L = attrs.size, rows = n / L;
    const CR = Math.ceil(rows / LAYERNORM_CHUNKS), count = Math.ceil(rows / CR);
    const a = rt();
    a.reset();
    const px = a.input(x!.data as FloatArray), pmu = a.input(mu!.data as FloatArray), prs = a.input(rs!.data as FloatArray);
    const pg = a.input(g!.data as FloatArray), pw = attrs.hasWeight ? a.input(inputs[4]!.data as FloatArray) : 0;
    const gxd = gx!.data as FloatArray, pgx = a.output(gxd), parts = a.alloc(count * 2 * L * 8);
    const chunks = Array.from({ length: count }, (_, k): [number, number] => [k * CR, Math.min(rows, (k + 1) * CR)]);
    const T = par(a, n * 8), name = f64(x!) ? 'layerNormGradRowsF64' : 'layerNormGradRowsF32';
    if (T > 1) a.parallelChunksOut(name, [px, pmu, prs, pg, pw, L, CR, 0, 0, pgx, parts], 7, chunks, pgx, gxd, L, touchFresh(a, gxd, T));
    else {
      for (const [r0, r1] of chunks) a.k[name](px, pmu, prs, pg, pw, L, CR, r0, r1, pgx, parts);
      a.finish(pgx, gxd);
    }
    const P = a.view(new Float64Array(0), parts, count * 2 * L), W = gw!.data, B = gb!.data;
    for (let j = 0; j < L; j++) {
      let sw = 0, sb = 0;
      for (let k = 0; k < count; k++) { sw += P[k * 2 * L + j]!; sb += P[k * 2 * L + L + j]!; }
      W[j] = sw;
      B[j] = sb;
    }
  };

  // clamp (float32 / float64): pmin(pmax(x, lo), hi), the bounds passed in memory
  const clamp: ProviderKernel = (inputs, outputs, attrs: { lo: number; hi: number }) => {
    const [x] = inputs, [o] = outputs;
    const n = x!.data.length, d64 = x!.dtype === 'float64';
    const a = rt();
    a.reset();
    const xd = x!.data as FloatArray, od = o!.data as FloatArray;
    const px = a.input(xd), po = a.outputOver(od, xd, px);
    const pb = a.alloc(16);
    const b = a.view(xd, pb, 2);
    b[0] = attrs.lo;
    b[1] = attrs.hi;
    const T = par(a, n);
    a.parallelChunksOut(d64 ? 'clampF64' : 'clampF32', [px, pb, 0, 0, po], 2, chunked(n, T), po, od, 1, touchFresh(a, od, T));
  };
  // logsumexp over trailing axes (float32, float64): one row per group; over a block of leading or
  // middle axes, x as [B, L, W]: the columns' vectors walk down L
  const logsumexp: ProviderKernel = (inputs, outputs, attrs: { axes: number[] }) => {
    const [x] = inputs, [o] = outputs;
    const d64 = f64(x!), [B, L, W] = aroundAxes(x!.shape, attrs.axes);
    const a = rt();
    a.reset();
    const od = o!.data as FloatArray, px = a.input(x!.data as FloatArray), po = a.output(od);
    const T = par(a, x!.data.length * (d64 ? 32 : 8)), rows = od.length;
    if (!consecutive(attrs.axes)) { // a kept axis between reduced ones: rows of a permuted copy
      a.parallelChunks(d64 ? 'logsumexpRowsF64' : 'logsumexpRowsF32', [permuteToRows(a, px, x!, attrs.axes, T), x!.data.length / rows, 0, 0, po], 2, chunked(rows, T));
    } else if (W === 1) a.parallelChunks(d64 ? 'logsumexpRowsF64' : 'logsumexpRowsF32', [px, L, 0, 0, po], 2, chunked(B, T));
    else a.parallelChunks(d64 ? 'softmaxColsF64' : 'softmaxColsF32', [2, px, L, W, 0, 0, po], 4, chunked(B * colUnits(W, d64), T));
    a.finish(po, od);
  };

  const table: Record<string, ProviderKernel> = {
    clamp, logsumexp,
    softmax: softmaxRows(0), logSoftmax: softmaxRows(1), softmaxGrad, logSoftmaxGrad, layerNorm, layerNormGrad, variance, batchNorm, batchNormGrad,
    gatherSegmentSum, segmentSum, gatherSegmentWeightedSum, gatherDot, segmentSoftmax, segmentSoftmaxGrad, matmul,
    conv2d, conv2dGradInput, conv2dGradWeight,
    exp: unary('exp'), sigmoid: unary('sigmoid'), silu: unary('silu'), siluGrad, so2Gather, so2SegmentSum,
  };
  // elementwise maps and reductions (./elementwise.ts), with their own accepts rule
  const ew = elementwiseKernels({ minWork: opts.minWork, parallelMinWork: opts.parallelMinWork, runtime: opts.runtime });
  for (const [name, k] of Object.entries(ew.kernels)) if (!(name in table)) table[name] = k;
  // A call whose buffers do not fit the wasm32 memory (4 GiB) declines (an allocation throws
  // before any output is written): the next provider runs it.
  const kernels: Record<string, ProviderKernel> = {};
  for (const [name, k] of Object.entries(table)) {
    kernels[name] = (inputs, outputs, attrs) => {
      try {
        return k(inputs, outputs, attrs);
      } catch (e) {
        if (!(e instanceof WasmMemoryError)) throw e;
        return false;
      }
    };
  }

  /** Elements of work of a call (edges × features and the like), from shapes only. */
  const f32 = (t: KernelTensor | undefined): boolean => t?.dtype === 'float32';
  const enough = (work: number): boolean => work >= minWork && work > 0;
  const accepts = (op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { transA?: boolean }): boolean => {
    const x = inputs[0]!;
    if (op in ew.kernels) return ew.accepts(op, inputs, outputs, attrs);
    switch (op) {
      case 'gatherSegmentSum': case 'gatherSegmentWeightedSum': // x, (w,) gather, ids: E gathered rows
        if (!isFloat(x) || !enough(inputs[op === 'gatherSegmentSum' ? 1 : 2]!.data.length * rowSize(x))) return false;
        break;
      case 'gatherDot': { // a, b, ia, ib
        const F = rowSize(x) || rowSize(inputs[1]!);
        if (!isFloat(x) || !enough(inputs[2]!.data.length * F)) return false;
        break;
      }
      case 'so2Gather': // x, index, coef: E rotated rows
        if (!isFloat(x) || !enough(inputs[1]!.data.length * rowSize(x))) return false;
        break;
      case 'segmentSum': case 'segmentSoftmax': case 'segmentSoftmaxGrad': case 'so2SegmentSum':
        if (!isFloat(x) || !enough(x.data.length)) return false;
        break;
      case 'clamp': // float32 / float64 maps
        if (!isFloat(x) || !enough(x.data.length)) return false;
        break;
      case 'logsumexp': { // float32 / float64 over any non-empty set of axes
        const ax = (attrs as { axes?: number[] }).axes ?? [];
        if (!isFloat(x) || ax.length === 0 || outputs[0]!.data.length === 0 || !enough(x.data.length)) return false;
        break;
      }
      case 'batchNorm': case 'batchNormGrad': // float32 / float64, x [N, C, …]
        if (!isFloat(x) || x.shape.length < 2 || !enough(x.data.length)) return false;
        break;
      case 'layerNorm': case 'layerNormGrad': // float32 / float64
        if (!isFloat(x) || !enough(x.data.length)) return false;
        break;
      case 'variance': { // float32 / float64 over any non-empty set of axes
        const ax = (attrs as { axes?: number[] }).axes ?? [];
        if (!isFloat(x) || ax.length === 0 || outputs[0]!.data.length === 0 || !enough(x.data.length)) return false;
        break;
      }
      case 'softmax': case 'logSoftmax': case 'softmaxGrad': case 'logSoftmaxGrad': { // float32 / float64, any axis
        const axis = (attrs as { axis?: number }).axis;
        if (!isFloat(x) || axis === undefined || !(axis >= 0 && axis < x.shape.length) || !enough(x.data.length)) return false;
        break;
      }
      case 'matmul': { // float32 or float64 and a product of at least minGemm multiply-adds
        const os = outputs[0]!.shape, r = os.length;
        const K = attrs.transA ? x.shape[x.shape.length - 2]! : x.shape[x.shape.length - 1]!;
        const work = os[r - 2]! * K * os[r - 1]!;
        const y = inputs[1]!, o = outputs[0]!;
        if (!(isFloat(x) && y.dtype === x.dtype && o.dtype === x.dtype) || !(work >= minGemm && work > 0)) return false;
        break;
      }
      case 'conv2d': case 'conv2dGradInput': case 'conv2dGradWeight': { // float32 or float64, N·O·Ho·Wo·(C/groups)·kh·kw ≥ minGemm
        const [xs, ws, ys] = op === 'conv2d' ? [x.shape, inputs[1]!.shape, outputs[0]!.shape]
          : op === 'conv2dGradInput' ? [outputs[0]!.shape, inputs[1]!.shape, x.shape] : [x.shape, outputs[0]!.shape, inputs[1]!.shape];
        const work = xs[0]! * ws[0]! * ws[1]! * ws[2]! * ws[3]! * ys[2]! * ys[3]!;
        if (!isFloat(x) || inputs[1]!.dtype !== x.dtype || outputs[0]!.dtype !== x.dtype || !(work >= minGemm && work > 0)) return false;
        break;
      }
      case 'exp': case 'sigmoid': case 'silu': // float32 and float64 maps
        if (!(f32(x) || x.dtype === 'float64') || outputs[0]!.dtype !== x.dtype || !enough(x.data.length)) return false;
        break;
      default: // siluGrad: float32 / float64, x, g and the output of one dtype
        if (!isFloat(x) || inputs[1]!.dtype !== x.dtype || outputs[0]!.dtype !== x.dtype || !enough(x.data.length)) return false;
    }
    return runtime() !== null;
  };
  return { name: 'wasm', kernels, accepts };
}

/**
 * The wasm kernels by op name, each with the rest of the default chain behind it (the CSR kernels,
 * then the reference): a partial kernel table with the reference's contracts. Backends chain
 * {@link wasmProvider} instead.
 */
export function wasmKernels(opts: WasmKernelOptions = {}): Record<string, Kernel> {
  const provider = wasmProvider(opts);
  const chained = chainBackend('wasm', [provider, csrProvider, everyCall(jsBackend)], jsBackend.alloc).kernels;
  return Object.fromEntries(Object.keys(provider.kernels).map((op) => [op, chained[op]!]));
}
