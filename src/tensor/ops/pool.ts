/**
 * 2-D pooling (PyTorch conventions, floor mode) and global pooling.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { asOp, checkedSize, requireTensor } from '../shape-util.js';
import { apply, dispatch } from '../engine.js';
import type { OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { requireFloat, reshape } from './base.js';
import { takeAlongAxis } from './indexing.js';
import { max, mean } from './reduce.js';

interface PoolAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  countIncludePad?: boolean;
}

function poolShape(op: string, x: readonly number[], a: PoolAttrs): number[] {
  if (x.length !== 4) throw new ShapeError(`${op}: input must be [N,C,H,W], got ${fmtShape(x)}`);
  const [N, C, H, W] = x as [number, number, number, number];
  for (let i = 0; i < 2; i++) {
    if (a.padding[i]! * 2 > a.kernel[i]!) throw new ValueError(`${op}: padding ${a.padding} must be at most half the kernel ${a.kernel}`);
  }
  const Ho = Math.floor((H + 2 * a.padding[0] - a.dilation[0] * (a.kernel[0] - 1) - 1) / a.stride[0]) + 1;
  const Wo = Math.floor((W + 2 * a.padding[1] - a.dilation[1] * (a.kernel[1] - 1) - 1) / a.stride[1]) + 1;
  if (Ho <= 0 || Wo <= 0) throw new ShapeError(`${op}: kernel ${a.kernel} does not fit input ${fmtShape(x)}`);
  const out = [N, C, Ho, Wo];
  checkedSize(op, out);
  return out;
}

const maxPoolOp: OpDef<PoolAttrs> = {
  name: 'maxPool2d',
  infer: ([x], a) => {
    requireFloat('maxPool2d', x!);
    const s = poolShape('maxPool2d', x!.shape, a);
    return [{ shape: s, dtype: x!.dtype }, { shape: s, dtype: 'int32' }];
  },
  backward: ({ grad, inputs: [x], outputs }) => [apply(maxPoolGradOp, [grad, outputs[1]!], { inputShape: [...x!.shape] })],
};

const maxPoolGradOp: OpDef<{ inputShape: number[] }> = {
  name: 'maxPool2dGrad',
  infer: ([g], a) => [{ shape: a.inputShape, dtype: g!.dtype }],
  backward: ({ grad, inputs: [g, arg] }) => {
    // adjoint of routing: gather the upstream at each argmax
    const [N, C, H, W] = grad.shape as [number, number, number, number];
    const flat = reshape(grad, [N, C, H * W]);
    const P = g!.shape[2]! * g!.shape[3]!;
    return [reshape(takeAlongAxis(flat, 2, reshape(arg!, [N, C, P])), g!.shape), null];
  },
};

const avgPoolOp: OpDef<PoolAttrs> = {
  name: 'avgPool2d',
  infer: ([x], a) => {
    requireFloat('avgPool2d', x!);
    return [{ shape: poolShape('avgPool2d', x!.shape, a), dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [x], attrs }) => [apply(avgPoolGradOp, [grad], { ...attrs, inputShape: [...x!.shape] })],
};

const avgPoolGradOp: OpDef<PoolAttrs & { inputShape: number[] }> = {
  name: 'avgPool2dGrad',
  infer: ([g], a) => [{ shape: a.inputShape, dtype: g!.dtype }],
  backward: ({ grad, attrs }) => [apply(avgPoolOp, [grad], attrs)],
};

type Pair = number | readonly [number, number];
// Anything but a number or a pair becomes [NaN, NaN], which `attrs` reports as a ValueError.
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : Array.isArray(v) ? [v[0], v[1]] : [NaN, NaN]);

/** Pooling options (stride defaults to the kernel size). */
export interface Pool2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function attrs(op: string, kernel: Pair, o: Pool2dOptions): PoolAttrs {
  const a: PoolAttrs = { kernel: pair(kernel), stride: pair(o.stride ?? kernel), padding: pair(o.padding ?? 0), dilation: pair(o.dilation ?? 1) };
  for (const [k, v] of Object.entries(a)) {
    const min = k === 'padding' ? 0 : 1;
    if (!(v as number[]).every((q) => Number.isInteger(q) && q >= min)) throw new ValueError(`${op}: ${k} must be integer(s) ≥ ${min}, got ${String(v)}`);
  }
  return a;
}

/** Max pooling over kh×kw windows; x [N,C,H,W]. */
export function maxPool2d(x: Tensor, kernel: Pair, opts: Pool2dOptions = {}): Tensor {
  requireTensor('maxPool2d', 'x', x);
  return dispatch(maxPoolOp, [x], attrs('maxPool2d', kernel, opts))[0]!;
}

/** Average pooling; `countIncludePad` (default true) counts zero padding in the divisor as PyTorch. */
export function avgPool2d(x: Tensor, kernel: Pair, opts: Omit<Pool2dOptions, 'dilation'> & { countIncludePad?: boolean } = {}): Tensor {
  requireTensor('avgPool2d', 'x', x);
  return apply(avgPoolOp, [x], { ...attrs('avgPool2d', kernel, opts), countIncludePad: opts.countIncludePad ?? true });
}

/** Mean over the spatial axes: [N,C,H,W] → [N,C]. */
export function globalAvgPool2d(x: Tensor): Tensor {
  requireTensor('globalAvgPool2d', 'x', x);
  return asOp('globalAvgPool2d', () => {
    if (x.ndim !== 4) throw new ShapeError(`globalAvgPool2d: input must be [N,C,H,W], got ${fmtShape(x.shape)}`);
    return mean(x, [2, 3]);
  });
}

/** Max over the spatial axes: [N,C,H,W] → [N,C]. */
export function globalMaxPool2d(x: Tensor): Tensor {
  requireTensor('globalMaxPool2d', 'x', x);
  return asOp('globalMaxPool2d', () => {
    if (x.ndim !== 4) throw new ShapeError(`globalMaxPool2d: input must be [N,C,H,W], got ${fmtShape(x.shape)}`);
    return max(x, [2, 3]);
  });
}
