/**
 * The irreps / Clebsch–Gordan path for SO(3) and O(3) (docs/design/solver.md): every rep
 * built from V, Scalar and irreps by sums and tensor products is decomposed exactly as
 * ρ(g) = Pᵀ (⊕ᵢ D_{lᵢ,pᵢ}(g)) P with an orthogonal P assembled from real CG matrices; then by Schur
 * Hom_G(a, b) is spanned by W = P_bᵀ E P_a, E = I_{2l+1}/√(2l+1) between an output and an input copy of
 * the same irrep (all SO(3)/O(3) irreps are of real type). No SVD, exact, and cheap.
 * @module
 */
import { kron } from '../linalg/index.js';
import { realCG } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import type { InvariantBasis } from './invariants.js';

/** An irrep label (l, p); p = 1 for SO(3). */
interface Label {
  readonly l: number;
  readonly p: number;
}
/** Orthogonal P (n×n, row-major) with ρ = Pᵀ(⊕ D_labels)P. */
export interface Decomposition {
  readonly n: number;
  readonly P: Float64Array;
  readonly labels: readonly Label[];
}

/** 'SO3', 'O3' or null. */
function kind(rep: Rep): 'SO3' | 'O3' | null {
  const f = rep.group.family;
  if (f.params[0] !== 3) return null;
  return f.name === 'SO' ? 'SO3' : f.name === 'O' ? 'O3' : null;
}

function eye(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function leafLabel(name: string, k: 'SO3' | 'O3'): Label | null {
  if (name === 'Scalar') return { l: 0, p: 1 };
  if (name === 'V') return { l: 1, p: k === 'O3' ? -1 : 1 };
  let m = /^ir\((\d+)\)$/.exec(name);
  if (m && k === 'SO3') return { l: Number(m[1]), p: 1 };
  m = /^(\d+)([eo])$/.exec(name);
  if (m && k === 'O3') return { l: Number(m[1]), p: m[2] === 'e' ? 1 : -1 };
  return null;
}

function tensorDecomp(a: Decomposition, b: Decomposition): Decomposition {
  const n = a.n * b.n;
  const C = new Float64Array(n * n);
  const labels: Label[] = [];
  let row = 0;
  let offA = 0;
  for (const la of a.labels) {
    const na = 2 * la.l + 1;
    let offB = 0;
    for (const lb of b.labels) {
      const nb = 2 * lb.l + 1;
      for (let L = Math.abs(la.l - lb.l); L <= la.l + lb.l; L++) {
        const W = realCG(la.l, lb.l, L);
        const nL = 2 * L + 1;
        const s = Math.sqrt(nL);
        for (let r = 0; r < nL; r++) {
          for (let i = 0; i < na; i++) {
            for (let j = 0; j < nb; j++) C[(row + r) * n + (offA + i) * b.n + offB + j] = s * W[r * na * nb + i * nb + j]!;
          }
        }
        labels.push({ l: L, p: la.p * lb.p });
        row += nL;
      }
      offB += nb;
    }
    offA += na;
  }
  const PaPb = kron(a.P, a.n, a.n, b.P, b.n, b.n);
  // P = C · (Pa ⊗ Pb), C sparse
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const c = C[i * n + k]!;
      if (c === 0) continue;
      for (let j = 0; j < n; j++) P[i * n + j]! += c * PaPb[k * n + j]!;
    }
  }
  return { n, P, labels };
}

/** Exact irreps decomposition of an SO(3)/O(3) rep, or null when a leaf is not supported. */
export function decompose(rep: Rep): Decomposition | null {
  const k = kind(rep);
  if (!k) return null;
  const nd = rep.node;
  switch (nd.kind) {
    case 'leaf': {
      const lab = leafLabel(nd.leaf.name, k);
      return lab ? { n: rep.size, P: eye(rep.size), labels: [lab] } : null;
    }
    case 'dual':
      return null;
    case 'sum': {
      const parts: Decomposition[] = [];
      for (const t of nd.terms) {
        const d = decompose(t.rep);
        if (!d) return null;
        for (let c = 0; c < t.mult; c++) parts.push(d);
      }
      const n = rep.size;
      const P = new Float64Array(n * n);
      const labels: Label[] = [];
      let off = 0;
      for (const d of parts) {
        for (let i = 0; i < d.n; i++) for (let j = 0; j < d.n; j++) P[(off + i) * n + off + j] = d.P[i * d.n + j]!;
        labels.push(...d.labels);
        off += d.n;
      }
      return { n, P, labels };
    }
    case 'tensor': {
      let acc: Decomposition = { n: 1, P: Float64Array.of(1), labels: [{ l: 0, p: 1 }] };
      for (const f of nd.factors) {
        const d = decompose(f.rep);
        if (!d) return null;
        for (let c = 0; c < f.power; c++) acc = tensorDecomp(acc, d);
      }
      return acc;
    }
  }
}

/** Orthonormal basis of Hom_G(a, b) (vec_r of b.size×a.size maps) by Schur's lemma, or null. */
export function irrepsHomBasis(a: Rep, b: Rep): InvariantBasis | null {
  const da = decompose(a);
  const db = decompose(b);
  if (!da || !db) return null;
  const offsets = (d: Decomposition): number[] => {
    const out: number[] = [];
    let o = 0;
    for (const l of d.labels) {
      out.push(o);
      o += 2 * l.l + 1;
    }
    return out;
  };
  const oa = offsets(da);
  const ob = offsets(db);
  const pairs: [number, number, number][] = []; // (out block, in block, l)
  db.labels.forEach((lb, j) => da.labels.forEach((la, i) => {
    if (la.l === lb.l && la.p === lb.p) pairs.push([j, i, la.l]);
  }));
  const na = da.n;
  const nb = db.n;
  const dim = pairs.length;
  const N = na * nb;
  const Q = new Float64Array(N * dim);
  pairs.forEach(([j, i, l], col) => {
    const s = 1 / Math.sqrt(2 * l + 1);
    for (let k = 0; k <= 2 * l; k++) {
      const rb = (ob[j]! + k) * nb;
      const ra = (oa[i]! + k) * na;
      for (let r = 0; r < nb; r++) {
        const pb = db.P[rb + r]!;
        if (pb === 0) continue;
        for (let c = 0; c < na; c++) Q[(r * na + c) * dim + col]! += s * pb * da.P[ra + c]!;
      }
    }
  });
  return { Q, n: N, dim, gap: Infinity, method: 'irreps' };
}
