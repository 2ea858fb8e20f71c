/**
 * The wasm SIMD elementwise maps and reductions of the wasm provider (./kernels.ts merges them into
 * its table): unary neg, abs, relu, step, square, sqrt, reciprocal, rsqrt (and float32 tanh, log,
 * gelu by polynomials, see {@link TRANSCENDENTAL_CODES}); binary add, sub, mul, div, maximum,
 * minimum and the comparisons eq, ne, lt, le, gt, ge, for operands of one shape, a scalar on either
 * side, one row broadcast over the rows ([M, N] with [N] / [1, N]) or one element per row ([M, N]
 * with [M, 1], [B, C, H, W] with [1, C, 1, 1]: see {@link operandForm}); `where` with the condition's shape for the output and each value of that shape or
 * one element; sum, max, min over all elements or the trailing axes of a contiguous tensor, sum over
 * leading axes (bias gradients: the reference's order and bits) and over a middle block of axes
 * (batched column sums, rows in ascending order), max and min over those too (column extremes), and
 * argmax / argmin over the last axis; float32 (f32x4) and float64 (f64x2).
 *
 * Elementwise results are the reference's bits (src/backend/js/elementwise.ts), special values
 * included: every op is one correctly rounded IEEE operation (rsqrt of a float32 is computed in
 * float64 and rounded once, as the reference does), and any NaN the reference gives is a NaN here
 * (its payload is not specified). Reductions add in a different order from the reference (fixed
 * chunks of {@link REDUCE_CHUNK} elements, each summed in eight float64 lanes — float32 after adding
 * blocks of four elements in float32, so within (2u + u²)·Σ|x| of the exact sum, u = 2⁻²⁴ — the
 * chunk partials added in chunk order), so sums agree within rounding; the order depends on the
 * shape only, never on the thread count. Max / min / argmax / argmin are exact (NaN wins, the first extreme wins).
 *
 * Inputs and outputs that are resident (./resident.ts: large float tensors live in the wasm
 * memory) are read and written where they lie; plain arrays are copied in and the output copied
 * back. `accepts` takes a call only from sizes where wasm was measured to beat the JS reference
 * with those copies (the `MIN_*` constants; docs/design/wasm-kernels.md has the figures).
 * @module
 */
import type { FloatArray, KernelTensor, TypedArray } from '../types.js';
import type { ProviderKernel } from '../dispatch.js';
import { MAX_CHUNKS, splitRange, wasmRuntime, type WasmArena } from './runtime.js';

/** Options (a subset of the wasm provider's, same meaning). */
export interface ElementwiseOptions {
  /** 0: take every call (tests); otherwise the measured per-class minimum sizes apply, and at least this. */
  minWork?: number;
  /** Split a call across the threads from this many elements on (default: the class's measured figure, {@link PARALLEL_ELEMENTWISE} or {@link PARALLEL_REDUCE}). */
  parallelMinWork?: number;
  /** The runtime to run on (default: the shared one). */
  runtime?: WasmArena;
}

/** Unary op codes of wasm/kernels.ts `mapF32` / `mapF64`. */
export const UNARY_CODES: Readonly<Record<string, number>> = { neg: 0, abs: 1, relu: 2, step: 3, square: 4, sqrt: 5, reciprocal: 6, rsqrt: 7 };
/**
 * Float32-only unary maps by polynomial (wasm/kernels.ts `tanhF32x4`, `logF32x4`, `geluF32x4`):
 * tanh and log (Cephes `tanhf`, `logf`) within 1 ulp of the reference's `Math.tanh` / `Math.log`;
 * gelu within 1e-6 relative for |x| ≤ 3 and 1.2e-7 of max(1, |gelu|) everywhere (the conformance
 * measure; its tolerance is 2e-5) — in the lower tail closer to the true value than the reference,
 * whose 1 + erf(x/√2) cancels (it gives −0 below x ≈ −8.5). Special values exact. Float64 log by
 * fdlibm's method in f64x2 (wasm/kernels.ts `logF64`, within one ulp of `Math.log`), float64 tanh
 * by fdlibm's split over an f64x2 expm1 (`tanhF64`); float64 gelu stays on the reference.
 */
