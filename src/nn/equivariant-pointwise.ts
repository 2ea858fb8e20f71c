/**
 * Pointwise nonlinearities for permutation representations (regular, quotient, S(n) on Rⁿ and
 * its powers, scalars): σ applied entrywise commutes with permuting the entries.
 * (docs/design/equivariant-layers.md; EMLP, Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459.)
 * @module
 */
import type { Group } from '../group/index.js';
import type { Rep } from '../rep/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { fieldCopies, isPermutationRep } from './equivariant-common.js';
import type { EquivariantModule } from './equivariant-common.js';
import { Module } from './module.js';

/** Entrywise functions offered by `EquivariantPointwise`. */
export type PointwiseName = 'relu' | 'swish' | 'tanh' | 'sigmoid' | 'elu' | 'softplus';

/**
 * y = σ(x) entrywise, for a rep whose every field is a permutation rep (ρ(g) a permutation
 * matrix): σ(P x) = P σ(x). Throws a ValueError naming the first field that is not a permutation
 * rep (e.g. V of SO(3)); use `GatedNonlinearity` or `NormNonlinearity` there.
 */
export class EquivariantPointwise extends Module implements EquivariantModule {
  /** ρ. */
  readonly repIn: Rep;
  /** ρ (unchanged). */
  readonly repOut: Rep;
  /** The symmetry group. */
  readonly group: Group;
  /** σ. */
  readonly fn: PointwiseName;

  constructor(rep: Rep, fn: PointwiseName = 'relu') {
    super();
    for (const c of fieldCopies(rep)) {
      if (!isPermutationRep(c.rep)) {
        throw new ValueError(`EquivariantPointwise: field ${c.rep} (at feature ${c.offset}) of ${rep.group.key} is not a permutation representation, so a pointwise nonlinearity would break equivariance; use GatedNonlinearity or NormNonlinearity`);
      }
    }
    this.repIn = rep;
    this.repOut = rep;
    this.group = rep.group;
    this.fn = fn;
  }

  /** @param x [..., rep.size] */
  forward(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.repIn.size) throw new ShapeError(`EquivariantPointwise: input ${fmtShape(x.shape)} must end in ${this.repIn.size} features`);
    switch (this.fn) {
      case 'relu': return x.relu();
      case 'swish': return x.silu();
      case 'tanh': return x.tanh();
      case 'sigmoid': return x.sigmoid();
      case 'elu': return x.elu();
      case 'softplus': return x.softplus();
    }
  }

  extraRepr(): string {
    return `${this.repIn}, fn=${this.fn}`;
  }
}
