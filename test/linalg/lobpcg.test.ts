import { describe, expect, it } from 'vitest';
import { ConvergenceError, SpectralGapError, lobpcgNullspace, symmetricEigen } from '../../src/linalg/index.js';
import type { BlockOperator } from '../../src/linalg/index.js';
import { Rng } from '../../src/util/index.js';

/** A random orthogonal n×n matrix (QR of a Gaussian by Gram–Schmidt), row-major. */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const cols: Float64Array[] = [];
  while (cols.length < n) {
    const v = rng.fillNormal(new Float64Array(n)) as Float64Array;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of cols) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i]! -= d * q[i]!;
      }
    }
    const nv = Math.hypot(...v);
    cols.push(v.map((x) => x / nv));
  }
  const U = new Float64Array(n * n);
  cols.forEach((c, j) => c.forEach((x, i) => (U[i * n + j] = x)));
  return U;
}

/** A = U diag(λ) Uᵀ as a dense symmetric matrix and its block operator. */
function planted(n: number, lambdas: Float64Array, rng: Rng): { A: Float64Array; U: Float64Array; op: BlockOperator } {
  const U = randomOrthogonal(n, rng);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += U[i * n + k]! * lambdas[k]! * U[j * n + k]!;
    A[i * n + j] = s;
  }
  const op: BlockOperator = (X, m) => {
    const Y = new Float64Array(n * m);
    for (let c = 0; c < m; c++) for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k]! * X[c * n + k]!;
      Y[c * n + i] = s;
    }
    return Y;
  };
  return { A, U, op };
}

/** ‖Q₂ − Q₁Q₁ᵀQ₂‖_F ≥ sin of the largest principal angle (both n×r row-major, orthonormal). */
export function subspaceDistance(Q1: Float64Array, Q2: Float64Array, n: number, r: number): number {
  let s = 0;
  for (let j = 0; j < r; j++) {
    const proj = new Float64Array(r);
    for (let a = 0; a < r; a++) for (let i = 0; i < n; i++) proj[a]! += Q1[i * r + a]! * Q2[i * r + j]!;
    for (let i = 0; i < n; i++) {
      let v = Q2[i * r + j]!;
      for (let a = 0; a < r; a++) v -= Q1[i * r + a]! * proj[a]!;
      s += v * v;
    }
  }
  return Math.sqrt(s);
}

function spectrum(n: number, r: number, rng: Rng): Float64Array {
  const l = new Float64Array(n);
  for (let k = r; k < n; k++) l[k] = rng.uniformIn(0.05, 4);
  return l;
}

