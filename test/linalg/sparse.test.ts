import { describe, expect, it } from 'vitest';
import {
  checkCsr, choleskyNnz, choleskySolve, conjugateGradient, csrAdd, csrAsymmetry, csrDiag, csrFromTriplets, csrMatvec,
  csrToDense, csrTranspose, matvec, maxAbsDiff, nestedDissection, reverseCuthillMcKee, solve, sparseCholesky, type CsrMatrix,
} from '../../src/linalg/index.js';
import { IndexError, Rng, ShapeError, ValueError } from '../../src/util/index.js';

/** A random sparse SPD matrix: a random graph Laplacian plus a positive diagonal. */
function randomSpd(rng: Rng, n: number, deg = 3): CsrMatrix {
  const ti: number[] = [], tj: number[] = [], tv: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let e = 0; e < deg; e++) {
      const j = Math.floor(rng.uniform() * n);
      if (j === i) continue;
      const w = 0.1 + rng.uniform();
      ti.push(i, j, i, j); tj.push(j, i, i, j); tv.push(-w, -w, w, w);
    }
    ti.push(i); tj.push(i); tv.push(0.05 + rng.uniform());
  }
  return csrFromTriplets(n, n, ti, tj, tv);
}

/** The 2-D grid Laplacian (5-point) plus identity on an m×m grid. */
function grid2d(m: number): CsrMatrix {
  const ti: number[] = [], tj: number[] = [], tv: number[] = [];
  const id = (x: number, y: number) => x * m + y;
  for (let x = 0; x < m; x++) for (let y = 0; y < m; y++) {
    ti.push(id(x, y)); tj.push(id(x, y)); tv.push(1);
    for (const [dx, dy] of [[1, 0], [0, 1]] as const) {
      if (x + dx >= m || y + dy >= m) continue;
      const a = id(x, y), b = id(x + dx, y + dy);
      ti.push(a, b, a, b); tj.push(b, a, a, b); tv.push(-1, -1, 1, 1);
    }
  }
  return csrFromTriplets(m * m, m * m, ti, tj, tv);
}

describe('CSR matrices', () => {
  it('assembly sums duplicates and sorts columns; matvec matches dense', () => {
    const a = csrFromTriplets(2, 3, [0, 0, 1, 0], [2, 0, 1, 2], [1, 2, 3, 4]);
    expect(Array.from(a.colIdx)).toEqual([0, 2, 1]);
    expect(Array.from(a.values)).toEqual([2, 5, 3]);
    expect(Array.from(csrToDense(a))).toEqual([2, 0, 5, 0, 3, 0]);
    const x = Float64Array.from([1, 2, 3]);
    expect(Array.from(csrMatvec(a, x))).toEqual(Array.from(matvec(csrToDense(a), x, 2, 3)));
    expect(Array.from(csrToDense(csrTranspose(a)))).toEqual([2, 0, 0, 3, 5, 0]);
    expect(Array.from(csrToDense(csrAdd(a, a, 1, -0.5)))).toEqual([1, 0, 2.5, 0, 1.5, 0]);
    expect(Array.from(csrToDense(csrDiag([1, 2])))).toEqual([1, 0, 0, 2]);
    checkCsr(a);
  });
  it('rejects bad triplets and broken CSR structures', () => {
    expect(() => csrFromTriplets(2, 2, [0, 2], [0, 0], [1, 1], 'op')).toThrow(IndexError);
    expect(() => csrFromTriplets(2, 2, [0], [0, 1], [1], 'op')).toThrow(ShapeError);
    const a = csrFromTriplets(2, 2, [0, 1], [1, 0], [1, 1]);
    expect(() => checkCsr({ ...a, colIdx: Int32Array.from([1, 5]) }, 'op')).toThrow(IndexError);
    expect(() => checkCsr({ ...a, rowPtr: Int32Array.from([0, 1]) }, 'op')).toThrow(ShapeError);
    expect(() => checkCsr({ ...a, values: Float64Array.from([NaN, 1]) }, 'op')).toThrow(/not finite/);
    expect(() => csrMatvec(a, new Float64Array(3))).toThrow(ShapeError);
  });
  it('asymmetry is zero for symmetric matrices and positive otherwise', () => {
    expect(csrAsymmetry(randomSpd(new Rng(1), 30))).toBe(0);
    expect(csrAsymmetry(csrFromTriplets(2, 2, [0], [1], [1]))).toBe(1);
  });
});

