/**
 * RMSProp (Hinton, Coursera lecture 6e; centered form from Graves, arXiv:1308.0850), with
 * PyTorch's exact update rules.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { Optimizer, flag, nonNegative } from './optimizer.js';
import type { FloatArray, ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

/** Hyperparameters of `RMSProp` (PyTorch defaults). */
export interface RMSPropOptions {
  /** Learning rate η (default 1e-2). */
  lr: number;
  /** Smoothing constant α (default 0.99). */
  alpha: number;
  /** ε added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum μ (default 0). */
  momentum: number;
  /** Normalise by the variance estimate v − ḡ² instead of v (default false). */
  centered: boolean;
  /** Maximise instead of minimise (default false). */
  maximize: boolean;
}

/**
 * RMSProp, per step with g = ∇ + λp: v ← αv + (1 − α)g²; (centered: ḡ ← αḡ + (1 − α)g, v̂ = v − ḡ²);
 * a = √v̂ + ε; with momentum b ← μb + g/a, p ← p − ηb; else p ← p − ηg/a.
 *
 * @example
 * ```ts
 * const opt = new RMSProp(model.parameters(), { lr: 1e-3, centered: true });
 * ```
 */
export class RMSProp extends Optimizer<RMSPropOptions> {
  /**
   * @param params tensors or parameter groups
   * @param opts hyperparameters
   */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<RMSPropOptions>[], opts: Partial<RMSPropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<RMSPropOptions>): void {
    super.validate(g);
    nonNegative(this.constructor.name, 'alpha', g.alpha);
    nonNegative(this.constructor.name, 'eps', g.eps);
    nonNegative(this.constructor.name, 'momentum', g.momentum);
    nonNegative(this.constructor.name, 'weightDecay', g.weightDecay);
    flag(this.constructor.name, 'centered', g.centered);
    flag(this.constructor.name, 'maximize', g.maximize);
  }

  protected updateParam(p: FloatArray, grad: FloatArray, st: ParamState, g: ParamGroup<RMSPropOptions>, param: Tensor): void {
    const { lr, alpha, eps, weightDecay: wd, momentum: mu, centered, maximize } = g;
    if (st.step === undefined) {
      st.step = 0;
      st.squareAvg = this.buffer(param);
      if (mu > 0) st.momentumBuffer = this.buffer(param);
      if (centered) st.gradAvg = this.buffer(param);
    }
    st.step = (st.step as number) + 1;
    const v = st.squareAvg as FloatArray;
    const ga = centered ? ((st.gradAvg as FloatArray | undefined) ?? (st.gradAvg = this.buffer(param))) : null;
    const buf = mu > 0 ? ((st.momentumBuffer as FloatArray | undefined) ?? (st.momentumBuffer = this.buffer(param))) : null;
    const sgn = maximize ? -1 : 1;
    for (let i = 0; i < p.length; i++) {
      let d = sgn * grad[i]!;
      if (wd !== 0) d += wd * p[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * d * d;
      let avg: number;
      if (ga) {
        ga[i] = alpha * ga[i]! + (1 - alpha) * d;
        avg = Math.sqrt(v[i]! - ga[i]! * ga[i]!) + eps;
      } else {
        avg = Math.sqrt(v[i]!) + eps;
      }
      if (buf) {
        buf[i] = mu * buf[i]! + d / avg;
        p[i] = p[i]! - lr * buf[i]!;
      } else {
        p[i] = p[i]! - (lr * d) / avg;
      }
    }
  }
}
