/**
 * E(n)-equivariant graph neural networks (Satorras, Hoogeboom, Welling, "E(n) Equivariant Graph
 * Neural Networks", ICML 2021, {@link https://arxiv.org/abs/2102.09844 | arXiv:2102.09844}), as in
 * the reference code (`models/gcl.py` `E_GCL` / `E_GCL_vel`, `n_body_system/model.py` `EGNN_vel`,
 * `models/egnn_clean`); docs/design/egnn.md.
 *
 * Layer l, edge j → i (i receives), invariant features h, coordinates x ∈ Rⁿ, edge attributes a:
 * - m_ij = φ_e(h_i, h_j, ‖x_i − x_j‖², a_ij)            (optionally m_ij ← sigmoid(φ_att(m_ij))·m_ij)
 * - x_i' = x_i + C · mean_j (x_i − x_j) φ_x(m_ij)         (each term clamped to ±100; `'sum'` optional)
 * - h_i' = h_i + φ_h(h_i, Σ_j m_ij)
 * - velocity variant: v_i' = φ_v(h_i) v_i + C · mean_j (x_i − x_j) φ_x(m_ij), x_i' = x_i + v_i'
 *
 * Only differences x_i − x_j and invariants enter, so the layer is equivariant to rotations,
 * reflections and translations of x (and rotations/reflections of v), and to node permutations.
 * @module
 */
import { Linear, Module, SiLU, Sequential, xavierUniform } from '../nn/index.js';
import type { FloatDType } from '../nn/index.js';
import { concat, indexSelect, matmul, segmentMean, segmentSum, slice } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { GraphsTuple } from './graphs-tuple.js';
import { MessagePassing } from './message-passing.js';
import type { MessageContext } from './message-passing.js';
import { toGraphsTuple } from './action.js';
import type { EuclideanGraphSymmetry, GeometricGraph } from './action.js';

