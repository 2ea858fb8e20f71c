/**
 * Plain-JS CSR kernels (gather-style, register-blocked: per output row and block of 8 features,
 * local accumulators over the segment's rows, one write; no scattered writes) for the segment and
 * index ops, measured faster than the reference's scatters (docs/design/gpu-backend.md), as the
 * `csr` kernel provider of the dispatch chain (`csrProvider`, see ../dispatch.ts) — and, for
 * direct use, `csrKernels` (the provider with the reference behind it). The CSRs come from the one
 * cache of ../csr-cache.ts, shared with the wasm and gpu.js kernels.
 * @module
 */
import type { Kernel, KernelTensor, TypedArray } from '../types.js';
import { chainBackend, everyCall, type KernelProvider, type ProviderKernel } from '../dispatch.js';
import { composedRows, segmentCsr, type SegmentCsr } from '../csr-cache.js';
import { jsBackend } from './backend.js';

export { buildCsr, segmentCsr } from '../csr-cache.js';
export type { SegmentCsr } from '../csr-cache.js';

/**
 * out[s, :] = base[s, :] (or 0) + Σ_{k ∈ segment s} a[rows[k], :], F features per row, where
 * `rows` is `csr.perm` (or a composed index such as senders[perm]).
 *
 * Register-blocked: for each block of 8 features, the segment's rows are summed into 8 local
 * (float64) accumulators and the output is written once, so the inner loop does loads and adds
 * only (no float32 store/reload per term). The segment's rows (degree × F × 4 bytes) stay in L1
 * across the F/8 blocks. Order of the terms per element is the reference's (ascending row), so
 * float64 results are bit-identical to the reference; float32 results are rounded once instead of
 * per term (at least as accurate).
 */
export function csrBlockedSumInto(a: ArrayLike<number>, F: number, rows: ArrayLike<number>, rowptr: ArrayLike<number>, S: number, out: TypedArray, base?: ArrayLike<number>): void {
  const F8 = F - (F % 8);
  for (let s = 0; s < S; s++) {
    const st = rowptr[s]!, en = rowptr[s + 1]!, o = s * F;
    let j = 0;
    for (; j < F8; j += 8) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
      if (base) {
        a0 = base[o + j]!; a1 = base[o + j + 1]!; a2 = base[o + j + 2]!; a3 = base[o + j + 3]!;
        a4 = base[o + j + 4]!; a5 = base[o + j + 5]!; a6 = base[o + j + 6]!; a7 = base[o + j + 7]!;
      }
      for (let k = st; k < en; k++) {
        const b = rows[k]! * F + j;
        a0 += a[b]!; a1 += a[b + 1]!; a2 += a[b + 2]!; a3 += a[b + 3]!;
        a4 += a[b + 4]!; a5 += a[b + 5]!; a6 += a[b + 6]!; a7 += a[b + 7]!;
      }
      out[o + j] = a0; out[o + j + 1] = a1; out[o + j + 2] = a2; out[o + j + 3] = a3;
      out[o + j + 4] = a4; out[o + j + 5] = a5; out[o + j + 6] = a6; out[o + j + 7] = a7;
    }
    for (; j < F; j++) {
      let acc = base ? base[o + j]! : 0;
      for (let k = st; k < en; k++) acc += a[rows[k]! * F + j]!;
      out[o + j] = acc;
    }
  }
}

/** out[s, :] = base[s, :] (or 0) + Σ_{k ∈ segment s} a[perm[k], :] (see {@link csrBlockedSumInto}). */
export function csrSegmentSumInto(a: ArrayLike<number>, F: number, csr: SegmentCsr, out: TypedArray, base?: ArrayLike<number>): void {
  csrBlockedSumInto(a, F, csr.perm, csr.rowptr, csr.numSegments, out, base);
}

/**
 * out[s, f] = max/min over the rows of segment s (first NaN wins, then the first extreme row), arg[s, f]
 * its row, −1 and 0 for empty segments; the reference semantics of `segmentExtremeKernel`.
 * Register-blocked by 4 features (local best values and rows), like {@link csrBlockedSumInto}.
 */
