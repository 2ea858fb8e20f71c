/**
 * `TransformerConv`: the graph transformer operator of Shi et al. 2021 (UniMP).
 * @module
 */
import { Linear } from '../../nn/index.js';
import { dropout, gatherDot, segmentSoftmax } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import type { MessageContext, WeightedMessage } from '../message-passing.js';
import { checkEdgeAttr, checkNodes, checkSize, requireRng } from './common.js';
import type { ConvBaseOptions } from './common.js';
import { permutationSymmetry } from '../action.js';
import type { GraphSymmetry } from '../action.js';

/** Options of {@link TransformerConv}. */
export interface TransformerConvOptions extends ConvBaseOptions {
  /** Heads H (default 1). */
  heads?: number;
  /** Concatenate the heads ([N, H·C], default true) or average them ([N, C]). */
  concat?: boolean;
  /** Attention dropout in training mode (default 0; masks from a fork of `rng`). */
  dropout?: number;
  /** Edge feature width (default none): W_e e_ji is added to the keys and the values. */
  edgeDim?: number;
  /** Add the root term W₁x_i (default true). */
  rootWeight?: boolean;
  /** Bias of the root Linear (default true). */
  bias?: boolean;
}

/**
 * Graph transformer convolution (Shi et al. 2021, "Masked Label Prediction: Unified Message
 * Passing Model for Semi-Supervised Classification", {@link https://arxiv.org/abs/2009.03509 | arXiv:2009.03509}),
 * PyG's `TransformerConv`:
 *
 *   x_i' = W₁x_i + ∥_h Σ_{j ∈ N(i)} α_ij^h (W₂^h x_j + W_e^h e_ji),
 *   α_ij^h = softmax_j( (W₃^h x_i)ᵀ (W₄^h x_j + W_e^h e_ji) / √C ),
 *
 * with H heads of width C (concatenated, or averaged with `concat: false`). No self-loops are added.
 *
 * @example
 * ```ts
 * const conv = new TransformerConv(16, 8, { rng: new Rng(0), heads: 2, edgeDim: 3 }); // [N, 16]
 * ```
 */
export class TransformerConv extends MessagePassing<[GraphsTuple, Tensor, (Tensor | null)?]> {
  readonly heads: number;
  readonly concatHeads: boolean;
  readonly dropoutP: number;
  readonly edgeDim: number | null;
  private readonly linKey: Linear;
  private readonly linQuery: Linear;
  private readonly linValue: Linear;
  private readonly linEdge: Linear | null;
  private readonly linSkip: Linear | null;
  private readonly dropRng: Rng;

  constructor(readonly inChannels: number, readonly outChannels: number, opts: TransformerConvOptions) {
    super({ aggr: 'sum' });
    const rng = requireRng('TransformerConv', opts);
    checkSize('TransformerConv', 'inChannels', inChannels);
    checkSize('TransformerConv', 'outChannels', outChannels);
    const H = (this.heads = opts.heads ?? 1);
    checkSize('TransformerConv', 'heads', H);
    this.concatHeads = opts.concat ?? true;
    this.dropoutP = opts.dropout ?? 0;
    if (!(this.dropoutP >= 0 && this.dropoutP < 1)) throw new ValueError(`TransformerConv: dropout must be in [0, 1), got ${this.dropoutP}`);
    this.edgeDim = opts.edgeDim ?? null;
    const dtype = opts.dtype ?? 'float32';
    const C = outChannels;
    this.linKey = this.registerModule('linKey', new Linear(inChannels, H * C, { rng, dtype }));
    this.linQuery = this.registerModule('linQuery', new Linear(inChannels, H * C, { rng, dtype }));
    this.linValue = this.registerModule('linValue', new Linear(inChannels, H * C, { rng, dtype }));
    this.linEdge = null;
    if (this.edgeDim !== null) {
      checkSize('TransformerConv', 'edgeDim', this.edgeDim);
      this.linEdge = this.registerModule('linEdge', new Linear(this.edgeDim, H * C, { rng, dtype, bias: false }));
    }
    this.linSkip = (opts.rootWeight ?? true)
      ? this.registerModule('linSkip', new Linear(inChannels, this.concatHeads ? H * C : C, { rng, dtype, bias: opts.bias ?? true }))
      : null;
    this.dropRng = this.registerRng('dropRng', rng.fork());
  }

  /**
   * @param x node features [N, inChannels]
   * @param edgeAttr edge features [E, edgeDim] (default graph.edges; only with `edgeDim`)
   * @returns [N, H·C] (concat) or [N, C]
   */
  forward(graph: GraphsTuple, x: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkNodes('TransformerConv', x, graph.numNodes, this.inChannels);
    const N = graph.numNodes, H = this.heads, C = this.outChannels;
    let e: Tensor | null = null;
    if (this.linEdge) e = this.linEdge.call(checkEdgeAttr('TransformerConv', edgeAttr ?? graph.edges, graph.numEdges, this.edgeDim!)).reshape([graph.numEdges, H, C]);
    const q = this.linQuery.call(x).reshape([N, H, C]);
    const k = this.linKey.call(x).reshape([N, H, C]);
    const v = this.linValue.call(x).reshape([N, H, C]);
    const agg = this.propagate(graph, { q, k, v }, { edgeAttr: e });
    let out = this.concatHeads ? agg.reshape([N, H * C]) : agg.mean(1);
    if (this.linSkip) out = out.add(this.linSkip.call(x));
    return out;
  }

  /** Without edge features: logits ⟨q_i, k_j⟩ as one SDDMM (gatherDot), then the fused weighted sum of v_j. */
  override weightedMessage(ctx: MessageContext): WeightedMessage | null {
    if (ctx.edgeAttr) return null;
    const logits = gatherDot(ctx.x('q'), ctx.xSource('k'), ctx.receivers, ctx.senders, { heads: this.heads }).div(Math.sqrt(this.outChannels));
    let alpha = segmentSoftmax(logits, ctx.receivers, ctx.numNodes);
    if (this.training && this.dropoutP > 0) alpha = dropout(alpha, this.dropoutP, this.dropRng, true);
    return { input: 'v', weight: alpha };
  }

  override message(ctx: MessageContext): Tensor {
    const E = ctx.numEdges;
    let key = ctx.xSender('k');
    let val = ctx.xSender('v');
    if (ctx.edgeAttr) {
      key = key.add(ctx.edgeAttr);
      val = val.add(ctx.edgeAttr);
    }
    const logits = ctx.xReceiver('q').mul(key).sum(-1).div(Math.sqrt(this.outChannels));
    let alpha = segmentSoftmax(logits, ctx.receivers, ctx.numNodes);
    if (this.training && this.dropoutP > 0) alpha = dropout(alpha, this.dropoutP, this.dropRng, true);
    return val.mul(alpha.reshape([E, this.heads, 1]));
  }

  /** Node-permutation equivariance, for erlangen/testing: `forward(graph, x)` on [N, inChannels] features (edge features as the graph's edges). */
  override get graphSymmetry(): GraphSymmetry {
    return permutationSymmetry((g, x) => this.call(g, x), this.inChannels, this.edgeDim ?? 0);
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, heads=${this.heads}, concat=${this.concatHeads}, edgeDim=${this.edgeDim}`;
  }
}
