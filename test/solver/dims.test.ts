import { describe, expect, it } from 'vitest';
import { C, D, S, parseGroup } from '../../src/group/index.js';
import { identity, matmul, maxAbsDiff, transpose } from '../../src/linalg/index.js';
import { Scalar, V, hom, parseRep } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import { BasisCache, equivariantBasis } from '../../src/solver/index.js';
import type { EquivariantBasis } from '../../src/solver/index.js';
import { Rng } from '../../src/util/index.js';

/** ‖ρ_out(g) W − W ρ_in(g)‖ for random W in the span, over the group's testing elements. */
function equivarianceError(B: EquivariantBasis): number {
  const rng = new Rng(11);
  const W = B.apply(rng.fillNormal(new Float64Array(B.dim)) as Float64Array);
  const no = B.repOut.size, ni = B.repIn.size;
  let err = 0;
  for (const g of B.repIn.group.testingElements()) {
    const lhs = matmul(B.repOut.rho(g), W, no, no, ni);
    const rhs = matmul(W, B.repIn.rho(g), no, ni, ni);
    err = Math.max(err, maxAbsDiff(lhs, rhs) / (1 + Math.max(...Array.from(lhs, Math.abs))));
  }
  return err;
}

function check(B: EquivariantBasis): void {
  if (B.dim > 0 && B.n * B.dim <= 4e6) {
    const Q = B.Q;
    expect(maxAbsDiff(matmul(transpose(Q, B.n, B.dim), Q, B.dim, B.n, B.dim), identity(B.dim))).toBeLessThan(1e-9);
    // CQ ≈ 0 via equivariance of a random element of the span
    expect(equivarianceError(B)).toBeLessThan(1e-9);
  }
}

function inv(g: string, rep: string): EquivariantBasis {
  const G = parseGroup(g);
  return equivariantBasis(parseRep(rep, G), Scalar(G));
}
const pow = (k: number): string => (k === 0 ? 'Scalar' : `V^${k}`);

// docs/design/reference-results.md (the k = 6 rows of SO(3)/O(3) are N = 729 staged dense solves, ~0.4 s each).
const invariantRows: [string, number[]][] = [
  ['SO(3)', [1, 0, 1, 1, 3, 6, 15]],
  ['O(3)', [1, 0, 1, 0, 3, 0, 15]],
  ['SO(2)', [1, 0, 2, 0, 6, 0, 20]],
  ['O(2)', [1, 0, 1, 0, 3, 0, 10]],
  ['SO(4)', [1, 0, 1, 0, 4]],
  ['O(5)', [1, 0, 1, 0, 3]],
];

describe('exact dimensions (docs/design/reference-results.md)', () => {
  it.each(invariantRows)('%s invariants of V^k', (g, dims) => {
    dims.forEach((d, k) => {
      const B = inv(g, pow(k));
      expect(B.dim, `${g} V^${k}`).toBe(d);
      check(B);
    });
  });
  it('the dense path alone reproduces SO(3) V^6 → 15 and O(5) V^4 → 3 (staged solve)', () => {
    for (const [g, k, d] of [['SO(3)', 6, 15], ['O(3)', 5, 0], ['O(5)', 4, 3]] as const) {
      const G = parseGroup(g);
      const B = equivariantBasis(parseRep(pow(k), G), Scalar(G), { method: 'dense' });
      expect(B.dim, `${g} V^${k}`).toBe(d);
      expect(B.method).toBe('dense');
      if (d > 0) expect(B.gap).toBeGreaterThan(1e8);
      check(B);
    }
  });
  it('S(6) maps V^k → V^k: Bell numbers 1, 2, 15', () => {
    const G = S(6);
    [1, 2, 15].forEach((d, k) => {
      const B = equivariantBasis(parseRep(pow(k), G), parseRep(pow(k), G));
      expect(B.dim).toBe(d);
      expect(B.method).toBe('orbit');
      check(B);
    });
  });
  it('S(n), n = 2…6: maps V → V have dim 2 (DeepSets)', () => {
    for (let n = 2; n <= 6; n++) expect(equivariantBasis(V(S(n)), V(S(n))).dim).toBe(2);
  });
  it('S(5) invariants of V^3, V^4: 5, 15', () => {
    expect(inv('S(5)', 'V^3').dim).toBe(5);
    expect(inv('S(5)', 'V^4').dim).toBe(15);
  });
  it('Z(6) V → V: 6 (circulants); Z(5) invariant vectors: 1', () => {
    const G = parseGroup('Z(6)');
    const B = equivariantBasis(V(G), V(G));
    expect(B.dim).toBe(6);
    check(B);
    expect(inv('Z(5)', 'V').dim).toBe(1);
  });
  it('C(k) and D(k), k = 2…8: maps V → V', () => {
    const c = [4, 2, 2, 2, 2, 2, 2];
    const d = [2, 1, 1, 1, 1, 1, 1];
    for (let k = 2; k <= 8; k++) {
      const Bc = equivariantBasis(V(C(k)), V(C(k)));
      const Bd = equivariantBasis(V(D(k)), V(D(k)));
      expect(Bc.dim).toBe(c[k - 2]);
      expect(Bd.dim).toBe(d[k - 2]);
      check(Bc);
      check(Bd);
    }
  });
  it('Lorentz groups: T(0,2), T(1,1), T(2,0), T(0,4), T(2,2)', () => {
    const ts = ['T(0,2)', 'T(1,1)', 'T(2,0)', 'T(0,4)', 'T(2,2)'];
    expect(ts.map((t) => inv('SO13p', t).dim)).toEqual([1, 1, 1, 4, 4]);
    expect(ts.map((t) => inv('O13', t).dim)).toEqual([1, 1, 1, 3, 3]);
    check(inv('SO13p', 'T(2,2)'));
  });
  it('Sp(4) (4×4): T(2), T(1,1), T(4): 1, 1, 3', () => {
    expect(['T(2,0)', 'T(1,1)', 'T(4,0)'].map((t) => inv('Sp(4)', t).dim)).toEqual([1, 1, 3]);
  });
  it('SO(3) V⊗V → V: 1 (Levi-Civita)', () => {
    const G = parseGroup('SO(3)');
    const B = equivariantBasis(parseRep('V^2', G), V(G));
    expect(B.dim).toBe(1);
    check(B);
    const q = B.Q; // ∝ ε_{ijk}: W[i, 3j+k]
    const s = q[0 * 9 + 1 * 3 + 2]!;
    expect(Math.abs(s)).toBeCloseTo(1 / Math.sqrt(6), 10);
    expect(q[0 * 9 + 2 * 3 + 1]!).toBeCloseTo(-s, 12);
    expect(q[1 * 9 + 2 * 3 + 0]!).toBeCloseTo(s, 12);
  });
  it('SO(3) V^2 → V^2 (dim 3) is fast; O(3) T(3) → T(3) has dim 15', () => {
    const G = parseGroup('SO(3)');
    const t0 = performance.now();
    const B = equivariantBasis(parseRep('V^2', G), parseRep('V^2', G));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(B.dim).toBe(3);
    check(B);
    const H = parseGroup('O(3)');
    const B3 = equivariantBasis(parseRep('T(3,0)', H), parseRep('T(3,0)', H));
    expect(B3.dim).toBe(15);
    expect(B3.gap).toBeGreaterThan(1e8);
    check(B3);
  });
  it('S(6) V + V^2 → V: 7 (EMLP notebook)', () => {
    const G = S(6);
    expect(equivariantBasis(parseRep('V + V^2', G), V(G)).dim).toBe(7);
  });
});

