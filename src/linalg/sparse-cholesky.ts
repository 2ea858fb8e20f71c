/**
 * Sparse Cholesky factorisation A = Pᵀ L Lᵀ P of a symmetric positive-definite CSR matrix, with a
 * reverse Cuthill–McKee fill-reducing ordering P (Cuthill & McKee 1969; George & Liu 1981) and the
 * up-looking row-by-row algorithm driven by the elimination tree (Davis, "Direct Methods for Sparse
 * Linear Systems", SIAM 2006, ch. 4). Factor once, solve many right-hand sides (the heat method
 * solves two systems per source set). See docs/design/mesh-geometry.md.
 * @module
 */
import { ShapeError, ValueError } from '../util/index.js';
import type { CsrMatrix } from './sparse.js';

/**
 * Reverse Cuthill–McKee ordering of the graph of a square sparse matrix (pattern symmetrised by
 * the caller's matrix being symmetric): breadth-first search from a minimum-degree vertex of each
 * component, neighbours in increasing degree (ties by index), reversed. Returns `perm` with
 * perm[k] = original index placed at position k. Deterministic; O(nnz log Δ).
 */
export function reverseCuthillMcKee(a: CsrMatrix): Int32Array {
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError(`reverseCuthillMcKee: matrix is ${a.rows}×${a.cols}, not square`);
  const deg = new Int32Array(n);
  for (let i = 0; i < n; i++) deg[i] = a.rowPtr[i + 1]! - a.rowPtr[i]!;
  const byDeg = Array.from({ length: n }, (_, i) => i).sort((x, y) => deg[x]! - deg[y]! || x - y);
  const seen = new Uint8Array(n), order = new Int32Array(n);
  let head = 0, tail = 0;
  const nb: number[] = [];
  for (const start of byDeg) {
    if (seen[start]) continue;
    seen[start] = 1; order[tail++] = start;
    while (head < tail) {
      const v = order[head++]!;
      nb.length = 0;
      for (let p = a.rowPtr[v]!; p < a.rowPtr[v + 1]!; p++) {
        const w = a.colIdx[p]!;
        if (!seen[w]) { seen[w] = 1; nb.push(w); }
      }
      nb.sort((x, y) => deg[x]! - deg[y]! || x - y);
      for (const w of nb) order[tail++] = w;
    }
  }
  return order.reverse();
}

/** A sparse Cholesky factor: L (lower, CSC, diagonal first in each column) of P A Pᵀ and the ordering P. */
export interface SparseCholesky {
  /** Dimension n. */
  n: number;
  /** perm[k] = original index at position k. */
  perm: Int32Array;
  /** Column pointers of L, n + 1 entries. */
  colPtr: Int32Array;
  /** Row index of each entry of L. */
  rowIdx: Int32Array;
  /** Value of each entry of L. */
  values: Float64Array;
}

/**
 * Factor a symmetric positive-definite CSR matrix: P A Pᵀ = L Lᵀ with P the reverse Cuthill–McKee
 * ordering (or `perm` when given). Only the upper triangle of P A Pᵀ is read, so A must hold both
 * triangles (as assembled by csrFromTriplets from a symmetric operator). Cost O(Σ_j |L_{:,j}|²).
 * @throws ValueError when a pivot is not positive (A not positive definite)
 */
