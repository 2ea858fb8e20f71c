/**
 * The Group contract: a matrix group is its generators (EMLP). Finite groups additionally
 * enumerate their elements.
 * @module
 */
import type { Rng } from '../util/index.js';

/** Catalog identity of a group (used to find irreps and to print names). */
export interface GroupFamily {
  /** Family name, e.g. `'SO'`, `'S'`, `'D'`, `'Icosahedral'`, `'product'`, `'custom'`. */
  readonly name: string;
  /** Integer parameters, e.g. `[3]` for SO(3). */
  readonly params: readonly number[];
  /** Factor groups of a direct product, in order. */
  readonly factors?: readonly Group[];
}

/**
 * A matrix group G ⊂ GL(d) given by discrete generators h₁…h_M and a Lie-algebra basis A₁…A_D:
 * every g ∈ G is exp(Σ αᵢAᵢ)·(a word in the hⱼ^{±1}). All matrices are d×d row-major.
 */
export interface Group {
  /** Canonical name, e.g. `"SO(3)"`, `"S(4)xC(3)"`; equal keys mean equal groups. */
  readonly key: string;
  /** Dimension d of the defining representation V. */
  readonly d: number;
  /** Discrete generators hⱼ (d×d row-major). */
  readonly discreteGenerators: readonly Float64Array[];
  /** Basis Aᵢ of the Lie algebra of the identity component (d×d row-major). */
  readonly lieAlgebra: readonly Float64Array[];
  /** True when every element is an orthogonal matrix (then V* ≅ V). */
  readonly isOrthogonal: boolean;
  /** Catalog identity. */
  readonly family: GroupFamily;
  /** A random element (Haar-distributed for compact groups). */
  sample(rng: Rng): Float64Array;
  /** A small deterministic set of elements for tests: the generators and a few samples. */
  testingElements(): Float64Array[];
}

/** A finite group whose elements are enumerated (index 0 is the identity). */
export interface FiniteGroup extends Group {
  /** Group order |G|. */
  readonly order: number;
  /** All elements as d×d matrices; element 0 is the identity. */
  elements(): readonly Float64Array[];
  /** Index of the element equal to g (rounded matching), or −1. */
  indexOf(g: Float64Array): number;
  /** Index of the product g_i·g_j. */
  multiply(i: number, j: number): number;
  /** Index of the inverse g_i⁻¹. */
  invert(i: number): number;
  /** Conjugacy classes as lists of element indices; the class of the identity first. */
  conjugacyClasses(): readonly (readonly number[])[];
}

/** Type guard: does this group enumerate its elements? */
export function isFinite(g: Group): g is FiniteGroup {
  return typeof (g as Partial<FiniteGroup>).elements === 'function';
}

/** Hash key of a matrix: entries rounded to 1e-6, as used for element lookup in finite groups. */
export function matrixHash(g: Float64Array): string {
  let s = '';
  for (let i = 0; i < g.length; i++) s += Math.round(g[i]! * 1e6) + ',';
  return s;
}
