/**
 * Indexing primitives: indexSelect / indexAdd along an axis and takeAlongAxis (torch.gather) /
 * scatterAdd. Index arguments are int32 tensors, Int32Arrays or number arrays.
 * @module
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import { asOp, normAxis, requireTensor, toInt32Indices } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { requireFloat, requireSameDType } from './base.js';
import { zerosLike } from '../creation.js';
import { pad } from './layout.js';
import { mul } from './elementwise.js';

/** Index input: an int32 tensor, an Int32Array or plain numbers. */
export type IndexLike = Tensor | Int32Array | readonly number[];

/**
 * Convert an index argument to an int32 tensor. An int32 tensor or Int32Array is used as is (the
 * kernels range-check it); plain numbers are validated in the same pass that converts them: a
 * value that is not an integer in [−2³¹, 2³¹) (1.5, NaN, ±Infinity, 3e9) is an `IndexError`
 * naming `op`, never truncated. A float tensor is a `DTypeError`.
 * @param what how the message calls the argument (default `indices`)
 */
export function toIndex(op: string, idx: IndexLike, shape?: readonly number[], what = 'indices'): Tensor {
  if (idx instanceof Tensor) {
    if (idx.dtype !== 'int32') throw new DTypeError(`${op}: ${what} must be int32, got ${idx.dtype} (use cast(…, 'int32') or indices())`);
    return idx;
  }
  const d = idx instanceof Int32Array ? idx : toInt32Indices(op, what, idx);
  return new Tensor(d, shape ?? [d.length], 'int32');
}

function requireIndex(op: string, idx: Meta, rank1: boolean): void {
  if (idx.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${idx.dtype}`);
  if (rank1 && idx.shape.length !== 1) throw new ShapeError(`${op}: indices must be 1-D, got ${fmtShape(idx.shape)}`);
}

const indexSelectOp: OpDef<{ axis: number }> = {
  name: 'indexSelect',
  saved: [1],
  infer: ([x, idx], { axis }) => {
    requireIndex('indexSelect', idx!, true);
    const s = [...x!.shape];
    s[axis] = idx!.shape[0]!;
    return [{ shape: s, dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [x, idx], attrs }) => [apply(indexAddOp, [zerosLike(x!), idx!, grad], attrs), null],
};

const indexAddOp: OpDef<{ axis: number }> = {
  name: 'indexAdd',
  saved: [1],
  infer: ([x, idx, src], { axis }) => {
    requireFloat('indexAdd', x!, src!);
    requireSameDType('indexAdd', x!, src!);
    requireIndex('indexAdd', idx!, true);
    const want = [...x!.shape];
    want[axis] = idx!.shape[0]!;
    if (src!.shape.length !== want.length || src!.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`indexAdd: source shape ${fmtShape(src!.shape)} should be ${fmtShape(want)} (target ${fmtShape(x!.shape)}, ${idx!.shape[0]} indices on axis ${axis})`);
    }
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [, idx], attrs, needs }) => [needs[0] ? grad : null, null, needs[2] ? apply(indexSelectOp, [grad, idx!], attrs) : null],
};

/** Select slices along `axis`: out[…, i, …] = x[…, idx[i], …] (negative indices count from the end). */
export function indexSelect(x: Tensor, axis: number, idx: IndexLike): Tensor {
  requireTensor('indexSelect', 'x', x);
  return apply(indexSelectOp, [x, toIndex('indexSelect', idx)], { axis: normAxis('indexSelect', axis, x.ndim) });
}

/**
 * out = x, then out[…, idx[i], …] += α·src[…, i, …] (duplicates accumulate), `torch.index_add`
 * with its `alpha` (default 1). Gradients: the upstream gradient for x, α times its selected rows
 * for src.
 * @throws ShapeError when src is not x's shape with idx.length on `axis`; IndexError for an axis or
 *   index out of range; ValueError for a non-finite α
 */
export function indexAdd(x: Tensor, axis: number, idx: IndexLike, src: Tensor, alpha = 1): Tensor {
  requireTensor('indexAdd', 'x', x);
  requireTensor('indexAdd', 'src', src);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ValueError(`indexAdd: alpha must be a finite number, got ${String(alpha)}`);
  const attrs = { axis: normAxis('indexAdd', axis, x.ndim) };
  const t = toIndex('indexAdd', idx);
  if (alpha === 1) return apply(indexAddOp, [x, t, src], attrs);
  return asOp('indexAdd', () => apply(indexAddOp, [x, t, mul(src, alpha)], attrs));
}

function checkAlong(op: string, x: Meta, idx: Meta, axis: number, src?: Meta): void {
  if (idx.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${idx.dtype}`);
  if (idx.shape.length !== x.shape.length) throw new ShapeError(`${op}: index rank ${idx.shape.length} ${fmtShape(idx.shape)} must equal the tensor rank ${x.shape.length} ${fmtShape(x.shape)}`);
  idx.shape.forEach((d, i) => {
    if (i !== axis && d > x.shape[i]!) throw new ShapeError(`${op}: index shape ${fmtShape(idx.shape)} exceeds ${fmtShape(x.shape)} on axis ${i}`);
    if (src && d > src.shape[i]!) throw new ShapeError(`${op}: index shape ${fmtShape(idx.shape)} exceeds the source ${fmtShape(src.shape)} on axis ${i}`);
  });
}

