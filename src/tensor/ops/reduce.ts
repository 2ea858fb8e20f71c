/**
 * Reductions over any axes with keepDims: max, min, prod, variance, logsumexp (primitives),
 * argmax, argmin, and the composites mean, std, norm.
 * @module
 */
import { ValueError } from '../../util/errors.js';
import { apply, dispatch } from '../engine.js';
import type { OpDef } from '../op-def.js';
import { asOp, normAxes, normAxis, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { expand, reducedShape, requireFloat, reshape, sum } from './base.js';
import { abs, div, eq, exp, gt, mul, powScalar, sqrt, square, sub, where } from './elementwise.js';

type Axes = number | readonly number[] | null | undefined;

function extremeOp(name: 'max' | 'min'): OpDef<{ axes: number[]; keepDims: boolean }> {
  return {
    name,
    infer: ([x], { axes, keepDims }) => [{ shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype }],
    backward: ({ grad, inputs, outputs, attrs }) => {
      // The gradient is shared evenly among tied extremes (as torch.amax/amin).
      const x = inputs[0]!;
      const ks = reducedShape(x.shape, attrs.axes, true);
      const mask = eq(x, expand(reshape(outputs[0]!, ks), x.shape));
      const count = sum(mask, attrs.axes, true);
      return [mul(mask, div(reshape(grad, ks), count))];
    },
  };
}

const maxOp = extremeOp('max');
const minOp = extremeOp('min');

/** Maximum over `axes` (all when omitted). NaN propagates. */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireTensor('max', 'x', x);
  requireFloat('max', x);
  const ax = normAxes('max', axes, x.ndim);
  if (x.size === 0) throw new ValueError('max: reduction of an empty tensor has no identity');
  return apply(maxOp, [x], { axes: ax, keepDims });
}

/** Minimum over `axes` (all when omitted). NaN propagates. */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireTensor('min', 'x', x);
  requireFloat('min', x);
  const ax = normAxes('min', axes, x.ndim);
  if (x.size === 0) throw new ValueError('min: reduction of an empty tensor has no identity');
  return apply(minOp, [x], { axes: ax, keepDims });
}

const prodOp: OpDef<{ axes: number[]; keepDims: boolean }> = {
  name: 'prod',
  infer: ([x], { axes, keepDims }) => [{ shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype }],
  backward: ({ grad, inputs, outputs, attrs }) => {
    // d prod / d x_i = prod_{j≠i} x_j, computed without dividing by a zero x_i (see exclusiveProduct).
    const x = inputs[0]!;
    const ks = reducedShape(x.shape, attrs.axes, true);
    const others = exclusiveProduct(x, attrs.axes, reshape(outputs[0]!, ks));
    return [mul(expand(reshape(grad, ks), x.shape), others)];
  },
};

/**
 * ∏_{j≠i} x_j over each reduced group, written so that it is exact, and differentiable again, at
 * zeros (double backward): with p = ∏ x (the forward output, differentiable) and Z the zeros of the
 * group, at x_i ≠ 0 it is p / x_i (an identity wherever x_i ≠ 0, so all its derivatives are exact);
 * at a zero x_i it is ∏_{j∉Z} x_j times ∏_{j∈Z, j≠i} x_j, the latter 1 for |Z| = 1, the other zero's
 * x for |Z| = 2 (carried as a tensor, so its derivative 1 survives) and 0 for |Z| ≥ 3 (exact value
 * and first derivative: at least two zero factors). So prod's gradient and Hessian are exact
 * everywhere; third and higher derivatives at groups with three or more zeros are not.
 */
function exclusiveProduct(x: Tensor, axes: number[], p: Tensor): Tensor {
  const zero = eq(x, 0);
  const safe = where(zero, 1, x);
  const ks = reducedShape(x.shape, axes, true);
  const pSafe = expand(reshape(apply(prodOp, [safe], { axes, keepDims: true }), ks), x.shape);
  const nZero = expand(sum(zero, axes, true), x.shape);
  const atNonZero = div(expand(p, x.shape), safe);
  const zx = mul(x, zero);
  const otherZero = sub(expand(sum(zx, axes, true), x.shape), zx);
  const atZero = mul(pSafe, where(eq(nZero, 1), 1, where(eq(nZero, 2), otherZero, 0)));
  return where(zero, atZero, atNonZero);
}

/** Product over `axes` (all when omitted). */
export function prod(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireTensor('prod', 'x', x);
  requireFloat('prod', x);
  return apply(prodOp, [x], { axes: normAxes('prod', axes, x.ndim), keepDims });
}

function argOp(name: 'argmax' | 'argmin'): OpDef<{ axis: number; keepDims: boolean }> {
  return {
    name,
    infer: ([x], { axis, keepDims }) => [{ shape: reducedShape(x!.shape, [axis], keepDims), dtype: 'int32' }],
  };
}
const argmaxOp = argOp('argmax');
const argminOp = argOp('argmin');

