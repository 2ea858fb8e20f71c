/**
 * Graph attention: `GATConv` (Veličković et al. 2018) and `GATv2Conv` (Brody, Alon & Yahav 2022).
 * @module
 */
import type { Linear } from '../../nn/index.js';
import { dropout, segmentSoftmax, zeros } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import type { MessageContext, WeightedMessage } from '../message-passing.js';
import { checkEdgeAttr, checkNodes, checkSize, glorotLinear, glorotParam, loopEdgeAttr, requireRng, rewireSelfLoops } from './common.js';
import type { ConvBaseOptions } from './common.js';
import { permutationSymmetry } from '../action.js';
import type { GraphSymmetry } from '../action.js';

/** Options of {@link GATConv} and {@link GATv2Conv}. */
export interface GATConvOptions extends ConvBaseOptions {
  /** Attention heads H (default 1). */
  heads?: number;
  /** Concatenate the heads ([N, H·C], default true) or average them ([N, C]). */
  concat?: boolean;
  /** Slope of the LeakyReLU on the attention logits (default 0.2). */
  negativeSlope?: number;
  /** Dropout probability of the attention coefficients in training mode (default 0); masks from a fork of `rng`. */
  dropout?: number;
  /** Remove existing self-loops and add one per node (default true). */
  addSelfLoops?: boolean;
  /** Edge feature width (default none): edge features enter the attention logits. */
  edgeDim?: number;
  /** Edge features of the added loops: `'mean'` of the node's incoming edges (default, as PyG) or a constant. */
  fillValue?: 'mean' | number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** GATv2 only: one weight matrix for both ends (default false). */
  shareWeights?: boolean;
}

/** Result of `attention`: the graph the layer attended over (with its loops) and α [E', H]. */
export interface AttentionWeights {
  readonly graph: GraphsTuple;
  readonly alpha: Tensor;
}

abstract class AttentionBase extends MessagePassing<[GraphsTuple, Tensor, (Tensor | null)?]> {
  readonly heads: number;
  readonly concatHeads: boolean;
  readonly negativeSlope: number;
  readonly dropoutP: number;
  readonly loops: boolean;
  readonly edgeDim: number | null;
  readonly fillValue: 'mean' | number;
  protected readonly dropRng: Rng;
  protected lastAlpha: Tensor | null = null;

  constructor(readonly op: string, readonly inChannels: number, readonly outChannels: number, opts: GATConvOptions) {
    super({ aggr: 'sum' });
    requireRng(op, opts);
    checkSize(op, 'inChannels', inChannels);
    checkSize(op, 'outChannels', outChannels);
    this.heads = opts.heads ?? 1;
    checkSize(op, 'heads', this.heads);
    this.concatHeads = opts.concat ?? true;
    this.negativeSlope = opts.negativeSlope ?? 0.2;
    this.dropoutP = opts.dropout ?? 0;
    if (!(this.dropoutP >= 0 && this.dropoutP < 1)) throw new ValueError(`${op}: dropout must be in [0, 1), got ${this.dropoutP}`);
    this.loops = opts.addSelfLoops ?? true;
    this.edgeDim = opts.edgeDim ?? null;
    if (this.edgeDim !== null) checkSize(op, 'edgeDim', this.edgeDim);
    this.fillValue = opts.fillValue ?? 'mean';
    this.dropRng = this.registerRng('dropRng', opts.rng.fork());
  }

  /** Node-permutation equivariance, for erlangen/testing: `forward(graph, x)` on [N, inChannels] features (edge features as the graph's edges). */
  override get graphSymmetry(): GraphSymmetry {
    return permutationSymmetry((g, x) => this.call(g, x), this.inChannels, this.edgeDim ?? 0);
  }

  protected addBias(opts: GATConvOptions): void {
    if (opts.bias ?? true) this.registerParameter('bias', zeros([this.concatHeads ? this.heads * this.outChannels : this.outChannels], { dtype: opts.dtype ?? 'float32' }));
  }

