/**
 * Inverses, linear solves, pseudo-inverses and orthonormalisation on row-major Float64Arrays.
 * @module
 */
import { Matrix, SingularValueDecomposition, inverse as mlInverse, pseudoInverse as mlPinv, solve as mlSolve } from 'ml-matrix';
import { ShapeError, ValueError } from '../util/index.js';
import { sqDim } from './dense.js';

function toFlat(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) out[i * m.columns + j] = m.get(i, j);
  return out;
}

/** Inverse A⁻¹ of a square matrix (LU); throws ValueError when A is singular. */
export function inverse(a: Float64Array): Float64Array {
  const n = sqDim(a);
  const inv = toFlat(mlInverse(Matrix.from1DArray(n, n, a)));
  for (let i = 0; i < inv.length; i++) {
    if (!Number.isFinite(inv[i]!)) throw new ValueError(`inverse: matrix ${n}×${n} is singular`);
  }
  return inv;
}

/** Solve A·X = B for square A (n×n) and B (n×k). */
export function solve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const n = sqDim(a);
  if (b.length !== n * k) throw new ShapeError(`solve: B has length ${b.length}, expected ${n}·${k}`);
  return toFlat(mlSolve(Matrix.from1DArray(n, n, a), Matrix.from1DArray(n, k, b)));
}

/** Moore–Penrose pseudo-inverse A⁺ (n×m) of an m×n matrix, via SVD. */
export function pinv(a: Float64Array, m: number, n: number): Float64Array {
  if (a.length !== m * n) throw new ShapeError(`pinv: length ${a.length} ≠ ${m}·${n}`);
  return toFlat(mlPinv(Matrix.from1DArray(m, n, a)));
}

/**
 * Orthonormal basis of the column span of an n×k matrix A (thin SVD, keep σ > tol·σ_max).
 * @returns n×r row-major with orthonormal columns, r = numerical rank.
 */
export function orthonormalise(a: Float64Array, n: number, k: number, tol = 1e-10): { basis: Float64Array; rank: number } {
  if (a.length !== n * k) throw new ShapeError(`orthonormalise: length ${a.length} ≠ ${n}·${k}`);
  if (k === 0 || n === 0) return { basis: new Float64Array(0), rank: 0 };
  // Left singular vectors of A; pad columns so ml-matrix never sees a wide matrix.
  const rows = Math.max(n, k);
  const padded = new Float64Array(rows * k);
  padded.set(a);
  const svd = new SingularValueDecomposition(Matrix.from1DArray(rows, k, padded), {
    computeLeftSingularVectors: true,
    computeRightSingularVectors: false,
    autoTranspose: false,
  });
  const s = svd.diagonal;
  const order = s.map((_, i) => i).sort((i, j) => s[j]! - s[i]!);
  const smax = s[order[0]!]!;
  const keep = order.filter((i) => s[i]! > tol * smax && smax > 0);
  const U = svd.leftSingularVectors;
  const r = keep.length;
  const basis = new Float64Array(n * r);
  keep.forEach((col, c) => {
    for (let i = 0; i < n; i++) basis[i * r + c] = U.get(i, col);
  });
  return { basis, rank: r };
}