export function sparseCholesky(a: CsrMatrix, perm?: Int32Array): SparseCholesky {
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError(`sparseCholesky: matrix is ${a.rows}×${a.cols}, not square`);
  const P = perm ?? reverseCuthillMcKee(a);
  if (P.length !== n) throw new ShapeError(`sparseCholesky: ordering has ${P.length} entries, expected ${n}`);
  const pinv = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const o = P[k]!;
    if (o < 0 || o >= n || pinv[o] !== -1) throw new ValueError(`sparseCholesky: ordering is not a permutation of 0..${n - 1}`);
    pinv[o] = k;
  }
  // upper triangle of C = P A Pᵀ, by columns (column k of C = row P[k] of A, relabelled)
  const Cp = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    const o = P[k]!;
    let c = 0;
    for (let p = a.rowPtr[o]!; p < a.rowPtr[o + 1]!; p++) if (pinv[a.colIdx[p]!]! <= k) c++;
    Cp[k + 1] = Cp[k]! + c;
  }
  const Ci = new Int32Array(Cp[n]!), Cx = new Float64Array(Cp[n]!);
  for (let k = 0; k < n; k++) {
    const o = P[k]!;
    let q = Cp[k]!;
    for (let p = a.rowPtr[o]!; p < a.rowPtr[o + 1]!; p++) {
      const i = pinv[a.colIdx[p]!]!;
      if (i <= k) { Ci[q] = i; Cx[q++] = a.values[p]!; }
    }
  }
  // elimination tree (Davis, cs_etree)
  const parent = new Int32Array(n).fill(-1), ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    for (let p = Cp[k]!; p < Cp[k + 1]!; p++) {
      let i = Ci[p]!;
      while (i !== -1 && i < k) {
        const next = ancestor[i]!;
        ancestor[i] = k;
        if (next === -1) parent[i] = k;
        i = next;
      }
    }
  }
  const flag = new Int32Array(n).fill(-1), stack = new Int32Array(n), s = new Int32Array(n);
  // row pattern of L(k, :) by walking up the etree from each entry of C(:, k) (cs_ereach); returns top
  const ereach = (k: number): number => {
    let top = n;
    flag[k] = k;
    for (let p = Cp[k]!; p < Cp[k + 1]!; p++) {
      let i = Ci[p]!, len = 0;
      for (; flag[i] !== k; i = parent[i]!) { stack[len++] = i; flag[i] = k; }
      while (len > 0) s[--top] = stack[--len]!;
    }
    return top;
  };
  const counts = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    counts[k]!++;
    for (let t = ereach(k); t < n; t++) counts[s[t]!]!++;
  }
  const Lp = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) Lp[k + 1] = Lp[k]! + counts[k]!;
  const Li = new Int32Array(Lp[n]!), Lx = new Float64Array(Lp[n]!), next = Lp.slice(0, n), x = new Float64Array(n);
  flag.fill(-1);
  for (let k = 0; k < n; k++) {
    const top = ereach(k);
    for (let p = Cp[k]!; p < Cp[k + 1]!; p++) x[Ci[p]!]! += Cx[p]!;
    let d = x[k]!;
    x[k] = 0;
    for (let t = top; t < n; t++) {
      const i = s[t]!;
      const lki = x[i]! / Lx[Lp[i]!]!;
      x[i] = 0;
      for (let p = Lp[i]! + 1; p < next[i]!; p++) x[Li[p]!]! -= Lx[p]! * lki;
      d -= lki * lki;
      const p = next[i]!++;
      Li[p] = k; Lx[p] = lki;
    }
    if (!(d > 0)) throw new ValueError(`sparseCholesky: pivot ${k} is ${d}, the matrix is not positive definite`);
    const p = next[k]!++;
    Li[p] = k; Lx[p] = Math.sqrt(d);
  }
  return { n, perm: P, colPtr: Lp, rowIdx: Li, values: Lx };
}

/** Solve A x = b with a factor from {@link sparseCholesky}: L y = P b, Lᵀ z = y, x = Pᵀ z. O(|L|). */
export function choleskySolve(f: SparseCholesky, b: Float64Array): Float64Array {
  const { n, perm, colPtr: Lp, rowIdx: Li, values: Lx } = f;
  if (b.length !== n) throw new ShapeError(`choleskySolve: b has ${b.length} entries, expected ${n}`);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) y[k] = b[perm[k]!]!;
  for (let j = 0; j < n; j++) {
    const yj = (y[j] = y[j]! / Lx[Lp[j]!]!);
    for (let p = Lp[j]! + 1; p < Lp[j + 1]!; p++) y[Li[p]!]! -= Lx[p]! * yj;
  }
  for (let j = n - 1; j >= 0; j--) {
    let v = y[j]!;
    for (let p = Lp[j]! + 1; p < Lp[j + 1]!; p++) v -= Lx[p]! * y[Li[p]!]!;
    y[j] = v / Lx[Lp[j]!]!;
  }
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[perm[k]!] = y[k]!;
  return out;
}

/** Number of stored entries of L (a measure of fill). */
export function choleskyNnz(f: SparseCholesky): number {
  return f.colPtr[f.n]!;
}
