/**
 * GemConv and GemLinear: the gauge-equivariant mesh convolution of GEM-CNN (de Haan, Weiler, Cohen
 * & Welling, "Gauge Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425, eq. 6) and its 1×1
 * channel mixing. Features are C channels of ρ₀ ⊕ ρ₁ ⊕ … ⊕ ρ_L per vertex, [V, C·(2L+1)]; the
 * layer computes
 *
 *     (K ⋆ f)_p = (1/deg p) [ K_self f_p + Σ_{q ∈ N(p)} K(r_pq, θ_pq) ρ_in(g_{q→p}) f_q ] + b,
 *
 * deg p = |N(p)| + 1, with K(r, θ) = ρ_out(θ) K_r ρ_in(−θ), K_r = Σ_rings hat_i(r) Σ_j w_ij B_j
 * over the solved basis (basis.ts), K_self an intertwiner and b on the ρ₀ components only.
 * Evaluated as rotate-gather (angle g − θ), one matmul with the ring matrices side by side
 * [F_in, rings·F_out] (a row per edge and ring), and a weighted rotating segment sum (angle θ,
 * weights hat_i(r)/deg p) at the receivers. See docs/design/gem.md.
 * @module
 */
import { Module } from '../../nn/module.js';
import { floatDType } from '../../nn/parameter.js';
import type { FloatDType } from '../../nn/parameter.js';
import type { BasisCache } from '../../solver/index.js';
import { Tensor, concat, fromData, so2RotateSegmentMean as so2Segment, zeros } from '../../tensor/index.js';
import { Rng, ShapeError, ValueError, fmtShape } from '../../util/index.js';
import { checkGaugeGeometry } from '../gauge.js';
import type { GaugeGeometry } from '../gauge.js';
import { embedBasis, gemIntertwinerBasis, gemKernelBasis } from './basis.js';
import type { GemKernelBasis } from './basis.js';
import { so2RotateGather, so2Width } from './transport.js';

/** A constant float tensor of `dtype` from float64 values (the basis and geometry tables of the GEM-CNN layers, arXiv:2003.05425). */
export function constantOf(values: Float64Array, shape: readonly number[], dtype: FloatDType | string): Tensor {
  return fromData(dtype === 'float64' ? values : Float32Array.from(values), shape);
}

/** A bias on the ρ₀ components: b [C] ↦ [C·(2L+1)] with zeros on the orders ≥ 1 (arXiv:2003.05425). */
export function scalarBias(b: Tensor, maxOrder: number): Tensor {
  const C = b.shape[0]!, w = so2Width(maxOrder);
  if (w === 1) return b;
  return concat([b.reshape([C, 1]), zeros([C, w - 1], { dtype: b.dtype })], 1).reshape([C * w]);
}

/**
 * The [C_in·(2L_in+1), C_out·(2L_out+1)] matrix (acting on row vectors) of a channel mixing
 * Σ_j w[o, i, j] B_j with the basis embedded as `B` [dim, W_out·W_in] (arXiv:2003.05425).
 */
export function mixingMatrix(w: Tensor, B: Tensor, Cin: number, Cout: number, Win: number, Wout: number): Tensor {
  const dim = B.shape[0]!;
  return w.reshape([Cout * Cin, dim]).matmul(B).reshape([Cout, Cin, Wout, Win]).permute([1, 3, 0, 2]).reshape([Cin * Win, Cout * Wout]);
}

function initWeights(rng: Rng, shape: number[], std: number, dtype: FloatDType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1), v = new Float64Array(n);
  rng.fillNormal(v);
  for (let i = 0; i < n; i++) v[i]! *= std;
  return constantOf(v, shape, dtype);
}

