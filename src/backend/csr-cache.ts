/**
 * The one cache of CSRs of index arrays (segment ids, receivers, …), shared by every kernel that
 * runs gather-style over segments — the plain-JS CSR kernels (`js/segment-csr.ts`), the wasm
 * kernels (`wasm/kernels.ts`, which validate and fingerprint in wasm and build on a miss in wasm),
 * the gpu.js kernels — and by `GraphsTuple.csr()` / `csc()` (through `edgeCsr`, re-exported by
 * the tensor module for the graph module).
 *
 * An entry is keyed by the ids array (a `WeakMap`, so it dies with the array) and guarded by the
 * number of segments, the length and a fingerprint of the values: an array mutated in place gets a
 * new fingerprint and its CSR is rebuilt, never served stale. The fingerprint is one function with
 * two implementations that agree bit for bit — {@link idsFingerprint} here and `fingerprint` in
 * wasm/kernels.ts (4-lane FNV-1a-style over blocks of four ids, lanes folded, then the tail and
 * the length; tested to agree) — so an entry built by either side is served to the other.
 *
 * Beside it, per gather array, the gather index composed with a CSR's permutation
 * (`rows[k] = gather[perm[k]]`, the row read at CSR position k by a fused gather-sum), guarded the
 * same way and tied to the CSR it was composed with.
 * @module
 */
import type { TypedArray } from './types.js';
import { IndexError, ValueError } from '../util/errors.js';

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

interface CsrEntry { csr: SegmentCsr; hash: number; n: number }
interface ComposedEntry { hash: number; perm: Int32Array; R: number; rows: Int32Array }

const csrs = new WeakMap<TypedArray, CsrEntry>();
const composed = new WeakMap<TypedArray, ComposedEntry>();

const PRIME = 16777619;
const BASIS = 0x811c9dc5 | 0;

/**
 * Validate `ids` against `[0, S)` (negative ids count from the end when `allowNegative`, as for
 * indexSelect / indexAdd) and fingerprint them in one pass; null when an id is out of range. The
 * hash equals wasm/kernels.ts `fingerprint` for ids without negatives. `sorted`: non-decreasing.
 */
export function idsFingerprint(ids: ArrayLike<number>, S: number, allowNegative = false): { hash: number; sorted: boolean } | null {
  const n = ids.length, neg = allowNegative ? S : 0;
  let h0 = BASIS, h1 = BASIS, h2 = BASIS, h3 = BASIS, dec = 0, prev = -1;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let v0 = ids[i]!, v1 = ids[i + 1]!, v2 = ids[i + 2]!, v3 = ids[i + 3]!;
    if (v0 < 0) v0 += neg;
    if (v1 < 0) v1 += neg;
    if (v2 < 0) v2 += neg;
    if (v3 < 0) v3 += neg;
    if (!(v0 >= 0 && v0 < S && v1 >= 0 && v1 < S && v2 >= 0 && v2 < S && v3 >= 0 && v3 < S)) return null;
    dec |= ((v0 - prev) | (v1 - v0) | (v2 - v1) | (v3 - v2)) >> 31; // branch-free "a decrease happened"
    prev = v3;
    h0 = Math.imul(h0 ^ v0, PRIME); h1 = Math.imul(h1 ^ v1, PRIME); h2 = Math.imul(h2 ^ v2, PRIME); h3 = Math.imul(h3 ^ v3, PRIME);
  }
  let r = h0 ^ Math.imul(h1, 31) ^ Math.imul(h2, 961) ^ Math.imul(h3, 29791);
  for (; i < n; i++) {
    let v = ids[i]!;
    if (v < 0) v += neg;
    if (!(v >= 0 && v < S)) return null;
    dec |= (v - prev) >> 31;
    prev = v;
    r = Math.imul(r ^ v, PRIME);
  }
  return { hash: (r ^ n) & 0x7fffffff, sorted: dec === 0 };
}

/** The cached CSR of `ids` over `S` segments if it was built for values with fingerprint `hash`. */
export function cachedCsr(ids: TypedArray, S: number, hash: number): SegmentCsr | undefined {
  const e = csrs.get(ids);
  return e && e.hash === hash && e.n === ids.length && e.csr.numSegments === S ? e.csr : undefined;
}

/**
 * Cache a CSR built elsewhere (by the wasm kernels) for `ids` with fingerprint `hash`; its
 * `maxDegree` and `sorted` are derived from `rowptr` and `perm` (O(S + N), on a miss only).
 */