export const TRANSCENDENTAL_CODES: Readonly<Record<string, number>> = { tanh: 8, log: 9, gelu: 10 };
/** Binary op codes of wasm/kernels.ts `binF32` / `binF64`. */
export const BINARY_CODES: Readonly<Record<string, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, eq: 6, ne: 7, lt: 8, le: 9, gt: 10, ge: 11,
};
const REDUCE_CODES: Readonly<Record<string, number>> = { sum: 0, max: 1, min: 2, argmax: 1, argmin: 2 };

/**
 * Elements per reduction chunk: a row of at least this many elements is reduced as chunks of this
 * size (partials combined in chunk order), shorter rows one per call of the row kernel. Fixed, so
 * the grouping of a sum depends on the shape alone.
 */
export const REDUCE_CHUNK = 1 << 15;

// Thresholds, from the lower-quartile times of one kernel call with a fresh output (Node 20, the
// 2-core VM, shared: ±20%); JS reference vs wasm on one thread, float32 unless marked:
//   relu   1024: 1.9 vs 1.4 µs · 4096: 5.1 vs 2.0 µs · 1M: 1.6 vs 0.43 ms · 10M: 37.5 vs 27.0 ms
//   add    1024: 1.8 vs 2.2 µs · 2048: 3.3 vs 1.8 µs · 1M: 2.1 vs 0.66 ms · 10M: 37.7 vs 27.6 ms
//   sum    2048: 0.9 vs 1.1 µs · 4096: 1.6 vs 1.5 µs · 1M: 0.57 vs 0.24 ms · 10M: 5.8 vs 3.4 ms
//   max    2048: 1.7 vs 1.0 µs · 4096: 3.3 vs 1.3 µs · 10M: 10.5 vs 3.5 ms
//   sum f64  64K: 35 vs 15 µs · 1M: 0.40 vs 0.36 ms · 4M: 2.0 vs 3.7 ms · 10M: 5.3 vs 10.3 ms
// (a float64 sum reads its 8 bytes an element as fast in JS as the copy into wasm does).
/** Smallest call (output elements) the provider takes for a unary map (relu: wasm from 1024 on). */
export const MIN_UNARY = 1024;
/**
 * Smallest call (output elements) for tanh / log / gelu (float32): compute-bound, wasm wins from the
 * smallest size measured (tanh 256: 3.0 vs 1.8 µs; 1M: 23.0 vs 3.8 ms; 10M: 245 vs 58 ms; log 256:
 * 4.0 vs 2.1 µs; 10M: 208 vs 46 ms; gelu 256: 9.1 vs 2.1 µs; 1M: 78 vs 4.6 ms; 10M: 609 vs 66 ms).
 */
export const MIN_TRANSCENDENTAL = 256;
/**
 * Elements from which tanh / log / gelu run on the threads (2 vs 1 threads: tanh 4096: 11.2 vs
 * 14.4 µs, 64K: 0.14 vs 0.22 ms; 1024: a tie).
 */
export const PARALLEL_TRANSCENDENTAL = 1 << 12;
/** Smallest call (output elements) for a binary op or `where` (add: wasm from 2048 on). */
export const MIN_BINARY = 2048;
/** Smallest call (input elements) for a reduction (sum: a tie at 4096). */
export const MIN_REDUCE = 4096;
/**
 * Smallest sum / max / min over leading or middle axes (input elements). JS vs wasm, float32 [n / 64, 64] over axis 0:
 * 1024: 1.5 vs 1.2 µs · 64K: 81 vs 11 µs · 1M: 1.94 vs 0.20 ms · 10M: 19.4 vs 3.3 ms; [64, n / 64]:
 * 10M 21.2 vs 6.5 ms; float64 [n / 64, 64] 10M: 19.6 vs 6.7 ms. These run on one thread: every
 * thread would stream all the rows for its columns (2 threads: 8.2 ms at 10M).
 */
