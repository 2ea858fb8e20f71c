/**
 * Activation modules: thin wrappers over the elementwise tensor ops, so they can sit in a
 * `Sequential`. None has parameters.
 * @module
 */
import { gelu, softplus } from '../tensor/index.js';
import type { GeluApproximate, Tensor } from '../tensor/index.js';
import { Module } from './module.js';
import { ValueError } from '../util/errors.js';

/**
 * ReLU(x) = max(x, 0).
 * @example
 * ```ts
 * new ReLU().call(x);
 * ```
 */
export class ReLU extends Module {
  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * LeakyReLU(x) = x for x ≥ 0, α·x otherwise (α = `negativeSlope`, default 0.01).
 * @example
 * ```ts
 * new LeakyReLU(0.2).call(x);
 * ```
 */
export class LeakyReLU extends Module {
  /** @param negativeSlope α (default 0.01) */
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }

  extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * ELU(x) = x for x > 0, α(eˣ − 1) otherwise (Clevert et al., arXiv:1511.07289).
 * @example
 * ```ts
 * new ELU().call(x);
 * ```
 */
export class ELU extends Module {
  /** @param alpha α (default 1) */
  constructor(readonly alpha = 1) {
    super();
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }

  extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * GELU(x) = x·Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel, arXiv:1606.08415): the exact erf
 * form by default, or with `'tanh'` the approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (as
 * `torch.nn.GELU(approximate='tanh')`).
 * @example
 * ```ts
 * new GELU().call(x);
 * new GELU('tanh').call(x);
 * ```
 */
export class GELU extends Module {
  /** @param approximate `'none'` (exact, default) or `'tanh'` */
  constructor(readonly approximate: GeluApproximate = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(`GELU: approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return this.approximate === 'none' ? x.gelu() : gelu(x, this.approximate);
  }

  extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate=${this.approximate}`;
  }
}

/**
 * SiLU(x) = x·σ(x) (a.k.a. swish).
 * @example
 * ```ts
 * new SiLU().call(x);
 * ```
 */
export class SiLU extends Module {
  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

/**
 * Tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ).
 * @example
 * ```ts
 * new Tanh().call(x);
 * ```
 */
export class Tanh extends Module {
  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/**
 * Sigmoid(x) = 1 / (1 + e⁻ˣ).
 * @example
 * ```ts
 * new Sigmoid().call(x);
 * ```
 */
export class Sigmoid extends Module {
  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/**
 * Softplus(x) = (1/β)·log(1 + e^{βx}) (β default 1), and x itself where βx > threshold (default 20),
 * as `torch.nn.Softplus(beta, threshold)`.
 * @example
 * ```ts
 * new Softplus().call(x);
 * new Softplus(2, 10).call(x);
 * ```
 */
export class Softplus extends Module {
  /** @param beta β > 0 (default 1) @param threshold linear above βx > threshold (default 20) */
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    if (!(beta > 0)) throw new ValueError(`Softplus: beta must be positive, got ${beta}`);
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new ValueError(`Softplus: threshold must be a number, got ${String(threshold)}`);
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * Softmax along an axis: exp(xᵢ) / Σⱼ exp(xⱼ).
 * @example
 * ```ts
 * new Softmax(-1).call(logits);
 * ```
 */
export class Softmax extends Module {
  /** @param axis the axis normalised over (default −1) */
  constructor(readonly axis = -1) {
    super();
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.softmax(this.axis);
  }

  extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/**
 * Identity(x) = x (a placeholder, e.g. "no activation").
 * @example
 * ```ts
 * new Identity().call(x) === x; // true
 * ```
 */
export class Identity extends Module {
  /** @param x any shape @returns `x` itself */
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Activation names accepted by `activation()` and `MLP`. */
export type ActivationName = 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'silu' | 'tanh' | 'sigmoid' | 'softplus' | 'identity';

/**
 * An activation module by name.
 * @param name one of `ActivationName`
 * @returns a new module
 * @example
 * ```ts
 * activation('gelu'); // GELU
 * ```
 */
export function activation(name: ActivationName): Module {
  switch (name) {
    case 'relu': return new ReLU();
    case 'leakyRelu': return new LeakyReLU();
    case 'elu': return new ELU();
    case 'gelu': return new GELU();
    case 'silu': return new SiLU();
    case 'tanh': return new Tanh();
    case 'sigmoid': return new Sigmoid();
    case 'softplus': return new Softplus();
    case 'identity': return new Identity();
    default: throw new ValueError(`activation: unknown activation '${name as string}' (use relu, leakyRelu, elu, gelu, silu, tanh, sigmoid, softplus or identity)`);
  }
}
