/**
 * Iterative (matrix-free) invariant solver for reps too large for the dense path. The constraint
 * operator G = Σ BᵢᵀBᵢ (Bᵢ = ρ(hᵢ) − I or dρ(Aᵢ)) is applied through mode products
 * (`applyRep`), never formed. Chebyshev-filtered subspace iteration with Rayleigh–Ritz finds the
 * eigenvectors of G with eigenvalue 0: the filter T_m((λ − c)/e), [c − e, c + e] = [λ_max/100,
 * λ_max], is bounded by 1 on the damped interval and grows towards λ = 0. The block doubles until it
 * holds a non-null Ritz vector (so the whole nullspace is captured).
 * @module
 */
import { symmetricEigen } from '../linalg/index.js';
import { applyRep } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { ContractError, Rng } from '../util/index.js';
import type { Generators, InvariantBasis } from './invariants.js';

/** Options of the iterative solver. */
export interface IterativeOptions {
  /** Relative σ tolerance (default 1e-6): Ritz values θ ≤ tol²·λ_max count as zero. */
  readonly tol?: number;
  /** Initial block size (default 8). */
  readonly block?: number;
  /** Largest block size before giving up (default 512). */
  readonly maxBlock?: number;
  /** Seed of the random start. */
  readonly seed?: number;
}

function makeOperator(rep: Rep, gens: Generators): (x: Float64Array) => Float64Array {
  return (x) => {
    const out = new Float64Array(x.length);
    for (const h of gens.discreteGenerators) {
      const bx = applyRep(rep, 'rho', h, x);
      for (let i = 0; i < x.length; i++) bx[i]! -= x[i]!;
      const btbx = applyRep(rep, 'rho', h, bx, true);
      for (let i = 0; i < x.length; i++) out[i]! += btbx[i]! - bx[i]!;
    }
    for (const A of gens.lieAlgebra) {
      const t = applyRep(rep, 'drho', A, applyRep(rep, 'drho', A, x), true);
      for (let i = 0; i < x.length; i++) out[i]! += t[i]!;
    }
    return out;
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Modified Gram–Schmidt (twice); drops columns that become numerically zero. */
function orthonormalize(cols: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c0 of cols) {
    const c = Float64Array.from(c0);
    const n0 = Math.sqrt(dot(c, c));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        const d = dot(q, c);
        for (let i = 0; i < c.length; i++) c[i]! -= d * q[i]!;
      }
    }
    const n = Math.sqrt(dot(c, c));
    if (n > 1e-10 * n0 && n > 0) out.push(c.map((x) => x / n));
  }
  return out;
}

/** Invariants of `rep` by Chebyshev-filtered subspace iteration (see module doc). */
export function iterativeInvariants(rep: Rep, opts: IterativeOptions = {}, gens: Generators = rep.group): InvariantBasis {
  const n = rep.size;
  const tol = opts.tol ?? 1e-6;
  const rng = new Rng(opts.seed ?? 97);
  const G = makeOperator(rep, gens);
  const randomCol = (): Float64Array => rng.fillNormal(new Float64Array(n)) as Float64Array;
  // λ_max by power iteration
  let v = randomCol();
  let lmax = 0;
  for (let it = 0; it < 50; it++) {
    const nv = Math.sqrt(dot(v, v));
    v = v.map((x) => x / nv);
    const gv = G(v);
    lmax = Math.max(lmax, dot(v, gv));
    v = gv;
  }
  if (lmax === 0) {
    const Q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) Q[i * n + i] = 1;
    return { Q, n, dim: n, gap: Infinity, method: 'dense' };
  }
  lmax *= 1.1;
  const a = lmax / 100;
  const c = (lmax + a) / 2;
  const e = (lmax - a) / 2;
  const degree = 12;
  let b = Math.min(opts.block ?? 8, n);
  const maxBlock = Math.min(opts.maxBlock ?? 512, n);
  let X = orthonormalize(Array.from({ length: b }, randomCol));
  let prevNull = -1;
  for (let outer = 0; outer < 400; outer++) {
    // Chebyshev filter
    X = X.map((x0) => {
      let prev = x0;
      const g0 = G(x0);
      let cur = g0.map((y, i) => (y - c * x0[i]!) / e);
      for (let k = 2; k <= degree; k++) {
        const gc = G(cur);
        const next = gc.map((y, i) => (2 * (y - c * cur[i]!)) / e - prev[i]!);
        prev = cur;
        cur = next;
      }
      return cur;
    });
    X = orthonormalize(X);
    // Rayleigh–Ritz
    const GX = X.map(G);
    const m = X.length;
    const H = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = 0.5 * (dot(X[i]!, GX[j]!) + dot(X[j]!, GX[i]!));
    const { values, vectors } = symmetricEigen(H, m);
    const rot = (cols: Float64Array[]): Float64Array[] =>
      Array.from({ length: m }, (_, k) => {
        const y = new Float64Array(n);
        for (let i = 0; i < m; i++) {
          const w = vectors[i * m + k]!;
          if (w !== 0) for (let t = 0; t < n; t++) y[t]! += w * cols[i]![t]!;
        }
        return y;
      });
    X = rot(X);
    const GXr = rot(GX);
    const thr = tol * tol * lmax;
    let nNull = 0;
    while (nNull < m && values[nNull]! <= thr) nNull++;
    let res = 0; // max ‖G x‖ over the null Ritz vectors
    for (let k = 0; k < nNull; k++) res = Math.max(res, Math.sqrt(dot(GXr[k]!, GXr[k]!)));
    // residual ‖G x − θ x‖ of the first non-null Ritz pair: is it a converged nonzero eigenvalue?
    let resNext = Infinity;
    if (nNull < m) {
      const th = values[nNull]!;
      const r = GXr[nNull]!.map((y, i) => y - th * X[nNull]![i]!);
      resNext = Math.sqrt(dot(r, r));
    }
    if (nNull === m) {
      if (b >= maxBlock) throw new ContractError(`iterative solver: nullspace of ${rep.key} exceeds the block limit ${maxBlock}`);
      b = Math.min(2 * b, maxBlock);
      X = orthonormalize([...X, ...Array.from({ length: b - m }, randomCol)]);
      prevNull = -1;
      continue;
    }
    const nextConverged = nNull < m && values[nNull]! - resNext > thr;
    if (outer >= 2 && nNull === prevNull && res <= 1e-10 * lmax && nextConverged && resNext <= 1e-6 * lmax) {
      const Q = new Float64Array(n * nNull);
      for (let k = 0; k < nNull; k++) for (let i = 0; i < n; i++) Q[i * nNull + k] = X[k]![i]!;
      const sigmaKept = Math.sqrt(Math.max(values[nNull]!, 0));
      const sigmaNull = Math.sqrt(Math.max(nNull > 0 ? values[nNull - 1]! : 0, 0));
      return { Q, n, dim: nNull, gap: sigmaNull === 0 ? Infinity : sigmaKept / sigmaNull, method: 'iterative' };
    }
    prevNull = nNull;
  }
  throw new ContractError(`iterative solver: no convergence for ${rep.key}`);
}