export const MIN_COLSUM = 1024; // column max, float32 [n / 64, 64]: 1024: 3.4 vs 1.2 µs; 1M: 4.9 vs 0.25 ms; 10M: 56 vs 3.8 ms
/** Largest float64 sum over trailing axes the provider takes: beyond, the copy into wasm costs more than the JS sum. */
export const MAX_SUM_F64 = 1 << 20;
/**
 * Elements from which an elementwise call runs on the pool's threads: 2 threads against 1 on
 * float32 add, 1M: 0.81 vs 0.66 ms; 2M: 1.92 vs 1.97; 4M: 3.24 vs 3.58; 10M: 26.8 vs 27.6 (the
 * main thread faults in the output's pages meanwhile).
 */
export const PARALLEL_ELEMENTWISE = 1 << 22;
/**
 * Elements from which a reduction runs on the threads: the single-threaded copy-in dominates
 * (float32 sum 2 vs 1 threads: 4M 1.81 vs 1.50 ms, 10M 2.84 vs 3.36 ms).
 */
export const PARALLEL_REDUCE = 1 << 23;

/**
 * Elements from which a call whose operands are all resident (read and written in place, nothing
 * copied) runs on the threads: 2 vs 1 threads, float32, workers awake: sum 2M 0.17 vs 0.34 ms, 4M
 * 0.34 vs 0.64–0.71; add 2M 0.22 vs 0.54; relu 4M 0.37 vs 0.82 — gains above the 0.1–0.5 ms a
 * sleeping worker takes to wake from 2M on.
 */
export const PARALLEL_RESIDENT = 1 << 21;

/** Whether every array of a call lies in the runtime's memory (resident: no copies). */
const inPlace = (a: WasmArena, ...arrs: TypedArray[]): boolean => arrs.every((t) => a.owns(t));

/** Chunks per thread of a threaded call (load balance across threads; results do not depend on the split). */
const CHUNKS_PER_THREAD = 8;

const chunked = (n: number, T: number): [number, number][] => splitRange(n, T > 1 ? Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * T) : 1);

/** Write one element per 4 KiB page of a fresh output while the workers compute (see ./kernels.ts). */
function touchPages(out: TypedArray): void {
  const step = 4096 / out.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += step) out[i] = 0;
}

/**
 * The `beforeOwn` of a threaded call writing `out`: fault in its pages meanwhile when the result
 * is copied there afterwards; nothing when the kernel writes it in place (resident: the workers
 * are writing it).
 */
export function touchFresh(a: WasmArena, out: TypedArray, threads: number): (() => void) | undefined {
  return threads > 1 && !a.owns(out) ? () => touchPages(out) : undefined;
}

