/**
 * Sparse Cholesky factorisation A = Pᵀ L Lᵀ P of a symmetric positive-definite CSR matrix, with a
 * fill-reducing ordering P (nested dissection from BFS level structures, George 1973, by default;
 * reverse Cuthill–McKee, Cuthill & McKee 1969, on request) and the
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

/**
 * Nested-dissection ordering from breadth-first level structures (George 1973; George & Liu 1978,
 * "An automatic nested dissection algorithm for irregular finite element problems"): on each
 * connected piece, run BFS from a pseudo-peripheral vertex (two sweeps), take the middle level as
 * the separator, order the two sides recursively and the separator last. Pieces of at most `leaf`
 * vertices keep their BFS order. On 2-D meshes this gives far less fill than a banded ordering
 * (O(n log n) instead of O(n^1.5) entries). Deterministic; O(nnz log n).
 */
export function nestedDissection(a: CsrMatrix, leaf = 32): Int32Array {
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError(`nestedDissection: matrix is ${a.rows}×${a.cols}, not square`);
  const { rowPtr, colIdx } = a;
  const label = new Int32Array(n).fill(-1); // the piece id a vertex currently belongs to (−1: ordered)
  const level = new Int32Array(n), queue = new Int32Array(n), out: number[] = [];
  let nextLabel = 0;
  // BFS inside piece `lab` from `s`; fills queue[0..count) and level[], returns count
  const bfs = (s: number, lab: number): number => {
    let head = 0, tail = 0;
    queue[tail++] = s; level[s] = 0;
    const stamp = -2 - lab; // mark visited by a unique negative value, restored below
    label[s] = stamp;
    while (head < tail) {
      const v = queue[head++]!;
      for (let p = rowPtr[v]!; p < rowPtr[v + 1]!; p++) {
        const w = colIdx[p]!;
        if (label[w] === lab) { label[w] = stamp; level[w] = level[v]! + 1; queue[tail++] = w; }
      }
    }
    for (let k = 0; k < tail; k++) label[queue[k]!] = lab;
    return tail;
  };
  const stack: { verts: Int32Array; lab: number }[] = [];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) label[i] = 0;
  stack.push({ verts: all, lab: nextLabel++ });
  // pieces are processed depth-first; each piece emits [left..., right..., separator] via a post-order list
  const emit: (Int32Array | { sep: Int32Array })[] = [];
  const work: ({ verts: Int32Array; lab: number } | { sep: Int32Array })[] = [stack.pop()!];
  while (work.length > 0) {
    const item = work.pop()!;
    if ('sep' in item) { emit.push(item.sep); continue; }
    const { verts, lab } = item;
    if (verts.length <= leaf) { emit.push(verts); for (const v of verts) label[v] = -1; continue; }
    // split into connected components first
    const count = bfs(verts[0]!, lab);
    if (count < verts.length) {
      const comp = queue.slice(0, count), rest: number[] = [];
      const inComp = new Set(comp);
      for (const v of verts) if (!inComp.has(v)) rest.push(v);
      const l1 = nextLabel++, l2 = nextLabel++;
      for (const v of comp) label[v] = l1;
      for (const v of rest) label[v] = l2;
      work.push({ verts: Int32Array.from(rest), lab: l2 }, { verts: comp, lab: l1 });
      continue;
    }
    // pseudo-peripheral start: the last vertex of a BFS, twice
    let s = queue[count - 1]!;
    bfs(s, lab);
    s = queue[count - 1]!;
    bfs(s, lab);
    const depth = level[queue[count - 1]!]!;
    if (depth < 2) { emit.push(verts); for (const v of verts) label[v] = -1; continue; }
    // middle level by vertex count
    let mid = 0;
    for (let k = 0, acc = 0; k < count; k++) { acc++; if (acc >= count / 2) { mid = level[queue[k]!]!; break; } }
    mid = Math.min(Math.max(mid, 1), depth - 1);
    const left: number[] = [], right: number[] = [], sep: number[] = [];
    for (let k = 0; k < count; k++) { const v = queue[k]!, l = level[v]!; (l < mid ? left : l > mid ? right : sep).push(v); }
    const l1 = nextLabel++, l2 = nextLabel++;
    for (const v of left) label[v] = l1;
    for (const v of right) label[v] = l2;
    for (const v of sep) label[v] = -1;
    work.push({ sep: Int32Array.from(sep) }, { verts: Int32Array.from(right), lab: l2 }, { verts: Int32Array.from(left), lab: l1 });
  }
  for (const part of emit) for (const v of part as Int32Array) out.push(v);
  return Int32Array.from(out);
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
 * Factor a symmetric positive-definite CSR matrix: P A Pᵀ = L Lᵀ with P the nested-dissection
 * ordering ({@link nestedDissection}, default), reverse Cuthill–McKee ('rcm') or a given permutation. Only the upper triangle of P A Pᵀ is read, so A must hold both
 * triangles (as assembled by csrFromTriplets from a symmetric operator). Cost O(Σ_j |L_{:,j}|²).
 * @throws ValueError when a pivot is not positive (A not positive definite)
 */
export function sparseCholesky(a: CsrMatrix, perm: Int32Array | 'nd' | 'rcm' = 'nd'): SparseCholesky {
  const n = a.rows;
  if (a.cols !== n) throw new ShapeError(`sparseCholesky: matrix is ${a.rows}×${a.cols}, not square`);
  const P = perm === 'nd' ? nestedDissection(a) : perm === 'rcm' ? reverseCuthillMcKee(a) : perm;
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
