/**
 * `Dropout` (Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
 * Overfitting", JMLR 2014).
 * @module
 */
import { dropout } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Module } from './module.js';

/**
 * In training, zero each element with probability p and scale the rest by 1/(1 − p); identity in
 * eval mode. Masks come from the `rng` given at construction, so reruns are bit-identical.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { rng: new Rng(0) });
 * drop.call(x);        // training: masked and scaled
 * drop.eval().call(x); // x
 * ```
 */
export class Dropout extends Module {
  private readonly rng: Rng;

  /** @param p drop probability in [0, 1) */
  constructor(readonly p: number, opts: { rng: Rng }) {
    super();
    if (!(p >= 0 && p < 1)) throw new ValueError(`Dropout: p must be in [0, 1), got ${p}`);
    if (!opts?.rng) throw new ValueError('Dropout: opts.rng is required (all randomness goes through an explicit Rng)');
    this.rng = this.registerRng('rng', opts.rng);
  }

  /** @param x any shape @returns same shape */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }

  extraRepr(): string {
    return `p=${this.p}`;
  }
}