describe('sparse Cholesky', () => {
  it('reverse Cuthill–McKee and nested dissection return permutations (also on disconnected graphs)', () => {
    for (const a of [randomSpd(new Rng(2), 50), randomSpd(new Rng(2), 300, 1), grid2d(30)]) {
      const n = a.rows, ids = Array.from({ length: n }, (_, i) => i);
      expect(Array.from(reverseCuthillMcKee(a)).sort((x, y) => x - y)).toEqual(ids);
      expect(Array.from(nestedDissection(a, 8)).sort((x, y) => x - y)).toEqual(ids);
    }
  });
  it('nested dissection fills less than RCM on a 2-D grid and gives the same solution', () => {
    const a = grid2d(40), b = new Rng(7).fillNormal(new Float64Array(1600)) as Float64Array;
    const nd = sparseCholesky(a), rcm = sparseCholesky(a, 'rcm');
    expect(choleskyNnz(nd)).toBeLessThan(choleskyNnz(rcm));
    expect(maxAbsDiff(choleskySolve(nd, b), choleskySolve(rcm, b))).toBeLessThan(1e-9);
  });
  it('solves like the dense solver on random SPD systems', () => {
    const rng = new Rng(3);
    for (const n of [1, 5, 40, 120]) {
      const a = randomSpd(rng, n);
      const b = rng.fillNormal(new Float64Array(n)) as Float64Array;
      const x = choleskySolve(sparseCholesky(a), b);
      const xd = solve(csrToDense(a), b, 1);
      expect(maxAbsDiff(x, xd)).toBeLessThan(1e-9);
      const r = csrMatvec(a, x);
      expect(maxAbsDiff(r, b)).toBeLessThan(1e-9);
    }
  });
  it('the identity ordering gives the same solution; RCM keeps fill down on a grid', () => {
    const a = grid2d(20), n = 400, rng = new Rng(4);
    const b = rng.fillNormal(new Float64Array(n)) as Float64Array;
    const ident = Int32Array.from({ length: n }, (_, i) => i);
    const f0 = sparseCholesky(a, ident), f1 = sparseCholesky(a, 'rcm');
    expect(maxAbsDiff(choleskySolve(f0, b), choleskySolve(f1, b))).toBeLessThan(1e-9);
    // a random ordering fills much more than RCM
    const shuffled = Array.from(ident);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]; }
    expect(choleskyNnz(f1)).toBeLessThan(choleskyNnz(sparseCholesky(a, Int32Array.from(shuffled))));
  });
  it('rejects indefinite matrices, non-square matrices and bad orderings', () => {
    const a = csrFromTriplets(2, 2, [0, 1, 0, 1], [0, 1, 1, 0], [1, 1, 2, 2]);
    expect(() => sparseCholesky(a)).toThrow(ValueError);
    expect(() => sparseCholesky(a)).toThrow(/sparseCholesky: pivot/);
    expect(() => sparseCholesky(csrFromTriplets(2, 3, [], [], []))).toThrow(ShapeError);
    expect(() => sparseCholesky(grid2d(2), Int32Array.from([0, 0, 1, 2]))).toThrow(/not a permutation/);
  });
});

describe('conjugate gradients', () => {
  it('reaches the requested residual and agrees with Cholesky', () => {
    const a = grid2d(25), rng = new Rng(5);
    const b = rng.fillNormal(new Float64Array(625)) as Float64Array;
    const res = conjugateGradient(a, b, { tol: 1e-12 });
    expect(res.converged).toBe(true);
    expect(res.residual).toBeLessThan(1e-11);
    expect(maxAbsDiff(res.x, choleskySolve(sparseCholesky(a), b))).toBeLessThan(1e-8);
    const plain = conjugateGradient(a, b, { tol: 1e-12, jacobi: false });
    expect(plain.residual).toBeLessThan(1e-11);
  });
  it('zero right-hand side gives zero; bad input is named', () => {
    const a = grid2d(3);
    expect(conjugateGradient(a, new Float64Array(9)).iterations).toBe(0);
    expect(() => conjugateGradient(a, new Float64Array(8))).toThrow(ShapeError);
    expect(() => conjugateGradient(csrFromTriplets(1, 1, [0], [0], [-1]), Float64Array.from([1]))).toThrow(ValueError);
  });
});