function checkChannels(op: string, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${op}: ${what} must be a positive integer, got ${n}`);
}

/** Check x is [V, C·(2L+1)] with V rows when given (arXiv:2003.05425 feature layout); ShapeError otherwise. */
export function checkGemFeatures(op: string, x: Tensor, channels: number, maxOrder: number, vertices?: number): void {
  const F = channels * so2Width(maxOrder);
  if (!(x instanceof Tensor) || x.ndim !== 2 || x.shape[1] !== F || (vertices !== undefined && x.shape[0] !== vertices)) {
    throw new ShapeError(`${op}: expected features [${vertices ?? 'V'}, ${F}] (${channels} channels of ρ₀ ⊕ … ⊕ ρ_${maxOrder}), got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ShapeError(`${op}: features must be float32 or float64, got ${x.dtype}`);
}

/** Options of {@link GemLinear} (arXiv:2003.05425). */
export interface GemLinearOptions {
  /** L_in (default 0). */
  maxOrderIn?: number;
  /** L_out (default maxOrderIn). */
  maxOrderOut?: number;
  /** Learn a bias on the ρ₀ components (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Generator of the initial weights (default `new Rng(0)`). */
  rng?: Rng;
  /** Cache of the solver's Hom spaces. */
  cache?: BasisCache;
}

/**
 * Gauge-equivariant 1×1 channel mixing (arXiv:2003.05425, the self-interaction term on its own):
 * y_p = K f_p + b with K an intertwiner ρ_in → ρ_out (per channel pair: a scalar on ρ₀, aI + bJ on
 * each ρ_l present in both; orders only in the input are dropped, orders only in the output are
 * zero). Used as the residual branch of {@link GemResNetBlock}.
 */
export class GemLinear extends Module<[Tensor], Tensor> {
  /** Input channels. */
  readonly channelsIn: number;
  /** Output channels. */
  readonly channelsOut: number;
  /** L_in. */
  readonly maxOrderIn: number;
  /** L_out. */
  readonly maxOrderOut: number;
  /** The intertwiner basis. */
  readonly basis: GemKernelBasis;
  private readonly embedded: Float64Array;

  constructor(channelsIn: number, channelsOut: number, opts: GemLinearOptions = {}) {
    super();
    checkChannels('GemLinear', channelsIn, 'channelsIn');
    checkChannels('GemLinear', channelsOut, 'channelsOut');
    this.channelsIn = channelsIn;
    this.channelsOut = channelsOut;
    this.maxOrderIn = opts.maxOrderIn ?? 0;
    this.maxOrderOut = opts.maxOrderOut ?? this.maxOrderIn;
    this.basis = gemIntertwinerBasis(this.maxOrderIn, this.maxOrderOut, opts.cache ? { cache: opts.cache } : {});
    this.embedded = embedBasis(this.basis);
    const dt = floatDType('GemLinear', opts.dtype), rng = opts.rng ?? new Rng(0);
    this.registerParameter('weight', initWeights(rng, [channelsOut, channelsIn, this.basis.elements.length], 1 / Math.sqrt(channelsIn), dt));
    if (opts.bias ?? true) this.registerParameter('bias', zeros([channelsOut], { dtype: dt }));
  }

  /** The [F_in, F_out] matrix of the mixing, differentiable in `weight` (default: the parameter). */
  matrix(weight: Tensor = this.getParameter('weight')): Tensor {
    const Wi = so2Width(this.maxOrderIn), Wo = so2Width(this.maxOrderOut);
    const B = constantOf(this.embedded, [this.basis.elements.length, Wo * Wi], weight.dtype);
    return mixingMatrix(weight, B, this.channelsIn, this.channelsOut, Wi, Wo);
  }

  /**
   * @param x [V, C_in·(2L_in+1)]
   * @returns [V, C_out·(2L_out+1)]
   */
  forward(x: Tensor): Tensor {
    checkGemFeatures('GemLinear', x, this.channelsIn, this.maxOrderIn);
    const y = x.matmul(this.matrix());
    const b = this.maybeParameter('bias');
    return b ? y.add(scalarBias(b, this.maxOrderOut)) : y;
  }