const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * How an operand of shape `s` maps onto an output of shape `o` with `n` elements: all of it
 * ('full'), one element ('scalar'), one trailing block broadcast over the leading dimensions
 * ('row', N = its size), or one contiguous block of dimensions [k, j] with 1 elsewhere ('block':
 * element ⌊i / N⌋ mod `mid` for output element i, N = the size of the output's dimensions after j,
 * mid = the block's size — [M, 1] against [M, N], or a [1, C, 1, 1] bias against [B, C, H, W]);
 * null for any other broadcast (left to the reference).
 */
export function operandForm(s: readonly number[], o: readonly number[], n: number): { kind: 'full' | 'scalar' | 'row' | 'block'; N: number; mid: number } | null {
  const size = sizeOf(s);
  if (size === n) return { kind: 'full', N: n, mid: 1 };
  if (size === 1) return { kind: 'scalar', N: 1, mid: 1 };
  if (s.length > o.length) return null;
  const off = o.length - s.length, dim = (d: number): number => (d < off ? 1 : s[d - off]!);
  let k = 0, j = o.length - 1;
  while (k < o.length && dim(k) === 1) k++;
  while (j >= 0 && dim(j) === 1) j--;
  for (let d = k; d <= j; d++) if (dim(d) !== o[d]) return null;
  const N = sizeOf(o.slice(j + 1));
  return N === 1 ? { kind: 'row', N: size, mid: 1 } : { kind: 'block', N, mid: size };
}

/** The `binF32` mode, row length and period of a binary call, or null when the provider does not take it. */
function binaryMode(a: KernelTensor, b: KernelTensor, o: KernelTensor): { mode: number; N: number; mid: number } | null {
  const n = o.data.length;
  const fa = operandForm(a.shape, o.shape, n), fb = operandForm(b.shape, o.shape, n);
  if (!fa || !fb) return null;
  if (fa.kind === 'full') {
    switch (fb.kind) {
      case 'full': return { mode: 0, N: n, mid: 1 };
      case 'scalar': return { mode: 1, N: n, mid: 1 };
      case 'row': return { mode: 3, N: fb.N, mid: 1 };
      case 'block': return { mode: 5, N: fb.N, mid: fb.mid };
    }
  }
  if (fb.kind !== 'full') return null;
  switch (fa.kind) {
    case 'scalar': return { mode: 2, N: n, mid: 1 };
    case 'row': return { mode: 4, N: fa.N, mid: 1 };
    default: return { mode: 6, N: fa.N, mid: fa.mid };
  }
}

/** A sum over leading axes [0, k) with k < rank (the reference's row-accumulating case). */
function leadingAxes(x: KernelTensor, axes: readonly number[]): boolean {
  return axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
}

/** [B, L, W] of `shape` around `axis`: the sizes before it, its own, and after it. */
export function aroundAxis(shape: readonly number[], axis: number): [number, number, number] {
  return aroundAxes(shape, [axis]);
}
/** [B, L, W] of `shape` around a block of consecutive `axes`: the sizes before, of, and after the block. */
export function aroundAxes(shape: readonly number[], axes: readonly number[]): [number, number, number] {
  const a0 = axes[0]!, a1 = axes[axes.length - 1]! + 1, prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
  return [prod(shape.slice(0, a0)), prod(shape.slice(a0, a1)), prod(shape.slice(a1))];
}
/** Whether `axes` (sorted) are one block of consecutive axes. */
export const consecutive = (axes: readonly number[]): boolean => axes.every((v, i) => v === axes[0]! + i);
/** Column units of W columns (16 bytes of the dtype each: the column kernels' tasks per batch). */
export const colUnits = (W: number, d64: boolean): number => Math.ceil(W / (d64 ? 2 : 4));

/**
 * Copy x's elements (at `px` in the arena) into scratch in the order [kept axes…, reduced axes…]
 * (`permuteRunsF32` / `F64`, split across `T` threads) and return the copy's offset: a reduction
 * over any set of axes becomes one over rows of the reduced axes' size, as the reference does it
 * (it permutes in JS). Elements are copied as stored, so a reduction of the copy is one of x.
 */
export function permuteToRows(a: WasmArena, px: number, x: KernelTensor, axes: readonly number[], T: number): number {
  const nd = x.shape.length, d64 = x.dtype === 'float64';
  const perm = [...x.shape.keys()].filter((d) => !axes.includes(d)).concat(axes);
  const strides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= x.shape[d]!; }
  const pd = a.put(Int32Array.from(perm, (d) => x.shape[d]!)), ps = a.put(Int32Array.from(perm, (d) => strides[d]!));
  const n = x.data.length, pp = a.alloc(n * (d64 ? 8 : 4)), D = x.shape[perm[nd - 1]!]!;
  a.parallelChunks(d64 ? 'permuteRunsF64' : 'permuteRunsF32', [px, nd, pd, ps, 0, 0, pp], 4, chunked(n / D, T));
  return pp;
}

/**
 * A sum over a contiguous block of axes [k, j] with 0 < k and j < rank − 1: x as [B, rows, W]
 * (B, rows, W the products of the dimensions before, in and after the block), or null.
 */
