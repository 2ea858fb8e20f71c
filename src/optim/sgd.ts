/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * with PyTorch's exact update rules.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import { Optimizer, flag, nonNegative } from './optimizer.js';
import type { FloatArray, ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';
import { wasmSgdStep, type SgdStepScalars } from '../tensor/optimizer-kernels.js';

/** Hyperparameters of `SGD` (PyTorch defaults except `lr`, which is required). */
export interface SGDOptions {
  /** Learning rate η. */
  lr: number;
  /** Momentum μ (default 0). */
  momentum: number;
  /** Dampening τ (default 0). */
  dampening: number;
  /** Use Nesterov momentum (default false; needs μ > 0 and τ = 0). */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Maximise instead of minimise (default false). */
  maximize: boolean;
}

/**
 * SGD (Sutskever et al. 2013 for the momentum form), per step:
 * g ← ∇ + λp; b ← g (first step) or μb + (1 − τ)g; g ← g + μb (Nesterov) or b; p ← p − ηg.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  /**
   * @param params tensors or parameter groups
   * @param opts hyperparameters (`lr` required)
   */
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<SGDOptions>[], opts: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, ...opts });
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    super.validate(g);
    nonNegative(this.constructor.name, 'momentum', g.momentum);
    nonNegative(this.constructor.name, 'weightDecay', g.weightDecay);
    nonNegative(this.constructor.name, 'dampening', g.dampening);
    flag(this.constructor.name, 'nesterov', g.nesterov);
    flag(this.constructor.name, 'maximize', g.maximize);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new ValueError('SGD: Nesterov momentum requires momentum > 0 and dampening = 0');
  }

  protected updateParam(p: FloatArray, grad: FloatArray, st: ParamState, g: ParamGroup<SGDOptions>, param: Tensor): void {
    const { lr, momentum: mu, dampening, nesterov, weightDecay: wd, maximize } = g;
    const sgn = maximize ? -1 : 1;
    let buf = st.momentumBuffer as FloatArray | undefined;
    const first = mu !== 0 && !buf;
    if (first) st.momentumBuffer = buf = this.buffer(param);
    // one fused wasm pass (the same bits as the loop below) where it is taken
    const s = { sgn, wd, mu, dampening, lr, nesterov, first };
    if (!wasmSgdStep(p, grad, mu !== 0 ? buf! : null, s)) sgdLoop(p, grad, mu !== 0 ? buf! : null, s);
  }
}

/** @internal One SGD update of `p` in JS (the reference of the fused kernel); `buf` is null without momentum. */
export function sgdLoop(p: FloatArray, grad: FloatArray, buf: FloatArray | null, s: SgdStepScalars): void {
  const { sgn, wd, mu, dampening, lr, nesterov, first } = s;
  for (let i = 0; i < p.length; i++) {
    let d = sgn * grad[i]!;
    if (wd !== 0) d += wd * p[i]!;
    if (mu !== 0) {
      const b = first ? d : mu * buf![i]! + (1 - dampening) * d;
      buf![i] = b;
      const bb = buf![i]!; // rounded to the buffer's dtype, as PyTorch's in-place update
      d = nesterov ? d + mu * bb : bb;
    }
    p[i] = p[i]! - lr * d;
  }
}
