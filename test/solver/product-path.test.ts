import { describe, expect, it } from 'vitest';
import { parseGroup } from '../../src/group/index.js';
import { matmul, maxAbsDiff, transpose } from '../../src/linalg/index.js';
import { parseRep } from '../../src/rep/index.js';
import { equivariantBasis } from '../../src/solver/index.js';

describe('Kronecker of solutions for product groups', () => {
  it.each([
    ['SO(2)xS(3)', 'V', 'V', 4], ['SO(2)xS(3)', 'V^2', 'Scalar', 4], ['SO(3)xS(4)', 'V', 'V', 2], ['SO13pxC(4)', 'V', 'V', 2],
    ['S(3)xZ(4)', 'V', 'V^2', 80],
  ] as const)('%s: %s → %s has dim %i and the same span as the dense path', (g, a, b, dim) => {
    const G = parseGroup(g);
    const B = equivariantBasis(parseRep(a, G), parseRep(b, G));
    const D = equivariantBasis(parseRep(a, G), parseRep(b, G), { method: 'dense' });
    expect(B.dim).toBe(dim);
    expect(D.dim).toBe(dim);
    const n = B.n;
    const P1 = matmul(B.Q, transpose(B.Q, n, dim), n, dim, n);
    const P2 = matmul(D.Q, transpose(D.Q, n, dim), n, dim, n);
    expect(maxAbsDiff(P1, P2)).toBeLessThan(1e-9);
  });
});