function middleAxes(x: KernelTensor, axes: readonly number[]): { B: number; rows: number; W: number } | null {
  const nd = x.shape.length, k = axes[0] ?? 0, j = axes[axes.length - 1] ?? -1;
  if (axes.length === 0 || k === 0 || j >= nd - 1 || !axes.every((a, i) => a === k + i)) return null;
  return { B: sizeOf(x.shape.slice(0, k)), rows: sizeOf(x.shape.slice(k, j + 1)), W: sizeOf(x.shape.slice(j + 1)) };
}

/**
 * A sum over leading axes [0, k) and trailing axes (j, rank) together, k ≥ 1, j < rank − 1, keeping
 * the block [k, j] (a channel statistic of [N, C, H, W] over axes 0, 2, 3): x as [N, C, S], or null.
 */
export function outerInnerAxes(x: KernelTensor, axes: readonly number[]): { N: number; C: number; S: number } | null {
  const nd = x.shape.length;
  let k = 0;
  while (k < axes.length && axes[k] === k) k++;
  const tail = axes.length - k;
  if (k === 0 || tail === 0 || k + tail >= nd) return null;
  for (let i = 0; i < tail; i++) if (axes[k + i] !== nd - tail + i) return null;
  return { N: sizeOf(x.shape.slice(0, k)), C: sizeOf(x.shape.slice(k, nd - tail)), S: sizeOf(x.shape.slice(nd - tail)) };
}

/** Reduced axes are the trailing ones (rows × len in memory order); the row length, or −1. */
function trailingLen(x: KernelTensor, axes: readonly number[]): number {
  const nd = x.shape.length;
  if (axes.length === 0) return -1;
  if (!axes.every((a, i) => a === nd - axes.length + i)) return -1;
  return sizeOf(axes.map((a) => x.shape[a]!));
}

const isFloat = (t: KernelTensor | undefined): boolean => t?.dtype === 'float32' || t?.dtype === 'float64';

