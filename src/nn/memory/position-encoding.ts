/**
 * Position encoding of a memory network's bag-of-words sentence embedding (Sukhbaatar et al. 2015,
 * §4.1).
 * @module
 */
import { Tensor } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import type { FloatDType } from '../parameter.js';

/**
 * The position-encoding weights l [J, d] of a sentence of J words embedded in d dimensions:
 *
 *   l_kj = (1 − j/J) − (k/d)(1 − 2j/J),   j = 1…J (word), k = 1…d (embedding dimension),
 *
 * returned row j−1, column k−1. The sentence embedding is m = Σ_j l_j ∘ A x_j, so that word order
 * changes m (a plain bag of words has l = 1).
 *
 * @example
 * ```ts
 * positionEncoding(1, 1).toFlatArray(); // [(1 − 1) − (1)(1 − 2)] = [1]
 * ```
 */
export function positionEncoding(J: number, d: number, opts: { dtype?: FloatDType } = {}): Tensor {
  for (const [k, v] of [['J', J], ['d', d]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`positionEncoding: ${k} must be a positive integer, got ${v}`);
  }
  const dtype = opts.dtype ?? 'float32';
  const out = dtype === 'float64' ? new Float64Array(J * d) : new Float32Array(J * d);
  for (let j = 1; j <= J; j++) {
    for (let k = 1; k <= d; k++) out[(j - 1) * d + (k - 1)] = 1 - j / J - (k / d) * (1 - (2 * j) / J);
  }
  return new Tensor(out, [J, d], dtype);
}
