/**
 * Unadjusted Langevin dynamics for sampling from p(x) ∝ e^{−E(x)} (Roberts & Tweedie 1996; as a
 * sampler of energy-based models, Du & Mordatch 2019).
 * @module
 */
import { Tensor, noGrad, randn } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

/** Options of {@link langevinSample}. */
export interface LangevinOptions {
  /** The score s(x) = −∇ₓE(x) [N, D] → [N, D]; or give `energy`. */
  score?: (x: Tensor) => Tensor;
  /** The energy E(x) [N, D] → [N]; its gradient is taken by autograd when `score` is absent. */
  energy?: (x: Tensor) => Tensor;
  /** Number of steps. */
  steps: number;
  /** Step size η (the variance of the injected noise). */
  stepSize: number;
  /** Source of the noise (required). */
  rng: Rng;
  /** Multiply the injected noise by this factor (default 1; below 1 trades diversity for sharper samples). */
  noiseScale?: number;
}

/**
 * Run N chains of unadjusted Langevin dynamics from x0 [N, D]:
 *
 *   x_{t+1} = x_t + (η/2)·s(x_t) + √η·ξ_t,   s = −∇ₓE,  ξ_t ~ N(0, I).
 *
 * Its stationary law approaches p ∝ e^{−E} as η → 0 (for a Gaussian of variance v the bias is
 * v → v/(1 − η/(4v))). Returns the final states (no gradient history).
 *
 * @example
 * ```ts
 * const x = langevinSample(zeros([1000, 2]), { energy: (x) => x.square().sum(1).mul(0.5), steps: 500, stepSize: 0.01, rng: new Rng(0) });
 * ```
 */
export function langevinSample(x0: Tensor, opts: LangevinOptions): Tensor {
  if (x0.ndim !== 2) throw new ShapeError(`langevinSample: x0 must be [N, D], got ${fmtShape(x0.shape)}`);
  if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new ValueError(`langevinSample: steps must be a non-negative integer, got ${opts.steps}`);
  if (!(opts.stepSize > 0)) throw new ValueError(`langevinSample: stepSize must be positive, got ${opts.stepSize}`);
  if (!opts.score && !opts.energy) throw new ValueError('langevinSample: give a score or an energy');
  if (!opts.rng) throw new ValueError('langevinSample: opts.rng is required');
  const eta = opts.stepSize, noise = Math.sqrt(eta) * (opts.noiseScale ?? 1);
  const dtype = x0.dtype === 'float64' ? 'float64' : 'float32';
  const scoreOf = (x: Tensor): Tensor => {
    if (opts.score) return noGrad(() => opts.score!(x));
    const leaf = new Tensor(x.data, x.shape, x.dtype, true);
    const e = opts.energy!(leaf);
    if (e.ndim !== 1 || e.shape[0] !== x.shape[0]) throw new ShapeError(`langevinSample: the energy returned ${fmtShape(e.shape)} for x ${fmtShape(x.shape)}; expected [${x.shape[0]}]`);
    e.sum().backward();
    return leaf.grad!.neg();
  };
  let x = new Tensor(x0.data.slice(), x0.shape, x0.dtype);
  for (let t = 0; t < opts.steps; t++) {
    const s = scoreOf(x);
    if (s.ndim !== 2 || s.shape[0] !== x.shape[0] || s.shape[1] !== x.shape[1]) throw new ShapeError(`langevinSample: the score returned ${fmtShape(s.shape)} for x ${fmtShape(x.shape)}`);
    x = noGrad(() => x.add(s.mul(eta / 2)).add(randn(opts.rng, x.shape, { dtype }).mul(noise)));
  }
  return x;
}
