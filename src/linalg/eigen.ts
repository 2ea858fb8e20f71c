/**
 * Symmetric eigendecomposition A = V diag(λ) Vᵀ (ml-matrix's tridiagonal QL).
 * @module
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ShapeError } from '../util/index.js';

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns of the n×n row-major V) of a
 * symmetric matrix.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length !== n * n) throw new ShapeError(`symmetricEigen: length ${a.length} ≠ ${n}²`);
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(n, n, a), { assumeSymmetric: true });
  const lam = evd.realEigenvalues;
  const order = lam.map((_, i) => i).sort((i, j) => lam[i]! - lam[j]!);
  const V = evd.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  order.forEach((col, k) => {
    for (let i = 0; i < n; i++) vectors[i * n + k] = V.get(i, col);
  });
  return { values: Float64Array.from(order, (i) => lam[i]!), vectors };
}
