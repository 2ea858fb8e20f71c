/**
 * Normalisation to unit p-norm and cosine similarity along an axis, with PyTorch's semantics
 * (`torch.nn.functional.normalize`, `torch.nn.functional.cosine_similarity`, including how ε
 * guards small norms). Compositions of primitives: their gradients need no rule of their own.
 * @module
 */
import { ValueError } from '../../util/errors.js';
import { asOp, broadcastShapes, normAxis, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { expand, sum } from './base.js';
import { div, lt, mul, where } from './elementwise.js';
import { norm } from './reduce.js';

function checkEps(op: string, eps: number): void {
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(`${op}: eps must be a non-negative number, got ${String(eps)}`);
}

/** max(n, ε) with torch's clamp_min gradient: it flows to n where n ≥ ε. */
const clampMin = (n: Tensor, eps: number): Tensor => where(lt(n, eps), eps, n);

/**
 * Scale x to unit p-norm along `dim`, `torch.nn.functional.normalize`:
 *
 *   y = x / max(‖x‖_p, ε),   ‖x‖_p taken along `dim` (keeping it for broadcasting).
 *
 * A zero vector stays zero (its norm is clamped to ε). Defaults p = 2, dim = 1, ε = 1e-12 as torch.
 * @throws IndexError for `dim` out of range; ValueError for p ≤ 0 or ε < 0
 * @example
 * ```ts
 * normalize(tensor([[3, 4]]), 2, 1); // [[0.6, 0.8]]
 * ```
 */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  requireTensor('normalize', 'x', x);
  checkEps('normalize', eps);
  return asOp('normalize', () => {
    const d = normAxis('normalize', dim, x.ndim);
    return div(x, clampMin(norm(x, p, d, true), eps));
  });
}

/**
 * Cosine similarity along `dim`, `torch.nn.functional.cosine_similarity`:
 *
 *   s = Σ x₁·x₂ / (max(‖x₁‖₂, ε) · max(‖x₂‖₂, ε)),
 *
 * x₁ and x₂ broadcast to a common shape; `dim` indexes that shape and is removed from the result.
 * Defaults dim = 1, ε = 1e-8 as torch. The gradient is the derivative of this value everywhere;
 * for a norm below ε that differs from torch 1.13's, which clamps the norm without autograd
 * (docs/design/ops-reference.md).
 * @throws ShapeError when the shapes do not broadcast; IndexError for `dim` out of range;
 *   ValueError for ε < 0
 * @example
 * ```ts
 * cosineSimilarity(tensor([[1, 0]]), tensor([[1, 1]])); // [0.7071…]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  requireTensor('cosineSimilarity', 'x1', x1);
  requireTensor('cosineSimilarity', 'x2', x2);
  checkEps('cosineSimilarity', eps);
  return asOp('cosineSimilarity', () => {
    const shape = broadcastShapes('cosineSimilarity', x1.shape, x2.shape);
    const d = normAxis('cosineSimilarity', dim, shape.length);
    const a = expand(x1, shape), b = expand(x2, shape);
    return div(sum(mul(a, b), d), mul(clampMin(norm(a, 2, d), eps), clampMin(norm(b, 2, d), eps)));
  });
}
