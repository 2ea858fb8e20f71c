/**
 * `CapsuleLayer`: a fully connected capsule layer with dynamic routing by agreement (Sabour, Frosst
 * & Hinton, "Dynamic Routing Between Capsules", NeurIPS 2017, Procedure 1), and the routing procedure
 * itself as a function, {@link dynamicRouting}.
 * @module
 */
import { matmul, normal, zeros } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType, Parameter } from '../parameter.js';
import { squash } from './squash.js';

/** Options of {@link dynamicRouting}. */
export interface RoutingOptions {
  /** Routing iterations r ≥ 1 (default 3, as in the paper). */
  iterations?: number;
  /**
   * Where the gradient flows (default `'full'`).
   * - `'full'`: through every iteration, the logit updates b ← b + û·v included. This is what the
   *   paper's reference implementation (Sabour's TensorFlow code, `_update_routing`) does.
   * - `'last'`: the predictions û enter the first r − 1 iterations detached, so the gradient
   *   reaches û only through the last iteration's s = Σ c û, while the couplings c are treated as
   *   constants — the widely used Keras implementation (Guo, CapsNet-Keras, `inputs_hat_stopped`).
   */
  gradient?: 'full' | 'last';
  /** ε of the squash (default 1e-12). */
  eps?: number;
}

/** What {@link dynamicRouting} returns. */
export interface RoutingResult {
  /** Output capsules v [B, J, D]. */
  readonly v: Tensor;
  /** Coupling coefficients of the last iteration, c [B, I, J] (each row sums to 1 over j). */
  readonly c: Tensor;
  /** Routing logits the last iteration's couplings came from, b [B, I, J]. */
  readonly b: Tensor;
}

function checkIterations(op: string, r: number): void {
  if (!Number.isInteger(r) || r < 1) throw new ValueError(`${op}: iterations must be an integer ≥ 1, got ${r}`);
}

/**
 * Dynamic routing by agreement (Procedure 1 of Sabour et al. 2017) on prediction vectors
 * û [B, I, J, D] (û_{j|i} = W_ij u_i):
 *
 *   b_ij ← 0; r times: c_i = softmax_j(b_i), s_j = Σ_i c_ij û_{j|i}, v_j = squash(s_j),
 *   b_ij ← b_ij + û_{j|i}·v_j (the update after the last iteration is skipped: it is never used).
 *
 * With r = 1 the couplings stay uniform, c_ij = 1/J, and v_j = squash(Σ_i û_{j|i} / J).
 * @throws ShapeError unless û is 4-D; ValueError for iterations < 1 or an unknown gradient mode
 */
export function dynamicRouting(uHat: Tensor, opts: RoutingOptions = {}): RoutingResult {
  if (uHat.ndim !== 4) throw new ShapeError(`dynamicRouting: predictions must be [B, I, J, D], got ${fmtShape(uHat.shape)}`);
  return routeJI('dynamicRouting', uHat.permute([0, 2, 1, 3]), opts);
}

/**
 * The routing on predictions laid out [B, J, I, D], so that both sums over the capsules are batched
 * matrix products: s_j = c_{·j}ᵀ û_{j|·} and a_{·j} = û_{j|·} v_j. Couplings and logits are returned
 * as [B, I, J].
 */
function routeJI(op: string, uJI: Tensor, opts: RoutingOptions): RoutingResult {
  const r = opts.iterations ?? 3;
  checkIterations(op, r);
  const mode = opts.gradient ?? 'full';
  if (mode !== 'full' && mode !== 'last') throw new ValueError(`${op}: gradient must be 'full' or 'last', got ${String(mode)}`);
  const eps = opts.eps;
  const [B, J, I, D] = uJI.shape as [number, number, number, number];
  const detached = mode === 'last' && r > 1 ? uJI.detach() : uJI;
  let b: Tensor = zeros([B, J, 1, I], { dtype: uJI.dtype }); // logits b_ij, laid out [B, J, 1, I]
  for (let it = 0; ; it++) {
    const last = it === r - 1;
    const u = last ? uJI : detached;
    const c = b.softmax(1); // over the output capsules j
    const v = squash(matmul(c, u).reshape([B, J, D]), { eps }); // s_j = Σ_i c_ij û_{j|i}
    if (last) return { v, c: c.reshape([B, J, I]).transpose(1, 2), b: b.reshape([B, J, I]).transpose(1, 2) };
    b = b.add(matmul(u, v.reshape([B, J, D, 1])).reshape([B, J, 1, I])); // b_ij += û_{j|i}·v_j
  }
}