describe('lobpcgNullspace on random PSD operators with planted nullspaces', () => {
  it.each([[120, 7], [140, 24], [90, 0], [60, 60], [150, 3]] as const)('n = %i, planted dim %i: same subspace as the dense eigensolver', (n, r) => {
    const rng = new Rng(n + r);
    const { A, U, op } = planted(n, spectrum(n, r, rng), rng);
    const res = lobpcgNullspace(op, n, { block: Math.min(32, Math.max(8, r + 6)), label: `planted ${r}` });
    expect(res.dim).toBe(r);
    // orthonormal in f64
    for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += res.basis[i * r + a]! * res.basis[i * r + b]!;
      expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-13);
    }
    // dense reference nullspace
    const { values, vectors } = symmetricEigen(A, n);
    const lmax = values[n - 1]!;
    let q = 0;
    while (q < n && values[q]! <= 1e-12 * lmax) q++;
    expect(q).toBe(r);
    const Qd = new Float64Array(n * r);
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) Qd[i * r + j] = vectors[i * n + j]!;
    expect(subspaceDistance(Qd, res.basis, n, r)).toBeLessThanOrEqual(1e-10);
    expect(subspaceDistance(res.basis, Qd, n, r)).toBeLessThanOrEqual(1e-10);
    // and against the planted columns of U
    const Qp = new Float64Array(n * r);
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) Qp[i * r + j] = U[i * n + j]!;
    expect(subspaceDistance(Qp, res.basis, n, r)).toBeLessThanOrEqual(1e-10);
    if (r > 0 && r < n) expect(res.gap).toBeGreaterThan(1e4);
  });

  it('the subspace checker itself fails on a perturbed basis', () => {
    const rng = new Rng(5);
    const n = 50, r = 4;
    const U = randomOrthogonal(n, rng);
    const Q = new Float64Array(n * r);
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) Q[i * r + j] = U[i * n + j]!;
    const Q2 = Float64Array.from(Q);
    // rotate column 0 by 1e-6 towards column r (outside the span)
    for (let i = 0; i < n; i++) Q2[i * r] = Math.cos(1e-6) * U[i * n]! + Math.sin(1e-6) * U[i * n + r]!;
    expect(subspaceDistance(Q, Q, n, r)).toBeLessThan(1e-14);
    expect(subspaceDistance(Q, Q2, n, r)).toBeGreaterThan(1e-7);
  });

  it('grows the block when the nullspace is larger than the start block', () => {
    const rng = new Rng(11);
    const n = 100, r = 20;
    const { op } = planted(n, spectrum(n, r, rng), rng);
    const res = lobpcgNullspace(op, n, { block: 4 });
    expect(res.dim).toBe(r);
  });

  it('the dimension check fails when a planted null eigenvalue is perturbed', () => {
    const rng = new Rng(21);
    const n = 70, r = 6;
    const lam = spectrum(n, r, rng);
    // clean: dim 6, and expectedDim 6 passes
    expect(lobpcgNullspace(planted(n, lam, new Rng(1)).op, n, { expectedDim: r, block: 8 }).dim).toBe(r);
    // one planted null direction lifted into the ambiguity band (1e-12, 1e-8)·λ_max: SpectralGapError
    const band = Float64Array.from(lam);
    band[r - 1] = 1e-10 * 4;
    expect(() => lobpcgNullspace(planted(n, band, new Rng(1)).op, n, { label: 'perturbed planted', block: 8 })).toThrow(SpectralGapError);
    expect(() => lobpcgNullspace(planted(n, band, new Rng(1)).op, n, { label: 'perturbed planted', block: 8 })).toThrow(/perturbed planted.*ambiguous/);
    // lifted clearly out of the nullspace: the solver finds 5, and the expected dimension 6 fails
    const lifted = Float64Array.from(lam);
    lifted[r - 1] = 1e-3;
    expect(lobpcgNullspace(planted(n, lifted, new Rng(1)).op, n, { block: 8 }).dim).toBe(r - 1);
    expect(() => lobpcgNullspace(planted(n, lifted, new Rng(1)).op, n, { expectedDim: r, block: 8 })).toThrow(SpectralGapError);
  });

  it('raises ConvergenceError naming the problem at the iteration cap, never a wrong dimension', () => {
    const rng = new Rng(3);
    const n = 120;
    // a hard spectrum: nonzero eigenvalues down to 1e-7·λ_max converge slowly without preconditioning
    const lam = new Float64Array(n);
    for (let k = 5; k < n; k++) lam[k] = 10 ** (-7 + (7 * (k - 5)) / (n - 6));
    const { op } = planted(n, lam, rng);
    expect(() => lobpcgNullspace(op, n, { maxIter: 2, label: 'hard operator' })).toThrow(ConvergenceError);
    expect(() => lobpcgNullspace(op, n, { maxIter: 2, label: 'hard operator' })).toThrow(/hard operator.*2 iterations/);
  });

  it('handles the zero operator and n = 0', () => {
    expect(lobpcgNullspace((X) => new Float64Array(X.length), 5).dim).toBe(5);
    expect(lobpcgNullspace((X) => new Float64Array(X.length), 0).dim).toBe(0);
  });
});
