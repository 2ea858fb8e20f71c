/** Dense float64 linear algebra helpers (row-major Float64Array matrices). @module */
export {
  sqDim,
  identity,
  zeros,
  fromRows,
  matmul,
  matmulSq,
  matvec,
  transpose,
  kron,
  kronSq,
  kronSum,
  blockDiag,
  add,
  sub,
  scale,
  frobenius,
  maxAbsDiff,
  trace,
  gram,
  det,
} from './dense.js';
export { expm } from './expm.js';
export { nullspace, nullspaceFromGram, rankByGap } from './nullspace.js';
export type { Nullspace, NullspaceOptions } from './nullspace.js';
export { inverse, solve, pinv, orthonormalise } from './solve.js';
export { symmetricEigen } from './eigen.js';
export { csrFromTriplets, csrMatvec, csrToDense, csrDiagonal, csrTranspose, csrAsymmetry, csrAdd, csrDiag, checkCsr } from './sparse.js';
export type { CsrMatrix } from './sparse.js';
export { reverseCuthillMcKee, nestedDissection, sparseCholesky, choleskySolve, choleskyNnz } from './sparse-cholesky.js';
export type { SparseCholesky } from './sparse-cholesky.js';
export { conjugateGradient } from './sparse-cg.js';
export type { CgOptions, CgResult } from './sparse-cg.js';
export { lobpcgNullspace, ConvergenceError, SpectralGapError } from './lobpcg.js';
export type { BlockOperator, LobpcgOptions, LobpcgResult } from './lobpcg.js';
export { csrGramSum } from './sparse-gram.js';
