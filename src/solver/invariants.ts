/**
 * Invariant subspaces {v : ρ(g)v = v ∀g} of a single representation, by two paths:
 * orbit counting for signed-permutation actions (union–find, no SVD) and the dense nullspace of
 * the stacked constraint C = [ρ(h₁) − I; …; dρ(A₁); …] via its Gram matrix CᵀC.
 * @module
 */
import { gram, nullspaceFromGram } from '../linalg/index.js';
import type { Rep, SignedPerm } from '../rep/index.js';
import { signedOrbits } from './signed-orbits.js';
import { hasSymmetricGenerator, krylovInvariants, wordModes } from './krylov.js';
import type { KrylovStats } from './krylov.js';
import { stagedNullspace, toCsr } from './staged-dense.js';

/** An orthonormal basis Q (n×dim row-major) of the invariants of one rep. */
export interface InvariantBasis {
  readonly Q: Float64Array;
  readonly n: number;
  readonly dim: number;
  /** σ_min(kept)/σ_max(null) of the constraint (Infinity for the exact orbit path). */
  readonly gap: number;
  readonly method: 'orbit' | 'dense' | 'irreps' | 'iterative' | 'krylov';
  /** Statistics of the Krylov path (only when method is `'krylov'`). */
  readonly krylov?: KrylovStats;
}

/** The constraint generators (defaults to the rep's group; a subset explains empty bases). */
export interface Generators {
  readonly discreteGenerators: readonly Float64Array[];
  readonly lieAlgebra: readonly Float64Array[];
}

/** Largest rep size for the dense path (the Gram matrix is n×n); larger ones go to the Krylov path. */
export const DENSE_LIMIT = 2500;

/**
 * Smallest rep size for which a tensor word of a group with a symmetric (non-compact) Lie
 * generator, e.g. the Lorentz boosts, goes to the Krylov path (`krylov.ts`) instead of the staged
 * dense path: measured crossover (docs/design/solver.md), V^{⊗4} (256) is faster dense,
 * V^{⊗5} (1024) faster by Krylov.
 */
export const KRYLOV_MIN = 512;

/** Whether the automatic choice sends `rep` (n = rep.size ≤ DENSE_LIMIT) to the Krylov path. */
export function prefersKrylov(rep: Rep, gens: Generators = rep.group): boolean {
  return rep.size >= KRYLOV_MIN && gens.lieAlgebra.length > 0 && hasSymmetricGenerator(rep.group.d, gens) && wordModes(rep) !== null;
}

/**
 * Invariants of a signed-permutation action by union–find with signs: ρ(h)e_i = s_i e_{π(i)}
 * forces v_{π(i)} = s_i v_i; every orbit without a sign conflict contributes one basis vector
 * (±1/√|orbit| on its members), conflicting orbits contribute nothing. dim = #orbits (Burnside).
 */
export function orbitInvariants(n: number, perms: readonly SignedPerm[]): InvariantBasis {
  const { col, sign, sizes } = signedOrbits(n, perms);
  const dim = sizes.length;
  const Q = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = col[i]!;
    if (c >= 0) Q[i * dim + c] = sign[i]! / Math.sqrt(sizes[c]!);
  }
  return { Q, n, dim, gap: Infinity, method: 'orbit' };
}

/** The signed permutations of all discrete generators, or null when the orbit path does not apply. */
export function generatorPerms(rep: Rep, gens: Generators = rep.group): SignedPerm[] | null {
  if (gens.lieAlgebra.length > 0) return null;
  const out: SignedPerm[] = [];
  for (const h of gens.discreteGenerators) {
    const sp = rep.signedPerm(h);
    if (!sp) return null;
    out.push(sp);
  }
  return out;
}

/** Gram matrix CᵀC = Σ (ρ(h) − I)ᵀ(ρ(h) − I) + Σ dρ(A)ᵀdρ(A) of the constraint system. */
export function constraintGram(rep: Rep, gens: Generators = rep.group): Float64Array {
  const n = rep.size;
  const G = new Float64Array(n * n);
  for (const h of gens.discreteGenerators) {
    const m = rep.rho(h);
    for (let i = 0; i < n; i++) m[i * n + i]! -= 1;
    gram(m, n, n, G);
  }
  for (const A of gens.lieAlgebra) gram(rep.drho(A), n, n, G);
  return G;
}

/**
 * Dense path: nullspace of the stacked constraints, by the staged sparse solve when a constraint
 * splits into small components, else by the eigendecomposition of the full Gram matrix CᵀC
 * (relative tolerance `tol` on σ). Sizes above DENSE_LIMIT go to the matrix-free Krylov path.
 */
export function denseInvariants(rep: Rep, tol = 1e-6, gens: Generators = rep.group): InvariantBasis {
  const n = rep.size;
  if (n > DENSE_LIMIT) return krylovInvariants(rep, { tol }, gens);
  const mats: Float64Array[] = [];
  for (const h of gens.discreteGenerators) {
    const m = rep.rho(h);
    for (let i = 0; i < n; i++) m[i * n + i]! -= 1;
    mats.push(m);
  }
  for (const A of gens.lieAlgebra) mats.push(rep.drho(A));
  const nonzero = mats.filter((m) => m.some((x) => x !== 0));
  if (nonzero.length === 0) {
    const Q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) Q[i * n + i] = 1;
    return { Q, n, dim: n, gap: Infinity, method: 'dense' };
  }
  if (n > 32) {
    const staged = stagedNullspace(nonzero.map((m) => toCsr(m, n)), n, tol);
    if (staged) return { Q: staged.Q, n, dim: staged.dim, gap: staged.gap, method: 'dense' };
  }
  const G = new Float64Array(n * n);
  for (const m of nonzero) gram(m, n, n, G);
  const ns = nullspaceFromGram(G, n, { tol });
  return { Q: ns.basis, n, dim: ns.dim, gap: ns.gap, method: 'dense' };
}

/**
 * Invariants of one rep: orbit counting when the action is by signed permutations, the Krylov path
 * for tensor words of non-compact groups from KRYLOV_MIN on (`prefersKrylov`), else dense (which
 * itself hands sizes above DENSE_LIMIT to the Krylov path).
 */
export function invariants(rep: Rep, tol?: number, gens: Generators = rep.group): InvariantBasis {
  const perms = generatorPerms(rep, gens);
  if (perms) return orbitInvariants(rep.size, perms);
  if (prefersKrylov(rep, gens)) return krylovInvariants(rep, tol !== undefined ? { tol } : {}, gens);
  return denseInvariants(rep, tol, gens);
}
