import { describe, expect, it } from 'vitest';
import { O, O13, SO13, SO13p, parseGroup } from '../../src/group/index.js';
import { ConvergenceError, SpectralGapError, matmul, maxAbsDiff, transpose } from '../../src/linalg/index.js';
import { Scalar, applyRep, hom, parseRep } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import { BasisCache, KRYLOV_MAX_N, KRYLOV_MIN, denseInvariants, equivariantBasis, krylovInvariants, prefersKrylov, wordModes } from '../../src/solver/index.js';
import type { InvariantBasis } from '../../src/solver/index.js';
import { SizeError } from '../../src/util/index.js';

/** ‖Q₂ − Q₁Q₁ᵀQ₂‖_F: an upper bound on the sine of the largest principal angle. */
function subspaceDistance(a: InvariantBasis, b: InvariantBasis): number {
  const n = a.n, r = a.dim;
  const proj = matmul(transpose(a.Q, n, r), b.Q, r, n, r);
  const back = matmul(a.Q, proj, n, r, r);
  let s = 0;
  for (let i = 0; i < back.length; i++) s += (b.Q[i]! - back[i]!) ** 2;
  return Math.sqrt(s);
}

/** max over basis vectors of ‖dρ(A)q‖ and ‖ρ(h)q − q‖, and the orthonormality defect. */
function check(rep: Rep, B: InvariantBasis): { residual: number; ortho: number } {
  const n = rep.size, r = B.dim;
  let residual = 0;
  const G = rep.group;
  for (let t = 0; t < r; t++) {
    const q = Float64Array.from({ length: n }, (_, i) => B.Q[i * r + t]!);
    for (const A of G.lieAlgebra) residual = Math.max(residual, Math.hypot(...applyRep(rep, 'drho', A, q)));
    for (const h of G.discreteGenerators) {
      const y = applyRep(rep, 'rho', h, q);
      residual = Math.max(residual, Math.hypot(...y.map((v, i) => v - q[i]!)));
    }
  }
  const QtQ = matmul(transpose(B.Q, n, r), B.Q, r, n, r);
  let ortho = 0;
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) ortho = Math.max(ortho, Math.abs(QtQ[i * r + j]! - (i === j ? 1 : 0)));
  return { residual, ortho };
}

// Independent counts. SO⁺(1,3) and SO(1,3) (−I acts as (−1)^k) complexify to SO(4,C) ≅ (SL2×SL2)/±1
// with V = (½,½), so dim Inv(V^{⊗2m}) = (number of SU(2) invariants of (½)^{⊗2m})² = Catalan(m)²:
// 1, 4, 25 for k = 2, 4, 6; odd k give 0. O(1,3) adds parity, which removes the ε-tensor terms: the
// Brauer count (2m−1)!! of perfect matchings: 1, 3, 15.
const LORENTZ: [string, () => ReturnType<typeof SO13p>, number[]][] = [
  ['SO13p', SO13p, [1, 0, 4, 0]],
  ['SO13', SO13, [1, 0, 4, 0]],
  ['O13', O13, [1, 0, 3, 0]],
];

describe('Krylov path: Lorentz invariants of V^k', () => {
  it.each(LORENTZ)('%s: dims of V^2..V^5 are the independent counts, verified and orthonormal', (_, G, dims) => {
    const g = G();
    for (let k = 2; k <= 5; k++) {
      const rep = parseRep(`V^${k}`, g);
      const B = krylovInvariants(rep, { denseReduced: 0 });
      expect(B.dim).toBe(dims[k - 2]);
      expect(B.method).toBe('krylov');
      const c = check(rep, B);
      expect(c.residual).toBeLessThan(1e-12);
      if (B.dim > 0) expect(c.ortho).toBeLessThan(1e-13);
    }
  });

  it.each(LORENTZ)('%s: LOBPCG on V^4 (reduced and unreduced) spans the dense solution (angles ≤ 1e-10)', (_, G, dims) => {
    const g = G();
    const rep = parseRep('V^4', g);
    const dense = denseInvariants(rep);
    expect(dense.dim).toBe(dims[2]);
    const reduced = krylovInvariants(rep, { denseReduced: 0, block: 8 });
    expect(reduced.krylov!.route).toBe('lobpcg');
    expect(reduced.krylov!.preconditioned).toBe(true);
    expect(reduced.krylov!.reduced).toBeLessThan(rep.size / 3);
    const plain = krylovInvariants(rep, { reduce: false, block: 8 });
    expect(plain.krylov!.reduced).toBe(256);
    expect(plain.krylov!.route).toBe('lobpcg');
    for (const B of [reduced, plain]) {
      expect(B.dim).toBe(dense.dim);
      expect(subspaceDistance(dense, B)).toBeLessThanOrEqual(1e-10);
      expect(subspaceDistance(B, dense)).toBeLessThanOrEqual(1e-10);
    }
  });

  it('mixed words in V and V* (non-orthogonal duals) match the dense path', () => {
    const g = SO13p();
    for (const s of ['V*dual(V)', 'V*dual(V)*V*dual(V)', 'dual(V)^2*V^2']) {
      const rep = parseRep(s, g);
      expect(wordModes(rep)).not.toBeNull();
      const dense = denseInvariants(rep);
      const kr = krylovInvariants(rep, { denseReduced: 0, block: 8 });
      expect(kr.dim).toBe(dense.dim);
      expect(subspaceDistance(dense, kr)).toBeLessThanOrEqual(1e-10);
      expect(check(rep, kr).residual).toBeLessThan(1e-12);
    }
  });

  it('a rep that is not a tensor word (a direct sum) uses the plain matrix-free operator', () => {
    const g = O13();
    const rep = parseRep('V^4 + V', g);
    expect(wordModes(rep)).toBeNull();
    const kr = krylovInvariants(rep, { block: 8 });
    expect(kr.krylov!.reduced).toBe(rep.size);
    expect(kr.krylov!.route).toBe('lobpcg');
    const dense = denseInvariants(rep);
    expect(kr.dim).toBe(3);
    expect(subspaceDistance(dense, kr)).toBeLessThanOrEqual(1e-10);
  });
});

