/**
 * Staged dense nullspace for constraint systems with sparse generators (e.g. Kronecker sums of
 * Lie-algebra generators on V^{⊗k}). Stage 1 takes the sparsest constraints whose coupling graph
 * (columns sharing a nonzero row) splits into small connected components and solves each
 * component's Gram matrix separately, giving Q₁ (N×r₁). Stage 2 solves the remaining constraints
 * restricted to span Q₁: null(Σⱼ (BⱼQ₁)ᵀ(BⱼQ₁)) = y, Q = Q₁y. Exact in exact arithmetic; it
 * replaces one N×N eigendecomposition by many small ones plus one r₁×r₁.
 * @module
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A constraint matrix in compressed sparse row form (N×N). */
export interface Csr {
  readonly n: number;
  readonly rowPtr: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

/** Compress a dense N×N matrix. */
export function toCsr(m: Float64Array, n: number): Csr {
  let nnz = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) nnz++;
  const rowPtr = new Int32Array(n + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m[i * n + j]!;
      if (v !== 0) {
        cols[k] = j;
        vals[k++] = v;
      }
    }
    rowPtr[i + 1] = k;
  }
  return { n, rowPtr, cols, vals };
}

class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return this.size[ra]!;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return this.size[ra]!;
  }
}

function symEig(g: Float64Array, n: number): { values: Float64Array; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(n, n, g), { assumeSymmetric: true });
  return { values: Float64Array.from(evd.realEigenvalues), vectors: evd.eigenvectorMatrix };
}

/** Result of the staged solve. */
export interface StagedResult {
  readonly Q: Float64Array;
  readonly dim: number;
  /** Smallest kept σ over the stages divided by the largest true residual ‖Cq‖. */
  readonly gap: number;
}

/** Largest component size accepted in stage 1. */
const MAX_COMPONENT = 256;

/**
 * Staged nullspace of the stacked constraints (see module doc), or null when no constraint splits
 * into components of size ≤ 256 (the caller then uses the plain Gram route).
 */
export function stagedNullspace(constraints: readonly Csr[], n: number, tol: number): StagedResult | null {
  const order = constraints.map((_, i) => i).sort((a, b) => constraints[a]!.vals.length - constraints[b]!.vals.length);
  const uf = new UnionFind(n);
  const stage1: Csr[] = [];
  const stage2: Csr[] = [];
  for (const idx of order) {
    const c = constraints[idx]!;
    const trial = new UnionFind(n);
    trial.parent.set(uf.parent);
    trial.size.set(uf.size);
    let maxSize = 1;
    for (let i = 0; i < n && maxSize <= MAX_COMPONENT; i++) {
      const s = c.rowPtr[i]!;
      for (let k = s + 1; k < c.rowPtr[i + 1]!; k++) maxSize = Math.max(maxSize, trial.union(c.cols[s]!, c.cols[k]!));
    }
    if (maxSize <= MAX_COMPONENT && stage2.length === 0) {
      uf.parent.set(trial.parent);
      uf.size.set(trial.size);
      stage1.push(c);
    } else stage2.push(c);
  }
  if (stage1.length === 0) return null;
  // Stage 1: Gram per component.
  const comp = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    const list = comp.get(r);
    if (list) list.push(i);
    else comp.set(r, [i]);
  }
  const local = new Int32Array(n);
  const compOf = new Int32Array(n);
  const comps = [...comp.values()];
  comps.forEach((list, ci) => list.forEach((i, k) => ((local[i] = k), (compOf[i] = ci))));
  const grams = comps.map((l) => new Float64Array(l.length * l.length));
  let gmax = 0;
  for (const c of stage1) {
    for (let i = 0; i < n; i++) {
      for (let a = c.rowPtr[i]!; a < c.rowPtr[i + 1]!; a++) {
        const ja = c.cols[a]!;
        const ci = compOf[ja]!;
        const m = comps[ci]!.length;
        const g = grams[ci]!;
        for (let b = c.rowPtr[i]!; b < c.rowPtr[i + 1]!; b++) g[local[ja]! * m + local[c.cols[b]!]!]! += c.vals[a]! * c.vals[b]!;
      }
    }
  }
  for (const g of grams) for (let i = 0; i < g.length; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
  const thr = tol * tol * Math.max(gmax, 1e-300);
  const cols: Float64Array[] = []; // sparse-as-dense columns of Q1
  let kept1 = Infinity;
  comps.forEach((list, ci) => {
    const m = list.length;
    const { values, vectors } = symEig(grams[ci]!, m);
    for (let k = 0; k < m; k++) {
      if (values[k]! > thr) {
        kept1 = Math.min(kept1, Math.sqrt(values[k]!));
        continue;
      }
      const v = new Float64Array(n);
      for (let t = 0; t < m; t++) v[list[t]!] = vectors.get(t, k);
      cols.push(v);
    }
  });
  const r1 = cols.length;
  let Q = new Float64Array(n * r1);
  cols.forEach((v, k) => {
    for (let i = 0; i < n; i++) if (v[i] !== 0) Q[i * r1 + k] = v[i]!;
  });
  let dim = r1;
  let kept2 = Infinity;
  if (stage2.length > 0 && r1 > 0) {
    // Stage 2: Gram of B_j Q1 (r1×r1).
    const G2 = new Float64Array(r1 * r1);
    const y = new Float64Array(r1);
    for (const c of stage2) {
      for (let i = 0; i < n; i++) {
        y.fill(0);
        let any = false;
        for (let a = c.rowPtr[i]!; a < c.rowPtr[i + 1]!; a++) {
          const v = c.vals[a]!;
          const base = c.cols[a]! * r1;
          for (let k = 0; k < r1; k++) {
            const q = Q[base + k]!;
            if (q !== 0) {
              y[k]! += v * q;
              any = true;
            }
          }
        }
        if (!any) continue;
        for (let p = 0; p < r1; p++) {
          const yp = y[p]!;
          if (yp === 0) continue;
          for (let q = 0; q < r1; q++) G2[p * r1 + q]! += yp * y[q]!;
        }
      }
    }
    let g2max = 0;
    for (let i = 0; i < G2.length; i++) g2max = Math.max(g2max, Math.abs(G2[i]!));
    const thr2 = tol * tol * Math.max(g2max, 1e-300);
    const { values, vectors } = symEig(G2, r1);
    const keep: number[] = [];
    for (let k = 0; k < r1; k++) {
      if (values[k]! > thr2) kept2 = Math.min(kept2, Math.sqrt(values[k]!));
      else keep.push(k);
    }
    dim = keep.length;
    const Q2 = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < r1; p++) {
        const q = Q[i * r1 + p]!;
        if (q === 0) continue;
        for (let t = 0; t < dim; t++) Q2[i * dim + t]! += q * vectors.get(p, keep[t]!);
      }
    }
    Q = Q2;
  }
  // True residual max_col ‖C q‖.
  let res = 0;
  for (let t = 0; t < dim; t++) {
    let s = 0;
    for (const c of constraints) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let a = c.rowPtr[i]!; a < c.rowPtr[i + 1]!; a++) acc += c.vals[a]! * Q[c.cols[a]! * dim + t]!;
        s += acc * acc;
      }
    }
    res = Math.max(res, Math.sqrt(s));
  }
  const kept = Math.min(kept1, kept2);
  const gap = dim === 0 || res === 0 ? Infinity : kept / res;
  return { Q, dim, gap };
}
