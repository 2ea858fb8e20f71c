/**
 * Numerical nullspaces with a relative-gap rank decision. Two routes: SVD of the constraint
 * matrix (wide matrices are zero-padded to square: ml-matrix's SVD of a matrix with fewer rows than
 * columns returns too few right singular vectors, so nullspace columns would go missing), and a symmetric eigendecomposition of the Gram matrix CᵀC (faster,
 * squares the condition number, fine for exact constraint systems).
 * @module
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { ShapeError } from '../util/index.js';

/** A nullspace: orthonormal columns Q (n×dim, row-major) with CQ ≈ 0, and the spectral gap. */
export interface Nullspace {
  /** n×dim row-major, orthonormal columns spanning null(C). */
  readonly basis: Float64Array;
  /** Number of columns r of the basis. */
  readonly dim: number;
  /** Ambient dimension n. */
  readonly n: number;
  /**
   * Spectral gap σ_min(kept) / σ_max(null): the smallest singular value on the row-space side over
   * the largest one declared zero (Infinity when nothing is declared zero or it is exactly 0).
   */
  readonly gap: number;
  /** Singular values of C in decreasing order (length n, zero-padded). */
  readonly singularValues: Float64Array;
}

/** Options for the rank decision. */
export interface NullspaceOptions {
  /** Singular values ≤ tol·σ_max count as zero (default 1e-8; the Gram route uses √ of its own tol). */
  readonly tol?: number;
}

/**
 * Rank decision: the cut r is the number of σᵢ > tol·σ_max; the gap is σ_r / σ_{r+1}.
 * @returns [rank, gap]
 */
export function rankByGap(sv: Float64Array, tol: number): [number, number] {
  const smax = sv.length > 0 ? sv[0]! : 0;
  if (smax === 0) return [0, Infinity];
  let r = 0;
  while (r < sv.length && sv[r]! > tol * smax) r++;
  if (r === sv.length) return [r, Infinity];
  if (r === 0) return [0, Infinity];
  const below = sv[r]!;
  return [r, below === 0 ? Infinity : sv[r - 1]! / below];
}

/**
 * Nullspace of an m×n matrix C via its SVD: null(C) = span of the right singular vectors with
 * σ ≈ 0. Wide C (m < n) is zero-padded to n×n first.
 */
export function nullspace(c: Float64Array, m: number, n: number, opts: NullspaceOptions = {}): Nullspace {
  if (c.length !== m * n) throw new ShapeError(`nullspace: length ${c.length} ≠ ${m}·${n}`);
  const tol = opts.tol ?? 1e-8;
  const rows = Math.max(m, n);
  const padded = new Float64Array(rows * n);
  padded.set(c);
  const svd = new SingularValueDecomposition(Matrix.from1DArray(rows, n, padded), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: true,
    autoTranspose: false,
  });
  const s = svd.diagonal;
  const order = s.map((_, i) => i).sort((i, j) => s[j]! - s[i]!);
  const sv = Float64Array.from(order, (i) => s[i]!);
  const [r, gap] = rankByGap(sv, tol);
  return { basis: trailingColumns(svd.rightSingularVectors, n, order, r), dim: n - r, n, gap, singularValues: sv };
}

/**
 * Nullspace of C from its Gram matrix G = CᵀC (n×n, symmetric): eigenvectors with eigenvalue
 * λ ≤ tol²·λ_max. Singular values are reported as √max(λ, 0).
 */
export function nullspaceFromGram(g: Float64Array, n: number, opts: NullspaceOptions = {}): Nullspace {
  if (g.length !== n * n) throw new ShapeError(`nullspaceFromGram: length ${g.length} ≠ ${n}²`);
  const tol = opts.tol ?? 1e-6;
  if (n === 0) return { basis: new Float64Array(0), dim: 0, n, gap: Infinity, singularValues: new Float64Array(0) };
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(n, n, g), { assumeSymmetric: true });
  const lam = evd.realEigenvalues;
  const order = lam.map((_, i) => i).sort((i, j) => lam[j]! - lam[i]!);
  const sv = Float64Array.from(order, (i) => Math.sqrt(Math.max(lam[i]!, 0)));
  const [r, gap] = rankByGap(sv, tol);
  return { basis: trailingColumns(evd.eigenvectorMatrix, n, order, r), dim: n - r, n, gap, singularValues: sv };
}

/** Columns order[r…] of an n-row matrix (vectors sorted by decreasing singular value), as n×(n−r) row-major. */
function trailingColumns(v: { get(i: number, j: number): number }, n: number, order: readonly number[], r: number): Float64Array {
  const dim = n - r;
  const basis = new Float64Array(n * dim);
  for (let k = 0; k < dim; k++) {
    const col = order[r + k]!;
    for (let i = 0; i < n; i++) basis[i * dim + k] = v.get(i, col);
  }
  return basis;
}
