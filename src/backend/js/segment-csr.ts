/**
 * CSR helpers for the segment and index kernels: a counting-sort CSR of segment ids (O(N + S), no
 * comparison sort, stable so rows of a segment keep their original order) with a validating,
 * fingerprinted cache, and plain-JS CSR kernels (gather-style, register-blocked: per output row
 * and block of 8 features, local accumulators over the segment's rows, one write; no scattered
 * writes) that are drop-in replacements for the reference kernels of `segment.ts` / `indexing.ts`
 * (`csrKernels`) and measured faster than them (docs/design/gpu-backend.md). The gpu.js backend
 * (`../gpu/`) uses the same CSR.
 * @module
 */
import type { Kernel, KernelTensor, TypedArray } from '../types.js';
import { indexAddKernel, indexSelectKernel } from './indexing.js';
import { gatherSegmentSumKernel, segmentExtremeKernel, segmentSumKernel } from './segment.js';

/** CSR of a segment-id vector: rows of segment `s` are `perm[rowptr[s] .. rowptr[s+1])`, ascending. */
export interface SegmentCsr {
  /** Number of segments S. */
  readonly numSegments: number;
  /** [S + 1] offsets into `perm`. */
  readonly rowptr: Int32Array;
  /** [N] row indices grouped by segment (stable: ascending within a segment). */
  readonly perm: Int32Array;
  /** Largest segment size (0 when N = 0). */
  readonly maxDegree: number;
  /** True when the ids are non-decreasing (then `perm` is the identity). */
  readonly sorted: boolean;
}

interface CacheEntry {
  csr: SegmentCsr;
  hash: number;
  n: number;
}

const csrCache = new WeakMap<TypedArray, CacheEntry>();

/**
 * Validate `ids` against `[0, numSegments)` (after adding `numSegments` to negative ids when
 * `allowNegative`, as indexSelect/indexAdd do) and return their CSR, or `null` when an id is out
 * of range or `requireSorted` is set and the ids decrease (the caller then delegates to the
 * reference kernel, which throws the exact error).
 *
 * The CSR is cached per ids array (WeakMap): the validation pass computes a fingerprint of the
 * values, so an array mutated in place is rebuilt, never served stale. The validation pass is
 * needed anyway, so a cache hit costs one sequential O(N) read.
 */
export function segmentCsr(ids: ArrayLike<number> & TypedArray, numSegments: number, opts: { requireSorted?: boolean; allowNegative?: boolean } = {}): SegmentCsr | null {
  const n = ids.length, S = numSegments;
  let hash = 0x811c9dc5 | 0, dec = 0, prev = -1;
  const neg = opts.allowNegative ? S : 0;
  for (let i = 0; i < n; i++) {
    let v = ids[i]!;
    if (v < 0) v += neg;
    if (!(v >= 0 && v < S)) return null;
    dec |= (v - prev) >> 31; // branch-free "a decrease happened" (random ids would mispredict)
    prev = v;
    hash = Math.imul(hash ^ v, 0x01000193);
  }
  const sorted = dec === 0;
  if (!sorted && opts.requireSorted) return null;
  const hit = csrCache.get(ids);
  if (hit && hit.n === n && hit.hash === hash && hit.csr.numSegments === S) return hit.csr;
  const csr = buildCsr(ids, S, sorted);
  csrCache.set(ids, { csr, hash, n });
  return csr;
}

/** Counting-sort CSR of already validated ids (negative ids count from the end). */
export function buildCsr(ids: ArrayLike<number>, numSegments: number, sorted = false): SegmentCsr {
  const n = ids.length, S = numSegments;
  const rowptr = new Int32Array(S + 1);
  for (let i = 0; i < n; i++) {
    const v = ids[i]!;
    rowptr[(v < 0 ? v + S : v) + 1]!++;
  }
  let maxDegree = 0;
  for (let s = 0; s < S; s++) {
    const d = rowptr[s + 1]!;
    if (d > maxDegree) maxDegree = d;
    rowptr[s + 1] = rowptr[s]! + d;
  }
  const perm = new Int32Array(n);
  if (sorted) {
    for (let i = 0; i < n; i++) perm[i] = i;
  } else {
    const next = rowptr.slice(0, S);
    for (let i = 0; i < n; i++) {
      const v = ids[i]!;
      perm[next[v < 0 ? v + S : v]!++] = i;
    }
  }
  return { numSegments: S, rowptr, perm, maxDegree, sorted };
}

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
 * segmentSum (same contract and errors as the reference) as a register-blocked CSR gather, for
 * sorted and unsorted ids alike: measured faster than the reference's scatter in both cases
 * (docs/design/gpu-backend.md).
 */
