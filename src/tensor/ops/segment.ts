/**
 * Segment reductions over the leading axis (the aggregation step of message passing):
 * out[s] = ⊕_{i : ids[i] = s} data[i]. Ids may be unsorted; empty segments give 0.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply, dispatch } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { requireFloat } from './base.js';
import { clamp, div, mul, sub } from './elementwise.js';
import { type IndexLike, indexSelect, scatterAdd, toIndex } from './indexing.js';
import { zerosLike, ones } from '../creation.js';
import { reshape } from './base.js';
import { asOp, requireTensor } from '../shape-util.js';

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
  saved: [1],
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
  return [toIndex(op, ids, undefined, 'segment ids'), { numSegments, sorted: sorted ?? false }];
}

/** Options of the segment ops. */
export interface SegmentOptions {
  /** Ids are non-decreasing (verified; lets backends use contiguous runs). */
  sorted?: boolean;
}

/** Σ of the rows of each segment: data [N, …], ids [N] → [numSegments, …]. */
export function segmentSum(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  requireTensor('segmentSum', 'data', data);
  const [t, a] = segArgs('segmentSum', ids, numSegments, opts.sorted);
  return apply(segmentSumOp, [data, t], a);
}

/** Mean of the rows of each segment (0 for empty segments). */
export function segmentMean(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  requireTensor('segmentMean', 'data', data);
  const [t, a] = segArgs('segmentMean', ids, numSegments, opts.sorted);
  return asOp('segmentMean', () => {
    const s = apply(segmentSumOp, [data, t], a);
    const counts = apply(segmentSumOp, [ones([data.shape[0]!], { dtype: data.dtype }), t], a);
    const c = reshape(clamp(counts, 1), [numSegments, ...data.shape.slice(1).map(() => 1)]);
    return div(s, c);
  });
}

/** Elementwise max over the rows of each segment (0 for empty segments); gradient to the argmax row. */
export function segmentMax(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  requireTensor('segmentMax', 'data', data);
  const [t, a] = segArgs('segmentMax', ids, numSegments, opts.sorted);
  return dispatch(segmentMaxOp, [data, t], a)[0]!;
}

/** Elementwise min over the rows of each segment (0 for empty segments). */
export function segmentMin(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  requireTensor('segmentMin', 'data', data);
  const [t, a] = segArgs('segmentMin', ids, numSegments, opts.sorted);
  return dispatch(segmentMinOp, [data, t], a)[0]!;
}

const segmentSoftmaxGradOp: OpDef<SegAttrs> = {
  name: 'segmentSoftmaxGrad',
  infer: ([y, g, ids], a) => {
    if (g!.shape.join() !== y!.shape.join() || g!.dtype !== y!.dtype) {
      throw new ShapeError(`segmentSoftmaxGrad: gradient ${fmtShape(g!.shape)} ${g!.dtype} must match the softmax output ${fmtShape(y!.shape)} ${y!.dtype}`);
    }
    inferSeg('segmentSoftmaxGrad', y!, ids!, a.numSegments);
    return [{ shape: y!.shape, dtype: y!.dtype }];
  },
  // gx = y ⊙ (g − s[ids]), s = Σ_seg g ⊙ y. With upstream u and t = Σ_seg u ⊙ y:
  // ∂/∂g = y ⊙ (u − t[ids]) (the same op), ∂/∂y = u ⊙ (g − s[ids]) − g ⊙ t[ids].
  backward: ({ grad: u, inputs: [y, g, ids], attrs, needs }) => {
    const t = needs[1] || needs[0] ? indexSelect(apply(segmentSumOp, [mul(u, y!), ids!], attrs), 0, ids!) : null;
    return [
      needs[0] ? sub(mul(u, sub(g!, indexSelect(apply(segmentSumOp, [mul(g!, y!), ids!], attrs), 0, ids!))), mul(g!, t!)) : null,
      needs[1] ? mul(y!, sub(u, t!)) : null,
      null,
    ];
  },
};

