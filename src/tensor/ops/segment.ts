/**
 * Segment reductions over the leading axis (the aggregation step of message passing):
 * out[s] = ⊕_{i : ids[i] = s} data[i]. Ids may be unsorted; empty segments give 0.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply, dispatch } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { detach, requireFloat } from './base.js';
import { clamp, div, exp, sub } from './elementwise.js';
import { type IndexLike, indexSelect, scatterAdd, toIndex } from './indexing.js';
import { zerosLike, ones } from '../creation.js';
import { reshape } from './base.js';

interface SegAttrs {
  numSegments: number;
  sorted: boolean;
}

function inferSeg(op: string, x: Meta, ids: Meta, numSegments: number): Meta {
  requireFloat(op, x);
  if (x.shape.length === 0) throw new ShapeError(`${op}: data must have at least one dimension`);
  if (ids.shape.length !== 1 || ids.shape[0] !== x.shape[0]) {
    throw new ShapeError(`${op}: ids ${fmtShape(ids.shape)} must be 1-D with one id per row of data ${fmtShape(x.shape)}`);
  }
  return { shape: [numSegments, ...x.shape.slice(1)], dtype: x.dtype };
}

const segmentSumOp: OpDef<SegAttrs> = {
  name: 'segmentSum',
  infer: ([x, ids], a) => [inferSeg('segmentSum', x!, ids!, a.numSegments)],
  backward: ({ grad, inputs: [, ids] }) => [indexSelect(grad, 0, ids!), null],
};

function extremeOp(name: 'segmentMax' | 'segmentMin'): OpDef<SegAttrs> {
  return {
    name,
    infer: ([x, ids], a) => {
      const m = inferSeg(name, x!, ids!, a.numSegments);
      return [m, { shape: m.shape, dtype: 'int32' }];
    },
    backward: ({ grad, inputs: [x], outputs }) => [scatterAdd(zerosLike(x!), 0, outputs[1]!, grad, { skipNegative: true }), null],
  };
}
const segmentMaxOp = extremeOp('segmentMax');
const segmentMinOp = extremeOp('segmentMin');

function segArgs(op: string, ids: IndexLike, numSegments: number, sorted?: boolean): [Tensor, SegAttrs] {
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new ValueError(`${op}: numSegments must be a non-negative integer, got ${numSegments}`);
  return [toIndex(op, ids), { numSegments, sorted: sorted ?? false }];
}

/** Options of the segment ops. */
export interface SegmentOptions {
  /** Ids are non-decreasing (verified; lets backends use contiguous runs). */
  sorted?: boolean;
}

/** Σ of the rows of each segment: data [N, …], ids [N] → [numSegments, …]. */
export function segmentSum(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  const [t, a] = segArgs('segmentSum', ids, numSegments, opts.sorted);
  return apply(segmentSumOp, [data, t], a);
}

/** Mean of the rows of each segment (0 for empty segments). */
export function segmentMean(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  const [t, a] = segArgs('segmentMean', ids, numSegments, opts.sorted);
  const s = apply(segmentSumOp, [data, t], a);
  const counts = apply(segmentSumOp, [ones([data.shape[0]!], { dtype: data.dtype }), t], a);
  const c = reshape(clamp(counts, 1), [numSegments, ...data.shape.slice(1).map(() => 1)]);
  return div(s, c);
}

/** Elementwise max over the rows of each segment (0 for empty segments); gradient to the argmax row. */
export function segmentMax(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  const [t, a] = segArgs('segmentMax', ids, numSegments, opts.sorted);
  return dispatch(segmentMaxOp, [data, t], a)[0]!;
}

/** Elementwise min over the rows of each segment (0 for empty segments). */
export function segmentMin(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  const [t, a] = segArgs('segmentMin', ids, numSegments, opts.sorted);
  return dispatch(segmentMinOp, [data, t], a)[0]!;
}

/**
 * Softmax within each segment, per feature column: out[i] = exp(x[i]) / Σ_{j: ids[j]=ids[i]} exp(x[j])
 * (max-shifted for stability). Output has the shape of `data`.
 */
export function segmentSoftmax(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  const [t] = segArgs('segmentSoftmax', ids, numSegments, opts.sorted);
  const m = detach(segmentMax(data, t, numSegments, opts));
  const e = exp(sub(data, indexSelect(m, 0, t)));
  const s = segmentSum(e, t, numSegments, opts);
  return div(e, indexSelect(s, 0, t));
}

const gatherSegmentSumOp: OpDef<{ numSegments: number }> = {
  name: 'gatherSegmentSum',
  infer: ([x, g, ids], a) => {
    requireFloat('gatherSegmentSum', x!);
    if (x!.shape.length === 0) throw new ShapeError('gatherSegmentSum: x must have at least one dimension');
    if (g!.shape.length !== 1 || ids!.shape.length !== 1 || g!.shape[0] !== ids!.shape[0]) {
      throw new ShapeError(`gatherSegmentSum: gather ${fmtShape(g!.shape)} and segment ids ${fmtShape(ids!.shape)} must be 1-D of equal length`);
    }
    return [{ shape: [a.numSegments, ...x!.shape.slice(1)], dtype: x!.dtype }];
  },
  // The adjoint swaps the roles: gx[r] = Σ_{e : gather[e] = r} g[ids[e]].
  backward: ({ grad, inputs: [x, g, ids] }) => [apply(gatherSegmentSumOp, [grad, ids!, g!], { numSegments: x!.shape[0]! }), null, null],
};

/**
 * Fused message-passing sum: out[s] = Σ_{e : ids[e] = s} x[gather[e]], i.e.
 * `segmentSum(indexSelect(x, 0, gather), ids, numSegments)` without materialising the gathered
 * [E, …] tensor (with gather = senders and ids = receivers: the sum of neighbour features). Its
 * gradient is the same op with gather and ids swapped.
 */
export function gatherSegmentSum(x: Tensor, gather: IndexLike, ids: IndexLike, numSegments: number): Tensor {
  const [t] = segArgs('gatherSegmentSum', ids, numSegments);
  return apply(gatherSegmentSumOp, [x, toIndex('gatherSegmentSum', gather), t], { numSegments });
}
