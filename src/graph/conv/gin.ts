/**
 * `GINConv` and `GINEConv`: the graph isomorphism network (Xu et al. 2019) and its edge-feature
 * variant (Hu et al. 2020).
 * @module
 */
import type { Linear, TensorModule } from '../../nn/index.js';
import { tensor } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import type { MessageContext } from '../message-passing.js';
import { checkEdgeAttr, glorotLinear } from './common.js';
import type { FloatDType } from '../../nn/index.js';
import type { Rng } from '../../util/rng.js';
import { permutationSymmetry } from '../action.js';
import type { GraphSymmetry } from '../action.js';

/** Options of {@link GINConv}. */
export interface GINConvOptions {
  /** Initial ε (default 0). */
  eps?: number;
  /** Learn ε (default false: ε is a fixed buffer). */
  trainEps?: boolean;
  /** Element type of ε (default float32; match `nn`). */
  dtype?: FloatDType;
}

function registerEps(m: MessagePassing<any[], any>, opts: GINConvOptions): void {
  const e = tensor([opts.eps ?? 0], { dtype: opts.dtype ?? 'float32' });
  if (opts.trainEps) m.registerParameter('eps', e);
  else m.registerBuffer('eps', e);
}

function epsOf(m: MessagePassing<any[], any>): Tensor {
  return m.maybeParameter('eps') ?? m.getBuffer('eps');
}

function checkX(op: string, x: Tensor, n: number): void {
  if (x.ndim !== 2 || x.shape[0] !== n) throw new ShapeError(`${op}: x ${fmtShape(x.shape)} must be [${n}, F]`);
}

/**
 * Graph isomorphism network layer (Xu, Hu, Leskovec & Jegelka 2019, "How Powerful are Graph Neural
 * Networks?", {@link https://arxiv.org/abs/1810.00826 | arXiv:1810.00826}):
 *
 *   x_i' = h_Θ((1 + ε) · x_i + Σ_{j ∈ N(i)} x_j),
 *
 * with h_Θ any module (usually an MLP) and ε fixed or learned (`trainEps`).
 *
 * @example
 * ```ts
 * const gin = new GINConv(new MLP([16, 32, 32], { rng }), { trainEps: true });
 * const h = gin.call(graph, x); // [N, 32]
 * ```
 */
export class GINConv extends MessagePassing {
  private readonly nn: TensorModule;

  constructor(nn: TensorModule, opts: GINConvOptions = {}) {
    super({ aggr: 'sum' });
    this.nn = this.registerModule('nn', nn);
    registerEps(this, opts);
  }

  /** Node-permutation equivariance, for erlangen/testing: `forward(graph, x)`; the input width is set by the wrapped module, so checks need example data. */
  override get graphSymmetry(): GraphSymmetry {
    return permutationSymmetry((g, x) => this.call(g, x), null);
  }

  /** ε (a 1-element tensor). */
  get eps(): Tensor {
    return epsOf(this);
  }

  /**
   * @param x node features [N, F]
   * @returns nn's output [N, F']
   */
  forward(graph: GraphsTuple, x: Tensor): Tensor {
    checkX('GINConv', x, graph.numNodes);
    const agg = this.propagate(graph, { x }, { edgeAttr: null });
    return this.nn.call(agg.add(x.mul(this.eps.add(1))));
  }
}

/** Options of {@link GINEConv}. */
export interface GINEConvOptions extends GINConvOptions {
  /**
   * Width of the edge features when it differs from the node features: a Linear (Glorot) maps
   * them to `inChannels` first (PyG's `edge_dim`). Needs `inChannels` and `rng`.
   */
  edgeDim?: number;
  /** Node feature width (required with `edgeDim`). */
  inChannels?: number;
  /** Source of the edge Linear's weights (required with `edgeDim`). */
  rng?: Rng;
}

/**
 * GIN with edge features (Hu et al. 2020, "Strategies for Pre-training Graph Neural Networks",
 * {@link https://arxiv.org/abs/1905.12265 | arXiv:1905.12265}), PyG's `GINEConv`:
 *
 *   x_i' = h_Θ((1 + ε) · x_i + Σ_{j ∈ N(i)} ReLU(x_j + e_{j→i})),
 *
 * where e_{j→i} is the edge feature (mapped by a Linear to the node width when `edgeDim` is set).
 *
 * @example
 * ```ts
 * const gine = new GINEConv(new MLP([16, 32], { rng }), { edgeDim: 4, inChannels: 16, rng });
 * const h = gine.call(graph, x); // edges from graph.edges [E, 4]
 * ```
 */
export class GINEConv extends MessagePassing<[GraphsTuple, Tensor, (Tensor | null)?]> {
  private readonly nn: TensorModule;
  private readonly lin: Linear | null;

  constructor(nn: TensorModule, opts: GINEConvOptions = {}) {
    super({ aggr: 'sum' });
    this.nn = this.registerModule('nn', nn);
    registerEps(this, opts);
    this.lin = null;
    if (opts.edgeDim !== undefined) {
      if (!opts.rng || !opts.inChannels) throw new ValueError('GINEConv: edgeDim needs inChannels and rng');
      this.lin = this.registerModule('lin', glorotLinear(opts.edgeDim, opts.inChannels, true, opts.rng, opts.dtype ?? 'float32'));
    }
  }

  /** ε (a 1-element tensor). */
  get eps(): Tensor {
    return epsOf(this);
  }

  /**
   * @param x node features [N, F]
   * @param edgeAttr edge features [E, F] (or [E, edgeDim]); default `graph.edges`
   * @returns nn's output [N, F']
   */
  forward(graph: GraphsTuple, x: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkX('GINEConv', x, graph.numNodes);
    const e0 = edgeAttr ?? graph.edges;
    const e = checkEdgeAttr('GINEConv', e0, graph.numEdges, this.lin ? this.lin.inFeatures : x.shape[1]!);
    const agg = this.propagate(graph, { x }, { edgeAttr: this.lin ? this.lin.call(e) : e });
    return this.nn.call(agg.add(x.mul(this.eps.add(1))));
  }

  override message(ctx: MessageContext): Tensor {
    return ctx.xSender('x').add(ctx.edgeAttr!).relu();
  }
}
