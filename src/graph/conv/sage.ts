/**
 * `SAGEConv`: GraphSAGE (Hamilton, Ying & Leskovec 2017).
 * @module
 */
import { clamp, norm } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import type { AggregationSpec } from '../aggregation.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import { checkNodes, checkSize, requireRng } from './common.js';
import type { ConvBaseOptions } from './common.js';
import { Linear } from '../../nn/index.js';
import { permutationSymmetry } from '../action.js';
import type { GraphSymmetry } from '../action.js';

/** Options of {@link SAGEConv}. */
export interface SAGEConvOptions extends ConvBaseOptions {
  /** Neighbourhood aggregation (default `'mean'`). */
  aggr?: AggregationSpec;
  /** Add W₁x_i (the root weight, default true). */
  rootWeight?: boolean;
  /** ℓ2-normalise each output row (default false). */
  normalize?: boolean;
  /** Bias of the neighbour transform (default true). */
  bias?: boolean;
}

/**
 * GraphSAGE (Hamilton, Ying & Leskovec 2017, "Inductive Representation Learning on Large Graphs",
 * {@link https://arxiv.org/abs/1706.02216 | arXiv:1706.02216}), PyG's `SAGEConv`:
 *
 *   x_i' = W₂ · mean_{j ∈ N(i)} x_j + b + W₁ x_i,   optionally x_i' ← x_i' / max(‖x_i'‖₂, 1e-12).
 *
 * Nodes without neighbours aggregate to 0. Several aggregations may be given (their outputs are
 * concatenated before W₂).
 *
 * @example
 * ```ts
 * const sage = new SAGEConv(16, 32, { rng: new Rng(0), normalize: true });
 * const h = sage.call(graph, x); // [N, 32]
 * ```
 */
export class SAGEConv extends MessagePassing {
  private readonly linNeigh: Linear;
  private readonly linRoot: Linear | null;
  private readonly normalizeOut: boolean;

  constructor(readonly inChannels: number, readonly outChannels: number, opts: SAGEConvOptions) {
    super({ aggr: opts?.aggr ?? 'mean' });
    const rng = requireRng('SAGEConv', opts);
    checkSize('SAGEConv', 'inChannels', inChannels);
    checkSize('SAGEConv', 'outChannels', outChannels);
    const dtype = opts.dtype ?? 'float32';
    const k = this.aggregations.length;
    this.linNeigh = this.registerModule('linNeigh', new Linear(k * inChannels, outChannels, { rng, bias: opts.bias ?? true, dtype }));
    this.linRoot = (opts.rootWeight ?? true) ? this.registerModule('linRoot', new Linear(inChannels, outChannels, { rng, bias: false, dtype })) : null;
    this.normalizeOut = opts.normalize ?? false;
  }

  /**
   * @param graph the graph
   * @param x node features [N, inChannels]
   * @returns [N, outChannels]
   */
  forward(graph: GraphsTuple, x: Tensor): Tensor {
    checkNodes('SAGEConv', x, graph.numNodes, this.inChannels);
    let out = this.linNeigh.call(this.propagate(graph, { x }, { edgeAttr: null }));
    if (this.linRoot) out = out.add(this.linRoot.call(x));
    if (this.normalizeOut) out = out.div(clamp(norm(out, 2, -1, true), 1e-12));
    return out;
  }

  /** Node-permutation equivariance, for erlangen/testing: `forward(graph, x)` on [N, inChannels] features. */
  override get graphSymmetry(): GraphSymmetry {
    return permutationSymmetry((g, x) => this.call(g, x), this.inChannels);
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, aggr=${this.aggregations.map((a) => a.name).join('+')}, normalize=${this.normalizeOut}`;
  }
}
