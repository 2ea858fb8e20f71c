/**
 * Gated nonlinearities for equivariant features: `gated(rep)` and `GatedNonlinearity`
 * (EMLP, Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459; docs/design/equivariant-layers.md).
 * @module
 */
import type { Group } from '../group/index.js';
import { Scalar, directSum } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import { fieldCopies, isPermutationRep } from './equivariant-common.js';
import type { EquivariantModule } from './equivariant-common.js';
import { Module } from './module.js';

/** Number of gates `gated(rep)` appends: fields that are neither scalar nor permutation reps. */
export function numGates(rep: Rep): number {
  return fieldCopies(rep).filter((c) => !isPermutationRep(c.rep)).length;
}

/**
 * gated(ρ) = ρ ⊕ k·Scalar: one scalar gate appended for each field (sum-term copy) of ρ that is
 * neither scalar nor a permutation rep, in field order. Used as the output rep of the linear
 * layer in front of a `GatedNonlinearity`.
 */
export function gated(rep: Rep): Rep {
  const k = numGates(rep);
  return k === 0 ? rep : directSum([rep, Scalar(rep.group).times(k)]);
}

/**
 * Gated nonlinearity on gated(ρ) → ρ: scalar and permutation-rep entries go through swish,
 * x·sigmoid(x) (pointwise maps commute with permutations); every other field τ_k is multiplied by
 * sigmoid of its gate s_k, y_{τ_k} = sigmoid(s_k)·x_{τ_k}, which is equivariant because s_k is
 * invariant. The gates are dropped from the output.
 * (EMLP, Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459, `GatedNonlinearity`.)
 */
export class GatedNonlinearity extends Module implements EquivariantModule {
  /** gated(rep). */
  readonly repIn: Rep;
  /** The output rep ρ. */
  readonly repOut: Rep;
  /** The symmetry group. */
  readonly group: Group;
  private readonly gateIdx: Int32Array;
  private readonly valIdx: Int32Array;

  /** @param rep ρ, the rep of the output (the input is gated(ρ)). */
  constructor(rep: Rep) {
    super();
    this.repOut = rep;
    this.repIn = gated(rep);
    this.group = rep.group;
    const n = rep.size;
    const idx = new Int32Array(n);
    let g = 0;
    for (const c of fieldCopies(rep)) {
      const perm = isPermutationRep(c.rep);
      for (let e = 0; e < c.rep.size; e++) idx[c.offset + e] = perm ? c.offset + e : n + g;
      if (!perm) g++;
    }
    this.gateIdx = idx;
    this.valIdx = Int32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * @param x [..., gated(rep).size]
   * @returns [..., rep.size]
   */
  forward(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.repIn.size) throw new ShapeError(`GatedNonlinearity: input ${fmtShape(x.shape)} must end in ${this.repIn.size} features (${this.repIn})`);
    const ax = x.ndim - 1;
    const gates = x.indexSelect(ax, this.gateIdx);
    const vals = x.indexSelect(ax, this.valIdx);
    return gates.sigmoid().mul(vals);
  }

  extraRepr(): string {
    return `${this.repIn} → ${this.repOut}`;
  }
}
