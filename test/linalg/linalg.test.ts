import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/index.js';
import {
  expm, fromRows, gram, identity, inverse, kron, matmul, maxAbsDiff, nullspace, nullspaceFromGram,
  orthonormalise, pinv, solve, transpose, kronSum,
} from '../../src/linalg/index.js';

function rand(rng: Rng, n: number): Float64Array {
  return rng.fillNormal(new Float64Array(n)) as Float64Array;
}

describe('dense helpers', () => {
  it('matmul, transpose, kron', () => {
    const a = fromRows([[1, 2, 3], [4, 5, 6]]);
    const b = fromRows([[1, 0], [0, 1], [1, 1]]);
    expect(Array.from(matmul(a, b, 2, 3, 2))).toEqual([4, 5, 10, 11]);
    expect(Array.from(transpose(a, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    const k = kron(fromRows([[1, 2]]), 1, 2, fromRows([[1], [3]]), 2, 1);
    expect(Array.from(k)).toEqual([1, 2, 3, 6]);
  });
  it('vec_r(A W B) = (A ⊗ Bᵀ) vec_r(W)', () => {
    const rng = new Rng(1);
    const A = rand(rng, 4), W = rand(rng, 4), B = rand(rng, 4);
    const lhs = matmul(matmul(A, W, 2, 2, 2), B, 2, 2, 2);
    const rhs = matmul(kron(A, 2, 2, transpose(B, 2, 2), 2, 2), W, 4, 4, 1);
    expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-12);
  });
  it('gram equals AᵀA', () => {
    const rng = new Rng(2);
    const a = rand(rng, 15);
    a[3] = 0;
    expect(maxAbsDiff(gram(a, 5, 3), matmul(transpose(a, 5, 3), a, 3, 5, 3))).toBeLessThan(1e-12);
  });
});

describe('expm', () => {
  it('rotation generator exponentiates to a rotation', () => {
    const t = 2.3;
    const e = expm(fromRows([[0, -t], [t, 0]]));
    expect(maxAbsDiff(e, fromRows([[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]]))).toBeLessThan(1e-13);
  });
  it('exp(A⊕B) = exp(A)⊗exp(B) and exp(0) = I', () => {
    const rng = new Rng(3);
    const A = rand(rng, 4), B = rand(rng, 9);
    const lhs = expm(kronSum(A, B));
    const rhs = kron(expm(A), 2, 2, expm(B), 3, 3);
    expect(maxAbsDiff(lhs, rhs) / Math.max(1, ...Array.from(rhs, Math.abs))).toBeLessThan(1e-11);
    expect(maxAbsDiff(expm(new Float64Array(9)), identity(3))).toBe(0);
  });
});

describe('nullspace', () => {
  it('finds the nullspace of a wide matrix (zero-padding)', () => {
    const rng = new Rng(4);
    const c = rand(rng, 3 * 7);
    const ns = nullspace(c, 3, 7);
    expect(ns.dim).toBe(4);
    expect(Math.max(...Array.from(matmul(c, ns.basis, 3, 7, 4), Math.abs))).toBeLessThan(1e-12);
    const qtq = matmul(transpose(ns.basis, 7, 4), ns.basis, 4, 7, 4);
    expect(maxAbsDiff(qtq, identity(4))).toBeLessThan(1e-12);
    expect(ns.gap).toBe(Infinity);
  });
  it('tall rank-deficient matrix: SVD and Gram routes agree and report a gap', () => {
    const rng = new Rng(5);
    const u = rand(rng, 10 * 3), v = rand(rng, 3 * 6);
    const c = matmul(u, v, 10, 3, 6); // rank 3
    const a = nullspace(c, 10, 6);
    const b = nullspaceFromGram(gram(c, 10, 6), 6);
    expect(a.dim).toBe(3);
    expect(b.dim).toBe(3);
    expect(a.gap).toBeGreaterThan(1e8);
    // same subspace: projectors agree
    const pa = matmul(a.basis, transpose(a.basis, 6, 3), 6, 3, 6);
    const pb = matmul(b.basis, transpose(b.basis, 6, 3), 6, 3, 6);
    expect(maxAbsDiff(pa, pb)).toBeLessThan(1e-9);
  });
  it('full-rank square matrix has trivial nullspace', () => {
    const ns = nullspace(identity(4), 4, 4);
    expect(ns.dim).toBe(0);
  });
});

describe('inverse, solve, pinv, orthonormalise', () => {
  it('inverse and solve', () => {
    const rng = new Rng(6);
    const a = rand(rng, 16);
    expect(maxAbsDiff(matmul(a, inverse(a), 4, 4, 4), identity(4))).toBeLessThan(1e-10);
    const b = rand(rng, 8);
    expect(maxAbsDiff(matmul(a, solve(a, b, 2), 4, 4, 2), b)).toBeLessThan(1e-10);
  });
  it('pinv of a tall matrix is a left inverse', () => {
    const rng = new Rng(7);
    const a = rand(rng, 12);
    expect(maxAbsDiff(matmul(pinv(a, 4, 3), a, 3, 4, 3), identity(3))).toBeLessThan(1e-10);
  });
  it('orthonormalise drops dependent columns', () => {
    const a = fromRows([[1, 2, 0], [1, 2, 0], [0, 0, 1], [0, 0, 1]]);
    const { basis, rank } = orthonormalise(a, 4, 3);
    expect(rank).toBe(2);
    expect(maxAbsDiff(matmul(transpose(basis, 4, 2), basis, 2, 4, 2), identity(2))).toBeLessThan(1e-12);
  });
});
