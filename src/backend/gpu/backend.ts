/**
 * The gpu.js backend for eager (synchronous) execution: gpu.js kernels for the aggregation loops
 * (segmentSum, segmentMax/Min with their arg rows, indexSelect and indexAdd along axis 0, the fused
 * gatherSegmentSum / one-weight gatherSegmentWeightedSum, gatherDot, segmentSoftmax and its gradient, the SO(2)
 * transport ops so2Gather / so2SegmentSum), written
 * gather-style over a CSR of the index built on the host by counting sort (O(N + S), no atomics).
 * Every other op runs the JS reference (the end of the chain).
 *
 * The backend is a dispatch chain (../dispatch.ts): the gpu.js provider, then the JS reference. The
 * provider accepts float32 calls; its planners decline — and the reference runs — where gpu.js
 * cannot give the reference's answer: indices or sizes that float32 cannot carry exactly (≥ 2^24),
 * out-of-range / unsorted-but-declared-sorted ids (the reference throws the exact error), axes
 * other than 0, and work below `minWork` elements. float64 calls are not accepted (gpu.js computes
 * in float32).
 *
 * Only the synchronous gpu.js modes fit the eager `Backend` contract: `webasm` (the fast one), `cpu`
 * and, in browsers, `webgl2` (gpu.js reads a WebGL2 kernel's result back with the blocking
 * `readPixels`, so its kernels return arrays, not Promises). `webgpu` returns Promises (WebGPU has
 * no synchronous readback) and belongs to the compiled-plan executor (docs/design/gpu-backend.md);
 * `createGpuBackend` rejects it. The end of the chain is the JS reference by default, or any other
 * backend through `fallback` (e.g. `cpuBackend`, so that every op gpu.js does not run stays on the
 * wasm kernels).
 * @module
 */
import type { Backend, Kernel, KernelTensor } from '../types.js';
import { chainBackend, everyCall, type ChainBackend, type KernelProvider, type ProviderKernel } from '../dispatch.js';
import { jsBackend } from '../js/backend.js';
import { allocArray } from '../types.js';
import { BackendError } from '../../util/errors.js';
import { gatherSegmentSumKernel, segmentSumKernel, segmentExtremeKernel } from '../js/segment.js';
import { gatherDotKernel, gatherSegmentWeightedSumKernel, segmentSoftmaxGradKernel, segmentSoftmaxKernel } from '../js/segment-fused.js';
import { indexAddKernel, indexSelectKernel } from '../js/indexing.js';
import { so2GatherKernel, so2SegmentSumKernel } from '../js/so2.js';
import { validIndex } from '../js/segment-csr.js';
import { segmentCsr } from '../csr-cache.js';
import type { Input, KernelOutput } from 'gpu.js';
import { GpuKernelCache, asInput, copyResult, loopCap, type GpuJsMode, type GpuKernelKind, webgl2Supported } from './kernels.js';

/** Largest integer every float32 represents exactly: indices and sizes must stay below it. */
export const F32_EXACT = 2 ** 24;

/** Options of {@link createGpuBackend}. */
export interface GpuBackendOptions {
  /** gpu.js mode. `webasm`, `cpu` and (browsers only) `webgl2` are synchronous; `webgpu` throws (see the module doc). */
  mode: GpuJsMode;
  /**
   * The backend that runs every call gpu.js does not take (other ops, float64, declined calls).
   * Default: the JS reference (`jsBackend`); `cpuBackend` keeps them on the wasm kernels.
   */
  fallback?: Backend;
  /**
   * Below this many output elements a kernel uses the JS reference (compiling and copying into
   * wasm memory costs more than it saves on tiny inputs). Default 4096; 0 sends everything
   * float32 to gpu.js (the conformance tests do that).
   */
  minWork?: number;
  /** Backend name; default `gpujs-<mode>`. */
  name?: string;
  /**
   * Run the 2-D kernels (output [F, S]) flattened to one thread per output element. Default: in
   * `webgl2` mode only, where a 2-D output becomes an F × S texture and S (vertices, edges) passes
   * the texture size limit; setting it in `webasm` mode runs WebGL2's kernel sources in Node (the
   * conformance suite does). Not in `cpu` mode: gpu.js's cpu mode addresses a 2-D input with the
   * output's width, which is only right for the 2-D kernels.
   */
  flatten2d?: boolean;
}

