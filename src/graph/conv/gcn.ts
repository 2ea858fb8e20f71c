/**
 * `GCNConv`: the graph convolution of Kipf & Welling 2017.
 * @module
 */
import { ones, zeros } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, fmtShape } from '../../util/errors.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import type { MessageContext, WeightedMessage } from '../message-passing.js';
import { addSelfLoops, gcnNorm } from '../transforms.js';
import type { Linear } from '../../nn/index.js';
import { checkNodes, checkSize, glorotLinear, requireRng } from './common.js';
import type { ConvBaseOptions } from './common.js';
import { permutationSymmetry } from '../action.js';
import type { GraphSymmetry } from '../action.js';

/** Options of {@link GCNConv}. */
export interface GCNConvOptions extends ConvBaseOptions {
  /** Add self-loops Â = A + I to nodes that have none (default true). */
  addSelfLoops?: boolean;
  /** Apply the symmetric normalisation D̂^{-1/2} Â D̂^{-1/2} (default true); false sums Σ_j w_ji Θx_j. */
  normalize?: boolean;
  /**
   * Cache the normalised graph and weights (PyG's `cached`, for transductive learning on one fixed
   * graph). Unlike PyG the cache is keyed on the graph and edge-weight objects: a different graph
   * recomputes it. Default false.
   */
  cached?: boolean;
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * Graph convolution (Kipf & Welling 2017, "Semi-Supervised Classification with Graph Convolutional
 * Networks", {@link https://arxiv.org/abs/1609.02907 | arXiv:1609.02907}):
 *
 *   X' = D̂^{−1/2} Â D̂^{−1/2} X Θ + b,   Â = A + I,   d̂_i = Σ_{j} Â_{ij}  (edge weights allowed),
 *
 * i.e. x_i' = Σ_{e: j→i} w_e / √(d̂_j d̂_i) · Θx_j + b with the degree d̂_i summed over the
 * edges entering i (PyG semantics: weight Glorot, bias 0, remaining self-loops of weight 1).
 *
 * @example
 * ```ts
 * const conv = new GCNConv(16, 32, { rng: new Rng(0) });
 * const h = conv.call(graph, x);                 // [N, 32]
 * const hw = conv.call(graph, x, edgeWeight);    // weighted edges, edgeWeight [E]
 * ```
 */
export class GCNConv extends MessagePassing<[GraphsTuple, Tensor, (Tensor | null)?]> {
  private readonly lin: Linear;
  private readonly opts: Required<Omit<GCNConvOptions, 'rng' | 'dtype'>>;
  private cache: { graph: GraphsTuple; edgeWeight: Tensor | null; out: { graph: GraphsTuple; weight: Tensor } } | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, opts: GCNConvOptions) {
    super({ aggr: 'sum' });
    const rng = requireRng('GCNConv', opts);
    checkSize('GCNConv', 'inChannels', inChannels);
    checkSize('GCNConv', 'outChannels', outChannels);
    const dtype = opts.dtype ?? 'float32';
    this.opts = { addSelfLoops: opts.addSelfLoops ?? true, normalize: opts.normalize ?? true, cached: opts.cached ?? false, bias: opts.bias ?? true };
    this.lin = this.registerModule('lin', glorotLinear(inChannels, outChannels, false, rng, dtype));
    if (this.opts.bias) this.registerParameter('bias', zeros([outChannels], { dtype }));
  }

  /** The normalised graph (with its self-loops) and edge weights w' [E'] used by `forward`. */
  normalized(graph: GraphsTuple, edgeWeight: Tensor | null, dtype: 'float32' | 'float64'): { graph: GraphsTuple; weight: Tensor } {
    if (edgeWeight && (edgeWeight.ndim !== 1 || edgeWeight.shape[0] !== graph.numEdges)) {
      throw new ShapeError(`GCNConv: edgeWeight ${fmtShape(edgeWeight.shape)} must be [${graph.numEdges}]`);
    }
    const c = this.cache;
    if (this.opts.cached && c && c.graph === graph && c.edgeWeight === edgeWeight && c.out.weight.dtype === dtype) return c.out;
    let out: { graph: GraphsTuple; weight: Tensor };
    if (this.opts.normalize) {
      out = gcnNorm(graph, { edgeWeight, addSelfLoops: this.opts.addSelfLoops, dtype });
    } else {
      const n = graph.with({ edges: null, extras: {} });
      const looped = this.opts.addSelfLoops ? addLoops(n, edgeWeight, dtype) : { graph: n, weight: edgeWeight ?? onesOf(n.numEdges, dtype) };
      out = looped;
    }
    if (this.opts.cached) this.cache = { graph, edgeWeight, out };
    return out;
  }

  /**
   * @param graph the graph (batched or not)
   * @param x node features [N, inChannels]
   * @param edgeWeight optional edge weights [E] (default 1); differentiable
   * @returns [N, outChannels]
   */
  forward(graph: GraphsTuple, x: Tensor, edgeWeight: Tensor | null = null): Tensor {
    checkNodes('GCNConv', x, graph.numNodes, this.inChannels);
    const { graph: g, weight } = this.normalized(graph, edgeWeight, x.dtype === 'float64' ? 'float64' : 'float32');
    const h = this.lin.call(x);
    const out = this.propagate(g, { x: h }, { edgeAttr: null, edgeInputs: { weight: weight.reshape([g.numEdges, 1]) } });
    const b = this.maybeParameter('bias');
    return b ? out.add(b) : out;
  }

  override weightedMessage(ctx: MessageContext): WeightedMessage {
    return { input: 'x', weight: ctx.edge('weight') };
  }

  /** Node-permutation equivariance, for erlangen/testing: `forward(graph, x)` on [N, inChannels] features. */
  override get graphSymmetry(): GraphSymmetry {
    return permutationSymmetry((g, x) => this.call(g, x), this.inChannels);
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, normalize=${this.opts.normalize}, addSelfLoops=${this.opts.addSelfLoops}, cached=${this.opts.cached}`;
  }
}

function onesOf(n: number, dtype: 'float32' | 'float64'): Tensor {
  return ones([n], { dtype });
}

function addLoops(g: GraphsTuple, w: Tensor | null, dtype: 'float32' | 'float64'): { graph: GraphsTuple; weight: Tensor } {
  const base = g.with({ edges: (w ?? onesOf(g.numEdges, dtype)).reshape([g.numEdges, 1]) });
  const looped = addSelfLoops(base, { remaining: true, fillValue: 1 });
  return { graph: looped.with({ edges: null }), weight: looped.edges!.reshape([looped.numEdges]) };
}