/** Options of {@link EGNNLayer}. */
export interface EGNNLayerOptions {
  /** Source of the initial weights (required). */
  rng: Rng;
  /** Width of the hidden layers of the MLPs and of the messages m_ij (default: inFeatures). */
  hidden?: number;
  /** Width of h' (default: inFeatures; must equal inFeatures when `residual`). */
  outFeatures?: number;
  /** Width of the edge attributes a_ij (default 0: none). */
  edgeFeatures?: number;
  /** The velocity variant: v' = φ_v(h)·v + C·Σ…, x' = x + v' (needs `v` in forward; default false). */
  velocity?: boolean;
  /** Gate each message by sigmoid(φ_att(m_ij)) (default false). */
  attention?: boolean;
  /** tanh on φ_x's output, times `coordsRange` (default false). */
  tanh?: boolean;
  /** Factor of the tanh-bounded φ_x (default 1). */
  coordsRange?: number;
  /** Use (x_i − x_j)/(‖x_i − x_j‖ + normConstant) in the coordinate update (default false). */
  normalize?: boolean;
  /** Added to the norm when normalising (default 1, the reference's `norm_diff`). */
  normConstant?: number;
  /** Aggregation of the coordinate terms: `'mean'` (reference code, default) or `'sum'`. */
  coordsAggregation?: 'mean' | 'sum';
  /** The factor C of the coordinate update (default 1). */
  coordsWeight?: number;
  /** Clamp each coordinate term (x_i − x_j)φ_x(m_ij) into ±clamp (default 100; null: no clamp). */
  clamp?: number | null;
  /** h' = h + φ_h(…) (default true, the reference's `recurrent`). */
  residual?: boolean;
  /**
   * Evaluate φ_e's first Linear on [h_i, h_j, r, a] as node-level products gathered per edge
   * (W_i h_i + W_j h_j + w_r r + W_a a + b), the same function with fewer flops (default true).
   */
  fuseEdgeInput?: boolean;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/** Further inputs of an EGNN forward. */
export interface EGNNInputs {
  /** Velocities [N, n] (required by the velocity variant; reused unchanged by every layer). */
  v?: Tensor | null;
  /** Edge attributes a_ij [E, edgeFeatures] (default: the graph's `edges`). */
  edgeAttr?: Tensor | null;
}

/** Outputs of an EGNN layer or model. */
export interface EGNNOutput {
  /** Invariant features h' [N, outFeatures]. */
  h: Tensor;
  /** Coordinates x' [N, n]. */
  x: Tensor;
  /** The velocity variant's v' = x' − x [N, n] (the last layer's, for a model); null otherwise. */
  v: Tensor | null;
}

function positiveInt(op: string, name: string, n: number, allowZero = false): void {
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new ValueError(`${op}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${n}`);
}

function lin(inF: number, outF: number, rng: Rng, dtype: FloatDType, bias = true): Linear {
  return new Linear(inF, outF, { rng, dtype, bias });
}

/** The E(n) declaration of an EGNN layer or model, for erlangen/testing (positions in R^3). */
function egnnSymmetry(
  call: (graph: GraphsTuple, h: Tensor, x: Tensor, inputs: EGNNInputs) => EGNNOutput, nodeFeatures: number, edgeFeatures: number, velocity: boolean,
): EuclideanGraphSymmetry {
  return {
    kind: 'euclidean', dim: 3, nodeFeatures, edgeFeatures, velocity,
    apply(g: GeometricGraph): Record<string, Tensor> {
      const o = call(toGraphsTuple(g), g.nodes, g.positions, velocity ? { v: g.velocities ?? null } : {});
      return o.v ? { h: o.h, x: o.x, v: o.v } : { h: o.h, x: o.x };
    },
  };
}

/**
 * One E(n)-equivariant graph convolutional layer (E_GCL, or E_GCL_vel with `velocity: true`), on the
 * {@link MessagePassing} base: `message` computes [m_ij | (x_i − x_j)φ_x(m_ij)] per edge, `aggregate`
 * sums the messages (or the configured `aggr`) and averages the coordinate terms over the receivers,
 * and `forward` applies the node and coordinate updates.
 *
 * MLPs (H = hidden, F = inFeatures, A = edgeFeatures): φ_e = Linear(2F+1+A → H)·SiLU·Linear(H → H)·SiLU;
 * φ_x = Linear(H → H)·SiLU·Linear(H → 1, no bias, Xavier-uniform gain 0.001) [·tanh];
 * φ_h = Linear(F+H → H)·SiLU·Linear(H → out); φ_v = Linear(F → H)·SiLU·Linear(H → 1);
 * φ_att = Linear(H → 1)·sigmoid.
 *
 * @example
 * ```ts
 * const layer = new EGNNLayer(16, { rng: new Rng(0), edgeFeatures: 2 });
 * const { h, x } = layer.call(graph, h0, x0); // h [N, 16], x [N, 3]
 * ```
 */
export class EGNNLayer extends MessagePassing<[GraphsTuple, Tensor, Tensor, EGNNInputs?], EGNNOutput> {
  /** Width of h. */
  readonly inFeatures: number;
  /** Width of h'. */
  readonly outFeatures: number;
  /** Width of the MLP hidden layers and messages. */
  readonly hidden: number;
  /** Width of a_ij (0: none). */
  readonly edgeFeatures: number;
  /** The velocity variant. */
  readonly velocity: boolean;
  /** Attention gating. */
  readonly attention: boolean;
  /** tanh on φ_x. */
  readonly tanh: boolean;
  /** Normalised differences. */
  readonly normalize: boolean;
  /** Residual features. */
  readonly residual: boolean;
  private readonly coordsRange: number;
  private readonly normConstant: number;
  private readonly coordsAggregation: 'mean' | 'sum';
  private readonly coordsWeight: number;
  private readonly clampValue: number | null;
  private readonly fuse: boolean;

