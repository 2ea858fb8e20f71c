/**
 * Prefix scans along one axis with gradients: {@link cumsum} and {@link cumprod} (`torch.cumsum`,
 * `torch.cumprod`). Two primitives (kernels in src/backend/js/scan.ts, which every backend falls
 * back to); the gradient of `cumprod` is composed from them and is exact when the input has zeros.
 * @module
 */
import { apply } from '../engine.js';
import type { OpDef } from '../op-def.js';
import { asOp, normAxis, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { requireFloat, reshape, sum } from './base.js';
import { div, eq, mul, where } from './elementwise.js';
import type { ScanAttrs } from '../../backend/js/scan.js';

const cumsumOp: OpDef<ScanAttrs> = {
  name: 'cumsum',
  saved: [],
  infer: ([x]) => {
    requireFloat('cumsum', x!);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  // y_k = Σ_{j≤k} x_j is linear; its adjoint sums the upstream gradient from the other end.
  backward: ({ grad, attrs }) => [apply(cumsumOp, [grad], { axis: attrs.axis, reverse: !attrs.reverse })],
};

const cumprodOp: OpDef<ScanAttrs> = {
  name: 'cumprod',
  infer: ([x]) => {
    requireFloat('cumprod', x!);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  backward: ({ grad, inputs, outputs, attrs }) => [cumprodGrad(inputs[0]!, outputs[0]!, grad, attrs.axis)],
};

/**
 * ∂L/∂x_i = Σ_{k≥i} g_k Π_{j≤k, j≠i} x_j, without dividing by zero. With z the first zero of the
 * row (z = ∞ when none):
 *   i < z:  Σ_{k≥i} g_k y_k / x_i      (y_k = 0 for k ≥ z, so only k < z contribute);
 *   i = z:  Σ_{k≥z} g_k y'_k, y' = cumprod of x' = x with x_z replaced by 1;
 *   i > z:  x_z · G'_i, G' the same gradient for x' ({@link cumprodGradBase}, whose own entries
 *           past x′'s first zero are 0).
 * The value at i > z is 0, but x_z is carried as a tensor, so its derivative G'_i survives: the
 * gradient and its first derivatives (the Hessian) are exact at rows with zeros, as for `prod`
 * (double backward); third and higher derivatives at rows with three or more zeros are not.
 */
function cumprodGrad(x: Tensor, y: Tensor, g: Tensor, axis: number): Tensor {
  const { before, first, atBefore, atFirst, xPrime, yPrime } = cumprodParts(x, y, g, axis);
  const xz = sum(mul(first, x), [axis], true); // 0, with derivative 1 w.r.t. the first zero
  const after = mul(xz, cumprodGradBase(xPrime, yPrime, g, axis));
  return where(before, atBefore, where(first, atFirst, after));
}

/** {@link cumprodGrad} with 0 past the first zero (exact values; derivatives exact except w.r.t. that zero). */
function cumprodGradBase(x: Tensor, y: Tensor, g: Tensor, axis: number): Tensor {
  const { before, first, atBefore, atFirst } = cumprodParts(x, y, g, axis);
  return where(before, atBefore, where(first, atFirst, 0));
}

function cumprodParts(x: Tensor, y: Tensor, g: Tensor, axis: number) {
  const rev = (t: Tensor): Tensor => apply(cumsumOp, [t], { axis, reverse: true });
  const zero = eq(x, 0);
  const zerosSoFar = apply(cumsumOp, [zero], { axis, reverse: false });
  const before = eq(zerosSoFar, 0);
  const first = mul(zero, eq(zerosSoFar, 1));
  const atBefore = div(rev(mul(g, y)), where(before, x, 1));
  const xPrime = where(first, 1, x);
  const yPrime = apply(cumprodOp, [xPrime], { axis });
  return { before, first, atBefore, atFirst: rev(mul(g, yPrime)), xPrime, yPrime };
}

function scan(op: OpDef<ScanAttrs>, name: string, x: Tensor, axis: number): Tensor {
  requireTensor(name, 'x', x);
  requireFloat(name, x);
  if (x.ndim === 0) {
    // a 0-d tensor scans as one element along axis 0 or −1, as torch
    normAxis(name, axis, 1);
    return asOp(name, () => reshape(apply(op, [reshape(x, [1])], { axis: 0 }), []));
  }
  return apply(op, [x], { axis: normAxis(name, axis, x.ndim), reverse: false });
}

/**
 * Cumulative sum along `axis`, `torch.cumsum`: y_k = Σ_{j=0}^{k} x_j (negative axes count from
 * the end). Gradient: the reversed cumulative sum of the upstream gradient.
 * @throws IndexError for an axis out of range; DTypeError for an int32 tensor
 * @example
 * ```ts
 * cumsum(tensor([1, 2, 3]), 0); // [1, 3, 6]
 * ```
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  return scan(cumsumOp, 'cumsum', x, axis);
}

/**
 * Cumulative product along `axis`, `torch.cumprod`: y_k = Π_{j=0}^{k} x_j. The gradient
 * ∂L/∂x_i = Σ_{k≥i} g_k Π_{j≤k, j≠i} x_j is computed without dividing by x_i where that is zero
 * (as PyTorch's), so inputs with zeros get exact gradients.
 * @throws IndexError for an axis out of range; DTypeError for an int32 tensor
 * @example
 * ```ts
 * cumprod(tensor([1, 2, 3]), 0); // [1, 2, 6]
 * ```
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  return scan(cumprodOp, 'cumprod', x, axis);
}
