import { describe, expect, it } from 'vitest';
import { O } from '../../src/group/index.js';
import { Tensor, randn } from '../../src/tensor/index.js';
import { assertEquivariant, assertGradcheck, equivarianceError } from '../../src/testing/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { Irreps, ReducedTensorProducts } from '../../src/nn/irreps/index.js';

const G = O(3);
const f64 = (rng: Rng, shape: number[], grad = false): Tensor => {
  const t = randn(rng, shape, { dtype: 'float64' });
  return grad ? new Tensor(t.data, t.shape, 'float64', true) : t;
};

/** max |Q Qᵀ − I|. */
function orthoError(Q: Float64Array, n: number, D: number): number {
  let e = 0;
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += Q[a * D + k]! * Q[b * D + k]!;
    e = Math.max(e, Math.abs(s - (a === b ? 1 : 0)));
  }
  return e;
}

/** Dimension of the tensors with the symmetry, counted independently (rank of the symmetriser on random tensors). */
const cases: [string, Record<string, string>, string, number][] = [
  ['ij=ji', { i: '1o' }, '1x0e+1x2e', 6],
  ['ij=-ji', { i: '1o' }, '1x1e', 3],
  ['ij', { i: '1o', j: '1o' }, '1x0e+1x1e+1x2e', 9],
  ['ijk=jik=ikj', { i: '1o' }, '1x1o+1x3o', 10],
  ['ijk=-jik=-ikj', { i: '1o' }, '1x0o', 1],
  ['ijkl=jikl=klij', { i: '1o' }, '2x0e+2x2e+1x4e', 21],
  ['ij=ji', { i: '0e+1o' }, '2x0e+1x1o+1x2e', 10],
];

describe('ReducedTensorProducts', () => {
  it.each(cases)('%s %o → %s: dimension, orthonormal Q spanning the symmetric tensors', (formula, irreps, want, dim) => {
    const rtp = new ReducedTensorProducts(formula, irreps);
    expect(rtp.irrepsOut.toString()).toBe(want);
    expect(rtp.irrepsOut.dim).toBe(dim);
    const D = rtp.tensorDim;
    expect(orthoError(rtp.Q, dim, D)).toBeLessThan(1e-12);
    // QᵀQ is the symmetriser: Qᵀ Q vec(T) = vec(T) for a symmetrised T, and Q vec(T) = 0 for an anti-symmetric part
    if (formula === 'ij=ji' && irreps.i === '1o') {
      const rng = new Rng(1);
      const A = Array.from({ length: 9 }, () => rng.normal());
      const S = A.map((_, f) => (A[f]! + A[(f % 3) * 3 + Math.floor(f / 3)]!) / 2);
      const K = A.map((_, f) => (A[f]! - A[(f % 3) * 3 + Math.floor(f / 3)]!) / 2);
      const y = Array.from({ length: 6 }, (_, r) => S.reduce((s, v, f) => s + rtp.Q[r * 9 + f]! * v, 0));
      const back = S.map((_, f) => y.reduce((s, v, r) => s + rtp.Q[r * 9 + f]! * v, 0));
      back.forEach((v, f) => expect(v).toBeCloseTo(S[f]!, 13));
      for (let r = 0; r < 6; r++) expect(Math.abs(K.reduce((s, v, f) => s + rtp.Q[r * 9 + f]! * v, 0))).toBeLessThan(1e-13);
      // the 0e component of a symmetric matrix is its trace / √3
      expect(Math.abs(y[0]!)).toBeCloseTo(Math.abs(S[0]! + S[4]! + S[8]!) / Math.sqrt(3), 13);
    }
  });

  it('forward Q·(x₁ ⊗ … ⊗ xₙ) is O(3)-equivariant (f64, f32), gradchecked; a wrong parity is caught', () => {
    const rtp = new ReducedTensorProducts('ijk=jik=ikj', { i: '1o' });
    const v = Irreps.of('1o').rep(G);
    const spec = { group: G, in: [v, v, v], out: rtp.irrepsOut.rep(G) };
    expect(assertEquivariant((a: Tensor, b: Tensor, c: Tensor) => rtp.call(a, b, c), spec).ok).toBe(true);
    expect(assertEquivariant((a: Tensor, b: Tensor, c: Tensor) => rtp.call(a, b, c), { ...spec, dtype: 'float32' }).ok).toBe(true);
    expect(equivarianceError((a: Tensor, b: Tensor, c: Tensor) => rtp.call(a, b, c), { ...spec, out: Irreps.of('1x1e+1x3o').rep(G) }).ok).toBe(false);
    const rng = new Rng(2);
    assertGradcheck((a, b, c) => rtp.call(a!, b!, c!), [f64(rng, [2, 3], true), f64(rng, [2, 3], true), f64(rng, [2, 3], true)]);
    const el = new ReducedTensorProducts('ijkl=jikl=klij', { i: '1o' });
    expect(assertEquivariant((a: Tensor, b: Tensor, c: Tensor, d: Tensor) => el.call(a, b, c, d), { group: G, in: [v, v, v, v], out: el.irrepsOut.rep(G) }).ok).toBe(true);
  });

  it('errors', () => {
    expect(() => new ReducedTensorProducts('ij=jk', { i: '1o' })).toThrow(ValueError);
    expect(() => new ReducedTensorProducts('ii', { i: '1o' })).toThrow(/distinct/);
    expect(() => new ReducedTensorProducts('ij=ji', { i: '1o', j: '2e' })).toThrow(/different irreps/);
    expect(() => new ReducedTensorProducts('ij', { i: '1o' })).toThrow(/no irreps given/);
    const rtp = new ReducedTensorProducts('ij=ji', { i: '1o' });
    expect(() => rtp.call(f64(new Rng(0), [2, 3]))).toThrow(/expected 2 inputs/);
    expect(() => rtp.call(f64(new Rng(0), [2, 3]), f64(new Rng(0), [2, 4]))).toThrow(ShapeError);
  });
});
