/**
 * Optimizer updates as wasm SIMD kernels on the thread pool: one Adam / AdamW step of a parameter,
 * its moments and its gradient in one pass (wasm/kernels.ts `adamF32` / `adamF64`), the same bits
 * as the JS loops of src/optim/adam.ts — every operation is the same correctly rounded IEEE
 * operation in float64, with the values the reference stores rounded to the parameter's dtype —
 * for any split across threads (elements are independent). Resident arrays (./resident.ts: the
 * parameters and the moments, usually) are updated in place; plain ones are copied in and back.
 * @module
 */
import type { FloatArray } from '../types.js';
import { splitRange, wasmRuntime, type WasmArena } from './runtime.js';

/** The scalars of one Adam step (src/optim/adam.ts computes them per step). */
export interface AdamStepScalars {
  /** −1 to maximise, else 1. */
  sgn: number;
  /** L2 weight decay λ added to the gradient (0: none). */
  wd: number;
  b1: number;
  b2: number;
  /** √(1 − β₂ᵗ). */
  bc2sqrt: number;
  eps: number;
  /** η / (1 − β₁ᵗ). */
  stepSize: number;
  /** AdamW: the decoupled decay factor 1 − η·λ applied to p first; null for none. */
  decay: number | null;
}

/** Smallest parameter (elements) the kernel takes: below, the JS loop's call overhead is lower. */
export const MIN_ADAM = 4096;
/** Elements from which a step runs on the threads (1M float32: 2 vs 1 threads, resident, see docs/design/wasm-kernels.md). */
export const PARALLEL_ADAM = 1 << 16;

/**
 * One Adam step of `p` with gradient `g` and moments `m`, `v` (all of one dtype and length), in
 * place; false (nothing written) where the wasm kernels are unavailable or the call is not taken
 * (other dtypes, fewer than {@link MIN_ADAM} elements unless `minWork` is 0), so the caller runs
 * its JS loop. `runtime`: run on that runtime (tests of thread counts).
 */
export function wasmAdamStep(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, s: AdamStepScalars, opts: { minWork?: number; runtime?: WasmArena } = {}): boolean {
  const n = p.length, d64 = p instanceof Float64Array;
  if (!(n >= (opts.minWork ?? MIN_ADAM)) || g.length !== n || m.length !== n || v.length !== n) return false;
  if (!(g instanceof p.constructor) || !(m instanceof p.constructor) || !(v instanceof p.constructor)) return false;
  const a = opts.runtime ?? wasmRuntime();
  if (!a) return false;
  a.reset();
  const pp = a.owns(p) ? p.byteOffset : a.put(p), pm = a.owns(m) ? m.byteOffset : a.put(m), pv = a.owns(v) ? v.byteOffset : a.put(v);
  const pg = a.input(g), sc = a.alloc(80);
  const c1 = 1 - s.b1, c2 = 1 - s.b2;
  a.view(new Float64Array(0), sc, 10).set([s.sgn, s.wd, s.b1, s.b2, c1, c2, s.bc2sqrt, s.eps, s.stepSize, s.decay ?? 1]);
  const mode = (s.decay === null && s.wd !== 0 ? 1 : 0) | (s.decay !== null ? 2 : 0);
  const T = n >= PARALLEL_ADAM ? a.threads : 1;
  a.parallelChunks(d64 ? 'adamF64' : 'adamF32', [pp, pg, pm, pv, sc, mode, 0, 0], 6, splitRange(n, T > 1 ? 4 * T : 1));
  a.finish(pp, p);
  a.finish(pm, m);
  a.finish(pv, v);
  return true;
}

/** The scalars and flags of one SGD step (src/optim/sgd.ts). */
export interface SgdStepScalars {
  /** −1 to maximise, else 1. */
  sgn: number;
  /** L2 weight decay λ (0: none). */
  wd: number;
  /** Momentum μ (0: none; then `buf` is ignored). */
  mu: number;
  dampening: number;
  lr: number;
  nesterov: boolean;
  /** The first step with momentum: the buffer is set to the gradient. */
  first: boolean;
}

/**
 * One SGD step of `p` with gradient `g` and momentum buffer `buf` (null without momentum), in
 * place, the same bits as src/optim/sgd.ts's loop; false (nothing written) where it is not taken,
 * as {@link wasmAdamStep}.
 */
export function wasmSgdStep(p: FloatArray, g: FloatArray, buf: FloatArray | null, s: SgdStepScalars, opts: { minWork?: number; runtime?: WasmArena } = {}): boolean {
  const n = p.length, d64 = p instanceof Float64Array, mom = s.mu !== 0;
  if (!(n >= (opts.minWork ?? MIN_ADAM)) || g.length !== n || !(g instanceof p.constructor)) return false;
  if (mom && (buf === null || buf.length !== n || !(buf instanceof p.constructor))) return false;
  const a = opts.runtime ?? wasmRuntime();
  if (!a) return false;
  a.reset();
  const pp = a.owns(p) ? p.byteOffset : a.put(p), pg = a.input(g);
  const pb = !mom ? 0 : a.owns(buf!) ? buf!.byteOffset : s.first ? a.alloc(buf!.byteLength) : a.put(buf!);
  const sc = a.alloc(40);
  a.view(new Float64Array(0), sc, 5).set([s.sgn, s.wd, s.mu, 1 - s.dampening, s.lr]);
  const mode = (s.wd !== 0 ? 1 : 0) | (mom ? 2 : 0) | (mom && s.first ? 4 : 0) | (mom && s.nesterov ? 8 : 0);
  const T = n >= PARALLEL_ADAM ? a.threads : 1;
  a.parallelChunks(d64 ? 'sgdF64' : 'sgdF32', [pp, pg, pb, sc, mode, 0, 0], 5, splitRange(n, T > 1 ? 4 * T : 1));
  a.finish(pp, p);
  if (mom) a.finish(pb, buf!);
  return true;
}