describe('automatic switch', () => {
  it('non-compact tensor words from KRYLOV_MIN go to the Krylov path; smaller and compact ones stay dense', () => {
    const g = SO13p();
    expect(KRYLOV_MIN).toBe(512);
    expect(prefersKrylov(parseRep('V^5', g))).toBe(true);
    expect(prefersKrylov(parseRep('V^4', g))).toBe(false);
    expect(prefersKrylov(parseRep('V^5', O(4)))).toBe(false); // no symmetric generator: compact
    const b5 = equivariantBasis(parseRep('V^5', g), Scalar(g), { cache: new BasisCache() });
    expect(b5.method).toBe('krylov');
    expect(b5.dim).toBe(0);
    // method: 'dense' stays dense below DENSE_LIMIT (the cross-check)
    expect(equivariantBasis(parseRep('V^5', g), Scalar(g), { method: 'dense' }).method).toBe('dense');
    const b4 = equivariantBasis(parseRep('V^4', g), Scalar(g));
    expect(b4.method).toBe('dense');
    expect(b4.dim).toBe(4);
    const o = equivariantBasis(parseRep('V^4', O(5)), Scalar(O(5)));
    expect(o.method).toBe('dense');
    expect(o.dim).toBe(3);
  });

  it("an EMLP-sized hom space of O(1,3) (rank 5) is solved by the Krylov path, and method: 'krylov' forces it", () => {
    const g = O13();
    const a = parseRep('V^2', g), b = parseRep('V*dual(V)^2', g);
    const B = equivariantBasis(a, b);
    expect(B.method).toBe('krylov'); // hom(V², V⊗V*²) has size 1024, odd rank: 0
    expect(B.dim).toBe(0);
    const f = equivariantBasis(parseRep('V^2', g), parseRep('V^2', g), { method: 'krylov' });
    const d = equivariantBasis(parseRep('V^2', g), parseRep('V^2', g), { method: 'dense' });
    expect(f.method).toBe('krylov');
    expect(f.dim).toBe(d.dim);
    expect(maxAbsDiff(matmul(f.Q, transpose(f.Q, f.n, f.dim), f.n, f.dim, f.n), matmul(d.Q, transpose(d.Q, d.n, d.dim), d.n, d.dim, d.n))).toBeLessThan(1e-10);
    expect(hom(a, b).size).toBe(1024);
  });
});

describe('named errors and the dimension check', () => {
  it('the iteration cap raises ConvergenceError naming the rep and group (no hang, no silent dimension)', () => {
    const g = SO13p();
    const rep = parseRep('V^5', g);
    expect(() => krylovInvariants(rep, { denseReduced: 0, maxIter: 0 })).toThrow(ConvergenceError);
    expect(() => krylovInvariants(rep, { denseReduced: 0, maxIter: 0 })).toThrow(/V\^5 under SO13p.*no convergence within 0 iterations/);
  });

  it('a rep beyond KRYLOV_MAX_N is a SizeError before anything is allocated', () => {
    const g = SO13p();
    const big = parseRep('V^12', g); // 4^12 = 16,777,216
    expect(big.size).toBeGreaterThan(KRYLOV_MAX_N);
    expect(() => krylovInvariants(big)).toThrow(SizeError);
    expect(() => krylovInvariants(big)).toThrow(/V\^12 under SO13p.*KRYLOV_MAX_N/);
  });

  it('an expected dimension that the spectrum does not give fails', () => {
    const g = SO13p();
    const rep = parseRep('V^4', g);
    expect(krylovInvariants(rep, { denseReduced: 0, block: 8, expectedDim: 4 }).dim).toBe(4);
    expect(() => krylovInvariants(rep, { denseReduced: 0, block: 8, expectedDim: 5 })).toThrow(SpectralGapError);
    expect(() => krylovInvariants(rep, { expectedDim: 3 })).toThrow(/dimension 4 differs from the expected 3/);
  });

  it('perturbing the constraint by 1e-5 puts the planted invariants in the ambiguity band: SpectralGapError', () => {
    const g = parseGroup('SO13p');
    const rep = parseRep('V^4', g);
    const perturbed = (eps: number): { discreteGenerators: Float64Array[]; lieAlgebra: Float64Array[] } => {
      const lie = g.lieAlgebra.map((A) => Float64Array.from(A));
      lie[3]![1]! += eps; // a rotation generator no longer in so(1,3): the 4 invariants become almost-invariants
      return { discreteGenerators: [], lieAlgebra: lie };
    };
    // σ ≈ 1e-5·σ_max lies between tol = 1e-6 and the gap threshold 1e-6·√1e4 = 1e-4
    const gens = perturbed(1e-5);
    expect(() => krylovInvariants(rep, { denseReduced: 0, block: 8 }, gens)).toThrow(SpectralGapError);
    expect(() => krylovInvariants(rep, { denseReduced: 0, block: 8 }, gens)).toThrow(/V\^4 under SO13p.*ambiguous/);
    // far below tol it is still decided as 4 (within tolerance), far above as fewer
    expect(krylovInvariants(rep, { denseReduced: 0, block: 8 }, perturbed(1e-10)).dim).toBe(4);
    expect(krylovInvariants(rep, { denseReduced: 0, block: 8 }, perturbed(1e-2)).dim).toBeLessThan(4);
  });
});