  extraRepr(): string {
    return `${this.channelsIn}×ρ≤${this.maxOrderIn} → ${this.channelsOut}×ρ≤${this.maxOrderOut}`;
  }
}

/** Options of {@link GemConv} (arXiv:2003.05425). */
export interface GemConvOptions {
  /** L_in: highest SO(2) order of the input features (default 0). */
  maxOrderIn?: number;
  /** L_out: highest order of the output features (default maxOrderIn). */
  maxOrderOut?: number;
  /** Radial resolution: hat functions at `rings` equally spaced points of [0, 1] (default 2; 1 = no radial dependence). */
  rings?: number;
  /** Drop kernel basis elements of angular frequency above this (default Infinity: none). */
  bandLimit?: number;
  /**
   * Radius mapped to 1 (r/maxRadius, clamped to [0, 1]). Default: the largest edge radius of each
   * mesh (per mesh of a {@link batchGaugeGeometry} batch).
   */
  maxRadius?: number;
  /** Include the self-interaction K_self f_p (default true). */
  selfInteraction?: boolean;
  /** Learn a bias on the ρ₀ components (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Generator of the initial weights (default `new Rng(0)`). */
  rng?: Rng;
  /** Cache of the solver's Hom spaces. */
  cache?: BasisCache;
}

/** Explicit parameters of {@link GemConv.convolve} (for gradcheck and functional use): the weights of K_r = Σ_i hat_i(r) Σ_j w_ij B_j, of K_self and of the ρ₀ bias (arXiv:2003.05425). */
export interface GemConvParams {
  /** [rings, C_out, C_in, dim]. */
  weight: Tensor;
  /** [C_out, C_in, selfDim], or null without self-interaction. */
  selfWeight: Tensor | null;
  /** [C_out], or null without bias. */
  bias: Tensor | null;
}

/**
 * Edge lists of one geometry, split by kind, with the aggregation weights (arXiv:2003.05425): the
 * kernel edges' rows are (edge, ring) pairs weighted hat_i(r)/deg p, the coincident and self rows
 * 1/deg p, so that weighted sums at the receivers give the mean of eq. 6.
 */
interface Prepared {
  V: number;
  /** Kernel edges (q ≠ p, r > 0): sender and gather angle g − θ. */
  send: Int32Array;
  gather: Float64Array;
  /** Per (kernel edge j, ring i), row j·R + i: angle θ, receiver, hat_i(r_j)/deg p. */
  ringAngles: Float64Array;
  ringSegments: Int32Array;
  ringWeights: Float64Array;
  /** Coincident edges (q ≠ p, r = 0): sender, transport angle g, receiver, 1/deg p. */
  coSend: Int32Array;
  coAngle: Float64Array;
  coZero: Float64Array;
  coSegments: Int32Array;
  coWeights: Float64Array;
  /** Self rows: p, angle 0, 1/deg p. */
  selfSegments: Int32Array;
  selfAngles: Float64Array;
  selfWeights: Float64Array;
}

/**
 * The gauge-equivariant mesh convolution of GEM-CNN (de Haan, Weiler, Cohen & Welling, ICLR 2021,
 * arXiv:2003.05425, eq. 6):
 *
 *     (K ⋆ f)_p = (1/deg p) [ K_self f_p + Σ_{q ∈ N(p)} ρ_out(θ_pq) K(r_pq) ρ_in(g_{q→p} − θ_pq) f_q ] + b
 *
 * on the edges q → p of a {@link GaugeGeometry}. Edges with q = p are ignored (the self term
 * stands for them); edges with q ≠ p and r = 0 (coincident vertices) use K_self ρ_in(g) f_q, as
 * their angle is undefined. Exactly gauge equivariant for every choice of weights. The per-edge
 * tables (hat weights, edge split) are cached per geometry object: treat a geometry's arrays as
 * immutable once it has been passed to the layer.
 * @example
 * ```ts
 * const conv = new GemConv(4, 8, { maxOrderIn: 1, maxOrderOut: 2, rings: 3, dtype: 'float64' });
 * const y = conv.call(x, geometry); // x: [V, 4·3] → y: [V, 8·5]
 * ```
 */
