/**
 * Spikes with surrogate gradients: the forward pass is exactly the Heaviside step, the backward pass
 * uses the derivative of a smooth surrogate (Neftci, Mostafa & Zenke, "Surrogate Gradient Learning
 * in Spiking Neural Networks", IEEE Signal Processing Magazine 2019).
 * @module
 */
import { step } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';

/** A surrogate gradient: the derivative σ'(x) used in place of the Heaviside step's δ(x). */
export interface Surrogate {
  /** Name, for reprs and errors. */
  readonly name: string;
  /** σ'(x) elementwise, built from tensor ops (it is only evaluated, never differentiated). */
  derivative(x: Tensor): Tensor;
  /** σ'(x) for one number (the same formula; for tests and plots). */
  derivativeAt(x: number): number;
}

/**
 * The fast-sigmoid surrogate of SuperSpike (Zenke & Ganguli, "SuperSpike: Supervised Learning in
 * Multilayer Spiking Neural Networks", Neural Computation 2018): σ'(x) = 1 / (1 + k|x|)², the
 * derivative of the fast sigmoid x / (1 + k|x|) (not normalised: its integral is 2/k). k = 25 is
 * snnTorch's default slope.
 */
export function fastSigmoid(slope = 25): Surrogate {
  if (!(slope > 0) || !Number.isFinite(slope)) throw new ValueError(`fastSigmoid: slope must be a positive number, got ${slope}`);
  return {
    name: `fastSigmoid(${slope})`,
    derivative: (x) => x.abs().mul(slope).add(1).square().reciprocal(),
    derivativeAt: (x) => 1 / (1 + slope * Math.abs(x)) ** 2,
  };
}

/**
 * The arctan surrogate (Fang et al., "Incorporating Learnable Membrane Time Constant to Enhance
 * Learning of Spiking Neural Networks", ICCV 2021; SpikingJelly's `ATan`): the step is approximated
 * by σ(x) = arctan(π α x / 2) / π + ½, so σ'(x) = (α / 2) / (1 + (π α x / 2)²). α = 2 is the
 * paper's default.
 */
export function arctanSurrogate(alpha = 2): Surrogate {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new ValueError(`arctanSurrogate: alpha must be a positive number, got ${alpha}`);
  const k = (Math.PI * alpha) / 2;
  return {
    name: `arctan(${alpha})`,
    derivative: (x) => x.mul(k).square().add(1).reciprocal().mul(alpha / 2),
    derivativeAt: (x) => alpha / 2 / (1 + (k * x) ** 2),
  };
}

/** The surrogates by name. */
export type SurrogateName = 'fastSigmoid' | 'arctan';

/** A surrogate from its name (default parameters) or as given. */
export function resolveSurrogate(op: string, s: Surrogate | SurrogateName | undefined): Surrogate {
  if (s === undefined || s === 'fastSigmoid') return fastSigmoid();
  if (s === 'arctan') return arctanSurrogate();
  if (typeof s === 'object' && s !== null && typeof s.derivative === 'function') return s;
  throw new ValueError(`${op}: surrogate must be 'fastSigmoid', 'arctan' or a Surrogate, got ${String(s)}`);
}

/**
 * Emit spikes s = H(x) = 1[x > 0], with the surrogate derivative in the backward pass:
 * ∂s/∂x := σ'(x).
 *
 * erlangen's autograd has no custom-gradient primitive, so the straight-through form is composed
 * from ordinary ops:
 *
 *   s = H(x̄) + (x − x̄) · σ'(x̄),  with x̄ = detach(x).
 *
 * In the forward pass x − x̄ is exactly 0 for every finite x, so s is exactly 0 or 1 (not a rounded
 * sum such as σ(x) + detach(H(x) − σ(x)) would give); in the backward pass H(x̄) and σ'(x̄) are
 * constants and ∂s/∂x = σ'(x) exactly.
 * @param x membrane potential minus threshold
 * @param surrogate the surrogate gradient (default fast sigmoid, slope 25)
 *
 * @example
 * ```ts
 * const v = tensor([-0.2, 0.0, 0.3], { dtype: 'float64' }).requireGrad();
 * const s = spike(v, 'arctan'); // [0, 0, 1]
 * s.sum().backward(); // v.grad = σ'(v) = 1 / (1 + (π v)²)
 * ```
 */
export function spike(x: Tensor, surrogate?: Surrogate | SurrogateName): Tensor {
  const sur = resolveSurrogate('spike', surrogate);
  const xd = x.detach();
  const h = step(xd);
  if (!x.requiresGrad) return h;
  return h.add(x.sub(xd).mul(sur.derivative(xd)));
}