  /** The graph and edge features attended over (self-loops rewired when enabled). */
  protected prepare(graph: GraphsTuple, edgeAttr: Tensor | null): { g: GraphsTuple; e: Tensor | null } {
    let e: Tensor | null = null;
    if (this.edgeDim !== null) e = checkEdgeAttr(this.op, edgeAttr ?? graph.edges, graph.numEdges, this.edgeDim);
    if (!this.loops) return { g: graph, e };
    const plan = rewireSelfLoops(graph);
    return { g: plan.graph, e: e ? loopEdgeAttr(e, graph, plan, this.fillValue) : null };
  }

  /** Normalise logits [E, H] over each receiver's incoming edges, with attention dropout in training. */
  protected normalise(logits: Tensor, ctx: MessageContext): Tensor {
    let alpha = segmentSoftmax(logits, ctx.receivers, ctx.numNodes);
    this.lastAlpha = alpha;
    if (this.training && this.dropoutP > 0) alpha = dropout(alpha, this.dropoutP, this.dropRng, true);
    return alpha;
  }

  /** [N, H, C] → concat [N, H·C] or mean [N, C], plus bias. */
  protected finish(out: Tensor): Tensor {
    const N = out.shape[0]!;
    let y = this.concatHeads ? out.reshape([N, this.heads * this.outChannels]) : out.mean(1);
    const b = this.maybeParameter('bias');
    if (b) y = y.add(b);
    return y;
  }