/** The elementwise and reduction kernels and their `accepts` rule (merged into the wasm provider). */
export function elementwiseKernels(opts: ElementwiseOptions = {}): {
  kernels: Record<string, ProviderKernel>;
  accepts: (op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: any) => boolean;
} {
  const always = opts.minWork === 0;
  const floor = opts.minWork ?? 0;
  const min = (measured: number): number => (always ? 1 : Math.max(floor, measured, 1));
  /** Threads for a call of n elements (the option, when given, for every class). */
  const par = (a: WasmArena, n: number, from: number): number => (n >= (opts.parallelMinWork ?? from) ? a.threads : 1);
  const runtime = (): WasmArena | null => opts.runtime ?? wasmRuntime();
  const rt = (): WasmArena => runtime()!;

  const unary = (code: number): ProviderKernel => ([x], [o]) => {
    const a = rt(), n = x!.data.length, d64 = x!.dtype === 'float64';
    a.reset();
    const xd = x!.data as FloatArray, od = o!.data as FloatArray;
    const px = a.input(xd), po = a.outputOver(od, xd, px), T = par(a, n, code >= 8 ? PARALLEL_TRANSCENDENTAL : inPlace(a, xd, od) ? PARALLEL_RESIDENT : PARALLEL_ELEMENTWISE);
    if (d64 && (code === TRANSCENDENTAL_CODES.log || code === TRANSCENDENTAL_CODES.tanh)) {
      a.parallelChunksOut(code === TRANSCENDENTAL_CODES.log ? 'logF64' : 'tanhF64', [px, 0, 0, po], 1, chunked(n, T), po, od, 1, touchFresh(a, od, T));
    }
    else a.parallelChunksOut(d64 ? 'mapF64' : 'mapF32', [code, px, 0, 0, po], 2, chunked(n, T), po, od, 1, touchFresh(a, od, T));
  };

  const binary = (code: number): ProviderKernel => ([x, y], [o]) => {
    const m = binaryMode(x!, y!, o!);
    if (!m) return false;
    const a = rt(), n = o!.data.length, d64 = x!.dtype === 'float64';
    a.reset();
    const xd = x!.data as FloatArray, yd = y!.data as FloatArray, od = o!.data as FloatArray;
    const px = a.input(xd), py = a.input(yd);
    const po = m.mode === 2 || m.mode === 4 || m.mode === 6 ? a.outputOver(od, yd, py) : a.outputOver(od, xd, px); // over the full operand's copy
    const units = m.mode >= 3 ? (m.N === 0 ? 0 : n / m.N) : n, T = par(a, n, inPlace(a, xd, yd, od) ? PARALLEL_RESIDENT : PARALLEL_ELEMENTWISE);
    a.parallelChunksOut(d64 ? 'binF64' : 'binF32', [code, m.mode, px, py, m.N, m.mid, 0, 0, po], 6, chunked(units, T), po, od, m.mode >= 3 ? m.N : 1, touchFresh(a, od, T));
  };

  const where: ProviderKernel = ([c, x, y], [o]) => {
    const a = rt(), n = o!.data.length, d64 = x!.dtype === 'float64';
    a.reset();
    const cd = c!.data as FloatArray, od = o!.data as FloatArray;
    const pc = a.input(cd), px = a.input(x!.data as FloatArray), py = a.input(y!.data as FloatArray), T = par(a, n, PARALLEL_ELEMENTWISE);
    const po = a.outputOver(od, cd, pc);
    const mode = (x!.data.length === n ? 0 : 1) | (y!.data.length === n ? 0 : 2); // a one-element a / b is broadcast
    a.parallelChunksOut(d64 ? 'whereF64' : 'whereF32', [pc, px, py, mode, 0, 0, po], 4, chunked(n, T), po, od, 1, touchFresh(a, od, T));
  };

  /**
   * Sum / max / min over rows of `len` (the trailing axes): rows of at least REDUCE_CHUNK elements
   * as chunk partials combined here in chunk order, shorter rows one row per kernel call.
   */
  const reduce = (op: string): ProviderKernel => ([x], [o], attrs: { axes: number[] }) => {
    let len = trailingLen(x!, attrs.axes);
    const code = REDUCE_CODES[op]!;
    const a = rt(), n = x!.data.length, d64 = x!.dtype === 'float64', rows = o!.data.length, out = o!.data;
    a.reset();
    let px = a.input(x!.data as FloatArray);
    const T = par(a, n, inPlace(a, x!.data) ? PARALLEL_RESIDENT : PARALLEL_REDUCE);
    const midAx = len < 0 ? middleAxes(x!, attrs.axes) : null;
    const oi = len < 0 && !midAx ? outerInnerAxes(x!, attrs.axes) : null;
    if (len < 0 && !midAx && !oi && !leadingAxes(x!, attrs.axes)) { // a kept axis between reduced ones: reduce rows of a permuted copy
      px = permuteToRows(a, px, x!, attrs.axes, T);
      len = n / rows;
    }
    if (oi && code === 0) { // a sum over leading and trailing axes: per kept index, split by kept indices
      const po = a.output(out as FloatArray);
      a.parallelChunks(d64 ? 'sumOuterInnerF64' : 'sumOuterInnerF32', [px, oi.N, oi.C, oi.S, 0, 0, po], 4, chunked(oi.C, T));
      a.finish(po, out as FloatArray);
      return;
    }
    if (oi) { // max / min over leading and trailing axes: the rows' extremes ([N·C]), then the columns' (exact either way)
      const pt = a.alloc(oi.N * oi.C * (d64 ? 8 : 4)), po = a.output(out as FloatArray);
      a.parallelChunks(d64 ? 'reduceRowsF64' : 'reduceRowsF32', [code, px, oi.S, 0, 0, pt], 3, chunked(oi.N * oi.C, T));
      a.parallelChunks(d64 ? 'colExtremeF64' : 'colExtremeF32', [code, pt, oi.N, oi.C, 0, 0, po], 4, [[0, 1]]);
      a.finish(po, out as FloatArray);
      return;
    }
    if (len < 0 && code !== 0) { // max / min over leading or middle axes: column extremes, split by batches
      const g = midAx ?? { B: 1, rows: n / rows, W: rows }, po = a.output(out as FloatArray);
      a.parallelChunks(d64 ? 'colExtremeF64' : 'colExtremeF32', [code, px, g.rows, g.W, 0, 0, po], 4, chunked(g.B, T));
      a.finish(po, out as FloatArray);
      return;
    }
    if (midAx) { // a sum over middle axes: batches of column sums, split by batches
      const po = a.output(out as FloatArray);
      a.parallelChunks(d64 ? 'colSumBatchF64' : 'colSumBatchF32', [px, midAx.rows, midAx.W, 0, 0, po], 3, chunked(midAx.B, T));
      a.finish(po, out as FloatArray);
      return;
    }
    if (len < 0) { // a sum over leading axes (accepts checked): one thread by default (see MIN_COLSUM); columns split in blocks of 16 when told to split
      const W = rows, po = a.output(out as FloatArray), blocks = Math.ceil(W / 16);
      const cols = chunked(blocks, opts.parallelMinWork === undefined ? 1 : T).map(([b0, b1]): [number, number] => [b0 * 16, Math.min(W, b1 * 16)]);
      a.parallelChunks(d64 ? 'colSumF64' : 'colSumF32', [px, n / W, W, 0, 0, po], 3, cols);
      a.finish(po, out as FloatArray);
      return;
    }
    if (len < REDUCE_CHUNK) {
      const po = a.output(out as FloatArray);
      a.parallelChunks(d64 ? 'reduceRowsF64' : 'reduceRowsF32', [code, px, len, 0, 0, po], 3, chunked(rows, T));
      a.finish(po, out as FloatArray);
      return;
    }
    const parts = partials(a, code, px, len, rows, d64, T), cpr = parts.length / rows;
    for (let r = 0; r < rows; r++) {
      let s = parts[r * cpr]!;
      for (let k = 1; k < cpr; k++) {
        const v = parts[r * cpr + k]!;
        if (code === 0) s += v;
        else if (v !== v || s !== s) s = NaN;
        else if (code === 1 ? v > s : v < s) s = v;
      }
      out[r] = s;
    }
  };

  /** Chunk partials (float64, a copy) of rows of `len` ≥ REDUCE_CHUNK: [rows, ⌈len / REDUCE_CHUNK⌉]. */
  function partials(a: WasmArena, code: number, px: number, len: number, rows: number, d64: boolean, T: number): Float64Array {
    const cpr = Math.ceil(len / REDUCE_CHUNK), C = rows * cpr, pp = a.alloc(C * 8);
    a.parallelChunks(d64 ? 'reducePartsF64' : 'reducePartsF32', [code, px, len, REDUCE_CHUNK, cpr, 0, 0, pp], 5, chunked(C, T));
    return a.view(new Float64Array(0), pp, C).slice();
  }

  /** argmax / argmin over the last axis: the extreme per row, then its first position. */
  const arg = (op: string): ProviderKernel => ([x], [o], attrs: { axis: number }) => {
    const code = REDUCE_CODES[op]!, a = rt(), n = x!.data.length, d64 = x!.dtype === 'float64', rows = o!.data.length, out = o!.data;
    const len = rows === 0 ? 0 : n / rows;
    a.reset();
    const px = a.input(x!.data as FloatArray), T = par(a, n, inPlace(a, x!.data) ? PARALLEL_RESIDENT : PARALLEL_REDUCE);
    const [B, L, W] = aroundAxis(x!.shape, attrs.axis);
    if (W > 1) { // along another axis: the column kernel, x as [B, L, W]
      const po = a.alloc(rows * 4);
      a.parallelChunks(d64 ? 'argColsF64' : 'argColsF32', [code, px, L, W, 0, 0, po], 4, chunked(B * colUnits(W, d64), T));
      a.get(po, out as Int32Array);
      return;
    }
    if (len < REDUCE_CHUNK) {
      const po = a.alloc(rows * 4);
      a.parallelChunks(d64 ? 'argRowsF64' : 'argRowsF32', [code, px, len, 0, 0, po], 3, chunked(rows, T));
      a.get(po, out as Int32Array);
      return;
    }
    const parts = partials(a, code, px, len, rows, d64, T), cpr = parts.length / rows;
    const first = d64 ? a.k.firstIndexF64 : a.k.firstIndexF32;
    for (let r = 0; r < rows; r++) {
      let m = parts[r * cpr]!;
      for (let k = 1; k < cpr && m === m; k++) {
        const v = parts[r * cpr + k]!;
        if (v !== v || (code === 1 ? v > m : v < m)) m = v;
      }
      let k = 0; // the first chunk holding the extreme (or a NaN) holds its first position
      while (m === m ? parts[r * cpr + k] !== m : parts[r * cpr + k] === parts[r * cpr + k]) k++;
      const s = r * len + k * REDUCE_CHUNK;
      out[r] = first(px, s, Math.min(r * len + len, s + REDUCE_CHUNK), m) - r * len;
    }
  };

  const kernels: Record<string, ProviderKernel> = { where };
  for (const [op, code] of Object.entries({ ...UNARY_CODES, ...TRANSCENDENTAL_CODES })) kernels[op] = unary(code);
  for (const [op, code] of Object.entries(BINARY_CODES)) kernels[op] = binary(code);
  for (const op of ['sum', 'max', 'min']) kernels[op] = reduce(op);
  for (const op of ['argmax', 'argmin']) kernels[op] = arg(op);

  const accepts = (op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: any): boolean => {
    const x = inputs[0]!, o = outputs[0]!;
    if (!isFloat(x)) return false;
    if (op in UNARY_CODES) {
      if (o.dtype !== x.dtype || !(o.data.length >= min(MIN_UNARY))) return false;
    } else if (op in TRANSCENDENTAL_CODES) { // float32; tanh and log also float64 (tanhF64, logF64)
      if (!(x.dtype === 'float32' || (op !== 'gelu' && x.dtype === 'float64')) || o.dtype !== x.dtype || !(o.data.length >= min(MIN_TRANSCENDENTAL))) return false;
    } else if (op in BINARY_CODES) {
      const y = inputs[1]!;
      if (y.dtype !== x.dtype || o.dtype !== x.dtype || !(o.data.length >= min(MIN_BINARY)) || !binaryMode(x, y, o)) return false;
    } else if (op === 'where') {
      const [c, a, b] = inputs as [KernelTensor, KernelTensor, KernelTensor];
      const n = o.data.length;
      const fits = (t: KernelTensor): boolean => t.data.length === n || t.data.length === 1; // same shape, or one element
      if (c.dtype !== a.dtype || b.dtype !== a.dtype || !isFloat(a) || c.data.length !== n || !fits(a) || !fits(b) || !(n >= min(MIN_BINARY))) return false;
    } else if (op === 'argmax' || op === 'argmin') {
      const nd = x.shape.length, axis = (attrs as { axis: number }).axis;
      if (!(axis >= 0 && axis < nd && x.shape[axis]! > 0 && x.data.length >= min(MIN_REDUCE) && o.data.length > 0)) return false;
    } else { // sum, max, min
      const n = x.data.length, axes = (attrs as { axes: number[] }).axes;
      // any non-empty set of axes: trailing (rows), leading or middle (columns), leading and trailing
      // together (per kept index), or with a kept axis between reduced ones (a permuted copy, then rows)
      const lead = leadingAxes(x, axes) || middleAxes(x, axes) !== null;
      if (axes.length === 0) return false;
      if (!(n >= min(lead ? MIN_COLSUM : MIN_REDUCE)) || o.data.length === 0) return false;
      if (op === 'sum' && !lead && x.dtype === 'float64' && n > MAX_SUM_F64 && !always) return false;
    }
    return runtime() !== null;
  };
  return { kernels, accepts };
}
