import { describe, expect, it } from 'vitest';
import { parseGroup } from '../../src/group/index.js';
import { matmul, maxAbsDiff, transpose } from '../../src/linalg/index.js';
import { Scalar, applyRep, parseRep } from '../../src/rep/index.js';
import { equivariantBasis } from '../../src/solver/index.js';
import { Rng } from '../../src/util/index.js';

describe('matrix-free rep actions', () => {
  it('applyRep matches dense ρ, ρᵀ, dρ, dρᵀ', () => {
    const G = parseGroup('SO13p');
    const r = parseRep('V^2 + dual(V)*V + Scalar', G);
    const rng = new Rng(3);
    const x = rng.fillNormal(new Float64Array(r.size)) as Float64Array;
    const g = G.testingElements()[7]!;
    const A = G.lieAlgebra[1]!;
    const n = r.size;
    const R = r.rho(g), dR = r.drho(A);
    expect(maxAbsDiff(applyRep(r, 'rho', g, x), matmul(R, x, n, n, 1))).toBeLessThan(1e-12);
    expect(maxAbsDiff(applyRep(r, 'rho', g, x, true), matmul(transpose(R, n, n), x, n, n, 1))).toBeLessThan(1e-12);
    expect(maxAbsDiff(applyRep(r, 'drho', A, x), matmul(dR, x, n, n, 1))).toBeLessThan(1e-12);
    expect(maxAbsDiff(applyRep(r, 'drho', A, x, true), matmul(transpose(dR, n, n), x, n, n, 1))).toBeLessThan(1e-12);
  });
});

describe('iterative solver (Chebyshev-filtered subspace iteration)', () => {
  it.each([['SO(3)', 'V^4', 3], ['SO13p', 'T(1,1)', 1]] as const)('%s invariants of %s: %i, same span as dense', (g, rep, dim) => {
    const G = parseGroup(g);
    const it = equivariantBasis(parseRep(rep, G), Scalar(G), { method: 'iterative' });
    const de = equivariantBasis(parseRep(rep, G), Scalar(G), { method: 'dense' });
    expect(it.method).toBe('iterative');
    expect(it.dim).toBe(dim);
    const n = it.n;
    const P1 = matmul(it.Q, transpose(it.Q, n, it.dim), n, it.dim, n);
    const P2 = matmul(de.Q, transpose(de.Q, n, de.dim), n, de.dim, n);
    expect(maxAbsDiff(P1, P2)).toBeLessThan(1e-8);
  });
});
