/**
 * Adagrad (Duchi et al., "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 2011), with PyTorch's exact update rules.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { Optimizer, flag, nonNegative } from './optimizer.js';
import type { FloatArray, ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

/** Hyperparameters of `Adagrad` (PyTorch defaults). */
export interface AdagradOptions {
  /** Learning rate η (default 1e-2). */
  lr: number;
  /** Learning-rate decay δ: η_t = η / (1 + (t − 1)δ) (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Initial value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** ε added to the denominator (default 1e-10). */
  eps: number;
  /** Maximise instead of minimise (default false). */
  maximize: boolean;
}

/**
 * Adagrad, per step t with g = ∇ + λp: s ← s + g²; p ← p − η_t · g / (√s + ε).
 *
 * @example
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /**
   * @param params tensors or parameter groups
   * @param opts hyperparameters
   */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdagradOptions>[], opts: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<AdagradOptions>): void {
    super.validate(g);
    nonNegative(this.constructor.name, 'lrDecay', g.lrDecay);
    nonNegative(this.constructor.name, 'weightDecay', g.weightDecay);
    nonNegative(this.constructor.name, 'initialAccumulatorValue', g.initialAccumulatorValue);
    nonNegative(this.constructor.name, 'eps', g.eps);
    flag(this.constructor.name, 'maximize', g.maximize);
  }

  protected updateParam(p: FloatArray, grad: FloatArray, st: ParamState, g: ParamGroup<AdagradOptions>, param: Tensor): void {
    const { lr, lrDecay, weightDecay: wd, eps, maximize } = g;
    if (st.step === undefined) {
      st.step = 0;
      st.sum = this.buffer(param, g.initialAccumulatorValue);
    }
    const step = (st.step as number) + 1;
    st.step = step;
    const s = st.sum as FloatArray;
    const clr = lr / (1 + (step - 1) * lrDecay);
    const sgn = maximize ? -1 : 1;
    for (let i = 0; i < p.length; i++) {
      let d = sgn * grad[i]!;
      if (wd !== 0) d += wd * p[i]!;
      s[i] = s[i]! + d * d;
      p[i] = p[i]! - (clr * d) / (Math.sqrt(s[i]!) + eps);
    }
  }
}
