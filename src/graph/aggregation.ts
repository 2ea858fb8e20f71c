/**
 * Aggregations for message passing: permutation-invariant reductions of the messages entering each
 * node, out_i = ⊕_{e: index[e] = i} m_e, built on the tensor segment ops (so nodes without incoming
 * edges get 0 and everything is differentiable).
 * @module
 */
import {
  concat, detach, gt, mul, segmentMax, segmentMean, segmentMin, segmentSoftmax, segmentSum, sqrt, clamp, square, sub,
} from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { GraphsTuple } from './graphs-tuple.js';

/** Direction of message flow: `'sender-to-receiver'` (default) aggregates at the receivers. */
export type Flow = 'sender-to-receiver' | 'receiver-to-sender';

/** What an aggregation sees besides the messages. */
export interface AggregateContext {
  /** Segment id (the effective receiver) of each message [E]. */
  readonly index: Int32Array;
  /** Number of output rows (receiving nodes). */
  readonly numSegments: number;
  /** The graph, when propagating over a GraphsTuple (gives cached CSR/CSC views for kernels). */
  readonly graph: GraphsTuple | null;
  /** The flow the index was derived with. */
  readonly flow: Flow;
}

/**
 * A permutation-invariant reduction of messages [E, …] to [numSegments, …]. Implement this for a
 * custom aggregation; a `Module` implementing it is registered as a child of the layer.
 */
export interface Aggregation {
  /** Name, for messages and `toString`. */
  readonly name: string;
  /**
   * @param messages [E, …]
   * @returns [ctx.numSegments, …] (0 for segments without messages)
   */
  aggregate(messages: Tensor, ctx: AggregateContext): Tensor;
}

/** The built-in aggregations (`'add'` is an alias of `'sum'`). */
export type AggregationName = 'sum' | 'add' | 'mean' | 'max' | 'min' | 'softmax' | 'std';

/** One aggregation, or several (their outputs concatenated along the last axis, in order). */
export type AggregationSpec = AggregationName | Aggregation | readonly (AggregationName | Aggregation)[];

/** Options of the built-in aggregations. */
export interface AggregationOptions {
  /** Inverse temperature t of `'softmax'`: weights softmax_j(t·m_j) (default 1). */
  temperature?: number;
  /** Variance floor of `'std'` (default 1e-5, as PyG); variances ≤ eps give 0. */
  eps?: number;
}

const NAMES: readonly AggregationName[] = ['sum', 'add', 'mean', 'max', 'min', 'softmax', 'std'];

/**
 * A built-in aggregation by name:
 * - `'sum'`: Σ_j m_j; `'mean'`: Σ_j m_j / deg_i;
 * - `'max'`, `'min'`: elementwise extremes (gradient to the arg-extreme);
 * - `'softmax'`: Σ_j softmax_j(t·m_j) ⊙ m_j, per feature (PyG's SoftmaxAggregation);
 * - `'std'`: √(max(E[m²] − E[m]², eps)), 0 where the variance ≤ eps.
 *
 * @example
 * ```ts
 * const mean = aggregation('mean');
 * mean.aggregate(tensor([[1], [3]]), { index: Int32Array.of(0, 0), numSegments: 2, graph: null, flow: 'sender-to-receiver' });
 * // [[2], [0]]
 * ```
 */
export function aggregation(name: AggregationName, opts: AggregationOptions = {}): Aggregation {
  switch (name) {
    case 'sum':
    case 'add':
      return { name: 'sum', builtinSum: true, aggregate: (m, c) => segmentSum(m, c.index, c.numSegments) } as Aggregation;
    case 'mean':
      return { name, aggregate: (m, c) => segmentMean(m, c.index, c.numSegments) };
    case 'max':
      return { name, aggregate: (m, c) => segmentMax(m, c.index, c.numSegments) };
    case 'min':
      return { name, aggregate: (m, c) => segmentMin(m, c.index, c.numSegments) };
    case 'softmax': {
      const t = opts.temperature ?? 1;
      return {
        name,
        aggregate: (m, c) => {
          const w = segmentSoftmax(t === 1 ? m : mul(m, t), c.index, c.numSegments);
          return segmentSum(mul(w, m), c.index, c.numSegments);
        },
      };
    }
    case 'std': {
      const eps = opts.eps ?? 1e-5;
      return {
        name,
        aggregate: (m, c) => {
          const mu = segmentMean(m, c.index, c.numSegments);
          const variance = sub(segmentMean(square(m), c.index, c.numSegments), square(mu));
          const keep = detach(gt(variance, eps));
          return mul(sqrt(clamp(variance, eps)), keep);
        },
      };
    }
    default:
      throw new ValueError(`aggregation: unknown name '${String(name)}' (use one of ${NAMES.join(', ')}, or an Aggregation object)`);
  }
}

/** Resolve an {@link AggregationSpec} to a non-empty list of aggregations. */
export function resolveAggregations(spec: AggregationSpec, opts: AggregationOptions = {}): Aggregation[] {
  const list = typeof spec === 'string' || !Array.isArray(spec) ? [spec as AggregationName | Aggregation] : (spec as readonly (AggregationName | Aggregation)[]);
  if (list.length === 0) throw new ValueError('resolveAggregations: needs at least one aggregation');
  return list.map((a) => {
    if (typeof a === 'string') return aggregation(a, opts);
    if (!a || typeof a.aggregate !== 'function') throw new ValueError(`resolveAggregations: ${String(a)} is neither a name nor an Aggregation`);
    return a;
  });
}

/** Apply several aggregations and concatenate their outputs along the last axis. */
export function multiAggregate(aggs: readonly Aggregation[], messages: Tensor, ctx: AggregateContext): Tensor {
  const outs = aggs.map((a) => a.aggregate(messages, ctx));
  return outs.length === 1 ? outs[0]! : concat(outs, -1);
}