/** Options of {@link CapsuleLayer}. */
export interface CapsuleLayerOptions extends RoutingOptions {
  /** Source of the initial weights (required: all randomness is explicit). */
  rng: Rng;
  /** Standard deviation of the normal initialisation of W (default 0.05). */
  initStd?: number;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/**
 * A fully connected capsule layer ("DigitCaps" in the paper): each input capsule u_i [inDim] makes a
 * prediction for each output capsule, û_{j|i} = W_ij u_i (W_ij [outDim, inDim], no sharing), and
 * {@link dynamicRouting} combines the predictions into v_j [outDim]. W [I, J, outDim, inDim] is
 * initialised N(0, initStd²).
 *
 * @example
 * ```ts
 * const caps = new CapsuleLayer(32, 8, 10, 16, { rng: new Rng(0), iterations: 3 });
 * const v = caps.call(u); // u [B, 32, 8] → v [B, 10, 16]; lengths v.norm(2, [2]) are class probabilities
 * ```
 */
export class CapsuleLayer extends Module {
  /** Input capsules I. */
  readonly inCapsules: number;
  /** Length of each input capsule. */
  readonly inDim: number;
  /** Output capsules J. */
  readonly outCapsules: number;
  /** Length of each output capsule. */
  readonly outDim: number;
  /** Routing iterations. */
  readonly iterations: number;
  /** Gradient mode of the routing. */
  readonly gradient: 'full' | 'last';
  private readonly eps: number | undefined;

  constructor(inCapsules: number, inDim: number, outCapsules: number, outDim: number, opts: CapsuleLayerOptions) {
    super();
    for (const [name, v] of [['inCapsules', inCapsules], ['inDim', inDim], ['outCapsules', outCapsules], ['outDim', outDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`CapsuleLayer: ${name} must be a positive integer, got ${v}`);
    }
    if (!opts?.rng) throw new ValueError('CapsuleLayer: opts.rng is required (all randomness goes through an explicit Rng)');
    this.iterations = opts.iterations ?? 3;
    checkIterations('CapsuleLayer', this.iterations);
    this.gradient = opts.gradient ?? 'full';
    if (this.gradient !== 'full' && this.gradient !== 'last') throw new ValueError(`CapsuleLayer: gradient must be 'full' or 'last', got ${String(this.gradient)}`);
    const std = opts.initStd ?? 0.05;
    if (!(std > 0) || !Number.isFinite(std)) throw new ValueError(`CapsuleLayer: initStd must be a positive number, got ${std}`);
    this.inCapsules = inCapsules;
    this.inDim = inDim;
    this.outCapsules = outCapsules;
    this.outDim = outDim;
    this.eps = opts.eps;
    const dtype = floatDType('CapsuleLayer', opts.dtype);
    this.registerParameter('weight', normal(opts.rng, [inCapsules, outCapsules, outDim, inDim], 0, std, { dtype }));
  }

  /** W [I, J, outDim, inDim]. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /**
   * The prediction vectors û_{j|i} = W_ij u_i.
   * @param u [B, I, inDim]
   * @returns û [B, I, J, outDim]
   */
  predictions(u: Tensor): Tensor {
    return this.predictionsJI(u).permute([0, 2, 1, 3]);
  }

  /** û laid out [B, J, I, outDim]. */
  private predictionsJI(u: Tensor): Tensor {
    if (u.ndim !== 3 || u.shape[1] !== this.inCapsules || u.shape[2] !== this.inDim) {
      throw new ShapeError(`CapsuleLayer: input ${fmtShape(u.shape)} must be [B, ${this.inCapsules}, ${this.inDim}]`);
    }
    const B = u.shape[0]!, I = this.inCapsules, J = this.outCapsules, D = this.outDim;
    const w = this.weight.reshape([I, J * D, this.inDim]);
    const y = matmul(u.transpose(0, 1), w, { transB: true }); // [I, B, J·D]
    return y.reshape([I, B, J, D]).permute([1, 2, 0, 3]);
  }

  /** Route and return the output capsules with the couplings (see {@link dynamicRouting}). */
  route(u: Tensor): RoutingResult {
    return routeJI('CapsuleLayer', this.predictionsJI(u), { iterations: this.iterations, gradient: this.gradient, eps: this.eps });
  }

  /**
   * @param u input capsules [B, I, inDim]
   * @returns output capsules v [B, J, outDim]
   */
  forward(u: Tensor): Tensor {
    return this.route(u).v;
  }

  extraRepr(): string {
    return `inCapsules=${this.inCapsules}, inDim=${this.inDim}, outCapsules=${this.outCapsules}, outDim=${this.outDim}, iterations=${this.iterations}, gradient=${this.gradient}`;
  }
}