  /** @param inFeatures width of h */
  constructor(inFeatures: number, opts: EGNNLayerOptions) {
    super({ aggr: 'sum' });
    const op = 'EGNNLayer';
    if (!opts?.rng) throw new ValueError(`${op}: opts.rng is required (all randomness goes through an explicit Rng)`);
    positiveInt(op, 'inFeatures', inFeatures);
    const H = opts.hidden ?? inFeatures;
    const out = opts.outFeatures ?? inFeatures;
    const A = opts.edgeFeatures ?? 0;
    positiveInt(op, 'hidden', H);
    positiveInt(op, 'outFeatures', out);
    positiveInt(op, 'edgeFeatures', A, true);
    this.residual = opts.residual ?? true;
    if (this.residual && out !== inFeatures) throw new ValueError(`${op}: residual needs outFeatures (${out}) = inFeatures (${inFeatures})`);
    const agg = opts.coordsAggregation ?? 'mean';
    if (agg !== 'mean' && agg !== 'sum') throw new ValueError(`${op}: coordsAggregation must be 'mean' or 'sum', got '${String(agg)}'`);
    const clampV = opts.clamp === undefined ? 100 : opts.clamp;
    if (clampV !== null && !(clampV > 0)) throw new ValueError(`${op}: clamp must be positive or null, got ${clampV}`);
    this.inFeatures = inFeatures;
    this.outFeatures = out;
    this.hidden = H;
    this.edgeFeatures = A;
    this.velocity = opts.velocity ?? false;
    this.attention = opts.attention ?? false;
    this.tanh = opts.tanh ?? false;
    this.normalize = opts.normalize ?? false;
    this.coordsRange = opts.coordsRange ?? 1;
    this.normConstant = opts.normConstant ?? 1;
    this.coordsAggregation = agg;
    this.coordsWeight = opts.coordsWeight ?? 1;
    this.clampValue = clampV;
    this.fuse = opts.fuseEdgeInput ?? true;
    const dtype = opts.dtype ?? 'float32';
    const rng = opts.rng;
    this.registerModule('edgeMlp', new Sequential(lin(2 * inFeatures + 1 + A, H, rng, dtype), new SiLU(), lin(H, H, rng, dtype), new SiLU()));
    this.registerModule('nodeMlp', new Sequential(lin(inFeatures + H, H, rng, dtype), new SiLU(), lin(H, out, rng, dtype)));
    const last = lin(H, 1, rng, dtype, false);
    xavierUniform(last.weight, rng, { gain: 0.001 });
    this.registerModule('coordMlp', new Sequential(lin(H, H, rng, dtype), new SiLU(), last));
    if (this.attention) this.registerModule('attMlp', lin(H, 1, rng, dtype));
    if (this.velocity) this.registerModule('velMlp', new Sequential(lin(inFeatures, H, rng, dtype), new SiLU(), lin(H, 1, rng, dtype)));
  }

  /** φ_e. */
  get edgeMlp(): Sequential { return this.getModule('edgeMlp') as Sequential; }
  /** φ_h. */
  get nodeMlp(): Sequential { return this.getModule('nodeMlp') as Sequential; }
  /** φ_x. */
  get coordMlp(): Sequential { return this.getModule('coordMlp') as Sequential; }
  /** φ_v (velocity variant), or null. */
  get velMlp(): Sequential | null { return this.velocity ? (this.getModule('velMlp') as Sequential) : null; }
  /** φ_att (before its sigmoid), or null. */
  get attMlp(): Linear | null { return this.attention ? (this.getModule('attMlp') as Linear) : null; }

