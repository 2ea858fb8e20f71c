/**
 * Leaf representations: the atoms of the rep algebra (V, Scalar, regular, irreps, user-defined).
 * @module
 */
import { ShapeError } from '../util/index.js';

/** A signed permutation action: ρ(g) e_i = sign[i] · e_{perm[i]}. */
export interface SignedPerm {
  readonly perm: Int32Array;
  readonly sign: Int8Array;
}

/** An atomic representation: a name (its printed token), a size and its two actions. */
export interface RepLeaf {
  /** Printed token, unique among the leaves of one group: `V`, `Scalar`, `regular`, `1o`, `ir(2)`. */
  readonly name: string;
  /** Dimension of the representation space. */
  readonly size: number;
  /** True when ρ(g) is orthogonal for every g (then ρ* = ρ). */
  readonly orthogonal: boolean;
  /** ρ(g), size×size row-major, for g in the group's defining representation. */
  rho(g: Float64Array): Float64Array;
  /** dρ(A) = d/dt ρ(exp tA)|₀ for A in the Lie algebra. */
  drho(A: Float64Array): Float64Array;
  /** ρ(g) as a signed permutation, when it is one (null otherwise). */
  signedPerm?(g: Float64Array): SignedPerm | null;
}

/** Read a square matrix as a signed permutation: every column has one entry ±1, rest 0. */
export function asSignedPerm(m: Float64Array, n: number): SignedPerm | null {
  if (m.length !== n * n) throw new ShapeError(`asSignedPerm: length ${m.length} ≠ ${n}²`);
  const perm = new Int32Array(n).fill(-1);
  const sign = new Int8Array(n);
  const hit = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = m[i * n + j]!;
      if (Math.abs(v) < 1e-12) continue;
      if (Math.abs(Math.abs(v) - 1) > 1e-12 || perm[j] !== -1 || hit[i]) return null;
      perm[j] = i;
      sign[j] = v > 0 ? 1 : -1;
      hit[i] = 1;
    }
    if (perm[j] === -1) return null;
  }
  return { perm, sign };
}