function argReduce(op: OpDef, x: Tensor, axis: number | undefined | null, keepDims: boolean): Tensor {
  requireFloat(op.name, x);
  if (x.size === 0) throw new ValueError(`${op.name}: empty tensor`);
  if (axis == null) return dispatch(op, [reshape(x, [x.size])], { axis: 0, keepDims: false })[0]!;
  return dispatch(op, [x], { axis: normAxis(op.name, axis, x.ndim), keepDims })[0]!;
}

/** Index of the maximum along `axis` (of the flattened tensor when omitted); int32, first wins. */
export function argmax(x: Tensor, axis?: number | null, keepDims = false): Tensor {
  requireTensor('argmax', 'x', x);
  return argReduce(argmaxOp, x, axis, keepDims);
}

/** Index of the minimum along `axis` (of the flattened tensor when omitted); int32. */
export function argmin(x: Tensor, axis?: number | null, keepDims = false): Tensor {
  requireTensor('argmin', 'x', x);
  return argReduce(argminOp, x, axis, keepDims);
}

function count(x: Tensor, axes: Axes): number {
  const ax = normAxes('mean', axes, x.ndim);
  return ax.reduce((n, a) => n * x.shape[a]!, 1);
}

/** Mean over `axes`. */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireTensor('mean', 'x', x);
  return asOp('mean', () => {
    return div(sum(x, axes, keepDims), count(x, axes));
  });
}

/**
 * variance as one primitive (two float64 passes per group, rounded once). Its gradient,
 * g · 2(x − mean(x)) / (n − correction), is written with ops, so it is differentiable again.
 */
const varianceOp: OpDef<{ axes: number[]; keepDims: boolean; correction: number }> = {
  name: 'variance',
  infer: ([x], { axes, keepDims }) => {
    requireFloat('variance', x!);
    return [{ shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype }];
  },
  saved: [0],
  backward: ({ grad, inputs: [x], attrs: { axes, correction } }) => {
    const n = axes.reduce((p, a) => p * x!.shape[a]!, 1);
    const g = reshape(grad, reducedShape(x!.shape, axes, true));
    return [mul(g, mul(sub(x!, mean(x!, axes, true)), 2 / Math.max(n - correction, 0)))];
  },
};

/**
 * Variance over `axes` with Bessel's correction `correction` (default 1, unbiased, as torch.var):
 * Σ(x − μ)² / max(n − correction, 0), computed in float64 in two passes and rounded once.
 */
export function variance(x: Tensor, axes?: Axes, keepDims = false, correction = 1): Tensor {
  requireTensor('variance', 'x', x);
  if (typeof correction !== 'number' || !Number.isFinite(correction)) throw new ValueError(`variance: correction must be a finite number, got ${String(correction)}`);
  return apply(varianceOp, [x], { axes: normAxes('variance', axes, x.ndim), keepDims, correction });
}

/** Standard deviation over `axes` (unbiased by default). */
export function std(x: Tensor, axes?: Axes, keepDims = false, correction = 1): Tensor {
  requireTensor('std', 'x', x);
  return asOp('std', () => {
    return sqrt(variance(x, axes, keepDims, correction));
  });
}

/**
 * logsumexp as one primitive. Its gradient g · exp(x − y) (the softmax of the group) is written
 * with ops, so it is differentiable again.
 */
const logsumexpOp: OpDef<{ axes: number[]; keepDims: boolean }> = {
  name: 'logsumexp',
  infer: ([x], { axes, keepDims }) => {
    requireFloat('logsumexp', x!);
    return [{ shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [x], outputs: [y], attrs: { axes } }) => {
    const ks = reducedShape(x!.shape, axes, true);
    return [mul(reshape(grad, ks), exp(sub(x!, reshape(y!, ks))))];
  },
};

/**
 * log Σ exp(x) over `axes`, computed stably: shifted by the maximum m (by 0 where m = ±∞, so an
 * all −∞ group gives −∞ and one holding +∞ gives +∞, as torch), in one kernel.
 */
export function logsumexp(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireTensor('logsumexp', 'x', x);
  return apply(logsumexpOp, [x], { axes: normAxes('logsumexp', axes, x.ndim), keepDims });
}

/** p-norm over `axes` (default p = 2, all axes). */
export function norm(x: Tensor, p = 2, axes?: Axes, keepDims = false): Tensor {
  requireTensor('norm', 'x', x);
  return asOp('norm', () => {
    if (p === 2) {
      // Gradient 0 (a subgradient) at a zero vector instead of 0/0 = NaN, as torch.linalg.norm.
      const s = sum(square(x), axes, keepDims);
      const nz = gt(s, 0);
      return where(nz, sqrt(where(nz, s, 1)), 0);
    }
    if (p === 1) return sum(abs(x), axes, keepDims);
    if (p === Infinity) return max(abs(x), axes, keepDims);
    if (!(p > 0)) throw new ValueError(`norm: p must be positive, got ${p}`);
    return powScalar(sum(powScalar(abs(x), p), axes, keepDims), 1 / p);
  });
}