export class GemConv extends Module<[Tensor, GaugeGeometry], Tensor> {
  /** Input channels C_in. */
  readonly channelsIn: number;
  /** Output channels C_out. */
  readonly channelsOut: number;
  /** L_in. */
  readonly maxOrderIn: number;
  /** L_out. */
  readonly maxOrderOut: number;
  /** Number of radial hat functions. */
  readonly rings: number;
  /** Angular band limit (Infinity: none). */
  readonly bandLimit: number;
  /** Fixed radius normalisation, or null (per mesh maximum). */
  readonly maxRadius: number | null;
  /** The neighbour kernel basis (per channel pair and ring). */
  readonly basis: GemKernelBasis;
  /** The self-interaction basis, or null. */
  readonly selfBasis: GemKernelBasis | null;
  private readonly embedded: Float64Array;
  private readonly selfEmbedded: Float64Array | null;
  private readonly prepared = new WeakMap<GaugeGeometry, Prepared>();

  constructor(channelsIn: number, channelsOut: number, opts: GemConvOptions = {}) {
    super();
    checkChannels('GemConv', channelsIn, 'channelsIn');
    checkChannels('GemConv', channelsOut, 'channelsOut');
    this.channelsIn = channelsIn;
    this.channelsOut = channelsOut;
    this.maxOrderIn = opts.maxOrderIn ?? 0;
    this.maxOrderOut = opts.maxOrderOut ?? this.maxOrderIn;
    this.rings = opts.rings ?? 2;
    if (!Number.isInteger(this.rings) || this.rings < 1) throw new ValueError(`GemConv: rings must be a positive integer, got ${this.rings}`);
    this.bandLimit = opts.bandLimit ?? Infinity;
    if (opts.maxRadius !== undefined && !(opts.maxRadius > 0)) throw new ValueError(`GemConv: maxRadius must be > 0, got ${opts.maxRadius}`);
    this.maxRadius = opts.maxRadius ?? null;
    const cache = opts.cache ? { cache: opts.cache } : {};
    this.basis = gemKernelBasis(this.maxOrderIn, this.maxOrderOut, { bandLimit: this.bandLimit, ...cache });
    this.embedded = embedBasis(this.basis);
    this.selfBasis = (opts.selfInteraction ?? true) ? gemIntertwinerBasis(this.maxOrderIn, this.maxOrderOut, cache) : null;
    this.selfEmbedded = this.selfBasis ? embedBasis(this.selfBasis) : null;
    const dt = floatDType('GemConv', opts.dtype), rng = opts.rng ?? new Rng(0);
    const std = 1 / Math.sqrt(channelsIn * so2Width(this.maxOrderIn));
    this.registerParameter('weight', initWeights(rng, [this.rings, channelsOut, channelsIn, this.basis.elements.length], std, dt));
    if (this.selfBasis) this.registerParameter('selfWeight', initWeights(rng, [channelsOut, channelsIn, this.selfBasis.elements.length], std, dt));
    if (opts.bias ?? true) this.registerParameter('bias', zeros([channelsOut], { dtype: dt }));
  }

  /** Number of neighbour-kernel basis elements per channel pair and ring. */
  get kernelDim(): number {
    return this.basis.elements.length;
  }

