/**
 * `EnergyMLP`: a scalar energy E_θ(x) given by an MLP, with its score −∇ₓE_θ in closed form as a
 * differentiable tensor expression (so score-based objectives train it with first-order autograd).
 * @module
 */
import { Tensor, matmul, sigmoid, softplus, tanh } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { FloatDType } from '../parameter.js';

/** Smooth activations with a closed-form derivative. */
export type EnergyActivation = 'softplus' | 'tanh';

/** Options of {@link EnergyMLP}. */
export interface EnergyMLPOptions {
  /** Source of the initial weights (required). */
  rng: Rng;
  /** Activation (default 'softplus'). */
  activation?: EnergyActivation;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

function act(name: EnergyActivation, z: Tensor): Tensor {
  return name === 'softplus' ? softplus(z) : tanh(z);
}

function actGrad(name: EnergyActivation, z: Tensor): Tensor {
  if (name === 'softplus') return sigmoid(z);
  const t = tanh(z);
  return t.square().neg().add(1);
}

/**
 * Energy network E(x) = w_Lᵀ φ(W_{L−1} … φ(W_1 x + b_1) …) + b_L, sizes [D, h_1, …, h_{L−1}, 1],
 * φ smooth (softplus or tanh). The last bias is the model's log-normaliser shift. `score(x)` is
 * s(x) = −∇ₓE(x), computed by back-propagating through the layers with tensor ops:
 *
 *   g_L = w_L,  g_{ℓ} = (g_{ℓ+1} ∘ φ'(z_ℓ)) W_ℓ,  s = −g_0,
 *
 * so it is itself differentiable in θ (denoising score matching needs ∂s/∂θ).
 *
 * @example
 * ```ts
 * const e = new EnergyMLP([2, 64, 64], { rng: new Rng(0) });
 * e.call(x);   // [N]
 * e.score(x);  // [N, 2]
 * ```
 */
export class EnergyMLP extends Module {
  /** Sizes [D, h_1, …, h_{L−1}] (the last layer maps to 1). */
  readonly sizes: readonly number[];
  /** Activation. */
  readonly activation: EnergyActivation;
  private readonly layers: Linear[];

  /** @param sizes [D, h_1, …] input dimension and hidden widths (at least [D]) */
  constructor(sizes: readonly number[], opts: EnergyMLPOptions) {
    super();
    if (!Array.isArray(sizes) || sizes.length < 1 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new ValueError(`EnergyMLP: sizes must be positive integers [D, h_1, …], got [${String(sizes)}]`);
    }
    const a = opts.activation ?? 'softplus';
    if (a !== 'softplus' && a !== 'tanh') throw new ValueError(`EnergyMLP: activation must be 'softplus' or 'tanh', got ${String(a)}`);
    this.sizes = [...sizes];
    this.activation = a;
    const dims = [...sizes, 1];
    this.layers = [];
    for (let i = 0; i + 1 < dims.length; i++) this.layers.push(this.registerModule(`layer${i}`, new Linear(dims[i]!, dims[i + 1]!, { rng: opts.rng, dtype: opts.dtype })));
  }

  /** @param x [N, D] → E [N] */
  forward(x: Tensor): Tensor {
    return this.energyWith(this.parameters(), x);
  }

  /** s(x) = −∇ₓE(x) [N, D] (differentiable in the parameters). */
  score(x: Tensor): Tensor {
    return this.scoreWith(this.parameters(), x);
  }

  /** E(x) with the given weights in place of `parameters()` (same order: weight, bias per layer). */
  energyWith(params: readonly Tensor[], x: Tensor): Tensor {
    this.check(x, params);
    let h = x;
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const z = matmul(h, params[2 * l]!, { transB: true }).add(params[2 * l + 1]!);
      h = l + 1 < L ? act(this.activation, z) : z;
    }
    return h.reshape([x.shape[0]!]);
  }

  /** −∇ₓE(x) with the given weights in place of `parameters()`. */
  scoreWith(params: readonly Tensor[], x: Tensor): Tensor {
    this.check(x, params);
    const L = this.layers.length;
    const zs: Tensor[] = [];
    let h = x;
    for (let l = 0; l + 1 < L; l++) {
      const z = matmul(h, params[2 * l]!, { transB: true }).add(params[2 * l + 1]!);
      zs.push(z);
      h = act(this.activation, z);
    }
    let g = params[2 * (L - 1)]!; // [1, h_{L−1}], broadcast over N
    for (let l = L - 2; l >= 0; l--) g = matmul(g.mul(actGrad(this.activation, zs[l]!)), params[2 * l]!);
    if (L === 1) g = g.expand([x.shape[0]!, this.sizes[0]!]);
    return g.neg();
  }

  private check(x: Tensor, params: readonly Tensor[]): void {
    if (x.ndim !== 2 || x.shape[1] !== this.sizes[0]) throw new ShapeError(`EnergyMLP: input ${fmtShape(x.shape)} must be [N, ${this.sizes[0]}]`);
    if (params.length !== 2 * this.layers.length) throw new ValueError(`EnergyMLP: expected ${2 * this.layers.length} weights (weight, bias per layer), got ${params.length}`);
  }

  extraRepr(): string {
    return `sizes=[${this.sizes.join(', ')}, 1], activation=${this.activation}`;
  }
}
