/**
 * `EdgeConv`: the dynamic graph CNN edge convolution (Wang et al. 2019).
 * @module
 */
import type { TensorModule } from '../../nn/index.js';
import { concat } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, fmtShape } from '../../util/errors.js';
import type { AggregationSpec } from '../aggregation.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import type { MessageContext } from '../message-passing.js';
import { permutationSymmetry } from '../action.js';
import type { GraphSymmetry } from '../action.js';

/**
 * Edge convolution (Wang et al. 2019, "Dynamic Graph CNN for Learning on Point Clouds",
 * {@link https://arxiv.org/abs/1801.07829 | arXiv:1801.07829}), PyG's `EdgeConv`:
 *
 *   x_i' = max_{j ∈ N(i)} h_Θ(x_i ∥ x_j − x_i),
 *
 * elementwise max (nodes without neighbours give 0). h_Θ maps 2F features to F'. Pair it with
 * `knnGraph` on the features for the dynamic variant.
 *
 * @example
 * ```ts
 * const conv = new EdgeConv(new MLP([2 * 3, 64, 64], { rng }));
 * const h = conv.call(graph, pos); // [N, 64]
 * ```
 */
export class EdgeConv extends MessagePassing {
  private readonly nn: TensorModule;

  /** @param nn h_Θ: [E, 2F] → [E, F'] @param aggr aggregation (default `'max'`) */
  constructor(nn: TensorModule, opts: { aggr?: AggregationSpec } = {}) {
    super({ aggr: opts.aggr ?? 'max' });
    this.nn = this.registerModule('nn', nn);
  }

  /** Node-permutation equivariance, for erlangen/testing: `forward(graph, x)`; the input width is set by the wrapped module, so checks need example data. */
  override get graphSymmetry(): GraphSymmetry {
    return permutationSymmetry((g, x) => this.call(g, x), null);
  }

  /**
   * @param x node features [N, F]
   * @returns [N, F']
   */
  forward(graph: GraphsTuple, x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[0] !== graph.numNodes) throw new ShapeError(`EdgeConv: x ${fmtShape(x.shape)} must be [${graph.numNodes}, F]`);
    return this.propagate(graph, { x }, { edgeAttr: null });
  }

  override message(ctx: MessageContext): Tensor {
    const xi = ctx.xReceiver('x');
    return this.nn.call(concat([xi, ctx.xSender('x').sub(xi)], 1));
  }
}
