/**
 * Equivariant `BatchNorm` for irreps features (e3nn's `nn.BatchNorm`).
 * @module
 */
import { Tensor, concat, ones, zeros } from '../../tensor/index.js';
import { noGrad } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { Irreps, irrepDim } from './irreps.js';
import type { IrrepsLike } from './irreps.js';

/** Options of {@link IrrepsBatchNorm}. */
export interface IrrepsBatchNormOptions {
  /** Added to the mean squared norm before the inverse square root (default 1e−5). */
  eps?: number;
  /** Running statistics update r ← (1 − momentum)·r + momentum·batch (default 0.1). */
  momentum?: number;
  /** Learn a scale per copy and a bias per 0e copy (default true). */
  affine?: boolean;
  /** `component` (default): the norm is the mean of the squared components; `norm`: their sum. */
  normalization?: 'component' | 'norm';
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * Batch normalisation that commutes with O(3): for every block mul × (l, p), over the batch
 * (all leading axes):
 * - 0e copies are centred, x ← x − mean (the mean of any other irrep is not invariant, so it is
 *   not subtracted);
 * - every copy is divided by the root of its mean squared norm, x ← x·(E‖x_u‖²/n + ε)^{−1/2}
 *   (n = 2l + 1 for `component`, 1 for `norm`), then scaled by a learned γ_u; 0e copies get + β_u.
 * Training uses the batch statistics and updates the running mean (0e) and running squared norm
 * (every copy) with `momentum`; eval uses the running ones. Equivariant because norms are invariant.
 * (e3nn's `nn.BatchNorm`, reduce = mean.)
 *
 * @example
 * ```ts
 * const bn = new IrrepsBatchNorm('8x0e+4x1o');
 * bn.call(x);        // batch statistics, running stats updated
 * bn.eval().call(x); // running statistics
 * ```
 */
export class IrrepsBatchNorm extends Module {
  readonly irrepsIn: Irreps;
  readonly irrepsOut: Irreps;
  readonly eps: number;
  readonly momentum: number;
  readonly normalization: 'component' | 'norm';
  private readonly numScalar: number;

  constructor(irreps: IrrepsLike, opts: IrrepsBatchNormOptions = {}) {
    super();
    this.irrepsIn = Irreps.of(irreps);
    this.irrepsOut = this.irrepsIn;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.normalization = opts.normalization ?? 'component';
    if (!(this.eps >= 0)) throw new ValueError(`IrrepsBatchNorm: eps must be ≥ 0, got ${this.eps}`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ValueError(`IrrepsBatchNorm: momentum must be in [0, 1], got ${this.momentum}`);
    if (this.normalization !== 'component' && this.normalization !== 'norm') throw new ValueError(`IrrepsBatchNorm: normalization must be 'component' or 'norm', got ${String(this.normalization)}`);
    const dtype = floatDType('IrrepsBatchNorm', opts.dtype);
    this.numScalar = this.irrepsIn.blocks.reduce((a, b) => a + (b.ir.l === 0 && b.ir.p === 1 ? b.mul : 0), 0);
    const n = this.irrepsIn.numIrreps;
    this.registerBuffer('runningMean', zeros([this.numScalar], { dtype }));
    this.registerBuffer('runningVar', ones([n], { dtype }));
    if (opts.affine ?? true) {
      this.registerParameter('weight', ones([n], { dtype }));
      this.registerParameter('bias', zeros([this.numScalar], { dtype }));
    }
  }

  /**
   * @param x [..., irreps.dim] (batch = all leading axes)
   * @returns the same shape
   */
  forward(x: Tensor): Tensor {
    const who = 'IrrepsBatchNorm';
    if (!(x instanceof Tensor)) throw new ValueError(`${who}: x must be a Tensor`);
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== this.irrepsIn.dim) throw new ShapeError(`${who}: input ${fmtShape(x.shape)} must be [batch, ..., ${this.irrepsIn.dim}] (${this.irrepsIn})`);
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${who}: input must be float32 or float64, got ${x.dtype}`);
    const B = x.size / this.irrepsIn.dim;
    const training = this.training;
    if (training && B < 2) throw new ValueError(`${who}: training needs more than one sample per batch, got ${B}`);
    const x2 = x.reshape([B, this.irrepsIn.dim]);
    const rm = this.getBuffer('runningMean'), rv = this.getBuffer('runningVar');
    if (rv.dtype !== x.dtype) throw new DTypeError(`${who}: input is ${x.dtype} but the module is ${rv.dtype}`);
    const weight = this.maybeParameter('weight'), bias = this.maybeParameter('bias');
    const parts: Tensor[] = [];
    let iv = 0, is = 0;
    const newMean = new Float64Array(this.numScalar), newVar = new Float64Array(this.irrepsIn.numIrreps);
    this.irrepsIn.blocks.forEach((b, i) => {
      if (b.mul === 0) return;
      const d = irrepDim(b.ir);
      const [s, e] = this.irrepsIn.slice(i);
      let v = x2.slice([null, [s, e]]).reshape([B, b.mul, d]);
      const scalar = b.ir.l === 0 && b.ir.p === 1;
      if (scalar) {
        if (training) {
          const mean = v.mean(0, true); // [1, mul, 1]
          newMean.set(Array.from(mean.data as ArrayLike<number>), is);
          v = v.sub(mean);
        } else v = v.sub(rm.slice([[is, is + b.mul]]).reshape([1, b.mul, 1]));
      }
      let sq: Tensor; // [1, mul, 1] mean squared norm per copy
      if (training) {
        const per = this.normalization === 'component' ? v.square().mean(2) : v.square().sum(2); // [B, mul]
        sq = per.mean(0).reshape([1, b.mul, 1]);
        newVar.set(Array.from(sq.data as ArrayLike<number>), iv);
      } else sq = rv.slice([[iv, iv + b.mul]]).reshape([1, b.mul, 1]);
      let scale = sq.add(this.eps).rsqrt();
      if (weight) scale = scale.mul(weight.slice([[iv, iv + b.mul]]).reshape([1, b.mul, 1]));
      v = v.mul(scale);
      if (scalar && bias) v = v.add(bias.slice([[is, is + b.mul]]).reshape([1, b.mul, 1]));
      parts.push(v.reshape([B, b.mul * d]));
      iv += b.mul;
      if (scalar) is += b.mul;
    });
    if (training) {
      noGrad(() => {
        const m = this.momentum;
        const a = rm.data, r = rv.data;
        for (let k = 0; k < newMean.length; k++) a[k] = (1 - m) * a[k]! + m * newMean[k]!;
        for (let k = 0; k < newVar.length; k++) r[k] = (1 - m) * r[k]! + m * newVar[k]!;
      });
    }
    const y = parts.length === 1 ? parts[0]! : concat(parts, 1);
    return y.reshape(x.shape);
  }

  extraRepr(): string {
    return `${this.irrepsIn}, eps=${this.eps}, momentum=${this.momentum}, normalization=${this.normalization}`;
  }
}