export function csrSegmentExtremeInto(op: 'max' | 'min', a: ArrayLike<number>, F: number, csr: SegmentCsr, out: TypedArray, arg: TypedArray): void {
  const { rowptr, perm, numSegments: S } = csr;
  const sgn = op === 'max' ? 1 : -1; // compare sgn·v > sgn·best: one code path for max and min
  const F4 = F - (F % 4);
  for (let s = 0; s < S; s++) {
    const st = rowptr[s]!, en = rowptr[s + 1]!, o = s * F;
    if (en === st) {
      for (let j = 0; j < F; j++) { out[o + j] = 0; arg[o + j] = -1; }
      continue;
    }
    const r0 = perm[st]!;
    let j = 0;
    for (; j < F4; j += 4) {
      const b0 = r0 * F + j;
      let v0 = a[b0]!, v1 = a[b0 + 1]!, v2 = a[b0 + 2]!, v3 = a[b0 + 3]!;
      let g0 = r0, g1 = r0, g2 = r0, g3 = r0;
      for (let k = st + 1; k < en; k++) {
        const r = perm[k]!, b = r * F + j;
        const w0 = a[b]!, w1 = a[b + 1]!, w2 = a[b + 2]!, w3 = a[b + 3]!;
        if (sgn * w0 > sgn * v0 || (w0 !== w0 && v0 === v0)) { v0 = w0; g0 = r; }
        if (sgn * w1 > sgn * v1 || (w1 !== w1 && v1 === v1)) { v1 = w1; g1 = r; }
        if (sgn * w2 > sgn * v2 || (w2 !== w2 && v2 === v2)) { v2 = w2; g2 = r; }
        if (sgn * w3 > sgn * v3 || (w3 !== w3 && v3 === v3)) { v3 = w3; g3 = r; }
      }
      out[o + j] = v0; out[o + j + 1] = v1; out[o + j + 2] = v2; out[o + j + 3] = v3;
      arg[o + j] = g0; arg[o + j + 1] = g1; arg[o + j + 2] = g2; arg[o + j + 3] = g3;
    }
    for (; j < F; j++) {
      let v = a[r0 * F + j]!, g = r0;
      for (let k = st + 1; k < en; k++) {
        const r = perm[k]!, w = a[r * F + j]!;
        if (sgn * w > sgn * v || (w !== w && v === v)) { v = w; g = r; }
      }
      out[o + j] = v; arg[o + j] = g;
    }
  }
}

/** out[i, :] = x[idx[i], :] for rows of F features (idx already normalised and validated). */
export function gatherRowsInto(x: ArrayLike<number>, F: number, idx: ArrayLike<number>, n: number, out: TypedArray): void {
  const m = idx.length;
  if (F === 1) {
    for (let i = 0; i < m; i++) { const v = idx[i]!; out[i] = x[v < 0 ? v + n : v]!; }
    return;
  }
  const whole = out as Float32Array; // same element type as x (both from the same tensor dtype)
  const src = x as unknown as Float32Array;
  if (F >= 16 && typeof whole.set === 'function' && typeof src.subarray === 'function') {
    for (let i = 0; i < m; i++) {
      const v = idx[i]!, s = (v < 0 ? v + n : v) * F;
      whole.set(src.subarray(s, s + F), i * F);
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const v = idx[i]!, s = (v < 0 ? v + n : v) * F, d = i * F;
    for (let j = 0; j < F; j++) out[d + j] = x[s + j]!;
  }
}

function featuresOf(x: KernelTensor): number {
  const N = x.shape[0] ?? 0;
  return N === 0 ? 0 : x.data.length / N;
}

/**
 * segmentSum as a register-blocked CSR gather, for sorted and unsorted ids alike: measured faster
 * than the reference's scatter in both cases (docs/design/gpu-backend.md). Declines (→ the
 * reference, which throws) on an id out of range or ids declared sorted that are not.
 */
export const csrSegmentSumKernel: ProviderKernel = (inputs, outputs, attrs: { numSegments: number; sorted: boolean }) => {
  const [x, idx] = inputs, [o] = outputs;
  const csr = segmentCsr(idx!.data, attrs.numSegments, { requireSorted: attrs.sorted });
  if (!csr) return false;
  csrSegmentSumInto(x!.data, featuresOf(x!), csr, o!.data);
};

/** segmentMax / segmentMin as a register-blocked CSR gather (declines like {@link csrSegmentSumKernel}). */
export function csrSegmentExtremeKernel(op: 'max' | 'min'): ProviderKernel {
  return (inputs, outputs, attrs: { numSegments: number; sorted: boolean }) => {
    const [x, idx] = inputs, [o, arg] = outputs;
    const csr = segmentCsr(idx!.data, attrs.numSegments, { requireSorted: attrs.sorted });
    if (!csr) return false;
    csrSegmentExtremeInto(op, x!.data, featuresOf(x!), csr, o!.data, arg!.data);
  };
}

/** indexSelect along axis 0 as a row gather (declines on an index outside [−n, n)). */
export const csrIndexSelectKernel: ProviderKernel = (inputs, outputs) => {
  const [x, idx] = inputs, [o] = outputs;
  const n = x!.shape[0] ?? 0;
  if (!validIndex(idx!.data, n)) return false;
  gatherRowsInto(x!.data, n === 0 ? 0 : x!.data.length / n, idx!.data, n, o!.data);
};

/** indexAdd along axis 0 as a register-blocked CSR gather over the index (declines on a bad index). */
export const csrIndexAddKernel: ProviderKernel = (inputs, outputs) => {
  const [x, idx, src] = inputs, [o] = outputs;
  const n = x!.shape[0]!;
  const csr = segmentCsr(idx!.data, n, { allowNegative: true });
  if (!csr) return false;
  csrSegmentSumInto(src!.data, x!.data.length / n, csr, o!.data, x!.data);
};

/** True when every index is in [−n, n). */
export function validIndex(idx: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!(v >= -n && v < n)) return false;
  }
  return true;
}

