/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980) with L2
 * weight decay and AMSGrad, and AdamW (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", arXiv:1711.05101), with PyTorch's exact update rules.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import { wasmAdamStep } from '../tensor/optimizer-kernels.js';
import { Optimizer, flag, nonNegative } from './optimizer.js';
import type { FloatArray, ParamGroup, ParamGroupInput, ParamState } from './optimizer.js';

/** Hyperparameters of `Adam` / `AdamW`. */
export interface AdamOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** (β₁, β₂) (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** ε added to the denominator (default 1e-8). */
  eps: number;
  /** Weight decay λ: L2 added to the gradient (Adam, default 0) or decoupled (AdamW, default 0.01). */
  weightDecay: number;
  /** Use the AMSGrad variant (max of the second moments; default false). */
  amsgrad: boolean;
  /** Maximise instead of minimise (default false). */
  maximize: boolean;
}

type AdamCtor = readonly Tensor[] | readonly ParamGroupInput<AdamOptions>[];

/** The shared Adam update; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validate(g: ParamGroup<AdamOptions>): void {
    super.validate(g);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new ValueError(`${this.constructor.name}: betas must be a pair [β₁, β₂], got ${JSON.stringify(g.betas) ?? String(g.betas)}`);
    flag(this.constructor.name, 'amsgrad', g.amsgrad);
    flag(this.constructor.name, 'maximize', g.maximize);
    const [b1, b2] = g.betas;
    if (typeof b1 !== 'number' || typeof b2 !== 'number' || !(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new ValueError(`${this.constructor.name}: betas must be in [0, 1), got [${b1}, ${b2}]`);
    nonNegative(this.constructor.name, 'eps', g.eps);
    nonNegative(this.constructor.name, 'weightDecay', g.weightDecay);
  }

  protected updateParam(p: FloatArray, grad: FloatArray, st: ParamState, g: ParamGroup<AdamOptions>, param: Tensor): void {
    const { lr, eps, weightDecay: wd, amsgrad, maximize } = g;
    const [b1, b2] = g.betas;
    if (st.step === undefined) {
      st.step = 0;
      st.expAvg = this.buffer(param);
      st.expAvgSq = this.buffer(param);
      if (amsgrad) st.maxExpAvgSq = this.buffer(param);
    }
    const step = (st.step as number) + 1;
    st.step = step;
    const m = st.expAvg as FloatArray, v = st.expAvgSq as FloatArray;
    const vmax = amsgrad ? (st.maxExpAvgSq as FloatArray | undefined) ?? (st.maxExpAvgSq = this.buffer(param)) : null;
    const bc1 = 1 - b1 ** step;
    const bc2sqrt = Math.sqrt(1 - b2 ** step);
    const stepSize = lr / bc1;
    const sgn = maximize ? -1 : 1;
    const decay = this.decoupled && wd !== 0 ? 1 - lr * wd : null;
    // the common case as one fused wasm pass (the same bits as the loops below) where it is taken
    if (!vmax && wasmAdamStep(p, grad, m, v, { sgn, wd: this.decoupled ? 0 : wd, b1, b2, bc2sqrt, eps, stepSize, decay })) return;
    if (decay !== null) {
      for (let i = 0; i < p.length; i++) p[i] = p[i]! * decay;
    }
    if (!vmax) { // the common case, without per-element branches (same arithmetic, same bits)
      if (this.decoupled || wd === 0) adamLoop(p, grad, m, v, sgn, b1, b2, bc2sqrt, eps, stepSize);
      else adamLoopL2(p, grad, m, v, sgn, wd, b1, b2, bc2sqrt, eps, stepSize);
      return;
    }
    for (let i = 0; i < p.length; i++) {
      let d = sgn * grad[i]!;
      if (!this.decoupled && wd !== 0) d += wd * p[i]!;
      m[i] = m[i]! * b1 + (1 - b1) * d;
      v[i] = v[i]! * b2 + (1 - b2) * d * d;
      let s = v[i]!;
      if (vmax) {
        vmax[i] = Math.max(vmax[i]!, s);
        s = vmax[i]!;
      }
      const denom = Math.sqrt(s) / bc2sqrt + eps;
      p[i] = p[i]! - stepSize * (m[i]! / denom);
    }
  }
}

/** @internal One Adam update of `p` (see {@link Adam}), without weight decay in the gradient and without AMSGrad (the reference of the fused kernel). */
export function adamLoop(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, sgn: number, b1: number, b2: number, bc2sqrt: number, eps: number, stepSize: number): void {
  const c1 = 1 - b1, c2 = 1 - b2, n = p.length;
  for (let i = 0; i < n; i++) {
    const d = sgn * grad[i]!;
    m[i] = m[i]! * b1 + c1 * d;
    v[i] = v[i]! * b2 + c2 * d * d;
    const denom = Math.sqrt(v[i]!) / bc2sqrt + eps;
    p[i] = p[i]! - stepSize * (m[i]! / denom);
  }
}

/** @internal {@link adamLoop} with L2 weight decay in the gradient (Adam's `weightDecay`). */
export function adamLoopL2(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, sgn: number, wd: number, b1: number, b2: number, bc2sqrt: number, eps: number, stepSize: number): void {
  const c1 = 1 - b1, c2 = 1 - b2, n = p.length;
  for (let i = 0; i < n; i++) {
    let d = sgn * grad[i]!;
    d += wd * p[i]!;
    m[i] = m[i]! * b1 + c1 * d;
    v[i] = v[i]! * b2 + c2 * d * d;
    const denom = Math.sqrt(v[i]!) / bc2sqrt + eps;
    p[i] = p[i]! - stepSize * (m[i]! / denom);
  }
}

/**
 * Adam, per step t with g = ∇ + λp (L2): m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
 * p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε) (AMSGrad: v replaced by its running max).
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends AdamBase {
  protected readonly decoupled: boolean = false;

  /**
   * @param params tensors or parameter groups
   * @param opts hyperparameters (defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0)
   */
  constructor(params: AdamCtor, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts });
  }
}

/**
 * AdamW: decoupled weight decay p ← p − ηλp before the Adam step (which then uses g = ∇).
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends AdamBase {
  protected readonly decoupled: boolean = true;

  /**
   * @param params tensors or parameter groups
   * @param opts hyperparameters (defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01)
   */
  constructor(params: AdamCtor, opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false, ...opts });
  }
}