  /** The first Linear of φ_e on [h_i, h_j, ‖x_i − x_j‖², a_ij], per edge → [E, H]. */
  private edgeInput(ctx: MessageContext, radial: Tensor): Tensor {
    const F = this.inFeatures, A = this.edgeFeatures;
    const l0 = this.edgeMlp.at(0) as Linear;
    const a = ctx.edgeAttr;
    if (!this.fuse) {
      const parts = [ctx.xReceiver('h'), ctx.xSender('h'), radial];
      if (A > 0) parts.push(a!);
      return l0.call(concat(parts, 1));
    }
    const W = l0.weight; // [H, 2F + 1 + A]
    const h = ctx.x('h');
    // node-level products, gathered per edge: W_i h_i + W_j h_j
    const Wij = concat([slice(W, [null, [0, F]]), slice(W, [null, [F, 2 * F]])], 0); // [2H, F]
    const hw = matmul(h, Wij, { transB: true }); // [N, 2H]: [h W_iᵀ | h W_jᵀ]
    const H = this.hidden;
    let pre = indexSelect(slice(hw, [null, [0, H]]), 0, ctx.receivers).add(indexSelect(slice(hw, [null, [H, 2 * H]]), 0, ctx.senders));
    pre = pre.add(matmul(radial, slice(W, [null, [2 * F, 2 * F + 1]]), { transB: true }));
    if (A > 0) pre = pre.add(matmul(a!, slice(W, [null, [2 * F + 1, 2 * F + 1 + A]]), { transB: true }));
    const b = l0.bias;
    return b ? pre.add(b) : pre;
  }

  /** Per edge: [m_ij | (x_i − x_j) φ_x(m_ij)] → [E, H + n]. */
  message(ctx: MessageContext): Tensor {
    let diff = ctx.xReceiver('x').sub(ctx.xSender('x')); // [E, n]
    const radial = diff.square().sum(1, true); // [E, 1]
    // φ_e after its first Linear: SiLU · Linear · SiLU
    const mlp = this.edgeMlp;
    let m = this.edgeInput(ctx, radial).silu();
    m = (mlp.at(2) as Linear).call(m).silu();
    const att = this.attMlp;
    if (att) m = m.mul(att.call(m).sigmoid());
    if (this.normalize) diff = diff.div(radial.sqrt().add(this.normConstant));
    let phi = this.coordMlp.call(m); // [E, 1]
    if (this.tanh) phi = phi.tanh().mul(this.coordsRange);
    let trans = diff.mul(phi);
    if (this.clampValue !== null) trans = trans.clamp(-this.clampValue, this.clampValue);
    return concat([m, trans], 1);
  }

  /** [Σ_j m_ij | C · mean_j (x_i − x_j)φ_x(m_ij)] per receiver → [N, H + n]. */
  aggregate(messages: Tensor, ctx: MessageContext): Tensor {
    const H = this.hidden;
    const m = slice(messages, [null, [0, H]]);
    const trans = slice(messages, [null, [H, null]]);
    const aggM = segmentSum(m, ctx.receivers, ctx.numNodes);
    let aggX = this.coordsAggregation === 'mean' ? segmentMean(trans, ctx.receivers, ctx.numNodes) : segmentSum(trans, ctx.receivers, ctx.numNodes);
    if (this.coordsWeight !== 1) aggX = aggX.mul(this.coordsWeight);
    return concat([aggM, aggX], 1);
  }

  /** E(n) × node-permutation equivariance, for erlangen/testing: invariant h, positions x, velocities v (velocity variant). */
  override get graphSymmetry(): EuclideanGraphSymmetry {
    return egnnSymmetry((g, h, x, i) => this.call(g, h, x, i), this.inFeatures, this.edgeFeatures, this.velocity);
  }

