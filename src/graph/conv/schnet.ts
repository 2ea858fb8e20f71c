/**
 * SchNet's continuous-filter convolution (Schütt et al. 2017) with its Gaussian radial basis and
 * cosine cutoff.
 * @module
 */
import { Linear, Module, Sequential } from '../../nn/index.js';
import { Tensor, clamp, cos, detach, exp, indexSelect, lt, softplus } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { MessagePassing } from '../message-passing.js';
import type { MessageContext } from '../message-passing.js';
import { checkNodes, checkSize, glorotLinear, requireRng } from './common.js';
import type { ConvBaseOptions } from './common.js';

/** Options of {@link gaussianRbf}. */
export interface GaussianRbfOptions {
  /** First centre (default 0). */
  start?: number;
  /** Last centre (default 5, PyG's GaussianSmearing). */
  stop?: number;
  /** Number of Gaussians K (default 50). */
  num?: number;
}

/**
 * Gaussian radial basis expansion of distances (SchNet; PyG's `GaussianSmearing`):
 * rbf_k(d) = exp(−γ (d − μ_k)²), μ_k = linspace(start, stop, K), γ = 1 / (2 Δμ²).
 * @param d distances [E]
 * @returns [E, K]
 */
export function gaussianRbf(d: Tensor, opts: GaussianRbfOptions = {}): Tensor {
  const start = opts.start ?? 0, stop = opts.stop ?? 5, K = opts.num ?? 50;
  checkSize('gaussianRbf', 'num', K);
  if (d.ndim !== 1) throw new ShapeError(`gaussianRbf: distances ${fmtShape(d.shape)} must be [E]`);
  const mu = new Float64Array(K);
  for (let k = 0; k < K; k++) mu[k] = K === 1 ? start : start + ((stop - start) * k) / (K - 1);
  const delta = K === 1 ? 1 : (stop - start) / (K - 1);
  if (!(delta > 0)) throw new ValueError(`gaussianRbf: stop must exceed start, got ${start}..${stop}`);
  const coeff = -0.5 / (delta * delta);
  const diff = d.reshape([d.shape[0]!, 1]).sub(new Tensor(d.dtype === 'float64' ? mu : Float32Array.from(mu), [1, K], d.dtype));
  return exp(diff.square().mul(coeff));
}

/**
 * Cosine cutoff (Behler 2011; SchNet/PyG's `CosineCutoff`): C(d) = ½ (cos(π d / r_c) + 1) for
 * d < r_c, 0 beyond; smooth (C and C′ vanish at r_c).
 * @param d distances [E] @returns [E]
 */
export function cosineCutoff(d: Tensor, cutoff: number): Tensor {
  if (!(cutoff > 0)) throw new ValueError(`cosineCutoff: cutoff must be positive, got ${cutoff}`);
  const inside = detach(lt(d, cutoff));
  return cos(d.mul(Math.PI / cutoff)).add(1).mul(0.5).mul(inside);
}

/** ssp(x) = softplus(x) − ln 2 (SchNet's shifted softplus; ssp(0) = 0). */
export class ShiftedSoftplus extends Module {
  forward(x: Tensor): Tensor {
    return softplus(x).sub(Math.LN2);
  }
}

/** Options of {@link CFConv}. */
export interface CFConvOptions extends ConvBaseOptions {
  /** Filter width F (default 64). */
  numFilters?: number;
  /** Gaussians K of the distance expansion (default 50). */
  numGaussians?: number;
  /** Cutoff radius r_c (default 10, as PyG's SchNet); the Gaussians span [0, r_c]. */
  cutoff?: number;
}

