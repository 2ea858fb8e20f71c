import { describe, expect, it } from 'vitest';
import { C, D, O, SO } from '../../src/group/index.js';
import { matmul, maxAbsDiff, transpose } from '../../src/linalg/index.js';
import { irrep, parseRep } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import { decompose, equivariantBasis } from '../../src/solver/index.js';

function projector(Q: Float64Array, n: number, r: number): Float64Array {
  return matmul(Q, transpose(Q, n, r), n, r, n);
}

describe('irreps/CG path vs the dense path', () => {
  const cases: [string, string, string][] = [
    ['SO(3)', 'V^2', 'V'], ['SO(3)', 'V^2', 'V^2'], ['SO(3)', 'ir(2)*ir(1)', 'ir(1) + ir(2) + ir(3)'],
    ['SO(3)', '2V + Scalar', 'V^2 + V'], ['O(3)', 'V^3', 'V'], ['O(3)', '1e*1o + 2x0e', '1o + 0o + 2e'],
    ['O(3)', '2o*1o', '3e + 1e + 2e'], ['SO(3)', 'V^3', 'V^2'],
  ];
  it.each(cases)('%s: %s → %s', (g, a, b) => {
    const G = g === 'SO(3)' ? SO(3) : O(3);
    const ra = parseRep(a, G), rb = parseRep(b, G);
    const fast = equivariantBasis(ra, rb);
    const slow = equivariantBasis(ra, rb, { method: 'dense' });
    expect(fast.method).toContain('irreps');
    expect(slow.method).not.toContain('irreps');
    expect(fast.dim).toBe(slow.dim);
    if (fast.dim > 0) {
      const n = fast.n;
      expect(maxAbsDiff(projector(fast.Q, n, fast.dim), projector(slow.Q, n, slow.dim))).toBeLessThan(1e-8);
    }
  });
  it('decomposition is orthogonal and block-diagonalises ρ', () => {
    const G = O(3);
    const r: Rep = parseRep('V^2 + 1e', G);
    const d = decompose(r)!;
    expect(d.labels.map((l) => `${l.l}${l.p > 0 ? 'e' : 'o'}`)).toEqual(['0e', '1e', '2e', '1e']);
    const g = G.testingElements()[3]!;
    const n = d.n;
    const blocks = matmul(matmul(d.P, r.rho(g), n, n, n), transpose(d.P, n, n), n, n, n);
    const expected = parseRep('0e + 1e + 2e + 1e', G).rho(g);
    expect(maxAbsDiff(blocks, expected)).toBeLessThan(1e-12);
  });
});

describe("Schur's lemma: Hom(ψ, ψ') for irreps", () => {
  it('SO(3) and O(3): δ', () => {
    const G = SO(3);
    for (let a = 0; a <= 3; a++) for (let b = 0; b <= 3; b++) {
      expect(equivariantBasis(irrep(G, a), irrep(G, b), { method: 'dense' }).dim).toBe(a === b ? 1 : 0);
    }
    const H = O(3);
    expect(equivariantBasis(parseRep('1o', H), parseRep('1e', H), { method: 'dense' }).dim).toBe(0);
    expect(equivariantBasis(parseRep('2e', H), parseRep('2e', H), { method: 'dense' }).dim).toBe(1);
  });
  it('SO(2) and C(n): 2 endomorphisms for 2-dim (complex type) irreps; O(2), D(n): 1', () => {
    const so2 = SO(2);
    expect(equivariantBasis(parseRep('ir(2)', so2), parseRep('ir(2)', so2)).dim).toBe(2);
    expect(equivariantBasis(parseRep('ir(1)', so2), parseRep('ir(2)', so2)).dim).toBe(0);
    const o2 = O(2);
    expect(equivariantBasis(parseRep('ir(1,2)', o2), parseRep('ir(1,2)', o2)).dim).toBe(1);
    expect(equivariantBasis(parseRep('ir(0,0)', o2), parseRep('ir(1,0)', o2)).dim).toBe(0);
    const c5 = C(5), d6 = D(6);
    expect(equivariantBasis(parseRep('ir(2)', c5), parseRep('ir(2)', c5)).dim).toBe(2);
    expect(equivariantBasis(parseRep('ir(1)', c5), parseRep('ir(2)', c5)).dim).toBe(0);
    expect(equivariantBasis(parseRep('ir(1,2)', d6), parseRep('ir(1,2)', d6)).dim).toBe(1);
    expect(equivariantBasis(parseRep('ir(0,3)', d6), parseRep('ir(1,3)', d6)).dim).toBe(0);
  });
  it('CG selection rules through the solver: Hom(ir(l1)⊗ir(l2), ir(l3)) = 1 iff triangle', () => {
    const G = SO(3);
    for (let l1 = 0; l1 <= 2; l1++) for (let l2 = 0; l2 <= 2; l2++) for (let l3 = 0; l3 <= 4; l3++) {
      const dim = equivariantBasis(parseRep(`ir(${l1})*ir(${l2})`, G), irrep(G, l3), { method: 'dense' }).dim;
      expect(dim).toBe(l3 >= Math.abs(l1 - l2) && l3 <= l1 + l2 ? 1 : 0);
    }
  });
});