export function storeCsr(ids: TypedArray, S: number, hash: number, rowptr: Int32Array, perm: Int32Array): SegmentCsr {
  let maxDegree = 0, sorted = true;
  for (let s = 0; s < S; s++) maxDegree = Math.max(maxDegree, rowptr[s + 1]! - rowptr[s]!);
  for (let k = 0; k < perm.length && sorted; k++) sorted = perm[k] === k; // stable CSR: identity ⇔ sorted ids
  const csr: SegmentCsr = { numSegments: S, rowptr, perm, maxDegree, sorted };
  csrs.set(ids, { csr, hash, n: ids.length });
  return csr;
}

/**
 * Validate `ids` against `[0, numSegments)` and return their CSR from the cache (built and cached
 * on a miss), or `null` when an id is out of range or `requireSorted` is set and the ids decrease
 * (the caller then declines and the reference kernel throws the exact error). A cache hit costs the
 * validation pass (one sequential read), which the kernels need anyway.
 */
export function segmentCsr(ids: TypedArray, numSegments: number, opts: { requireSorted?: boolean; allowNegative?: boolean } = {}): SegmentCsr | null {
  const f = idsFingerprint(ids, numSegments, opts.allowNegative);
  if (!f || (!f.sorted && opts.requireSorted)) return null;
  const hit = cachedCsr(ids, numSegments, f.hash);
  if (hit) return hit;
  const csr = buildCsr(ids, numSegments, f.sorted);
  csrs.set(ids, { csr, hash: f.hash, n: ids.length });
  return csr;
}

/** Counting-sort CSR of already validated ids (negative ids count from the end); not cached. */
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
 * The cached composition `rows[k] = gather[csr.perm[k]]` for a gather array with fingerprint `hash`
 * over `R` rows, if it was composed with this CSR.
 */
export function cachedComposed(gather: TypedArray, csr: SegmentCsr, hash: number, R: number): Int32Array | undefined {
  const e = composed.get(gather);
  return e && e.hash === hash && e.perm === csr.perm && e.R === R ? e.rows : undefined;
}

/** Cache `rows` = gather ∘ csr.perm (see {@link cachedComposed}). */
export function storeComposed(gather: TypedArray, csr: SegmentCsr, hash: number, R: number, rows: Int32Array): void {
  composed.set(gather, { hash, perm: csr.perm, R, rows });
}

/**
 * `gather[csr.perm[k]]` for every CSR position k (validated against `[0, R)`, non-negative; null
 * otherwise), from the cache or composed and cached.
 */
export function composedRows(gather: TypedArray, csr: SegmentCsr, R: number): Int32Array | null {
  const f = idsFingerprint(gather, R);
  if (!f) return null;
  const hit = cachedComposed(gather, csr, f.hash, R);
  if (hit) return hit;
  const perm = csr.perm, rows = new Int32Array(perm.length);
  for (let k = 0; k < perm.length; k++) rows[k] = gather[perm[k]!]!;
  storeComposed(gather, csr, f.hash, R, rows);
  return rows;
}

/** Edges grouped by a key endpoint (see {@link edgeCsr}). */
export interface EdgeCsr {
  /** Row pointers [n + 1]. */
  readonly rowPtr: Int32Array;
  /** The other endpoint per grouped slot [E]. */
  readonly col: Int32Array;
  /** Edge id per grouped slot [E] (ascending within a row). */
  readonly perm: Int32Array;
}

/**
 * Edges grouped by `key` (e.g. receivers) over `n` nodes, with `col` the `other` endpoint (e.g.
 * senders) of each grouped edge: the cached CSR of `key` and the cached composition of `other`
 * with it — the same arrays the kernels use for these index arrays.
 * @throws IndexError when an id of `key` or `other` lies outside [0, n) (e.g. an array mutated after validation)
 */
export function edgeCsr(key: Int32Array, other: Int32Array, n: number): EdgeCsr {
  if (!(key instanceof Int32Array) || !(other instanceof Int32Array)) throw new ValueError('edgeCsr: key and other must be Int32Arrays of edge endpoints');
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`edgeCsr: the node count must be a non-negative integer, got ${n}`);
  if (other.length !== key.length) throw new IndexError(`edgeCsr: ${key.length} keys but ${other.length} other endpoints`);
  const csr = segmentCsr(key, n);
  const col = csr ? composedRows(other, csr, n) : null;
  if (!csr || !col) throw new IndexError(`edgeCsr: an edge endpoint lies outside [0, ${n}) (${key.length} edges)`);
  return { rowPtr: csr.rowptr, col, perm: csr.perm };
}