  /**
   * @param graph edges j → i (senders → receivers); its `edges` are a_ij unless `inputs.edgeAttr` is given
   * @param h invariant node features [N, inFeatures]
   * @param x coordinates [N, n]
   * @param inputs `v` [N, n] for the velocity variant; `edgeAttr` [E, edgeFeatures]
   * @returns h' [N, outFeatures], x' [N, n], and v' = x' − x for the velocity variant
   */
  forward(graph: GraphsTuple, h: Tensor, x: Tensor, inputs: EGNNInputs = {}): EGNNOutput {
    const op = 'EGNNLayer';
    const N = graph.numNodes;
    if (h.ndim !== 2 || h.shape[0] !== N || h.shape[1] !== this.inFeatures) throw new ShapeError(`${op}: h ${fmtShape(h.shape)} must be [${N}, ${this.inFeatures}]`);
    if (x.ndim !== 2 || x.shape[0] !== N) throw new ShapeError(`${op}: x ${fmtShape(x.shape)} must be [${N}, n]`);
    const n = x.shape[1]!;
    const edgeAttr = inputs.edgeAttr !== undefined ? inputs.edgeAttr : graph.edges;
    if (this.edgeFeatures > 0) {
      if (!edgeAttr) throw new ValueError(`${op}: edgeFeatures = ${this.edgeFeatures} but no edge attributes were given (graph.edges or inputs.edgeAttr)`);
      if (edgeAttr.ndim !== 2 || edgeAttr.shape[1] !== this.edgeFeatures) throw new ShapeError(`${op}: edge attributes ${fmtShape(edgeAttr.shape)} must be [E, ${this.edgeFeatures}]`);
    }
    const v = inputs.v ?? null;
    if (this.velocity) {
      if (!v) throw new ValueError(`${op}: the velocity variant needs inputs.v [N, n]`);
      if (v.ndim !== 2 || v.shape[0] !== N || v.shape[1] !== n) throw new ShapeError(`${op}: v ${fmtShape(v.shape)} must be [${N}, ${n}] like x`);
    }
    const dtype = this.parameters()[0]!.dtype; // follows toDType
    for (const [name, t] of [['h', h], ['x', x], ['v', v], ['edge attributes', this.edgeFeatures > 0 ? edgeAttr : null]] as const) {
      if (t && t.dtype !== dtype) throw new DTypeError(`${op}: ${name} is ${t.dtype} but the layer is ${dtype} (use toDType)`);
    }
    const agg = this.propagate(graph, { h, x }, { edgeAttr: this.edgeFeatures > 0 ? edgeAttr : null }); // [N, H + n]
    const H = this.hidden;
    const mAgg = slice(agg, [null, [0, H]]);
    let dx = slice(agg, [null, [H, H + n]]);
    if (this.velocity) dx = dx.add(this.velMlp!.call(h).mul(v!));
    let hNew = this.nodeMlp.call(concat([h, mAgg], 1));
    if (this.residual) hNew = h.add(hNew);
    return { h: hNew, x: x.add(dx), v: this.velocity ? dx : null };
  }

  extraRepr(): string {
    const flags = [this.velocity && 'velocity', this.attention && 'attention', this.tanh && 'tanh', this.normalize && 'normalize'].filter(Boolean).join(', ');
    return `inFeatures=${this.inFeatures}, hidden=${this.hidden}, outFeatures=${this.outFeatures}, edgeFeatures=${this.edgeFeatures}${flags ? `, ${flags}` : ''}`;
  }
}

/** Options of {@link EGNN}. */
export interface EGNNOptions extends Omit<EGNNLayerOptions, 'hidden' | 'outFeatures' | 'residual'> {
  /** Width of h and of every MLP (default 64). */
  hidden?: number;
  /** Number of EGNN layers (default 4). */
  layers?: number;
  /** A final Linear(hidden → outFeatures) on h (default: none; h stays [N, hidden]). */
  outFeatures?: number | null;
  /** Residual feature updates (default true). */
  residual?: boolean;
}

/**
 * An EGNN: h ← Linear(inFeatures → hidden)(h), then L {@link EGNNLayer}s updating (h, x) — with
 * `velocity: true` every layer reuses the *input* velocity, as the reference `EGNN_vel` does — and
 * an optional output Linear on h. {@link EGNN.nbody} builds the N-body model of the paper.
 *
 * @example
 * ```ts
 * const model = EGNN.nbody({ rng: new Rng(0) });
 * const { x } = model.call(graph, graph.nodes!, graph.extraTensor('pos'), { v: graph.extraTensor('vel') });
 * ```
 */
export class EGNN extends Module<[GraphsTuple, Tensor, Tensor, EGNNInputs?], EGNNOutput> {
  /** Width of the input node features. */
  readonly inFeatures: number;
  /** Width of h inside. */
  readonly hidden: number;
  /** Number of layers. */
  readonly numLayers: number;
  /** Velocity variant. */
  readonly velocity: boolean;

