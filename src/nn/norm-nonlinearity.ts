/**
 * Norm nonlinearity: a per-field nonlinearity of ‖x‖ that keeps each field's direction
 * (escnn `NormNonLinearity`, e3nn `NormActivation`; docs/design/equivariant-layers.md). Used with EMLP
 * features (Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459) whose group acts orthogonally.
 * @module
 */
import type { Group } from '../group/index.js';
import type { Rep } from '../rep/index.js';
import { Tensor, zeros } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { fieldCopies } from './equivariant-common.js';
import type { EquivariantModule } from './equivariant-common.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType } from './parameter.js';

/** Scalar function applied to the shifted norm. */
export type NormFunction = 'relu' | 'sigmoid' | 'softplus' | 'squash';

/** Options of `NormNonlinearity`. */
export interface NormNonlinearityOptions {
  /** f (default 'relu'). */
  fn?: NormFunction;
  /** Learn one bias per field (default true; 'squash' uses no bias). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** ε in ‖x‖_ε = √(‖x‖² + ε²) (default 1e-6). */
  eps?: number;
}

/**
 * y_k = x_k · f(‖x_k‖_ε + b_k) / ‖x_k‖_ε for every field x_k (a copy of a sum term of ρ), with
 * ‖x‖_ε = √(‖x‖² + ε²), b_k a learned per-field bias and f ∈ {relu, sigmoid, softplus,
 * squash: t ↦ t/(1+t)}. Equivariant when ρ acts orthogonally (‖ρ(g)x‖ = ‖x‖): throws a
 * ValueError for non-orthogonal reps (e.g. V of O(1,3)), where only a gated nonlinearity works.
 */
export class NormNonlinearity extends Module implements EquivariantModule {
  /** ρ. */
  readonly repIn: Rep;
  /** ρ (unchanged). */
  readonly repOut: Rep;
  /** The symmetry group. */
  readonly group: Group;
  /** f. */
  readonly fn: NormFunction;
  private readonly fieldOf: Int32Array;
  private readonly nFields: number;
  private readonly eps: number;

  constructor(rep: Rep, opts: NormNonlinearityOptions = {}) {
    super();
    if (!rep.isOrthogonal) throw new ValueError(`NormNonlinearity: ${rep} of ${rep.group.key} is not orthogonal, so ‖x‖ is not invariant; use GatedNonlinearity`);
    this.repIn = rep;
    this.repOut = rep;
    this.group = rep.group;
    this.fn = opts.fn ?? 'relu';
    this.eps = opts.eps ?? 1e-6;
    const fields = fieldCopies(rep);
    const fieldOf = new Int32Array(rep.size);
    fields.forEach((c, k) => { for (let e = 0; e < c.rep.size; e++) fieldOf[c.offset + e] = k; });
    this.fieldOf = fieldOf;
    this.nFields = fields.length;
    if ((opts.bias ?? true) && this.fn !== 'squash') this.registerParameter('bias', zeros([fields.length], { dtype: floatDType('NormNonlinearity', opts.dtype) }));
  }

  /**
   * @param x [..., rep.size]
   * @returns [..., rep.size]
   */
  forward(x: Tensor): Tensor {
    const n = this.repIn.size;
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== n) throw new ShapeError(`NormNonlinearity: input ${fmtShape(x.shape)} must end in ${n} features (${this.repIn})`);
    const lead = x.shape.slice(0, -1);
    const m = lead.reduce((a, b) => a * b, 1);
    const x2 = x.reshape([m, n]);
    // per-field squared norms: [m, n] → [m, F] via a 0/1 membership matrix
    const dt = x.dtype === 'float64' ? 'float64' : 'float32';
    const M = zeros([n, this.nFields], { dtype: dt });
    for (let i = 0; i < n; i++) M.data[i * this.nFields + this.fieldOf[i]!] = 1;
    const nrm = x2.square().matmul(M).add(this.eps * this.eps).sqrt(); // [m, F]
    let t = nrm;
    const b = this.maybeParameter('bias');
    if (b) t = t.add(b);
    const f = this.fn === 'relu' ? t.relu() : this.fn === 'sigmoid' ? t.sigmoid() : this.fn === 'softplus' ? t.softplus() : t.div(t.add(1));
    const factor = f.div(nrm).indexSelect(1, this.fieldOf); // [m, n]
    return x2.mul(factor).reshape([...lead, n]);
  }

  extraRepr(): string {
    return `${this.repIn}, fn=${this.fn}, fields=${this.nFields}`;
  }
}