  /** Hat weights, edge split and aggregation plan of a geometry (cached per geometry object). */
  private prepare(geo: GaugeGeometry): Prepared {
    const hit = this.prepared.get(geo);
    if (hit) return hit;
    checkGaugeGeometry(geo, 'GemConv');
    const { senders, receivers, theta, transport, radius } = geo, V = geo.vertices, E = senders.length, R = this.rings;
    const kind = new Int8Array(E); // 0 skip (self-loop), 1 kernel edge, 2 coincident
    for (let k = 0; k < E; k++) kind[k] = senders[k] === receivers[k] ? 0 : radius && radius[k] === 0 ? 2 : 1;
    // radius normalisation: fixed, or per mesh (batches carry vertexOffsets)
    const offs = (geo as Partial<BatchedGaugeGeometryLike>).vertexOffsets;
    const meshOf = (v: number): number => {
      if (!offs) return 0;
      let lo = 0, hi = offs.length - 2;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (offs[mid]! <= v) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const nMesh = offs ? Math.max(1, offs.length - 1) : 1, maxR = new Float64Array(nMesh);
    if (radius && this.maxRadius === null) {
      for (let k = 0; k < E; k++) if (kind[k] === 1) maxR[meshOf(receivers[k]!)] = Math.max(maxR[meshOf(receivers[k]!)]!, radius[k]!);
    }
    const ks: number[] = [], cs: number[] = [];
    for (let k = 0; k < E; k++) (kind[k] === 1 ? ks : kind[k] === 2 ? cs : null)?.push(k);
    const Ek = ks.length, Ec = cs.length;
    // deg p: the rows averaged at p (kernel and coincident edges, plus the self row when present)
    const deg = new Float64Array(V).fill(this.selfBasis ? 1 : 0);
    for (const k of ks) deg[receivers[k]!]! += 1;
    for (const k of cs) deg[receivers[k]!]! += 1;
    const inv = (p: number): number => (deg[p]! > 0 ? 1 / deg[p]! : 0);
    const send = new Int32Array(Ek), gather = new Float64Array(Ek);
    const ringAngles = new Float64Array(Ek * R), ringSegments = new Int32Array(Ek * R), ringWeights = new Float64Array(Ek * R);
    const coSend = new Int32Array(Ec), coAngle = new Float64Array(Ec), coSegments = new Int32Array(Ec), coWeights = new Float64Array(Ec);
    ks.forEach((k, j) => {
      const p = receivers[k]!, w = inv(p);
      send[j] = senders[k]!;
      gather[j] = transport[k]! - theta[k]!;
      for (let i = 0; i < R; i++) { ringAngles[j * R + i] = theta[k]!; ringSegments[j * R + i] = p; }
      if (R === 1) {
        ringWeights[j] = w;
        return;
      }
      const scale = this.maxRadius ?? maxR[meshOf(p)]!;
      const t = radius ? (scale > 0 ? Math.min(1, Math.max(0, radius[k]! / scale)) : 0) : 1;
      const pos = t * (R - 1), i = Math.min(R - 2, Math.floor(pos)), f = pos - i;
      ringWeights[j * R + i] = (1 - f) * w;
      ringWeights[j * R + i + 1] = f * w;
    });
    cs.forEach((k, j) => {
      coSend[j] = senders[k]!;
      coAngle[j] = transport[k]!;
      coSegments[j] = receivers[k]!;
      coWeights[j] = inv(receivers[k]!);
    });
    const selfSegments = new Int32Array(V), selfWeights = new Float64Array(V);
    for (let p = 0; p < V; p++) { selfSegments[p] = p; selfWeights[p] = inv(p); }
    const prep: Prepared = {
      V, send, gather, ringAngles, ringSegments, ringWeights,
      coSend, coAngle, coZero: new Float64Array(Ec), coSegments, coWeights,
      selfSegments, selfAngles: new Float64Array(V), selfWeights,
    };
    this.prepared.set(geo, prep);
    return prep;
  }

  /** The module's parameters as {@link GemConvParams}. */
  params(): GemConvParams {
    return { weight: this.getParameter('weight'), selfWeight: this.maybeParameter('selfWeight'), bias: this.maybeParameter('bias') };
  }

  /**
   * The convolution with explicit parameters (differentiable in x and in every parameter).
   * @param x [V, C_in·(2L_in+1)]
   * @param geo the gauge geometry of the mesh (or of a batch)
   * @returns [V, C_out·(2L_out+1)]
   */
  convolve(x: Tensor, geo: GaugeGeometry, params: GemConvParams): Tensor {
    const Cin = this.channelsIn, Cout = this.channelsOut, Lin = this.maxOrderIn, Lout = this.maxOrderOut;
    const Wi = so2Width(Lin), Wo = so2Width(Lout), Fin = Cin * Wi, Fout = Cout * Wo, R = this.rings, nb = this.basis.elements.length;
    const P = this.prepare(geo);
    checkGemFeatures('GemConv', x, Cin, Lin, P.V);
    const w = params.weight;
    if (!(w instanceof Tensor) || w.size !== R * Cout * Cin * nb) throw new ShapeError(`GemConv: weight must be [${R}, ${Cout}, ${Cin}, ${nb}], got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
    const dt = x.dtype, Ek = P.send.length;
    // Neighbour messages, one row per (edge, ring): the transported inputs times the ring matrices
    // side by side [F_in, R·F_out]; the rows' weights hat_i(r)/deg p fold the radial interpolation
    // and the mean into the rotating segment sum at the receivers.
    const B = constantOf(this.embedded, [nb, Wo * Wi], dt);
    const Kcat = w.reshape([R * Cout * Cin, nb]).matmul(B).reshape([R, Cout, Cin, Wo, Wi]).permute([2, 4, 0, 1, 3]).reshape([Fin, R * Fout]);
    const xe = so2RotateGather(x, P.send, P.gather, Lin);
    const sum = { reduce: 'sum' } as const;
    let y = so2Segment(xe.matmul(Kcat).reshape([Ek * R, Fout]), P.ringAngles, P.ringSegments, P.V, Lout, { ...sum, weights: P.ringWeights });
    if (this.selfBasis && this.selfEmbedded) {
      const sw = params.selfWeight;
      if (!(sw instanceof Tensor)) throw new ShapeError('GemConv: the self-interaction weight is missing');
      const S = mixingMatrix(sw, constantOf(this.selfEmbedded, [this.selfBasis.elements.length, Wo * Wi], dt), Cin, Cout, Wi, Wo);
      // coincident vertices: K_self ρ_in(g) f_q, unrotated at p
      if (P.coSend.length) y = y.add(so2Segment(so2RotateGather(x, P.coSend, P.coAngle, Lin).matmul(S), P.coZero, P.coSegments, P.V, Lout, { ...sum, weights: P.coWeights }));
      y = y.add(so2Segment(x.matmul(S), P.selfAngles, P.selfSegments, P.V, Lout, { ...sum, weights: P.selfWeights }));
    }
    // without a self-interaction, coincident vertices carry no message (but count in deg p)
    if (params.bias) y = y.add(scalarBias(params.bias, Lout));
    return y;
  }

  /**
   * @param x vertex features [V, C_in·(2L_in+1)], per channel [a₀, c₁, s₁, …]
   * @param geo gauge geometry (log-map angles θ, transport g, radii r) on directed edges
   * @returns [V, C_out·(2L_out+1)]
   */
  forward(x: Tensor, geo: GaugeGeometry): Tensor {
    return this.convolve(x, geo, this.params());
  }

  extraRepr(): string {
    const bl = Number.isFinite(this.bandLimit) ? `, bandLimit=${this.bandLimit}` : '';
    return `${this.channelsIn}×ρ≤${this.maxOrderIn} → ${this.channelsOut}×ρ≤${this.maxOrderOut}, rings=${this.rings}${bl}, dim=${this.kernelDim}`;
  }
}

/** The field a batched geometry adds (see batch.ts); read here without importing it. */
interface BatchedGaugeGeometryLike {
  vertexOffsets: Int32Array;
}