/** Per-op counters: calls run by gpu.js and calls that fell back to the JS reference. */
export type GpuBackendStats = Record<string, { gpu: number; fallback: number }>;

/** The gpu.js backend: a `Backend` plus its mode, counters and a `dispose`. */
export interface GpuBackend extends ChainBackend {
  readonly mode: 'webasm' | 'cpu' | 'webgl2';
  /** Calls per op, by path (gpu.js or JS fallback). */
  readonly stats: GpuBackendStats;
  /** Number of gpu.js kernels compiled so far. */
  compiledKernels(): number;
  /** Destroy the gpu.js instance and its kernels (a later call recreates them lazily). */
  dispose(): Promise<void>;
}

function features(x: KernelTensor): number {
  const n = x.shape[0] ?? 0;
  return n === 0 ? 0 : x.data.length / n;
}

/**
 * Create the gpu.js backend. Register it with `registerBackend` and select it with `setBackend`.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from 'erlangen';
 * import { createGpuBackend } from 'erlangen/gpu';
 * registerBackend(createGpuBackend({ mode: 'webasm' }));
 * setBackend('gpujs-webasm');
 * ```
 */
export function createGpuBackend(opts: GpuBackendOptions): GpuBackend {
  const mode = opts.mode;
  if (mode !== 'webasm' && mode !== 'cpu' && mode !== 'webgl2') {
    throw new BackendError(`createGpuBackend: gpu.js mode '${mode}' is asynchronous (its kernels return Promises) and cannot back eager execution; use 'webasm', 'cpu' or (in browsers) 'webgl2' here, and createAsyncGpuKernels (the compiled-plan executor's entry point) for '${mode}'`);
  }
  if (mode === 'webgl2' && !webgl2Supported()) {
    throw new BackendError(`createGpuBackend: gpu.js mode 'webgl2' needs a WebGL2 context, and there is none here (WebGL2 exists only in browsers with a GPU or a software rasteriser); use 'webasm' or 'cpu'`);
  }
  const fallback = opts.fallback ?? jsBackend;
  if (mode === 'cpu' && opts.flatten2d) {
    throw new BackendError(`createGpuBackend: flatten2d is not supported in gpu.js's 'cpu' mode (it addresses 2-D inputs with the output's width); use 'webasm'`);
  }
  const cache = new GpuKernelCache(mode, opts.flatten2d ?? mode === 'webgl2');
  const planners = aggregationPlanners(opts.minWork ?? 4096);
  // The gpu.js provider of a dispatch chain (../dispatch.ts) in front of the reference: it accepts
  // float32 calls (O(1)); its planner declines (null → false) what gpu.js cannot answer exactly.
  const kernels: Record<string, ProviderKernel> = {};
  for (const [op, { plan }] of Object.entries(planners)) {
    kernels[op] = (inputs, outputs, attrs) => {
      const launch = plan(inputs, outputs, attrs);
      if (!launch) return false;
      for (let l: GpuLaunch | null = launch; l;) { // multi-pass ops chain their launches through finish
        const result = cache.launch(l.kind, l.oneD, l.cap, l.output, l.args);
        if (result instanceof Promise) {
          throw new BackendError(`createGpuBackend: gpu.js mode '${mode}' returned a Promise for '${op}' (an asynchronous kernel); eager execution needs synchronous kernels — use createAsyncGpuKernels for this mode`);
        }
        l = l.finish(result) ?? null;
      }
    };
  }
  const provider: KernelProvider = { name: 'gpujs', kernels, accepts: (_op, inputs) => inputs[0]?.dtype === 'float32' };
  const chain = chainBackend(opts.name ?? `gpujs-${mode}`, [provider, everyCall(fallback)], allocArray);
  // stats as before: calls gpu.js ran, and calls that ended on the reference (not accepted or declined)
  const stats: GpuBackendStats = {};
  for (const op of Object.keys(planners)) {
    Object.defineProperty(stats, op, { enumerable: true, get: () => ({ gpu: chain.counts[op]!.gpujs!, fallback: chain.counts[op]![fallback.name]! }) });
  }
  return Object.assign(chain, { mode, stats, compiledKernels: () => cache.compiled, dispose: () => cache.dispose() });
}