const segmentSoftmaxOp: OpDef<SegAttrs> = {
  name: 'segmentSoftmax',
  infer: ([x, ids], a) => {
    inferSeg('segmentSoftmax', x!, ids!, a.numSegments);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  // gx = y ⊙ (g − Σ_segment g ⊙ y), one fused kernel (differentiable again: segmentSoftmaxGrad has its own rule).
  backward: ({ grad, inputs: [, ids], outputs: [y], attrs }) => [apply(segmentSoftmaxGradOp, [y!, grad, ids!], attrs), null],
};

/**
 * Softmax within each segment, per feature column: out[i] = exp(x[i] − m) / Σ_{j: ids[j]=ids[i]} exp(x[j] − m)
 * with m the segment's maximum (the attention normalisation of GAT/TransformerConv and PyG's
 * `softmax(src, index)`). One fused primitive: its gradient is y ⊙ (g − Σ_segment g ⊙ y).
 * Output has the shape of `data`; −∞ scores get weight 0.
 */
export function segmentSoftmax(data: Tensor, ids: IndexLike, numSegments: number, opts: SegmentOptions = {}): Tensor {
  requireTensor('segmentSoftmax', 'data', data);
  const [t, a] = segArgs('segmentSoftmax', ids, numSegments, opts.sorted);
  return apply(segmentSoftmaxOp, [data, t], a);
}

interface WeightedAttrs {
  numSegments: number;
  heads: number;
}

/** Number of weight columns (heads) of edge weights `w` for rows of `x`; throws on a mismatch. */
function headsOf(op: string, x: Meta, w: Meta, E: number): number {
  if (w.dtype !== x.dtype) throw new ShapeError(`${op}: weights ${w.dtype} must have the dtype of x (${x.dtype})`);
  const ok1 = w.shape.length === 1 && w.shape[0] === E;
  const ok2 = w.shape.length === 2 && w.shape[0] === E;
  if (!ok1 && !ok2) throw new ShapeError(`${op}: weights ${fmtShape(w.shape)} must be [E] or [E, H] with E = ${E} edges`);
  const H = ok2 ? w.shape[1]! : 1;
  if (H > 1 && (x.shape.length < 2 || x.shape[1] !== H)) {
    throw new ShapeError(`${op}: weights ${fmtShape(w.shape)} have ${H} heads, so x ${fmtShape(x.shape)} must be [R, ${H}, …]`);
  }
  if (H === 0) throw new ShapeError(`${op}: weights ${fmtShape(w.shape)} have no columns`);
  return H;
}

function checkEdgeIndex(op: string, names: [string, string], a: Meta, b: Meta): number {
  if (a.shape.length !== 1 || b.shape.length !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`${op}: ${names[0]} ${fmtShape(a.shape)} and ${names[1]} ${fmtShape(b.shape)} must be 1-D of equal length`);
  }
  return a.shape[0]!;
}

const gatherDotOp: OpDef<{ heads: number }> = {
  name: 'gatherDot',
  infer: ([a, b, ia, ib], { heads }) => {
    requireFloat('gatherDot', a!);
    if (a!.dtype !== b!.dtype) throw new ShapeError(`gatherDot: a is ${a!.dtype} but b is ${b!.dtype}`);
    if (a!.shape.length === 0 || a!.shape.slice(1).join() !== b!.shape.slice(1).join() || b!.shape.length === 0) {
      throw new ShapeError(`gatherDot: rows of a ${fmtShape(a!.shape)} and b ${fmtShape(b!.shape)} must have the same shape`);
    }
    const E = checkEdgeIndex('gatherDot', ['ia', 'ib'], ia!, ib!);
    if (heads > 1 && a!.shape[1] !== heads) throw new ShapeError(`gatherDot: ${heads} heads need rows [${heads}, …], got a ${fmtShape(a!.shape)}`);
    return [{ shape: [E, heads], dtype: a!.dtype }];
  },
  // out[e,h] = ⟨a[ia[e],h], b[ib[e],h]⟩: ga[r] = Σ_{e: ia[e]=r} out'[e] b[ib[e]], and likewise for b.
  backward: ({ grad, inputs: [a, b, ia, ib], attrs, needs }) => [
    needs[0] ? apply(gatherSegmentWeightedSumOp, [b!, grad, ib!, ia!], { numSegments: a!.shape[0]!, heads: attrs.heads }) : null,
    needs[1] ? apply(gatherSegmentWeightedSumOp, [a!, grad, ia!, ib!], { numSegments: b!.shape[0]!, heads: attrs.heads }) : null,
    null,
    null,
  ],
};

