/**
 * 2-D pooling (PyTorch conventions, floor or ceil mode), adaptive pooling and global pooling.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { asOp, checkedSize, requireTensor } from '../shape-util.js';
import { apply, dispatch } from '../engine.js';
import type { OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { fromData } from '../creation.js';
import { requireFloat, reshape } from './base.js';
import { matmul } from './matmul.js';
import { takeAlongAxis } from './indexing.js';
import { max, mean } from './reduce.js';

interface PoolAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  countIncludePad?: boolean;
  ceilMode?: boolean;
}

/**
 * PyTorch's pooling output size: ⌊(n + 2p − d(k − 1) − 1 + (ceil ? s − 1 : 0)) / s⌋ + 1, and in ceil
 * mode one less when the last window would start beyond the input and its left padding.
 */
function poolOut(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

function poolShape(op: string, x: readonly number[], a: PoolAttrs): number[] {
  if (x.length !== 4) throw new ShapeError(`${op}: input must be [N,C,H,W], got ${fmtShape(x)}`);
  const [N, C, H, W] = x as [number, number, number, number];
  for (let i = 0; i < 2; i++) {
    if (a.padding[i]! * 2 > a.kernel[i]!) throw new ValueError(`${op}: padding ${a.padding} must be at most half the kernel ${a.kernel}`);
  }
  const ceil = a.ceilMode ?? false;
  const Ho = poolOut(H, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0], ceil);
  const Wo = poolOut(W, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1], ceil);
  if (Ho <= 0 || Wo <= 0) throw new ShapeError(`${op}: kernel ${a.kernel} (dilation ${a.dilation}, padding ${a.padding}) does not fit input ${fmtShape(x)}`);
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
  /** Step between windows (default: the kernel size). */
  stride?: Pair;
  /** Implicit padding on both sides, at most half the kernel (default 0); max pooling pads with −∞, average pooling with 0. */
  padding?: Pair;
  /** Spacing of the window's taps (max pooling only; default 1). */
  dilation?: Pair;
  /**
   * Round the output size up instead of down (default false), so a partial last window is kept —
   * unless it would start beyond the input and its left padding (PyTorch's rule).
   */
  ceilMode?: boolean;
}

function attrs(op: string, kernel: Pair, o: Pool2dOptions): PoolAttrs {
  const a: PoolAttrs = { kernel: pair(kernel), stride: pair(o.stride ?? kernel), padding: pair(o.padding ?? 0), dilation: pair(o.dilation ?? 1) };
  if (o.ceilMode !== undefined && typeof o.ceilMode !== 'boolean') throw new ValueError(`${op}: ceilMode must be a boolean, got ${String(o.ceilMode)}`);
  for (const [k, v] of Object.entries(a)) {
    const min = k === 'padding' ? 0 : 1;
    if (!(v as number[]).every((q) => Number.isInteger(q) && q >= min)) throw new ValueError(`${op}: ${k} must be integer(s) ≥ ${min}, got ${String(v)}`);
  }
  if (o.ceilMode) a.ceilMode = true;
  return a;
}

/**
 * Max pooling over kh×kw windows: y[n,c,i,j] = max over (a, b) < (kh, kw) of
 * x[n, c, i·sh − ph + a·dh, j·sw − pw + b·dw] (positions in the padding are skipped).
 * Output size ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (or ⌈·⌉ with `ceilMode`, see {@link Pool2dOptions}).
 *
 * @param x [N, C, H, W]
 * @param kernel kh or [kh, kw]
 * @returns [N, C, Ho, Wo]
 * @throws ShapeError when x is not 4-D or the window does not fit; ValueError for bad sizes
 *
 * @example
 * ```ts
 * maxPool2d(x, 2);                                   // [N, C, 8, 8] → [N, C, 4, 4]
 * maxPool2d(x, 3, { stride: 2, ceilMode: true });    // [N, C, 8, 8] → [N, C, 4, 4]
 * ```
 */
export function maxPool2d(x: Tensor, kernel: Pair, opts: Pool2dOptions = {}): Tensor {
  requireTensor('maxPool2d', 'x', x);
  return dispatch(maxPoolOp, [x], attrs('maxPool2d', kernel, opts))[0]!;
}

/**
 * Average pooling: the mean of each kh×kw window. With `countIncludePad` (default true, as PyTorch)
 * the divisor counts the zero padding (but not the part of a ceil-mode window beyond the padding);
 * otherwise only the input elements in the window.
 *
 * @param x [N, C, H, W]
 * @param kernel kh or [kh, kw]
 * @returns [N, C, Ho, Wo] (sizes as {@link maxPool2d})
 * @throws ShapeError when x is not 4-D or the window does not fit; ValueError for bad sizes
 *
 * @example
 * ```ts
 * avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
 * ```
 */
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

// ---------------------------------------------------------------------------------------------
// Adaptive pooling: output cell i covers [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉) along each axis (PyTorch).
// ---------------------------------------------------------------------------------------------

