/**
 * `MessagePassing`: the base class of graph layers (Gilmer et al. 2017, "Neural Message Passing for
 * Quantum Chemistry", {@link https://arxiv.org/abs/1704.01212 | arXiv:1704.01212}), with an explicit
 * typed context instead of PyG's signature introspection.
 * @module
 */
import { Module } from '../nn/index.js';
import { gatherSegmentSum, gatherSegmentWeightedSum, indexSelect } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { IndexError, ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { multiAggregate, resolveAggregations } from './aggregation.js';
import type { AggregateContext, Aggregation, AggregationOptions, AggregationSpec, Flow } from './aggregation.js';
import { GraphsTuple, toInt32 } from './graphs-tuple.js';
import type { IntArrayLike } from './graphs-tuple.js';
import type { GraphSymmetry } from './action.js';

/** A node input: one tensor for both ends, or `[senderSide, receiverSide]` for bipartite graphs. */
export type NodeInput = Tensor | readonly [Tensor, Tensor];

/** Named node inputs of `propagate`. */
export type PropagateInputs = Readonly<Record<string, NodeInput>>;

/**
 * The bare edges `propagate` needs: sender ids in [0, numSenders), receiver ids in
 * [0, numReceivers) — two node sets for bipartite graphs. Make one with {@link bipartite}.
 */
export interface EdgeSet {
  /** Source node of each edge (in the sender node set) [E]. */
  readonly senders: Int32Array;
  /** Target node of each edge (in the receiver node set) [E]. */
  readonly receivers: Int32Array;
  /** Size of the sender node set. */
  readonly numSenders: number;
  /** Size of the receiver node set. */
  readonly numReceivers: number;
  /** Edge features [E, …] (optional). */
  readonly edges?: Tensor | null;
}

/**
 * A validated bipartite {@link EdgeSet}: edge e goes from sender node `senders[e]` (of
 * `numSenders`) to receiver node `receivers[e]` (of `numReceivers`).
 * @throws IndexError for ids out of range; ShapeError for length mismatches
 */
export function bipartite(senders: IntArrayLike, receivers: IntArrayLike, numSenders: number, numReceivers: number, edges: Tensor | null = null): EdgeSet {
  const s = toInt32('senders', senders);
  const r = toInt32('receivers', receivers);
  if (s.length !== r.length) throw new ShapeError(`bipartite: senders has ${s.length} entries but receivers has ${r.length}`);
  if (edges && edges.shape[0] !== s.length) throw new ShapeError(`bipartite: edges ${fmtShape(edges.shape)} must have ${s.length} rows`);
  for (const [name, ids, n] of [['senders', s, numSenders], ['receivers', r, numReceivers]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`bipartite: ${name === 'senders' ? 'numSenders' : 'numReceivers'} must be a non-negative integer, got ${n}`);
    for (let e = 0; e < ids.length; e++) if (ids[e]! < 0 || ids[e]! >= n) throw new IndexError(`bipartite: ${name}[${e}] = ${ids[e]} is out of range for ${n} nodes`);
  }
  return { senders: s, receivers: r, numSenders, numReceivers, edges };
}

/** Options of `propagate`. */
export interface PropagateOptions {
  /** Edge features available as `ctx.edgeAttr` (default: the graph's `edges`). */
  edgeAttr?: Tensor | null;
  /** Further per-edge tensors [E, …], available as `ctx.edge(name)` (e.g. gcnNorm weights). */
  edgeInputs?: Readonly<Record<string, Tensor>>;
  /** Overrides the layer's flow for this call. */
  flow?: Flow;
}

/**
 * Everything `message`, `aggregate` and `update` may use. Senders and receivers are the
 * *effective* ones (after applying the flow): messages go from `senders[e]` (j) to `receivers[e]` (i).
 */
export interface MessageContext {
  /** The graph, or null when propagating over a bare {@link EdgeSet}. */
  readonly graph: GraphsTuple | null;
  /** The flow in effect. */
  readonly flow: Flow;
  /** j, the node each message comes from [E]. */
  readonly senders: Int32Array;
  /** i, the node each message is aggregated at [E]. */
  readonly receivers: Int32Array;
  /** E. */
  readonly numEdges: number;
  /** Rows of the output (= numReceivers). */
  readonly numNodes: number;
  /** Size of the sender node set. */
  readonly numSenders: number;
  /** Size of the receiver node set. */
  readonly numReceivers: number;
  /** Edge features [E, …] or null. */
  readonly edgeAttr: Tensor | null;
  /** The node input `name` as passed. */
  input(name: string): NodeInput;
  /** Receiver-side node tensor of input `name` [numReceivers, …] (for `update`). */
  x(name: string): Tensor;
  /** Sender-side node tensor of input `name` [numSenders, …]. */
  xSource(name: string): Tensor;
  /** x_j: input `name` gathered at the senders, [E, …] (cached). */
  xSender(name: string): Tensor;
  /** x_i: input `name` gathered at the receivers, [E, …] (cached). */
  xReceiver(name: string): Tensor;
  /** The per-edge input `name` from `edgeInputs` [E, …]. */
  edge(name: string): Tensor;
  /** The context handed to the aggregations. */
  aggregateContext(): AggregateContext;
}

/**
 * A message of the form w_e · x_{s(e)}: the sender-side node input `input` scaled per edge by
 * `weight` — [E] (or [E, 1]) for one scalar per edge (GCN's normalisation), or [E, H] for one per
 * head over an input [N, H, …] (attention coefficients).
 */
export interface WeightedMessage {
  readonly input: string;
  readonly weight: Tensor;
}

/** Options of {@link MessagePassing}. */
export interface MessagePassingOptions extends AggregationOptions {
  /** The aggregation(s) (default `'sum'`). Several are concatenated along the last axis. */
  aggr?: AggregationSpec;
  /** Direction (default `'sender-to-receiver'`). */
  flow?: Flow;
  /**
   * Allow the fused kernels of {@link MessagePassing.messageForm} (default true). `false` always
   * builds the [E, …] messages and aggregates them — the same values and gradients, slower; useful
   * to check a layer's fused path against its plain one.
   */
  fuse?: boolean;
}

/**
 * How `propagate` computes φ for a layer, decided once per class from what it defines:
 * - `'weighted'`: the layer declares {@link MessagePassing.weightedMessage} (w_e · x_j), and no
 *   subclass below the declaring class overrides `message`. A call whose `weightedMessage` returns a
 *   non-null value uses it; with the built-in sum this is the fused SpMM `gatherSegmentWeightedSum`.
 * - `'gather'`: neither `message` nor `weightedMessage` is defined, so φ = x_j of input `'x'`; with
 *   the built-in sum this is the fused `gatherSegmentSum`.
 * - `'message'`: `message` is overridden below the class declaring `weightedMessage` (or there is no
 *   `weightedMessage`): `message` is always called and no fused path is taken.
 */
export type MessageForm = 'weighted' | 'gather' | 'message';

/** The nearest class in `proto`'s chain (below MessagePassing) that defines `name`, as a depth (0 = the object's own class), or -1. */
function definedAt(proto: object, name: string): number {
  let depth = 0;
  for (let p: object | null = proto; p && p !== MessagePassing.prototype; p = Object.getPrototypeOf(p), depth++) {
    if (Object.prototype.hasOwnProperty.call(p, name)) return depth;
  }
  return -1;
}

const formCache = new WeakMap<object, MessageForm>();

/** The {@link MessageForm} of a layer's class (cached per prototype). */
function messageFormOf(layer: object): MessageForm {
  const proto = Object.getPrototypeOf(layer) as object;
  let form = formCache.get(proto);
  if (form === undefined) {
    const m = definedAt(proto, 'message'), w = definedAt(proto, 'weightedMessage');
    // depth grows towards the base: a smaller depth is a more derived class
    form = w >= 0 && (m < 0 || w <= m) ? 'weighted' : m < 0 && w < 0 ? 'gather' : 'message';
    formCache.set(proto, form);
  }
  return form;
}

class Context implements MessageContext {
  readonly numEdges: number;
  private readonly gathered = new Map<string, Tensor>();
  private aggCtx: AggregateContext | null = null;

  constructor(
    readonly graph: GraphsTuple | null,
    readonly flow: Flow,
    readonly senders: Int32Array,
    readonly receivers: Int32Array,
    readonly numSenders: number,
    readonly numReceivers: number,
    readonly edgeAttr: Tensor | null,
    private readonly inputs: PropagateInputs,
    private readonly edgeInputs: Readonly<Record<string, Tensor>>,
  ) {
    this.numEdges = senders.length;
  }

  get numNodes(): number {
    return this.numReceivers;
  }

  input(name: string): NodeInput {
    const v = this.inputs[name];
    if (v === undefined) throw new ValueError(`MessagePassing: no node input '${name}' (have ${Object.keys(this.inputs).join(', ') || 'none'})`);
    return v;
  }

  xSource(name: string): Tensor {
    const v = this.input(name);
    return Array.isArray(v) ? (v as readonly [Tensor, Tensor])[0] : (v as Tensor);
  }

  x(name: string): Tensor {
    const v = this.input(name);
    return Array.isArray(v) ? (v as readonly [Tensor, Tensor])[1] : (v as Tensor);
  }

  private gather(side: 'j' | 'i', name: string): Tensor {
    const key = `${side}:${name}`;
    let t = this.gathered.get(key);
    if (!t) {
      t = side === 'j' ? indexSelect(this.xSource(name), 0, this.senders) : indexSelect(this.x(name), 0, this.receivers);
      this.gathered.set(key, t);
    }
    return t;
  }

  xSender(name: string): Tensor {
    return this.gather('j', name);
  }

  xReceiver(name: string): Tensor {
    return this.gather('i', name);
  }

  edge(name: string): Tensor {
    const t = this.edgeInputs[name];
    if (!t) throw new ValueError(`MessagePassing: no edge input '${name}' (have ${Object.keys(this.edgeInputs).join(', ') || 'none'})`);
    return t;
  }

  aggregateContext(): AggregateContext {
    return (this.aggCtx ??= { index: this.receivers, numSegments: this.numReceivers, graph: this.graph, flow: this.flow });
  }
}

/** The messages w_e · x_{s(e)} of a {@link WeightedMessage}, [E, …] (w broadcast over the feature axes; [E, H] over [E, H, …]). */
function weightedMessages(wm: WeightedMessage, ctx: MessageContext): Tensor {
  const xj = ctx.xSender(wm.input), w = wm.weight;
  const H = w.ndim === 2 ? w.shape[1]! : 1;
  return xj.mul(w.reshape([ctx.numEdges, ...(H > 1 ? [H] : []), ...new Array<number>(xj.ndim - (H > 1 ? 2 : 1)).fill(1)]));
}

function checkRows(what: string, t: Tensor, n: number): void {
  if (t.ndim === 0 || t.shape[0] !== n) throw new ShapeError(`MessagePassing: ${what} ${fmtShape(t.shape)} must have ${n} rows`);
}

/**
 * Base class of message-passing layers: x_i' = γ(x_i, ⊕_{e: r(e)=i} φ(x_i, x_{s(e)}, e_e)).
 *
 * `propagate(graph, inputs)` builds a {@link MessageContext}, calls `message(ctx)` (φ, one row per
 * edge), `aggregate(messages, ctx)` (⊕, by default the configured aggregations over the receivers)
 * and `update(aggregated, ctx)` (γ, identity by default). A subclass implements `forward` and
 * overrides `message` (and maybe `update`).
 *
 * @example
 * ```ts
 * class SumNeighbours extends MessagePassing {
 *   forward(g: GraphsTuple, x: Tensor): Tensor {
 *     return this.propagate(g, { x });          // Σ_{j→i} x_j
 *   }
 * }
 * new SumNeighbours({ aggr: ['mean', 'max'] }); // [N, 2F]
 * ```
 */
export abstract class MessagePassing<In extends unknown[] = [GraphsTuple, Tensor], Out = Tensor> extends Module<In, Out> {
  /** The aggregations applied (outputs concatenated along the last axis). */
  readonly aggregations: readonly Aggregation[];
  /** Default direction. */
  readonly flow: Flow;

  /** Whether the fused kernels may run ({@link MessagePassingOptions.fuse}); may be switched per layer at any time. */
  fusedKernels: boolean;

  constructor(opts: MessagePassingOptions = {}) {
    super();
    this.fusedKernels = opts.fuse ?? true;
    this.aggregations = resolveAggregations(opts.aggr ?? 'sum', opts);
    this.flow = opts.flow ?? 'sender-to-receiver';
    if (this.flow !== 'sender-to-receiver' && this.flow !== 'receiver-to-sender') throw new ValueError(`MessagePassing: unknown flow '${String(this.flow)}'`);
    this.aggregations.forEach((a, k) => {
      if (a instanceof Module) this.registerModule(`aggr${k}`, a);
    });
  }

  /**
   * Run message → aggregate → update.
   * @param graph a GraphsTuple (one node set) or a bipartite {@link EdgeSet}
   * @param inputs named node tensors [N, …] (or [senderSide, receiverSide] pairs)
   * @returns update's result, by default [numReceivers, …] aggregated messages
   */
  propagate(graph: GraphsTuple | EdgeSet, inputs: PropagateInputs, opts: PropagateOptions = {}): Tensor {
    const flow = opts.flow ?? this.flow;
    const isTuple = graph instanceof GraphsTuple;
    let senders = graph.senders;
    let receivers = graph.receivers;
    let numSenders = isTuple ? graph.numNodes : graph.numSenders;
    let numReceivers = isTuple ? graph.numNodes : graph.numReceivers;
    if (flow === 'receiver-to-sender') {
      [senders, receivers] = [receivers, senders];
      [numSenders, numReceivers] = [numReceivers, numSenders];
    }
    for (const [name, v] of Object.entries(inputs)) {
      if (Array.isArray(v)) {
        const [a, b] = v as readonly [Tensor, Tensor];
        checkRows(`input '${name}' (sender side)`, a, numSenders);
        checkRows(`input '${name}' (receiver side)`, b, numReceivers);
      } else if (numSenders === numReceivers) {
        checkRows(`input '${name}'`, v as Tensor, numSenders);
      } else {
        throw new ShapeError(`MessagePassing: input '${name}' must be a [senderSide, receiverSide] pair on a bipartite graph (${numSenders} → ${numReceivers} nodes)`);
      }
    }
    const edgeAttr = opts.edgeAttr !== undefined ? opts.edgeAttr : (graph.edges ?? null);
    if (edgeAttr) checkRows('edgeAttr', edgeAttr, senders.length);
    const edgeInputs = opts.edgeInputs ?? {};
    for (const [name, t] of Object.entries(edgeInputs)) checkRows(`edge input '${name}'`, t, senders.length);
    const ctx = new Context(isTuple ? graph : null, flow, senders, receivers, numSenders, numReceivers, edgeAttr, inputs, edgeInputs);
    const form = this.messageForm;
    if (form === 'weighted') {
      const wm = this.weightedMessage!(ctx);
      if (wm) return this.update(this.fusedKernels && this.builtinSum() ? gatherSegmentWeightedSum(ctx.xSource(wm.input), wm.weight, senders, receivers, numReceivers) : this.aggregate(weightedMessages(wm, ctx), ctx), ctx);
    } else if (form === 'gather' && this.fusedKernels && this.builtinSum()) {
      return this.update(gatherSegmentSum(ctx.xSource('x'), senders, receivers, numReceivers), ctx);
    }
    const messages = this.message(ctx);
    checkRows('message output', messages, ctx.numEdges);
    const aggregated = this.aggregate(messages, ctx);
    return this.update(aggregated, ctx);
  }

  /**
   * φ: one message per edge, [E, …]. Default: the {@link weightedMessage} w_e · x_j when the layer
   * defines one (and it is not null), else x_j of the input named `'x'`.
   */
  message(ctx: MessageContext): Tensor {
    const wm = this.weightedMessage?.(ctx);
    return wm ? weightedMessages(wm, ctx) : ctx.xSender('x');
  }

  /**
   * How φ is computed for this layer's class ({@link MessageForm}): `'weighted'` when it declares
   * `weightedMessage` and no subclass overrides `message` below that declaration, `'gather'` when it
   * defines neither, `'message'` otherwise. An overridden `message` is therefore never bypassed.
   */
  get messageForm(): MessageForm {
    return messageFormOf(this);
  }

  /** True when the aggregation is the single built-in sum and `aggregate` is not overridden (the fused kernels' condition). */
  private builtinSum(): boolean {
    return this.aggregate === MessagePassing.prototype.aggregate && this.aggregations.length === 1
      && (this.aggregations[0] as { builtinSum?: boolean }).builtinSum === true;
  }

  /**
   * Optional φ of the form w_e · x_j ({@link WeightedMessage}), for layers whose messages are
   * edge-weighted sender features (GCN, GAT, TransformerConv): declaring it is how a layer chooses
   * the fused path (see {@link messageForm}). With the built-in sum aggregation, `propagate` then
   * runs the fused `gatherSegmentWeightedSum` (SpMM; gradients to x and to the weights, SDDMM)
   * without building the [E, …] messages; with other aggregations (or `fuse: false`) it builds
   * w_e · x_j and aggregates them. Returning null falls back to `message` for this call. A subclass
   * that overrides `message` below the declaring class switches the fused path off.
   */
  weightedMessage?(ctx: MessageContext): WeightedMessage | null;

  /**
   * ⊕: reduce the messages entering each node. Default: the configured aggregations over
   * `ctx.receivers`, concatenated along the last axis → [numReceivers, …].
   */
  aggregate(messages: Tensor, ctx: MessageContext): Tensor {
    return multiAggregate(this.aggregations, messages, ctx.aggregateContext());
  }

  /**
   * What the layer is equivariant to, read by the equivariance harness (erlangen/testing) so that
   * `assertEquivariant(layer)` needs no spec: null here (no claim); layers that commute with node
   * permutations (GCN, GAT, SAGE, TransformerConv) and E(n) (EGNN) override it.
   */
  get graphSymmetry(): GraphSymmetry | null {
    return null;
  }

  /** γ: the node update. Default: the aggregated messages unchanged. */
  update(aggregated: Tensor, ctx: MessageContext): Tensor {
    void ctx;
    return aggregated;
  }
}