const gatherSegmentWeightedSumOp: OpDef<WeightedAttrs> = {
  name: 'gatherSegmentWeightedSum',
  infer: ([x, w, g, ids], a) => {
    requireFloat('gatherSegmentWeightedSum', x!);
    if (x!.shape.length === 0) throw new ShapeError('gatherSegmentWeightedSum: x must have at least one dimension');
    const E = checkEdgeIndex('gatherSegmentWeightedSum', ['gather', 'segment ids'], g!, ids!);
    const H = headsOf('gatherSegmentWeightedSum', x!, w!, E);
    if (H !== a.heads) throw new ShapeError(`gatherSegmentWeightedSum: weights ${fmtShape(w!.shape)} do not have ${a.heads} heads`);
    return [{ shape: [a.numSegments, ...x!.shape.slice(1)], dtype: x!.dtype }];
  },
  // gx[r] = Σ_{e: gather[e]=r} w[e] g[ids[e]] (roles swapped); gw[e,h] = ⟨g[ids[e],h], x[gather[e],h]⟩ (SDDMM).
  backward: ({ grad, inputs: [x, w, g, ids], attrs, needs }) => [
    needs[0] ? apply(gatherSegmentWeightedSumOp, [grad, w!, ids!, g!], { numSegments: x!.shape[0]!, heads: attrs.heads }) : null,
    needs[1] ? reshape(apply(gatherDotOp, [grad, x!, ids!, g!], { heads: attrs.heads }), w!.shape) : null,
    null,
    null,
  ],
};

/**
 * Fused weighted message-passing sum (SpMM): out[s, h, …] = Σ_{e : ids[e] = s} w[e, h] · x[gather[e], h, …],
 * i.e. `segmentSum(indexSelect(x, 0, gather) * w, ids, numSegments)` without materialising the
 * [E, …] messages. `weights` is [E] (one scalar per edge, e.g. GCN's normalisation) or [E, H]
 * (one per head, e.g. attention coefficients, with x [R, H, …]). Gradients: to x the same op with
 * the roles of gather and ids swapped, to the weights {@link gatherDot} (SDDMM).
 */
export function gatherSegmentWeightedSum(x: Tensor, weights: Tensor, gather: IndexLike, ids: IndexLike, numSegments: number): Tensor {
  requireTensor('gatherSegmentWeightedSum', 'x', x);
  requireTensor('gatherSegmentWeightedSum', 'weights', weights);
  const [t] = segArgs('gatherSegmentWeightedSum', ids, numSegments);
  const g = toIndex('gatherSegmentWeightedSum', gather, undefined, 'gather');
  const H = headsOf('gatherSegmentWeightedSum', x, weights, g.shape[0] ?? 0);
  return apply(gatherSegmentWeightedSumOp, [x, weights, g, t], { numSegments, heads: H });
}

/**
 * Per-edge dot products of gathered rows (SDDMM): out[e, h] = Σ_d a[ia[e], h, d] · b[ib[e], h, d],
 * shape [E, heads] (heads = 1 reduces each whole row). E.g. attention logits ⟨q_i, k_j⟩ over edges,
 * or the gradient of {@link gatherSegmentWeightedSum} w.r.t. its weights.
 */
export function gatherDot(a: Tensor, b: Tensor, ia: IndexLike, ib: IndexLike, opts: { heads?: number } = {}): Tensor {
  requireTensor('gatherDot', 'a', a);
  requireTensor('gatherDot', 'b', b);
  const heads = opts.heads ?? 1;
  if (!Number.isInteger(heads) || heads < 1) throw new ValueError(`gatherDot: heads must be a positive integer, got ${heads}`);
  return apply(gatherDotOp, [a, b, toIndex('gatherDot', ia, undefined, 'ia'), toIndex('gatherDot', ib, undefined, 'ib')], { heads });
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
  requireTensor('gatherSegmentSum', 'x', x);
  const [t] = segArgs('gatherSegmentSum', ids, numSegments);
  return apply(gatherSegmentSumOp, [x, toIndex('gatherSegmentSum', gather, undefined, 'gather'), t], { numSegments });
}