/** Output size of the adaptive pools: a number (both axes), or [h, w] where null keeps that axis. */
export type AdaptiveSize = number | readonly [number | null, number | null];

function adaptiveOut(op: string, x: Tensor, size: AdaptiveSize): [number, number] {
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be [N,C,H,W], got ${fmtShape(x.shape)}`);
  const raw = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : null;
  if (raw === null) throw new ValueError(`${op}: outputSize must be a number or [h, w], got ${String(size)}`);
  const out = raw.map((v, i) => (v === null ? x.shape[2 + i]! : v)) as [number, number];
  if (!out.every((v) => Number.isInteger(v) && v >= 1)) throw new ValueError(`${op}: outputSize must be positive integers, got [${String(raw)}]`);
  if (x.shape[2] === 0 || x.shape[3] === 0) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has an empty spatial axis`);
  checkedSize(op, [x.shape[0]!, x.shape[1]!, out[0], out[1]]);
  return out;
}

/** The [out, n] matrix whose row i averages x over adaptive window i. */
function adaptiveAvgMatrix(n: number, out: number, dtype: Tensor['dtype']): Tensor {
  const m = dtype === 'float32' ? new Float32Array(out * n) : new Float64Array(out * n);
  for (let i = 0; i < out; i++) {
    const s = Math.floor((i * n) / out), e = Math.ceil(((i + 1) * n) / out);
    for (let j = s; j < e; j++) m[i * n + j] = 1 / (e - s);
  }
  return fromData(m, [out, n]);
}

/**
 * Adaptive average pooling to a fixed output size, whatever the input size (PyTorch's
 * `adaptive_avg_pool2d`): y[n,c,i,j] = mean of x[n,c,h,w] over h ∈ [⌊iH/Ho⌋, ⌈(i+1)H/Ho⌉),
 * w ∈ [⌊jW/Wo⌋, ⌈(j+1)W/Wo⌉). Windows overlap when the sizes do not divide. Computed as
 * A_H · x · A_Wᵀ with constant averaging matrices, so it is differentiable to any order.
 *
 * @param x [N, C, H, W] (float)
 * @param outputSize Ho (= Wo), or [Ho, Wo] where null keeps the input's size
 * @returns [N, C, Ho, Wo]
 * @throws ShapeError when x is not 4-D or empty; ValueError for non-positive or fractional sizes
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(x, [3, 3]);   // [2, 8, 7, 10] → [2, 8, 3, 3]
 * adaptiveAvgPool2d(x, 1);        // global average pooling, keeping the spatial axes
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  requireTensor('adaptiveAvgPool2d', 'x', x);
  const [Ho, Wo] = adaptiveOut('adaptiveAvgPool2d', x, outputSize);
  return asOp('adaptiveAvgPool2d', () => {
    requireFloat('adaptiveAvgPool2d', x);
    const [, , H, W] = x.shape as [number, number, number, number];
    // the constant matrices are [Ho, H] and [Wo, W]
    checkedSize('adaptiveAvgPool2d', [Ho, H]);
    checkedSize('adaptiveAvgPool2d', [Wo, W]);
    let y = x;
    if (Ho !== H) y = matmul(adaptiveAvgMatrix(H, Ho, x.dtype), y);
    if (Wo !== W) y = matmul(y, adaptiveAvgMatrix(W, Wo, x.dtype), { transB: true });
    return y;
  });
}

const adaptiveMaxPoolOp: OpDef<{ outputSize: [number, number] }> = {
  name: 'adaptiveMaxPool2d',
  infer: ([x], a) => {
    requireFloat('adaptiveMaxPool2d', x!);
    const s = [x!.shape[0]!, x!.shape[1]!, a.outputSize[0], a.outputSize[1]];
    return [{ shape: s, dtype: x!.dtype }, { shape: s, dtype: 'int32' }];
  },
  backward: ({ grad, inputs: [x], outputs }) => [apply(maxPoolGradOp, [grad, outputs[1]!], { inputShape: [...x!.shape] })],
};

/**
 * Adaptive max pooling (PyTorch's `adaptive_max_pool2d`): y[n,c,i,j] = max of x[n,c,h,w] over
 * h ∈ [⌊iH/Ho⌋, ⌈(i+1)H/Ho⌉), w ∈ [⌊jW/Wo⌋, ⌈(j+1)W/Wo⌉). The gradient goes to the (first) maximum
 * of each window; NaN propagates.
 *
 * @param x [N, C, H, W] (float)
 * @param outputSize Ho (= Wo), or [Ho, Wo] where null keeps the input's size
 * @returns [N, C, Ho, Wo]
 * @throws ShapeError when x is not 4-D or empty; ValueError for non-positive or fractional sizes
 *
 * @example
 * ```ts
 * adaptiveMaxPool2d(x, [2, 4]);   // [1, 3, 5, 7] → [1, 3, 2, 4]
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  requireTensor('adaptiveMaxPool2d', 'x', x);
  const out = adaptiveOut('adaptiveMaxPool2d', x, outputSize);
  return dispatch(adaptiveMaxPoolOp, [x], { outputSize: out })[0]!;
}
