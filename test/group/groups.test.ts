import { describe, expect, it } from 'vitest';
import {
  A, C, D, FullIcosahedral, FullOctahedral, FullTetrahedral, Icosahedral, O, O13, Octahedral, P4, P4M, S, SL, SO, SO13,
  SO13p, Sp, Tetrahedral, Trivial, Z, customGroup, embed, isFinite, parseGroup, product, rotation2,
} from '../../src/group/index.js';
import type { Group } from '../../src/group/index.js';
import { det, identity, matmul, maxAbsDiff, transpose, nullspace } from '../../src/linalg/index.js';
import { ParseError, Rng } from '../../src/util/index.js';

const orders: [Group, number][] = [
  [Trivial(3), 1], [C(5), 5], [D(4), 8], [S(4), 24], [A(4), 12], [A(5), 60], [Z(6), 6], [Tetrahedral(), 12],
  [FullTetrahedral(), 24], [Octahedral(), 24], [FullOctahedral(), 48], [Icosahedral(), 60], [FullIcosahedral(), 120],
  [P4(3), 4], [P4M(3), 8], [product(S(3), C(4)), 24], [embed(D(3), 3, 0, 2), 6], [S(1), 1], [A(2), 1],
];

describe('finite groups', () => {
  it.each(orders.map(([g, n]) => [g.key, g, n] as const))('%s has the right order and axioms', (_k, g, n) => {
    if (!isFinite(g)) throw new Error('expected finite');
    expect(g.order).toBe(n);
    const els = g.elements();
    expect(maxAbsDiff(els[0]!, identity(g.d))).toBe(0);
    const rng = new Rng(1);
    for (let t = 0; t < 20; t++) {
      const i = rng.int(n), j = rng.int(n);
      const k = g.multiply(i, j);
      expect(maxAbsDiff(els[k]!, matmul(els[i]!, els[j]!, g.d, g.d, g.d))).toBeLessThan(1e-9);
      expect(g.multiply(i, g.invert(i))).toBe(0);
    }
    const classes = g.conjugacyClasses();
    expect(classes[0]).toEqual([0]);
    expect(classes.reduce((s, c) => s + c.length, 0)).toBe(n);
    for (const c of classes) expect(n % c.length).toBe(0);
  });
  it('class counts', () => {
    expect(S(4).conjugacyClasses().length).toBe(5);
    expect(A(4).conjugacyClasses().length).toBe(4);
    expect(Icosahedral().conjugacyClasses().length).toBe(5);
    expect(D(5).conjugacyClasses().length).toBe(4);
    expect(FullOctahedral().conjugacyClasses().length).toBe(10);
  });
  it('S(6) enumerates 720 elements quickly and samples uniformly from them', () => {
    const g = S(6);
    expect(g.order).toBe(720);
    expect(g.indexOf(g.sample(new Rng(3)))).toBeGreaterThanOrEqual(0);
  });
});

const all: Group[] = [
  ...orders.map(([g]) => g), SO(2), O(2), SO(3), O(3), SO(4), O(5), SO13p(), SO13(), O13(), Sp(4), Sp(2), SL(3),
  product(SO(2), SO(3)), embed(SO(2), 3, 0, 2),
  customGroup(2, { discreteGenerators: [rotation2(Math.PI / 3)], finite: true }),
];

function isOrthogonalMatrix(g: Float64Array, d: number): boolean {
  return maxAbsDiff(matmul(transpose(g, d, d), g, d, d, d), identity(d)) < 1e-10;
}

describe('every catalog group', () => {
  it.each(all.map((g) => [g.key, g] as const))('%s: generators, orthogonality, Lie closure', (_k, g) => {
    const d = g.d;
    for (const h of g.discreteGenerators) expect(Math.abs(det(h))).toBeGreaterThan(1e-9);
    if (g.isOrthogonal) {
      for (const h of g.testingElements()) expect(isOrthogonalMatrix(h, d)).toBe(true);
      for (const A of g.lieAlgebra) expect(maxAbsDiff(A, transpose(A, d, d).map((x) => -x))).toBe(0);
    }
    // Lie algebra closes under the commutator: [Aᵢ, Aⱼ] ∈ span{A}
    const L = g.lieAlgebra;
    if (L.length > 0) {
      const m = L.length;
      const basis = new Float64Array(d * d * m);
      L.forEach((a, k) => a.forEach((x, i) => (basis[i * m + k] = x)));
      for (let i = 0; i < m; i++) {
        for (let j = i + 1; j < m; j++) {
          const ab = matmul(L[i]!, L[j]!, d, d, d);
          const ba = matmul(L[j]!, L[i]!, d, d, d);
          const comm = ab.map((x, t) => x - ba[t]!);
          // comm is in the span iff [basis | comm] has the same rank: check nullspace grows by one
          const aug = new Float64Array(d * d * (m + 1));
          for (let r = 0; r < d * d; r++) {
            for (let k = 0; k < m; k++) aug[r * (m + 1) + k] = basis[r * m + k]!;
            aug[r * (m + 1) + m] = comm[r]!;
          }
          expect(nullspace(aug, d * d, m + 1).dim).toBe(1 - 0 * 0 + (nullspace(basis, d * d, m).dim));
        }
      }
    }
    // samples are group-like: the determinant is ±1 for every catalog group here
    for (const h of g.testingElements()) expect(Math.abs(Math.abs(det(h)) - 1)).toBeLessThan(1e-8);
  });
  it('Lorentz samples preserve the Minkowski metric; Sp samples preserve Ω', () => {
    const eta = Float64Array.of(1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1);
    for (const g of [SO13p(), O13()]) {
      for (const L of g.testingElements()) {
        expect(maxAbsDiff(matmul(matmul(transpose(L, 4, 4), eta, 4, 4, 4), L, 4, 4, 4), eta)).toBeLessThan(1e-9);
      }
    }
    const om = Float64Array.of(0, 0, 1, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, -1, 0, 0);
    for (const M of Sp(4).testingElements()) {
      expect(maxAbsDiff(matmul(matmul(transpose(M, 4, 4), om, 4, 4, 4), M, 4, 4, 4), om)).toBeLessThan(1e-9);
    }
  });
  it('Haar samples of SO(3) have det 1, of O(3) both signs', () => {
    const rng = new Rng(9);
    const dets = Array.from({ length: 20 }, () => det(O(3).sample(rng)));
    expect(dets.some((x) => x < 0) && dets.some((x) => x > 0)).toBe(true);
    for (let i = 0; i < 10; i++) expect(det(SO(3).sample(rng))).toBeCloseTo(1, 12);
  });
});

describe('parseGroup', () => {
  it('parses every CLI name', () => {
    const names = ['S(5)', 'A(4)', 'C(3)', 'D(6)', 'Z(4)', 'SO(4)', 'O(2)', 'SO(3)', 'O(3)', 'SO13p', 'SO13', 'O13', 'Sp(4)',
      'SL(2)', 'Tetrahedral', 'Octahedral', 'Icosahedral', 'FullOctahedral', 'FullIcosahedral', 'Trivial(2)', 'S(3)xC(4)', 'SO(2)xSO(3)'];
    for (const n of names) expect(parseGroup(n).key).toBe(n);
    expect(parseGroup('S(3) x C(4)').d).toBe(6);
  });
  it('rejects unknown names with ParseError', () => {
    expect(() => parseGroup('Foo(3)')).toThrow(ParseError);
    expect(() => parseGroup('S(3)x')).toThrow(ParseError);
  });
});