const takeAlongAxisOp: OpDef<{ axis: number; skipNegative?: boolean }> = {
  name: 'takeAlongAxis',
  saved: [1],
  infer: ([x, idx], { axis }) => {
    checkAlong('takeAlongAxis', x!, idx!, axis);
    return [{ shape: idx!.shape, dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [x, idx], attrs }) => [apply(scatterAddOp, [zerosLike(x!), idx!, grad], attrs), null],
};

const scatterAddOp: OpDef<{ axis: number; skipNegative?: boolean }> = {
  name: 'scatterAdd',
  saved: [1],
  infer: ([x, idx, src], { axis }) => {
    requireFloat('scatterAdd', x!, src!);
    requireSameDType('scatterAdd', x!, src!);
    checkAlong('scatterAdd', x!, idx!, axis, src);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [, idx, src], attrs, needs }) => {
    let gs: Tensor | null = null;
    if (needs[2]) {
      gs = apply(takeAlongAxisOp, [grad, idx!], attrs);
      if (gs.shape.some((d, i) => d !== src!.shape[i])) gs = pad(gs, gs.shape.map((d, i) => [0, src!.shape[i]! - d] as [number, number]));
    }
    return [needs[0] ? grad : null, null, gs];
  },
};

/** torch.gather: out[i][j] = x[idx[i][j]][j] for axis 0 (and likewise for other axes); out.shape = idx.shape. */
export function takeAlongAxis(x: Tensor, axis: number, idx: IndexLike): Tensor {
  requireTensor('takeAlongAxis', 'x', x);
  const t = toIndex('takeAlongAxis', idx);
  return apply(takeAlongAxisOp, [x, t], { axis: normAxis('takeAlongAxis', axis, x.ndim) });
}

/** `takeAlongAxis` with PyTorch's name (errors name `gather`). */
export function gather(x: Tensor, axis: number, idx: IndexLike): Tensor {
  requireTensor('gather', 'x', x);
  const t = toIndex('gather', idx);
  return asOp('gather', () => apply(takeAlongAxisOp, [x, t], { axis: normAxis('gather', axis, x.ndim) }));
}

/** torch.scatter_add: out = x; out[idx[i][j]][j] += src[i][j] for axis 0 (iterating over idx.shape). */
export function scatterAdd(x: Tensor, axis: number, idx: IndexLike, src: Tensor, opts: { skipNegative?: boolean } = {}): Tensor {
  requireTensor('scatterAdd', 'x', x);
  requireTensor('scatterAdd', 'src', src);
  const t = toIndex('scatterAdd', idx);
  return apply(scatterAddOp, [x, t, src], { axis: normAxis('scatterAdd', axis, x.ndim), skipNegative: opts.skipNegative ?? false });
}