/**
 * Continuous-filter convolution of SchNet (Schütt et al. 2017, "SchNet: A continuous-filter
 * convolutional neural network for modeling quantum interactions",
 * {@link https://arxiv.org/abs/1706.08566 | arXiv:1706.08566}), PyG's `CFConv`:
 *
 *   x_i' = W₂ Σ_{j ∈ N(i)} (W₁ x_j) ⊙ W(‖p_i − p_j‖) + b₂,
 *   W(d) = Dense(ssp(Dense(rbf(d)))) · C(d),
 *
 * with rbf the Gaussian expansion ({@link gaussianRbf}, K Gaussians on [0, r_c]), C the cosine
 * cutoff ({@link cosineCutoff}) and ssp the shifted softplus. Positions are an input tensor (so
 * forces −∂E/∂p come out of autograd); the graph (e.g. `radiusGraph`) is given.
 *
 * @example
 * ```ts
 * const cf = new CFConv(64, 64, { rng: new Rng(0), cutoff: 5 });
 * const h = cf.call(graph, x, pos); // x [N, 64], pos [N, 3]
 * ```
 */
export class CFConv extends MessagePassing<[GraphsTuple, Tensor, Tensor]> {
  readonly numFilters: number;
  readonly numGaussians: number;
  readonly cutoff: number;
  private readonly lin1: Linear;
  private readonly lin2: Linear;
  private readonly filter: Sequential;

  constructor(readonly inChannels: number, readonly outChannels: number, opts: CFConvOptions) {
    super({ aggr: 'sum' });
    const rng = requireRng('CFConv', opts);
    checkSize('CFConv', 'inChannels', inChannels);
    checkSize('CFConv', 'outChannels', outChannels);
    const F = (this.numFilters = opts.numFilters ?? 64);
    const K = (this.numGaussians = opts.numGaussians ?? 50);
    checkSize('CFConv', 'numFilters', F);
    checkSize('CFConv', 'numGaussians', K);
    this.cutoff = opts.cutoff ?? 10;
    if (!(this.cutoff > 0)) throw new ValueError(`CFConv: cutoff must be positive, got ${this.cutoff}`);
    const dtype = opts.dtype ?? 'float32';
    this.filter = this.registerModule('filter', new Sequential(glorotLinear(K, F, true, rng, dtype), new ShiftedSoftplus(), glorotLinear(F, F, true, rng, dtype)));
    this.lin1 = this.registerModule('lin1', glorotLinear(inChannels, F, false, rng, dtype));
    this.lin2 = this.registerModule('lin2', glorotLinear(F, outChannels, true, rng, dtype));
  }

  /** Edge lengths ‖p_{r(e)} − p_{s(e)}‖ [E] (clamped away from 0 in the square root, so coincident points get gradient 0, not NaN). */
  static distances(graph: { senders: Int32Array; receivers: Int32Array }, pos: Tensor): Tensor {
    const diff = indexSelect(pos, 0, graph.receivers).sub(indexSelect(pos, 0, graph.senders));
    return clamp(diff.square().sum(-1), pos.dtype === 'float64' ? 1e-300 : 1e-30).sqrt();
  }

  /**
   * @param x node features [N, inChannels]
   * @param pos node positions [N, D]
   * @returns [N, outChannels]
   */
  forward(graph: GraphsTuple, x: Tensor, pos: Tensor): Tensor {
    checkNodes('CFConv', x, graph.numNodes, this.inChannels);
    if (pos.ndim !== 2 || pos.shape[0] !== graph.numNodes) throw new ShapeError(`CFConv: pos ${fmtShape(pos.shape)} must be [${graph.numNodes}, D]`);
    const d = CFConv.distances(graph, pos);
    const rbf = gaussianRbf(d, { start: 0, stop: this.cutoff, num: this.numGaussians });
    const W = this.filter.call(rbf).mul(cosineCutoff(d, this.cutoff).reshape([graph.numEdges, 1]));
    return this.lin2.call(this.propagate(graph, { x: this.lin1.call(x) }, { edgeAttr: null, edgeInputs: { W } }));
  }

  override message(ctx: MessageContext): Tensor {
    return ctx.xSender('x').mul(ctx.edge('W'));
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, numFilters=${this.numFilters}, numGaussians=${this.numGaussians}, cutoff=${this.cutoff}`;
  }
}
