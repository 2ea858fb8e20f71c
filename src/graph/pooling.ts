/**
 * Global (readout) pooling: one vector per graph from the nodes of that graph,
 * r_b = ⊕_{n: nodeGraph[n] = b} x_n, with segment ops over `graph.nodeGraph`.
 * @module
 */
import { Module } from '../nn/index.js';
import type { TensorModule } from '../nn/index.js';
import { mul, segmentMax, segmentMean, segmentSoftmax, segmentSum } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import type { GraphsTuple } from './graphs-tuple.js';

function check(op: string, x: Tensor, g: GraphsTuple): void {
  if (x.ndim === 0 || x.shape[0] !== g.numNodes) throw new ShapeError(`${op}: x ${fmtShape(x.shape)} must have one row per node (${g.numNodes})`);
}

/**
 * r_b = Σ_{n ∈ graph b} x_n.
 * @param x [N, …] node values
 * @returns [G, …] (0 for an empty graph)
 */
export function globalSumPool(x: Tensor, graph: GraphsTuple): Tensor {
  check('globalSumPool', x, graph);
  return segmentSum(x, graph.nodeGraph, graph.numGraphs, { sorted: true });
}

/** r_b = (1/n_b) Σ_{n ∈ graph b} x_n; [N, …] → [G, …] (0 for an empty graph). */
export function globalMeanPool(x: Tensor, graph: GraphsTuple): Tensor {
  check('globalMeanPool', x, graph);
  return segmentMean(x, graph.nodeGraph, graph.numGraphs, { sorted: true });
}

/** r_b = max_{n ∈ graph b} x_n elementwise; [N, …] → [G, …] (0 for an empty graph). */
export function globalMaxPool(x: Tensor, graph: GraphsTuple): Tensor {
  check('globalMaxPool', x, graph);
  return segmentMax(x, graph.nodeGraph, graph.numGraphs, { sorted: true });
}

/**
 * Global soft-attention pooling (Li et al. 2016, "Gated Graph Sequence Neural Networks",
 * {@link https://arxiv.org/abs/1511.05493 | arXiv:1511.05493}):
 * r_b = Σ_{n ∈ b} softmax_b(gate(x_n)) · nn(x_n), the softmax taken over the nodes of each graph.
 *
 * @example
 * ```ts
 * const pool = new GlobalAttentionPool(new Linear(16, 1, { rng }), new Linear(16, 32, { rng }));
 * const r = pool.call(x, graph); // [G, 32]
 * ```
 */
export class GlobalAttentionPool extends Module<[Tensor, GraphsTuple], Tensor> {
  private readonly gate: TensorModule;
  private readonly nn: TensorModule | null;

  /**
   * @param gate maps [N, F] to scores [N, 1] (or [N, H] for one score per output column)
   * @param nn optional transform of the node values before weighting (default identity)
   */
  constructor(gate: TensorModule, nn: TensorModule | null = null) {
    super();
    this.gate = this.registerModule('gate', gate);
    this.nn = nn ? this.registerModule('nn', nn) : null;
  }

  /**
   * @param x [N, F] node features
   * @returns [G, F'] pooled features
   */
  forward(x: Tensor, graph: GraphsTuple): Tensor {
    const alpha = this.attention(x, graph);
    const h = this.nn ? this.nn.call(x) : x;
    return segmentSum(mul(alpha, h), graph.nodeGraph, graph.numGraphs, { sorted: true });
  }

  /** The attention weights [N, 1] for inspection (sum to 1 over each non-empty graph). */
  attention(x: Tensor, graph: GraphsTuple): Tensor {
    check('GlobalAttentionPool', x, graph);
    return segmentSoftmax(this.gate.call(x), graph.nodeGraph, graph.numGraphs, { sorted: true });
  }
}
