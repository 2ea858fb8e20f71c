/**
 * Group normalisation (Wu & He, arXiv:1803.08494), a composition of reductions and elementwise ops.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { asOp, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './base.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { mean, variance } from './reduce.js';

/**
 * Group normalisation: split the C channels into G groups of C/G and normalise each
 * (sample, group) over its channels and spatial positions,
 * y = (x − μ_{n,g}) / √(σ²_{n,g} + ε) · γ_c + β_c, with the biased variance (PyTorch's `F.group_norm`).
 * Independent of the batch size; G = 1 is layer norm over (C, …), G = C is instance norm.
 *
 * @param x [N, C, …] (float; any number of trailing axes, including none)
 * @param numGroups G, dividing C
 * @param weight γ [C], or null
 * @param bias β [C], or null
 * @param eps ε (default 1e-5)
 * @returns the shape of x
 * @throws ShapeError when x has rank < 2, C is not divisible by G, or γ/β are not [C]
 * @throws ValueError for a non-positive-integer G or a negative ε
 *
 * @example
 * ```ts
 * groupNorm(x, 4);              // x [8, 32, 16, 16], 4 groups of 8 channels
 * groupNorm(x, 4, gamma, beta); // with a per-channel affine map
 * ```
 */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  requireTensor('groupNorm', 'x', x);
  if (!Number.isInteger(numGroups) || numGroups < 1) throw new ValueError(`groupNorm: numGroups must be a positive integer, got ${numGroups}`);
  if (!(eps >= 0)) throw new ValueError(`groupNorm: eps must be non-negative, got ${eps}`);
  if (x.ndim < 2) throw new ShapeError(`groupNorm: input must be [N, C, …], got ${fmtShape(x.shape)}`);
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  if (C % numGroups !== 0) throw new ShapeError(`groupNorm: ${C} channels of input ${fmtShape(x.shape)} are not divisible into ${numGroups} groups`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError(`groupNorm: ${name} ${fmtShape(t.shape)} must be [${C}] for input ${fmtShape(x.shape)}`);
  }
  return asOp('groupNorm', () => {
    const rest = (C / numGroups) * x.shape.slice(2).reduce((a, b) => a * b, 1);
    const g = reshape(x, [N, numGroups, rest]);
    const mu = mean(g, 2, true);
    const v = variance(g, 2, true, 0);
    let y = reshape(mul(sub(g, mu), rsqrt(add(v, eps))), x.shape);
    const bshape = [C, ...new Array<number>(x.ndim - 2).fill(1)];
    if (weight) y = mul(y, reshape(weight, bshape));
    if (bias) y = add(y, reshape(bias, bshape));
    return y;
  });
}
