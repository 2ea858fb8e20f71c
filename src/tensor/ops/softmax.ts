/**
 * softmax and log-softmax along one axis as primitives: one kernel each, forward and backward
 * (src/backend/js/softmax.ts), where the formulas as compositions would run five to nine
 * elementwise ops and reductions and store as many temporaries. The gradient kernels have rules
 * of their own, so every order of derivative stays available.
 * @module
 */
import { apply, applyInto, type OutOptions } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { ShapeError, fmtShape } from '../../util/errors.js';
import { normAxis, requireTensor } from '../shape-util.js';
import { requireFloat, requireSameDType, sum } from './base.js';
import { exp, mul, neg, sub } from './elementwise.js';

interface AxisAttrs {
  axis: number;
}

function inferGrad(op: string, y: Meta, g: Meta): Meta[] {
  requireFloat(op, y, g);
  requireSameDType(op, y, g);
  if (y.shape.join() !== g.shape.join()) throw new ShapeError(`${op}: gradient ${fmtShape(g.shape)} must match the output ${fmtShape(y.shape)}`);
  return [{ shape: y.shape, dtype: y.dtype }];
}

const unaryInfer = (op: string) => ([x]: readonly Meta[]): Meta[] => {
  requireFloat(op, x!);
  return [{ shape: x!.shape, dtype: x!.dtype }];
};

/**
 * gx = y ⊙ (g − s), s = Σ_axis g ⊙ y. With upstream u and t = Σ_axis u ⊙ y:
 * ∂/∂g = y ⊙ (u − t) (this op again), ∂/∂y = u ⊙ (g − s) − g ⊙ t.
 */
const softmaxGradOp: OpDef<AxisAttrs> = {
  name: 'softmaxGrad',
  infer: ([y, g]) => inferGrad('softmaxGrad', y!, g!),
  backward: ({ grad: u, inputs: [y, g], attrs, needs }) => [
    needs[0] ? sub(mul(u, sub(g!, sum(mul(g!, y!), attrs.axis, true))), mul(g!, sum(mul(u, y!), attrs.axis, true))) : null,
    needs[1] ? apply(softmaxGradOp, [y!, u], attrs) : null,
  ],
};

const softmaxOp: OpDef<AxisAttrs> = {
  name: 'softmax',
  saved: [1],
  infer: unaryInfer('softmax'),
  backward: ({ grad, outputs: [y], attrs }) => [apply(softmaxGradOp, [y!, grad], attrs)],
};

/**
 * gx = g − p · S, p = exp(y), S = Σ_axis g. With upstream u:
 * ∂/∂g = u − Σ_axis u ⊙ p, ∂/∂y = −(u ⊙ p) · S.
 */
const logSoftmaxGradOp: OpDef<AxisAttrs> = {
  name: 'logSoftmaxGrad',
  infer: ([y, g]) => inferGrad('logSoftmaxGrad', y!, g!),
  backward: ({ grad: u, inputs: [y, g], attrs, needs }) => {
    const up = mul(u, exp(y!));
    return [
      needs[0] ? neg(mul(up, sum(g!, attrs.axis, true))) : null,
      needs[1] ? sub(u, sum(up, attrs.axis, true)) : null,
    ];
  },
};

const logSoftmaxOp: OpDef<AxisAttrs> = {
  name: 'logSoftmax',
  saved: [1],
  infer: unaryInfer('logSoftmax'),
  backward: ({ grad, outputs: [y], attrs }) => [apply(logSoftmaxGradOp, [y!, grad], attrs)],
};

/**
 * softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) along `axis` (default the last), m the maximum
 * along the axis (the shift changes nothing mathematically and keeps exp from overflowing).
 * One kernel forward and one backward (gx = y ⊙ (g − Σ g ⊙ y)); a slice holding NaN or +∞, or all
 * −∞, gives NaN, as `torch.softmax`.
 *
 * @param x a float tensor of rank ≥ 1
 * @param axis the axis to normalise along (negative counts from the end)
 * @param opts `{ out }`: write the result into a given tensor (see `OutOptions`)
 * @throws ShapeError for an axis out of range; DTypeError for an int32 tensor
 *
 * @example
 * ```ts
 * softmax(tensor([[1, 2, 3]])).toArray(); // [[0.0900…, 0.2447…, 0.6652…]]
 * ```
 */
export function softmax(x: Tensor, axis = -1, opts?: OutOptions): Tensor {
  requireTensor('softmax', 'x', x);
  return applyInto(softmaxOp, [x], { axis: normAxis('softmax', axis, x.ndim) }, opts);
}

/**
 * log softmax(x) = x − logsumexp(x) along `axis` (default the last), shifted by the maximum (by 0
 * where the maximum is ±∞, as `logsumexp`). One kernel forward and one backward
 * (gx = g − exp(y) · Σ g); the stable way to get log-probabilities for a cross-entropy loss.
 *
 * @param x a float tensor of rank ≥ 1
 * @param axis the axis to normalise along (negative counts from the end)
 * @param opts `{ out }`: write the result into a given tensor (see `OutOptions`)
 * @throws ShapeError for an axis out of range; DTypeError for an int32 tensor
 *
 * @example
 * ```ts
 * logSoftmax(tensor([0, 0])).toArray(); // [-0.6931…, -0.6931…]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1, opts?: OutOptions): Tensor {
  requireTensor('logSoftmax', 'x', x);
  return applyInto(logSoftmaxOp, [x], { axis: normAxis('logSoftmax', axis, x.ndim) }, opts);
}
