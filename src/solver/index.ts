/** The equivariant-basis solver: orbit counting, dense nullspace, block structure, explicit cache. @module */
export { equivariantBasis, EquivariantBasis, MAX_DENSE_Q } from './equivariant-basis.js';
export type { BasisBlock, TermPair, SolverOptions } from './equivariant-basis.js';
export { BasisCache } from './cache.js';
export { invariants, orbitInvariants, denseInvariants, constraintGram, generatorPerms, prefersKrylov, DENSE_LIMIT, KRYLOV_MIN } from './invariants.js';
export type { InvariantBasis, Generators } from './invariants.js';
export { explainEmpty } from './explain.js';
export { decompose, irrepsHomBasis } from './irreps-path.js';
export type { Decomposition } from './irreps-path.js';
export { stagedNullspace, toCsr } from './staged-dense.js';
export type { Csr, StagedResult } from './staged-dense.js';
export { iterativeInvariants } from './iterative.js';
export type { IterativeOptions } from './iterative.js';
export { productInvariants } from './product-path.js';
export { krylovInvariants, wordModes, hasSymmetricGenerator, KRYLOV_MAX_N } from './krylov.js';
export type { KrylovOptions, KrylovStats } from './krylov.js';