export const csrSegmentSumKernel: Kernel = (inputs, outputs, attrs: { numSegments: number; sorted: boolean }) => {
  const [x, idx] = inputs, [o] = outputs;
  const csr = segmentCsr(idx!.data, attrs.numSegments, { requireSorted: attrs.sorted });
  if (!csr || x!.data.length === 0) { segmentSumKernel(inputs, outputs, attrs); return; }
  csrSegmentSumInto(x!.data, featuresOf(x!), csr, o!.data);
};

/** segmentMax / segmentMin (same contract and errors as the reference) as a register-blocked CSR gather. */
export function csrSegmentExtremeKernel(op: 'max' | 'min'): Kernel {
  const ref = segmentExtremeKernel(op);
  return (inputs, outputs, attrs: { numSegments: number; sorted: boolean }) => {
    const [x, idx] = inputs, [o, arg] = outputs;
    const csr = segmentCsr(idx!.data, attrs.numSegments, { requireSorted: attrs.sorted });
    if (!csr || x!.data.length === 0) { ref(inputs, outputs, attrs); return; }
    csrSegmentExtremeInto(op, x!.data, featuresOf(x!), csr, o!.data, arg!.data);
  };
}

/** indexSelect along axis 0 as a row gather (other axes: the reference). */
export const csrIndexSelectKernel: Kernel = (inputs, outputs, attrs: { axis: number }) => {
  const [x, idx] = inputs, [o] = outputs;
  const n = x!.shape[0] ?? 0;
  if (attrs.axis !== 0 || !validIndex(idx!.data, n)) { indexSelectKernel(inputs, outputs, attrs); return; }
  gatherRowsInto(x!.data, n === 0 ? 0 : x!.data.length / n, idx!.data, n, o!.data);
};

/** indexAdd along axis 0 as a register-blocked CSR gather over the index (other axes: the reference). */
export const csrIndexAddKernel: Kernel = (inputs, outputs, attrs: { axis: number }) => {
  const [x, idx, src] = inputs, [o] = outputs;
  const n = x!.shape[0] ?? 0;
  const csr = attrs.axis === 0 ? segmentCsr(idx!.data, n, { allowNegative: true }) : null;
  if (!csr || x!.data.length === 0) { indexAddKernel(inputs, outputs, attrs); return; }
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

/** gatherSegmentSum as a CSR gather over the segment ids (falls back to the reference on bad input). */
export const csrGatherSegmentSumKernel: Kernel = (inputs, outputs, attrs: { numSegments: number }) => {
  const [x, gi, si] = inputs, [o] = outputs;
  const R = x!.shape[0] ?? 0;
  const csr = segmentCsr(si!.data, attrs.numSegments);
  if (!csr || x!.data.length === 0 || !validIndex(gi!.data, R) || hasNegative(gi!.data)) { gatherSegmentSumKernel(inputs, outputs, attrs); return; }
  o!.data.fill(0);
  csrGatherSegmentSumInto(x!.data, x!.data.length / R, gi!.data, csr, o!.data);
};

function hasNegative(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! < 0) return true;
  return false;
}

/** The CSR kernels by op name (a partial backend kernel table; the rest falls back to the reference). */
export const csrKernels: Readonly<Record<string, Kernel>> = {
  segmentSum: csrSegmentSumKernel,
  segmentMax: csrSegmentExtremeKernel('max'),
  segmentMin: csrSegmentExtremeKernel('min'),
  indexSelect: csrIndexSelectKernel,
  indexAdd: csrIndexAddKernel,
  gatherSegmentSum: csrGatherSegmentSumKernel,
};

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