  /** Run the layer and return the attention coefficients α [E', H] (before dropout) with the graph they live on. */
  attention(graph: GraphsTuple, x: Tensor, edgeAttr: Tensor | null = null): AttentionWeights {
    this.lastAlpha = null;
    const { g } = this.prepare(graph, edgeAttr);
    this.forward(graph, x, edgeAttr);
    return { graph: g, alpha: this.lastAlpha! };
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, heads=${this.heads}, concat=${this.concatHeads}, dropout=${this.dropoutP}, addSelfLoops=${this.loops}`;
  }
}

/**
 * Graph attention layer (Veličković et al. 2018, "Graph Attention Networks",
 * {@link https://arxiv.org/abs/1710.10903 | arXiv:1710.10903}), PyG's `GATConv`:
 *
 *   α_ij = softmax_j( LeakyReLU_{0.2}( a_sᵀ Θx_j + a_tᵀ Θx_i [+ a_eᵀ Θ_e e_ji] ) ),
 *   x_i' = ∥_{h=1..H} Σ_{j ∈ N(i) ∪ {i}} α_ij^h Θ^h x_j  (+ b)    (or the mean over heads),
 *
 * with self-loops (existing loops are replaced by one per node; their edge features are the mean
 * of the node's incoming ones), Glorot weights and attention dropout (seeded, training mode only).
 *
 * @example
 * ```ts
 * const gat = new GATConv(16, 8, { rng: new Rng(0), heads: 4 });  // [N, 32]
 * const last = new GATConv(32, 7, { rng, heads: 1, concat: false });
 * ```
 */
export class GATConv extends AttentionBase {
  private readonly lin: Linear;
  private readonly linEdge: Linear | null;

  constructor(inChannels: number, outChannels: number, opts: GATConvOptions) {
    super('GATConv', inChannels, outChannels, opts);
    const dtype = opts.dtype ?? 'float32';
    const H = this.heads, C = outChannels;
    this.lin = this.registerModule('lin', glorotLinear(inChannels, H * C, false, opts.rng, dtype));
    glorotParam(this, 'attSrc', [1, H, C], opts.rng, dtype);
    glorotParam(this, 'attDst', [1, H, C], opts.rng, dtype);
    this.linEdge = null;
    if (this.edgeDim !== null) {
      this.linEdge = this.registerModule('linEdge', glorotLinear(this.edgeDim, H * C, false, opts.rng, dtype));
      glorotParam(this, 'attEdge', [1, H, C], opts.rng, dtype);
    }
    this.addBias(opts);
  }

  /**
   * @param x node features [N, inChannels]
   * @param edgeAttr edge features [E, edgeDim] (default graph.edges; only with `edgeDim`)
   * @returns [N, H·C] (concat) or [N, C]
   */
  forward(graph: GraphsTuple, x: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkNodes('GATConv', x, graph.numNodes, this.inChannels);
    const { g, e } = this.prepare(graph, edgeAttr);
    const N = graph.numNodes, H = this.heads, C = this.outChannels;
    const h = this.lin.call(x).reshape([N, H, C]);
    const aSrc = h.mul(this.getParameter('attSrc')).sum(-1);
    const aDst = h.mul(this.getParameter('attDst')).sum(-1);
    const eh = e && this.linEdge ? this.linEdge.call(e).reshape([g.numEdges, H, C]).mul(this.getParameter('attEdge')).sum(-1) : null;
    return this.finish(this.propagate(g, { x: h, aSrc, aDst }, { edgeAttr: eh }));
  }

  override weightedMessage(ctx: MessageContext): WeightedMessage {
    let logits = ctx.xSender('aSrc').add(ctx.xReceiver('aDst'));
    if (ctx.edgeAttr) logits = logits.add(ctx.edgeAttr);
    return { input: 'x', weight: this.normalise(logits.leakyRelu(this.negativeSlope), ctx) };
  }
}

/**
 * GATv2 (Brody, Alon & Yahav 2022, "How Attentive are Graph Attention Networks?",
 * {@link https://arxiv.org/abs/2105.14491 | arXiv:2105.14491}), PyG's `GATv2Conv` — "dynamic"
 * attention, the nonlinearity applied before the attention vector:
 *
 *   α_ij = softmax_j( aᵀ LeakyReLU_{0.2}( Θ_s x_j + Θ_t x_i [+ Θ_e e_ji] ) ),
 *   x_i' = ∥_h Σ_{j ∈ N(i) ∪ {i}} α_ij^h Θ_s^h x_j  (+ b),
 *
 * Θ_s, Θ_t Glorot with zero biases (shared with `shareWeights`), self-loops and dropout as GATConv.
 */
export class GATv2Conv extends AttentionBase {
  private readonly linL: Linear;
  private readonly linR: Linear;
  private readonly linEdge: Linear | null;

  constructor(inChannels: number, outChannels: number, opts: GATConvOptions) {
    super('GATv2Conv', inChannels, outChannels, opts);
    const dtype = opts.dtype ?? 'float32';
    const H = this.heads, C = outChannels;
    this.linL = this.registerModule('linL', glorotLinear(inChannels, H * C, true, opts.rng, dtype));
    this.linR = opts.shareWeights ? this.linL : this.registerModule('linR', glorotLinear(inChannels, H * C, true, opts.rng, dtype));
    glorotParam(this, 'att', [1, H, C], opts.rng, dtype);
    this.linEdge = this.edgeDim !== null ? this.registerModule('linEdge', glorotLinear(this.edgeDim, H * C, false, opts.rng, dtype)) : null;
    this.addBias(opts);
  }

  /**
   * @param x node features [N, inChannels]
   * @param edgeAttr edge features [E, edgeDim] (default graph.edges; only with `edgeDim`)
   * @returns [N, H·C] (concat) or [N, C]
   */
  forward(graph: GraphsTuple, x: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkNodes('GATv2Conv', x, graph.numNodes, this.inChannels);
    const { g, e } = this.prepare(graph, edgeAttr);
    const N = graph.numNodes, H = this.heads, C = this.outChannels;
    const xl = this.linL.call(x).reshape([N, H, C]);
    const xr = this.linR === this.linL ? xl : this.linR.call(x).reshape([N, H, C]);
    const eh = e && this.linEdge ? this.linEdge.call(e).reshape([g.numEdges, H, C]) : null;
    return this.finish(this.propagate(g, { x: xl, xr }, { edgeAttr: eh }));
  }

  override weightedMessage(ctx: MessageContext): WeightedMessage {
    let z = ctx.xSender('x').add(ctx.xReceiver('xr'));
    if (ctx.edgeAttr) z = z.add(ctx.edgeAttr);
    const logits = z.leakyRelu(this.negativeSlope).mul(this.getParameter('att')).sum(-1);
    return { input: 'x', weight: this.normalise(logits, ctx) };
  }
}