  constructor(inFeatures: number, opts: EGNNOptions) {
    super();
    if (!opts?.rng) throw new ValueError('EGNN: opts.rng is required (all randomness goes through an explicit Rng)');
    positiveInt('EGNN', 'inFeatures', inFeatures);
    const H = opts.hidden ?? 64;
    const L = opts.layers ?? 4;
    positiveInt('EGNN', 'hidden', H);
    positiveInt('EGNN', 'layers', L, true);
    const dtype = opts.dtype ?? 'float32';
    this.inFeatures = inFeatures;
    this.hidden = H;
    this.numLayers = L;
    this.velocity = opts.velocity ?? false;
    const { layers: _l, outFeatures, ...layerOpts } = opts;
    void _l;
    this.registerModule('embedding', lin(inFeatures, H, opts.rng, dtype));
    for (let l = 0; l < L; l++) this.registerModule(`layer${l}`, new EGNNLayer(H, { ...layerOpts, hidden: H, outFeatures: H, dtype }));
    if (outFeatures != null) this.registerModule('embeddingOut', lin(H, outFeatures, opts.rng, dtype));
  }

  /**
   * The N-body model of the paper (`EGNN_vel`): node input ‖v‖ (1 feature), edge attributes
   * [q_i q_j, ‖x_i − x_j‖²] (2), 4 layers of 64, velocity variant, mean coordinate aggregation,
   * residual features, no attention / tanh / normalisation; the output is the final x.
   */
  static nbody(opts: Partial<EGNNOptions> & { rng: Rng }): EGNN {
    return new EGNN(1, { hidden: 64, layers: 4, edgeFeatures: 2, velocity: true, ...opts });
  }

  /** Layer l. */
  layer(l: number): EGNNLayer {
    return this.getModule(`layer${l}`) as EGNNLayer;
  }

  /** E(n) × node-permutation equivariance, for erlangen/testing: invariant h, positions x, velocities v (velocity variant). */
  get graphSymmetry(): EuclideanGraphSymmetry {
    return egnnSymmetry((g, h, x, i) => this.call(g, h, x, i), this.inFeatures, this.numLayers > 0 ? this.layer(0).edgeFeatures : 0, this.velocity);
  }

  /**
   * @param graph edges j → i; `graph.edges` are a_ij unless `inputs.edgeAttr` is given
   * @param h input node features [N, inFeatures]
   * @param x coordinates [N, n]
   * @param inputs `v` [N, n] (velocity variant), `edgeAttr`
   */
  forward(graph: GraphsTuple, h: Tensor, x: Tensor, inputs: EGNNInputs = {}): EGNNOutput {
    let hh = (this.getModule('embedding') as Linear).call(h);
    let xx = x;
    let v: Tensor | null = null;
    for (let l = 0; l < this.numLayers; l++) {
      const o = this.layer(l).call(graph, hh, xx, inputs);
      hh = o.h;
      xx = o.x;
      v = o.v;
    }
    const out = this.maybeModule('embeddingOut');
    if (out) hh = (out as Linear).call(hh);
    return { h: hh, x: xx, v };
  }

  private maybeModule(name: string): Module | null {
    return this.namedChildren().find(([k]) => k === name)?.[1] ?? null;
  }

  extraRepr(): string {
    return `inFeatures=${this.inFeatures}, hidden=${this.hidden}, layers=${this.numLayers}${this.velocity ? ', velocity' : ''}`;
  }
}
