/**
 * Shared plumbing of the layers generated from symmetry specs (EMLP; Finzi, Welling, Wilson,
 * "A Practical Method for Constructing Equivariant Multilayer Perceptrons for Arbitrary Matrix
 * Groups", ICML 2021, arXiv:2104.09459): the `EquivariantModule` contract, the layout of a rep as
 * a list of field copies, the permutation-rep test and applying ρ(g) to a batch of features.
 * @module
 */
import type { Group } from '../group/index.js';
import { isScalar } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { Tensor, fromData, matmul } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { FloatDType } from './parameter.js';

/**
 * A layer that declares its symmetry: f(ρ_in(g)x) = ρ_out(g) f(x) for every g ∈ `group`, with
 * features laid out as `repIn.size` / `repOut.size` values on the last axis. An equivariance
 * harness needs nothing else to test it.
 */
export interface EquivariantModule {
  /** Representation of the input's last axis. */
  readonly repIn: Rep;
  /** Representation of the output's last axis. */
  readonly repOut: Rep;
  /** The symmetry group G (the group of both reps). */
  readonly group: Group;
}

/** One field of a rep: a copy of a sum term, at `offset` on the feature axis. */
export interface FieldCopy {
  /** The (non-sum) rep of this field. */
  readonly rep: Rep;
  /** First feature index. */
  readonly offset: number;
  /** Index of the sum term the copy belongs to. */
  readonly term: number;
}

/** A sum term placed on the feature axis: `mult` consecutive copies of `rep` from `offset`. */
export interface PlacedTerm {
  readonly rep: Rep;
  readonly mult: number;
  readonly offset: number;
}

/** The sum terms of `rep` with their offsets on the feature axis. */
export function placedTerms(rep: Rep): PlacedTerm[] {
  const out: PlacedTerm[] = [];
  let off = 0;
  for (const t of rep.terms()) {
    out.push({ rep: t.rep, mult: t.mult, offset: off });
    off += t.mult * t.rep.size;
  }
  return out;
}

/** Every field copy of `rep` in feature order. */
export function fieldCopies(rep: Rep): FieldCopy[] {
  const out: FieldCopy[] = [];
  placedTerms(rep).forEach((t, term) => {
    for (let c = 0; c < t.mult; c++) out.push({ rep: t.rep, offset: t.offset + c * t.rep.size, term });
  });
  return out;
}

const permCache = new Map<string, boolean>();

/**
 * True when ρ(g) is a permutation matrix (no signs) for every g: Scalar, regular and quotient
 * reps of finite groups, S(n) acting on Rⁿ and its tensor powers. Checked on the discrete
 * generators (signed-permutation form with all signs +1) and on the Lie algebra (dρ(A) = 0).
 * Pointwise nonlinearities commute with exactly these reps.
 */
export function isPermutationRep(rep: Rep): boolean {
  if (isScalar(rep)) return true;
  const hit = permCache.get(rep.key);
  if (hit !== undefined) return hit;
  let ok = true;
  const G = rep.group;
  for (const A of G.lieAlgebra) {
    if (rep.size > 256) { ok = false; break; }
    const d = rep.drho(A);
    if (d.some((v) => Math.abs(v) > 1e-12)) { ok = false; break; }
  }
  if (ok) {
    for (const h of G.discreteGenerators) {
      const sp = rep.signedPerm(h);
      if (!sp || sp.sign.some((s) => s !== 1)) { ok = false; break; }
    }
  }
  permCache.set(rep.key, ok);
  return ok;
}

/** A float64 array as a constant tensor of `dtype` (copied to float32 when asked). */
export function constTensor(data: Float64Array, shape: readonly number[], dtype: FloatDType): Tensor {
  return fromData(dtype === 'float64' ? data : Float32Array.from(data), shape);
}

/**
 * Apply ρ(g) to every row of a feature batch: x [..., n] ↦ x ρ(g)ᵀ, i.e. each feature vector
 * v ↦ ρ(g) v. Used by tests and data augmentation.
 */
export function actOn(rep: Rep, g: Float64Array, x: Tensor): Tensor {
  const n = rep.size;
  if (x.shape[x.ndim - 1] !== n) throw new ValueError(`actOn: features of size ${x.shape[x.ndim - 1]} for a rep of size ${n}`);
  const R = constTensor(rep.rho(g), [n, n], x.dtype === 'float64' ? 'float64' : 'float32');
  const lead = x.shape.slice(0, -1);
  const m = lead.reduce((a, b) => a * b, 1);
  return matmul(x.reshape([m, n]), R, { transB: true }).reshape([...lead, n]);
}

/** Check that two reps belong to the same group; returns it. */
export function commonGroup(op: string, a: Rep, b: Rep): Group {
  if (a.group.key !== b.group.key) throw new ValueError(`${op}: reps of different groups ${a.group.key} and ${b.group.key}`);
  return a.group;
}
