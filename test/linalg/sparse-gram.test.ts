import { describe, expect, it } from 'vitest';
import { csrFromTriplets, csrGramSum, csrToDense, gram } from '../../src/linalg/index.js';
import { ShapeError, Rng } from '../../src/util/index.js';

describe('csrGramSum', () => {
  it('equals Σ BᵀB computed densely, with sorted columns', () => {
    const rng = new Rng(4);
    const n = 30;
    const bs = [40, 25, 60].map((rows) => {
      const ti: number[] = [], tj: number[] = [], tv: number[] = [];
      for (let k = 0; k < rows * 3; k++) { ti.push(rng.int(rows)); tj.push(rng.int(n)); tv.push(rng.normal()); }
      return csrFromTriplets(rows, n, ti, tj, tv);
    });
    const G = csrGramSum(bs, n);
    const ref = new Float64Array(n * n);
    for (const b of bs) gram(csrToDense(b), b.rows, n, ref);
    const dense = csrToDense(G);
    let err = 0;
    for (let i = 0; i < n * n; i++) err = Math.max(err, Math.abs(dense[i]! - ref[i]!));
    expect(err).toBeLessThan(1e-12);
    for (let r = 0; r < n; r++) for (let p = G.rowPtr[r]! + 1; p < G.rowPtr[r + 1]!; p++) expect(G.colIdx[p]!).toBeGreaterThan(G.colIdx[p - 1]!);
  });

  it('rejects a term of another width', () => {
    const b = csrFromTriplets(2, 3, [0], [1], [1]);
    expect(() => csrGramSum([b], 4)).toThrow(ShapeError);
    expect(() => csrGramSum([b], 4)).toThrow(/csrGramSum: a 2×3 matrix/);
  });
});
