/**
 * Activation modules: thin wrappers over the elementwise tensor ops, so they can sit in a
 * `Sequential`. None has parameters.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
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
 * GELU(x) = x·Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel, arXiv:1606.08415); exact erf form.
 * @example
 * ```ts
 * new GELU().call(x);
 * ```
 */
export class GELU extends Module {
  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return x.gelu();
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
 * Softplus(x) = (1/β)·log(1 + e^{βx}) (β default 1).
 * @example
 * ```ts
 * new Softplus().call(x);
 * ```
 */
export class Softplus extends Module {
  /** @param beta β > 0 (default 1) */
  constructor(readonly beta = 1) {
    super();
    if (!(beta > 0)) throw new ValueError(`Softplus: beta must be positive, got ${beta}`);
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return this.beta === 1 ? x.softplus() : x.mul(this.beta).softplus().div(this.beta);
  }

  extraRepr(): string {
    return `beta=${this.beta}`;
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