describe('S(n) Hom(V^k, V^l) = Bell(k+l) for n ≥ k+l, partition counts below', () => {
  // number of set partitions of k+l points into at most n blocks
  const stirlingSum = (m: number, n: number): number => {
    const S2: number[][] = [[1]];
    for (let i = 1; i <= m; i++) {
      S2.push([]);
      for (let j = 0; j <= i; j++) S2[i]![j] = (j > 0 ? S2[i - 1]![j - 1] ?? 0 : 0) + j * (S2[i - 1]![j] ?? 0);
    }
    let s = 0;
    for (let j = 0; j <= Math.min(n, m); j++) s += S2[m]![j] ?? 0;
    return s;
  };
  it.each([[2, 1, 1], [3, 1, 2], [3, 2, 2], [4, 2, 2], [4, 2, 1], [5, 2, 2], [2, 2, 2], [3, 3, 1]])('S(%i) V^%i → V^%i', (n, k, l) => {
    const G = S(n);
    const B = equivariantBasis(parseRep(pow(k), G), parseRep(pow(l), G));
    expect(B.dim).toBe(stirlingSum(k + l, n));
  });
});

describe('block structure, cache and empty bases', () => {
  it('S(6) 100·Scalar + 100·V + 20·V^2 to itself: dim 84,000 by orbit counting', () => {
    const G = S(6);
    const r = parseRep('100Scalar + 100V + 20V^2', G);
    const t0 = performance.now();
    const B = equivariantBasis(r, r);
    const ms = performance.now() - t0;
    expect(B.dim).toBe(84000);
    expect(B.method).toBe('orbit');
    expect(ms).toBeLessThan(5000);
    expect(() => B.Q).toThrow();
  });
  it('apply/project round trip and equivariance for a direct sum', () => {
    const G = parseGroup('SO(3)');
    const a = parseRep('2V + Scalar + V^2', G), b = parseRep('V + 3Scalar', G);
    const B = equivariantBasis(a, b);
    expect(B.dim).toBe(2 * 1 + 1 * 3 + 1 * 1 + 0 + 0 + 3 * 1);
    check(B);
    const c = new Rng(2).fillNormal(new Float64Array(B.dim)) as Float64Array;
    expect(maxAbsDiff(B.project(B.apply(c)), c)).toBeLessThan(1e-12);
  });
  it('the cache is keyed by canonical keys and reused', () => {
    const G = parseGroup('SO(3)');
    const cache = new BasisCache();
    equivariantBasis(parseRep('V^2', G), V(G), { cache });
    equivariantBasis(parseRep('V*V', G), parseRep('V', G), { cache });
    expect(cache.size).toBe(1);
    expect(cache.hits).toBe(1);
  });
  it('bias basis = Hom(Scalar, out)', () => {
    const G = S(4);
    expect(equivariantBasis(Scalar(G), parseRep('V + V^2', G)).dim).toBe(1 + 2);
  });
  it('explains an empty basis', () => {
    const G = parseGroup('O(3)');
    const B = equivariantBasis(V(G), Scalar(G));
    expect(B.dim).toBe(0);
    expect(B.explanation).toMatch(/no equivariant linear map exists from V to Scalar under O\(3\), because/);
    expect(() => equivariantBasis(V(G), Scalar(G), { requireNonEmpty: true })).toThrow(/because/);
    const H = C(4);
    const E = equivariantBasis(parseRep('ir(1)', H), parseRep('ir(2)', H));
    expect(E.dim).toBe(0);
    expect(E.explanation).toMatch(/characters are orthogonal/);
  });
  it('hom(V, V) invariants equal equivariantBasis(V, V)', () => {
    const G = parseGroup('SO13p');
    const a: Rep = V(G);
    expect(equivariantBasis(Scalar(G), hom(a, a)).dim).toBe(equivariantBasis(a, a).dim);
  });
});
