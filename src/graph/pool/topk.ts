/**
 * `TopKPooling` (Gao & Ji 2019; Cangea et al. 2018): keep the best-scoring nodes of each graph.
 * @module
 */
import { Module } from '../../nn/index.js';
import type { FloatDType } from '../../nn/index.js';
import { indexSelect, uniform } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { inducedSubgraph } from './subgraph.js';

/** Options of {@link TopKPooling}. */
export interface TopKPoolingOptions {
  /** Source of the initial projection (required). */
  rng: Rng;
  /** Element type of the projection (default float32). */
  dtype?: FloatDType;
  /** Kept fraction in (0, 1]: k_b = ⌈ratio · n_b⌉ per graph; an integer > 1 keeps min(ratio, n_b) nodes. Default 0.5. */
  ratio?: number;
  /** Gate multiplier (default 1): x' = multiplier · x ⊙ tanh(y). */
  multiplier?: number;
}

/** Result of {@link TopKPooling}. */
export interface TopKResult {
  /** The pooled graph: nodes x' [K, F], the induced edges (with their features), per-graph counts. */
  readonly graph: GraphsTuple;
  /** Input node of each kept node [K], per graph by decreasing score. */
  readonly perm: Int32Array;
  /** Input edge of each kept edge. */
  readonly edgePerm: Int32Array;
  /** The gate tanh(y) of the kept nodes [K]. */
  readonly score: Tensor;
}

/**
 * Number of kept nodes per graph: ⌈ratio · n⌉ for ratio ≤ 1, min(ratio, n) for an integer ratio > 1.
 */
export function topkCounts(nNode: Int32Array, ratio: number): Int32Array {
  if (!(ratio > 0) || (ratio > 1 && !Number.isInteger(ratio))) throw new ValueError(`topk: ratio must be in (0, 1] or an integer ≥ 1, got ${ratio}`);
  return nNode.map((n) => (ratio <= 1 ? Math.ceil(ratio * n - 1e-9) : Math.min(ratio, n)));
}

/**
 * The top-k nodes of every graph by score (ties: lower index first), per graph in decreasing score.
 * @param score one value per node [N]
 */
export function topkPerGraph(score: ArrayLike<number>, g: GraphsTuple, ratio: number): Int32Array {
  const counts = topkCounts(g.nNode, ratio);
  const no = g.nodeOffsets;
  const out: number[] = [];
  for (let b = 0; b < g.numGraphs; b++) {
    const ids = Array.from({ length: g.nNode[b]! }, (_, i) => no[b]! + i);
    ids.sort((u, v) => score[v]! - score[u]! || u - v);
    out.push(...ids.slice(0, counts[b]!));
  }
  return Int32Array.from(out);
}

/**
 * Top-k pooling (Gao & Ji 2019, "Graph U-Nets", {@link https://arxiv.org/abs/1905.05178 | arXiv:1905.05178};
 * Cangea et al. 2018, {@link https://arxiv.org/abs/1811.01287 | arXiv:1811.01287}), PyG's
 * `TopKPooling`:
 *
 *   y = X p / ‖p‖,   idx = top-k(y) per graph (k = ⌈ratio·n⌉),   X' = (X ⊙ tanh(y))_idx,
 *   A' = A_{idx, idx},
 *
 * so the projection p learns through the gate. Kept nodes are ordered per graph by decreasing
 * score; node tensor extras are gathered, edge features and edge tensor extras follow the induced
 * edges, index extras are dropped.
 *
 * @example
 * ```ts
 * const pool = new TopKPooling(32, { rng: new Rng(0), ratio: 0.5 });
 * const { graph: coarse, perm } = pool.call(graph, h); // coarse.nodes: [Σ⌈n_b/2⌉, 32]
 * ```
 */
export class TopKPooling extends Module<[GraphsTuple, (Tensor | null)?], TopKResult> {
  readonly ratio: number;
  readonly multiplier: number;

  constructor(readonly inChannels: number, opts: TopKPoolingOptions) {
    super();
    if (!opts?.rng) throw new ValueError('TopKPooling: opts.rng is required (all randomness goes through an explicit Rng)');
    if (!Number.isInteger(inChannels) || inChannels < 1) throw new ValueError(`TopKPooling: inChannels must be a positive integer, got ${inChannels}`);
    this.ratio = opts.ratio ?? 0.5;
    topkCounts(Int32Array.of(1), this.ratio);
    this.multiplier = opts.multiplier ?? 1;
    const bound = 1 / Math.sqrt(inChannels);
    this.registerParameter('weight', uniform(opts.rng, [inChannels, 1], -bound, bound, { dtype: opts.dtype ?? 'float32' }));
  }

  /** The gate tanh(X p / ‖p‖) of every node [N]. */
  scores(x: Tensor): Tensor {
    const p = this.getParameter('weight');
    return x.matmul(p).reshape([x.shape[0]!]).div(p.square().sum().sqrt()).tanh();
  }

  /**
   * @param x node features [N, inChannels] (default `graph.nodes`)
   */
  forward(graph: GraphsTuple, x: Tensor | null = null): TopKResult {
    const feats = x ?? graph.nodes;
    if (!feats || feats.ndim !== 2 || feats.shape[0] !== graph.numNodes || feats.shape[1] !== this.inChannels) {
      throw new ShapeError(`TopKPooling: x ${feats ? fmtShape(feats.shape) : 'null'} must be [${graph.numNodes}, ${this.inChannels}]`);
    }
    const s = this.scores(feats);
    const perm = topkPerGraph(s.data, graph, this.ratio);
    const score = indexSelect(s, 0, perm);
    let nodes = indexSelect(feats, 0, perm).mul(score.reshape([perm.length, 1]));
    if (this.multiplier !== 1) nodes = nodes.mul(this.multiplier);
    const sub = inducedSubgraph(graph, perm, nodes);
    return { graph: sub.graph, perm, edgePerm: sub.edgePerm, score };
  }

  extraRepr(): string {
    return `${this.inChannels}, ratio=${this.ratio}, multiplier=${this.multiplier}`;
  }
}