/**
 * gatherSegmentSum as a CSR gather over the segment ids, the gather index composed with the CSR
 * (cached per gather array); declines on a segment id or gather index out of range (negative
 * gather indices included: the reference decides what they mean).
 */
export const csrGatherSegmentSumKernel: ProviderKernel = (inputs, outputs, attrs: { numSegments: number }) => {
  const [x, gi, si] = inputs, [o] = outputs;
  const R = x!.shape[0]!;
  const csr = segmentCsr(si!.data, attrs.numSegments);
  const rows = csr ? composedRows(gi!.data, csr, R) : null;
  if (!csr || !rows) return false;
  csrBlockedSumInto(x!.data, x!.data.length / R, rows, csr.rowptr, csr.numSegments, o!.data);
};

const nonEmpty = (x: KernelTensor | undefined): boolean => (x?.data.length ?? 0) > 0;

/**
 * The plain-JS CSR provider: segmentSum / Max / Min, gatherSegmentSum (non-empty data), and
 * indexSelect / indexAdd along axis 0 (non-empty data for indexAdd).
 */
export const csrProvider: KernelProvider = {
  name: 'csr',
  kernels: {
    segmentSum: csrSegmentSumKernel,
    segmentMax: csrSegmentExtremeKernel('max'),
    segmentMin: csrSegmentExtremeKernel('min'),
    indexSelect: csrIndexSelectKernel,
    indexAdd: csrIndexAddKernel,
    gatherSegmentSum: csrGatherSegmentSumKernel,
  },
  accepts(op, inputs, _outputs, attrs: { axis?: number }) {
    if (op === 'indexSelect') return attrs.axis === 0;
    if (op === 'indexAdd') return attrs.axis === 0 && nonEmpty(inputs[0]);
    return nonEmpty(inputs[0]);
  },
};

/** The CSR kernels by op name, each with the reference behind it (for direct use; backends chain {@link csrProvider}). */
export const csrKernels: Readonly<Record<string, Kernel>> = (() => {
  const chained = chainBackend('csr', [csrProvider, everyCall(jsBackend)], jsBackend.alloc).kernels;
  return Object.fromEntries(Object.keys(csrProvider.kernels).map((op) => [op, chained[op]!]));
})();

/**
 * Fused gather + segment sum (SpMM with a 0/1 matrix, the message-passing "sum of neighbours"):
 * out[s, :] = Σ_{k ∈ segment s} x[cols[perm[k]], :], e.g. cols = senders, CSR of the receivers.
 * Reads x [*, F] directly, so the [E, F] message tensor is never materialised.
 */
export function csrGatherSegmentSumInto(x: ArrayLike<number>, F: number, cols: ArrayLike<number>, csr: SegmentCsr, out: TypedArray): void {
  const { perm, rowptr, numSegments: S } = csr;
  const rows = new Int32Array(perm.length);
  for (let k = 0; k < perm.length; k++) rows[k] = cols[perm[k]!]!;
  csrBlockedSumInto(x, F, rows, rowptr, S, out);
}