/** True when every index is in [0, n). */
function inRange(idx: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v < n)) return false;
  }
  return true;
}

/**
 * One gpu.js launch: which kernel, its output size, its arguments, and what to do with the result —
 * store it, or (multi-pass ops such as segment softmax) return the next launch, which reads it.
 */
export interface GpuLaunch {
  kind: GpuKernelKind;
  oneD: boolean;
  cap: number;
  output: number[];
  args: (Float32Array | Int32Array | Input)[];
  finish: (result: KernelOutput) => GpuLaunch | void;
}

/** Per op: a planner (null = not for gpu.js, use the reference) and the reference kernel. */
export type GpuPlanners = Record<string, {
  plan: (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: any) => GpuLaunch | null;
  reference: Kernel;
}>;

/**
 * The gating and argument preparation of every gpu.js aggregation kernel, shared by the eager
 * backend (synchronous modes) and the async executor (webgpu, webgl2).
 */
export function aggregationPlanners(minWork: number): GpuPlanners {
  /** The common gate: float32 in and out, exact float32 sizes, enough work. */
  const usable = (x: KernelTensor, rows: number, outRows: number, F: number): boolean =>
    x.dtype === 'float32' && F > 0 && rows > 0 && outRows > 0 && rows < F32_EXACT && outRows < F32_EXACT &&
    // wasm32 byte addressing of the largest array (and the output) must fit
    rows * F < 2 ** 28 && outRows * F < 2 ** 28 && outRows * F >= minWork;

  const segmentSum = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { numSegments: number; sorted: boolean }): GpuLaunch | null => {
    const [x, idx] = inputs, [o] = outputs;
    const N = x!.shape[0] ?? 0, S = attrs.numSegments, F = features(x!);
    const csr = usable(x!, N, S, F) ? segmentCsr(idx!.data, S, { requireSorted: attrs.sorted }) : null;
    if (!csr) return null;
    return {
      kind: 'sum', oneD: F === 1, cap: loopCap(csr.maxDegree), output: F === 1 ? [S] : [F, S],
      args: [csr.rowptr, csr.perm, asInput(x!.data as Float32Array, N, F)],
      finish: (r) => copyResult(r, o!.data as Float32Array),
    };
  };

  const extreme = (op: 'max' | 'min') => (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { numSegments: number; sorted: boolean }): GpuLaunch | null => {
    const [x, idx] = inputs, [o, arg] = outputs;
    const N = x!.shape[0] ?? 0, S = attrs.numSegments, F = features(x!);
    const csr = usable(x!, N, S, F) ? segmentCsr(idx!.data, S, { requireSorted: attrs.sorted }) : null;
    if (!csr) return null;
    return {
      kind: op === 'max' ? 'argmax' : 'argmin', oneD: F === 1, cap: loopCap(csr.maxDegree), output: F === 1 ? [S] : [F, S],
      args: [csr.rowptr, csr.perm, asInput(x!.data as Float32Array, N, F)],
      finish: (res) => {
        const g = arg!.data as Int32Array, a = x!.data, r = o!.data;
        copyResult(res, g);
        // values from the data at the arg rows (exact: no float32 round trip of the values)
        for (let p = 0, s = 0; s < S; s++) {
          for (let j = 0; j < F; j++, p++) {
            const row = g[p]!;
            r[p] = row < 0 ? 0 : a[row * F + j]!;
          }
        }
      },
    };
  };

  const indexSelect = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { axis: number }): GpuLaunch | null => {
    const [x, idx] = inputs, [o] = outputs;
    const n = x!.shape[0] ?? 0, F = features(x!), M = idx!.data.length;
    if (attrs.axis !== 0 || !usable(x!, n, M, F) || !validIndex(idx!.data, n)) return null;
    let ids = idx!.data as Int32Array;
    for (let i = 0; i < M; i++) {
      if (ids[i]! < 0) { ids = ids.map((v) => (v < 0 ? v + n : v)); break; }
    }
    return {
      kind: 'gather', oneD: F === 1, cap: 1, output: F === 1 ? [M] : [F, M],
      args: [ids, asInput(x!.data as Float32Array, n, F)],
      finish: (r) => copyResult(r, o!.data as Float32Array),
    };
  };

  const indexAdd = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { axis: number }): GpuLaunch | null => {
    const [x, idx, src] = inputs, [o] = outputs;
    const n = x!.shape[0] ?? 0, F = features(x!), M = idx!.data.length;
    const csr = attrs.axis === 0 && M > 0 && src!.dtype === 'float32' && M < F32_EXACT && usable(x!, M, n, F)
      ? segmentCsr(idx!.data, n, { allowNegative: true }) : null;
    if (!csr) return null;
    return {
      kind: 'sum', oneD: F === 1, cap: loopCap(csr.maxDegree), output: F === 1 ? [n] : [F, n],
      args: [csr.rowptr, csr.perm, asInput(src!.data as Float32Array, M, F)],
      finish: (res) => {
        const r = o!.data as Float32Array, base = x!.data;
        copyResult(res, r);
        for (let i = 0; i < r.length; i++) r[i] = base[i]! + r[i]!;
      },
    };
  };

  /** CSR of the segment ids with the gather index composed in: rows[k] = gather[perm[k]]. */
  const composed = (gather: ArrayLike<number>, perm: Int32Array): Int32Array => {
    const rows = new Int32Array(perm.length);
    for (let k = 0; k < perm.length; k++) rows[k] = gather[perm[k]!]!;
    return rows;
  };

  const gatherSegmentSum = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { numSegments: number }): GpuLaunch | null => {
    const [x, gi, si] = inputs, [o] = outputs;
    const R = x!.shape[0] ?? 0, S = attrs.numSegments, F = features(x!), E = gi!.data.length;
    const csr = E > 0 && E < F32_EXACT && usable(x!, R, S, F) && inRange(gi!.data, R) ? segmentCsr(si!.data, S) : null;
    if (!csr) return null;
    return {
      kind: 'sum', oneD: F === 1, cap: loopCap(csr.maxDegree), output: F === 1 ? [S] : [F, S],
      args: [csr.rowptr, composed(gi!.data, csr.perm), asInput(x!.data as Float32Array, R, F)],
      finish: (r) => copyResult(r, o!.data as Float32Array),
    };
  };

  // one weight per edge (`wsum`), or one per edge and head (`hwsum`: x's F features in H heads of
  // D; the weights in CSR order as a flat [E·H] array, read at (k·H + h), so E·H < 2^24)
  const gatherSegmentWeightedSum = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { numSegments: number; heads: number }): GpuLaunch | null => {
    const [x, w, gi, si] = inputs, [o] = outputs;
    const R = x!.shape[0] ?? 0, S = attrs.numSegments, F = features(x!), E = gi!.data.length, H = attrs.heads;
    const perHead = H > 1;
    if (perHead && (F < 2 || F % H !== 0 || E * H >= F32_EXACT)) return null;
    const csr = w!.dtype === 'float32' && E > 0 && E < F32_EXACT && usable(x!, R, S, F) && inRange(gi!.data, R)
      ? segmentCsr(si!.data, S) : null;
    if (!csr) return null;
    const wc = new Float32Array(E * H);
    for (let k = 0; k < E; k++) {
      const src = csr.perm[k]! * H;
      for (let h = 0; h < H; h++) wc[k * H + h] = w!.data[src + h]!;
    }
    const rows = composed(gi!.data, csr.perm), xin = asInput(x!.data as Float32Array, R, F);
    return {
      kind: perHead ? 'hwsum' : 'wsum', oneD: F === 1, cap: loopCap(csr.maxDegree), output: F === 1 ? [S] : [F, S],
      args: perHead ? [csr.rowptr, rows, wc, Int32Array.of(H, F / H), xin] : [csr.rowptr, rows, wc, xin],
      finish: (r) => copyResult(r, o!.data as Float32Array),
    };
  };

  /** A gpu.js result as a fresh Float32Array of `n` values (the input of a next pass). */
  const values = (r: KernelOutput, n: number): Float32Array => {
    const a = new Float32Array(n);
    copyResult(r, a);
    return a;
  };

  // gatherDot (SDDMM) in three passes: gather the rows of a and of b (the `gather` kernel), then
  // per edge and head the dot product of the aligned rows (`rowdot`, whose [F, E] output carries
  // each head's sum in the head's first column). Rows of one value run the reference.
  const gatherDot = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { heads: number }): GpuLaunch | null => {
    const [a, b, ia, ib] = inputs, [o] = outputs;
    const Ra = a!.shape[0] ?? 0, Rb = b!.shape[0] ?? 0, E = ia!.data.length, H = attrs.heads;
    const F = features(a!) || features(b!), D = H > 0 ? F / H : 0;
    if (F < 2 || !Number.isInteger(D) || D < 1 || b!.dtype !== 'float32' || E >= F32_EXACT) return null;
    if (!usable(a!, Ra, E, F) || !usable(b!, Rb, E, F) || !inRange(ia!.data, Ra) || !inRange(ib!.data, Rb)) return null;
    const gather = (idx: KernelTensor, x: KernelTensor, R: number, next: (rows: Float32Array) => GpuLaunch): GpuLaunch => ({
      kind: 'gather', oneD: false, cap: 1, output: [F, E], args: [idx.data as Int32Array, asInput(x.data as Float32Array, R, F)],
      finish: (r) => next(values(r, E * F)),
    });
    return gather(ia!, a!, Ra, (ga) => gather(ib!, b!, Rb, (gb) => ({
      kind: 'rowdot', oneD: false, cap: loopCap(D), output: [F, E],
      args: [asInput(ga, E, F), asInput(gb, E, F), Int32Array.of(D)],
      finish: (r) => {
        const full = values(r, E * F), out = o!.data;
        for (let e = 0; e < E; e++) for (let h = 0; h < H; h++) out[e * H + h] = full[e * F + h * D]!;
      },
    })));
  };

  // segment softmax in three passes over a CSR of the ids: segment max, segment Σ exp(x − m), and
  // per row exp(x − m[id]) / Σ[id] (float32 throughout; the reference's exp is float64, so values
  // agree to float32 rounding). The same −∞ / NaN rules as the reference fall out of IEEE arithmetic.
  const segmentSoftmax = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { numSegments: number; sorted?: boolean }): GpuLaunch | null => {
    const [x, si] = inputs, [o] = outputs;
    const N = si!.data.length, S = attrs.numSegments, C = features(x!);
    const csr = usable(x!, N, N, C) && S < F32_EXACT ? segmentCsr(si!.data, S, { requireSorted: attrs.sorted ?? false }) : null;
    if (!csr) return null;
    const oneD = C === 1, cap = loopCap(csr.maxDegree), xin = asInput(x!.data as Float32Array, N, C);
    const perSeg = oneD ? [S] : [C, S];
    return {
      kind: 'segmax', oneD, cap, output: perSeg, args: [csr.rowptr, csr.perm, xin],
      finish: (mr) => {
        const m = asInput(values(mr, S * C), S, C);
        return {
          kind: 'expsum', oneD, cap, output: perSeg, args: [csr.rowptr, csr.perm, xin, m],
          finish: (sr) => ({
            kind: 'softnorm', oneD, cap: 1, output: oneD ? [N] : [C, N],
            args: [si!.data as Int32Array, xin, m, asInput(values(sr, S * C), S, C)],
            finish: (r) => copyResult(r, o!.data as Float32Array),
          }),
        };
      },
    };
  };

  // its vector–Jacobian product in two passes: segment Σ y·g, then per row y·(g − Σ[id])
  const segmentSoftmaxGrad = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { numSegments: number }): GpuLaunch | null => {
    const [y, g, si] = inputs, [o] = outputs;
    const N = si!.data.length, S = attrs.numSegments, C = features(y!);
    const csr = g!.dtype === 'float32' && usable(y!, N, N, C) && S < F32_EXACT ? segmentCsr(si!.data, S) : null;
    if (!csr) return null;
    const oneD = C === 1, yin = asInput(y!.data as Float32Array, N, C), gin = asInput(g!.data as Float32Array, N, C);
    return {
      kind: 'dot', oneD, cap: loopCap(csr.maxDegree), output: oneD ? [S] : [C, S], args: [csr.rowptr, csr.perm, yin, gin],
      finish: (dr) => ({
        kind: 'softgrad', oneD, cap: 1, output: oneD ? [N] : [C, N],
        args: [si!.data as Int32Array, yin, gin, asInput(values(dr, S * C), S, C)],
        finish: (r) => copyResult(r, o!.data as Float32Array),
      }),
    };
  };

  // SO(2) transport (kernels `so2gather` / `so2segsum`): the coefficient rows [E, 2L+1] passed flat;
  // rows whose width is not a multiple of 2L+1 or bad indices decline (the reference throws).
  const so2Gather = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { maxOrder: number }): GpuLaunch | null => {
    const [x, gi, t] = inputs, [o] = outputs;
    const R = x!.shape[0] ?? 0, F = features(x!), E = gi!.data.length, B = 2 * attrs.maxOrder + 1;
    if (F % B !== 0 || t!.dtype !== 'float32' || E * B >= F32_EXACT || !usable(x!, R, E, F) || !inRange(gi!.data, R)) return null;
    return {
      kind: 'so2gather', oneD: F === 1, cap: 1, output: F === 1 ? [E] : [F, E],
      args: [gi!.data as Int32Array, t!.data as Float32Array, Int32Array.of(B), asInput(x!.data as Float32Array, R, F)],
      finish: (r) => copyResult(r, o!.data as Float32Array),
    };
  };
  const so2SegmentSum = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: { maxOrder: number; numSegments: number }): GpuLaunch | null => {
    const [m, t, si] = inputs, [o] = outputs;
    const E = m!.shape[0] ?? 0, F = features(m!), S = attrs.numSegments, B = 2 * attrs.maxOrder + 1;
    if (F % B !== 0 || t!.dtype !== 'float32' || E * B >= F32_EXACT || !usable(m!, E, S, F)) return null;
    const csr = segmentCsr(si!.data, S);
    if (!csr) return null;
    return {
      kind: 'so2segsum', oneD: F === 1, cap: loopCap(csr.maxDegree), output: F === 1 ? [S] : [F, S],
      args: [csr.rowptr, csr.perm, t!.data as Float32Array, Int32Array.of(B), asInput(m!.data as Float32Array, E, F)],
      finish: (r) => copyResult(r, o!.data as Float32Array),
    };
  };

  return {
    so2Gather: { plan: so2Gather, reference: so2GatherKernel },
    so2SegmentSum: { plan: so2SegmentSum, reference: so2SegmentSumKernel },
    gatherSegmentSum: { plan: gatherSegmentSum, reference: gatherSegmentSumKernel },
    gatherDot: { plan: gatherDot, reference: gatherDotKernel },
    segmentSoftmax: { plan: segmentSoftmax, reference: segmentSoftmaxKernel },
    segmentSoftmaxGrad: { plan: segmentSoftmaxGrad, reference: segmentSoftmaxGradKernel },
    gatherSegmentWeightedSum: { plan: gatherSegmentWeightedSum, reference: gatherSegmentWeightedSumKernel },
    segmentSum: { plan: segmentSum, reference: segmentSumKernel },
    segmentMax: { plan: extreme('max'), reference: segmentExtremeKernel('max') },
    segmentMin: { plan: extreme('min'), reference: segmentExtremeKernel('min') },
    indexSelect: { plan: indexSelect, reference: indexSelectKernel },
    indexAdd: { plan: indexAdd, reference: indexAddKernel },
  };
}
