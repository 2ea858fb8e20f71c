/**
 * `PointConvolution`: the equivariant point convolution of Tensor Field Networks / e3nn
 * (Thomas et al. arXiv:1802.08219; e3nn's `Convolution` of its point-cloud examples).
 * @module
 */
import { Tensor, indexSelect, segmentSum, toIndex } from '../../tensor/index.js';
import type { IndexLike } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { ActivationName } from '../activation.js';
import { MLP } from '../container.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { polynomialCutoff, softOneHotLinspace } from '../radial.js';
import type { SoftOneHotBasis } from '../radial.js';
import { FullyConnectedTensorProduct } from './fully-connected-tensor-product.js';
import { Irreps, shIrreps } from './irreps.js';
import type { IrrepsLike } from './irreps.js';
import { sphericalHarmonicsTensor } from './spherical-harmonics.js';
import { TensorProduct } from './tensor-product.js';

/** Options of {@link PointConvolution}. */
export interface PointConvolutionOptions {
  /** Initial weights of the radial MLP (required). */
  rng: Rng;
  /** Element type (default float32). */
  dtype?: FloatDType;
  /** Degrees of the edge harmonics: an lmax (irreps 0e+1o+2e+…) or explicit irreps (default 2). */
  sh?: number | IrrepsLike;
  /** Radial basis interval [start, end] of |r_ij| (default [0, 1.5]); with `cutoff` the weights vanish outside. */
  radialStart?: number;
  radialEnd?: number;
  /** Number of radial basis functions (default 8). */
  numBasis?: number;
  /** Radial basis family (default `smooth_finite`, as e3nn). */
  basis?: SoftOneHotBasis;
  /** Hidden sizes of the radial MLP (default [64]). */
  radialHidden?: readonly number[];
  /** Activation of the radial MLP (default `silu`). */
  radialActivation?: ActivationName;
  /**
   * The radial MLP's layers learn biases (default true). false (e3nn's `FullyConnectedNet` and
   * NequIP): with an activation that maps 0 to 0 (silu, tanh) the weights W vanish wherever the
   * basis does, so the messages go to 0 at the cutoff and the model is as smooth there as the basis.
   */
  radialBias?: boolean;
  /**
   * Multiply the radial basis by the polynomial envelope u(|r|/radialEnd) of exponent p
   * ({@link polynomialCutoff}, NequIP's smooth cutoff; u, u′, u″ vanish at radialEnd). Default: none.
   */
  envelope?: number;
  /** Messages are summed and divided by √numNeighbors (default 1: a plain sum). */
  numNeighbors?: number;
  /**
   * The tensor product: `fully-connected` (default; `uvw` over every allowed path) or `uvu`
   * (NequIP's: each output copy from its own input copy, out irreps restricted to the input muls).
   */
  product?: 'fully-connected' | 'uvu';
}

/**
 * Equivariant point convolution: for every edge j → i (src j, dst i) with r_ij = pos_j − pos_i,
 *
 *   m_ij = TP(x_j, Y(r̂_ij); W(|r_ij|)),   W = MLP(B(|r_ij|)·√N_B),   out_i = (1/√k) Σ_{j} m_ij
 *
 * with Y the spherical harmonics (component normalisation), B a soft one-hot radial basis of N_B
 * functions (`smooth_finite` vanishes at both ends, so self-loops and far pairs contribute 0;
 * optionally times the polynomial envelope u(|r_ij|), `envelope`) and
 * TP a tensor product with per-edge weights (external, not shared). Equivariant under E(3): r_ij
 * is translation invariant and rotates as 1o, |r_ij| is invariant, the TP is O(3)-equivariant.
 * Edges are given as index arrays (a radius graph built by the caller), so batches of graphs are
 * disjoint unions.
 *
 * @example
 * ```ts
 * const conv = new PointConvolution('4x0e+2x1o', '4x0e+2x1o+2x1e', { rng: new Rng(0), sh: 2 });
 * const y = conv.call(x, pos, src, dst); // [N, 4 + 6 + 6]
 * ```
 */
export class PointConvolution extends Module<[Tensor, Tensor, IndexLike, IndexLike], Tensor> {
  readonly irrepsIn: Irreps;
  readonly irrepsSh: Irreps;
  readonly irrepsOut: Irreps;
  readonly numNeighbors: number;
  readonly radialStart: number;
  readonly radialEnd: number;
  readonly numBasis: number;
  readonly basis: SoftOneHotBasis;
  /** Exponent of the polynomial envelope on the radial basis (null: none). */
  readonly envelope: number | null;
  readonly tp: TensorProduct;
  readonly radial: MLP;

  constructor(irrepsIn: IrrepsLike, irrepsOut: IrrepsLike, opts: PointConvolutionOptions) {
    super();
    const who = 'PointConvolution';
    if (!opts?.rng) throw new ValueError(`${who}: opts.rng is required (all randomness goes through an explicit Rng)`);
    const dtype = floatDType(who, opts.dtype);
    this.irrepsIn = Irreps.of(irrepsIn);
    const sh = opts.sh ?? 2;
    this.irrepsSh = typeof sh === 'number' ? shIrreps(sh) : Irreps.of(sh);
    this.radialStart = opts.radialStart ?? 0;
    this.radialEnd = opts.radialEnd ?? 1.5;
    this.numBasis = opts.numBasis ?? 8;
    this.basis = opts.basis ?? 'smooth_finite';
    this.numNeighbors = opts.numNeighbors ?? 1;
    this.envelope = opts.envelope ?? null;
    if (this.envelope !== null && !(Number.isInteger(this.envelope) && this.envelope >= 1)) throw new ValueError(`${who}: envelope must be a positive integer exponent, got ${this.envelope}`);
    if (!(this.numNeighbors > 0)) throw new ValueError(`${who}: numNeighbors must be > 0, got ${this.numNeighbors}`);
    const out = Irreps.of(irrepsOut);
    if (opts.product === 'uvu') {
      const ins: [number, number, number, 'uvu', boolean][] = [];
      const outBlocks: { mul: number; ir: { l: number; p: 1 | -1 } }[] = [];
      this.irrepsIn.blocks.forEach((b1, i1) => this.irrepsSh.blocks.forEach((b2, i2) => {
        for (const ob of out.blocks) {
          const { l, p } = ob.ir;
          if (p !== b1.ir.p * b2.ir.p || l < Math.abs(b1.ir.l - b2.ir.l) || l > b1.ir.l + b2.ir.l) continue;
          if (outBlocks.some((o, k) => o.ir.l === l && o.ir.p === p && ins.some((q) => q[2] === k && q[0] === i1 && q[1] === i2))) continue;
          ins.push([i1, i2, outBlocks.length, 'uvu', true]);
          outBlocks.push({ mul: b1.mul, ir: { l, p } });
        }
      }));
      this.tp = new TensorProduct(this.irrepsIn, this.irrepsSh, new Irreps(outBlocks), ins, { dtype, sharedWeights: false, internalWeights: false }, who);
    } else {
      this.tp = new FullyConnectedTensorProduct(this.irrepsIn, this.irrepsSh, out, { dtype, sharedWeights: false, internalWeights: false });
    }
    this.registerModule('tp', this.tp);
    this.irrepsOut = this.tp.irrepsOut;
    if (this.tp.weightNumel === 0) throw new ValueError(`${who}: no path from ${this.irrepsIn} ⊗ ${this.irrepsSh} reaches ${out}`);
    this.radial = this.registerModule('radial', new MLP([this.numBasis, ...(opts.radialHidden ?? [64]), this.tp.weightNumel], { rng: opts.rng, activation: opts.radialActivation ?? 'silu', bias: opts.radialBias ?? true, dtype }));
  }

  /**
   * @param x node features [N, irrepsIn.dim]
   * @param pos positions [N, 3]
   * @param src edge sources j [E] (int32)
   * @param dst edge targets i [E]
   * @returns [N, irrepsOut.dim]
   */
  forward(x: Tensor, pos: Tensor, src: IndexLike, dst: IndexLike): Tensor {
    const who = 'PointConvolution';
    if (!(x instanceof Tensor) || !(pos instanceof Tensor)) throw new ValueError(`${who}: x and pos must be Tensors`);
    if (x.ndim !== 2 || x.shape[1] !== this.irrepsIn.dim) throw new ShapeError(`${who}: x ${fmtShape(x.shape)} must be [N, ${this.irrepsIn.dim}] (${this.irrepsIn})`);
    const N = x.shape[0]!;
    if (pos.ndim !== 2 || pos.shape[0] !== N || pos.shape[1] !== 3) throw new ShapeError(`${who}: pos ${fmtShape(pos.shape)} must be [${N}, 3] (one position per node of x ${fmtShape(x.shape)})`);
    if (pos.dtype !== x.dtype) throw new DTypeError(`${who}: x is ${x.dtype} but pos is ${pos.dtype}`);
    const s = toIndex(who, src, undefined, 'src'), d = toIndex(who, dst, undefined, 'dst');
    if (s.ndim !== 1 || d.ndim !== 1 || s.shape[0] !== d.shape[0]) throw new ShapeError(`${who}: src ${fmtShape(s.shape)} and dst ${fmtShape(d.shape)} must be [E] each`);
    for (const t of [s, d]) for (const v of t.data) if (v < 0 || v >= N) throw new ShapeError(`${who}: edge index ${v} out of range for ${N} nodes`);
    const vec = indexSelect(pos, 0, s).sub(indexSelect(pos, 0, d)); // r_ij = pos_j − pos_i
    const len = vec.square().sum(-1).add(1e-24).sqrt();
    const Y = sphericalHarmonicsTensor(this.irrepsSh, vec);
    let emb = softOneHotLinspace(len, { start: this.radialStart, end: this.radialEnd, number: this.numBasis, basis: this.basis, cutoff: true }).mul(Math.sqrt(this.numBasis));
    if (this.envelope !== null) emb = emb.mul(polynomialCutoff(len, { cutoff: this.radialEnd, p: this.envelope }).unsqueeze(1));
    const w = this.radial.call(emb);
    const m = this.tp.call(indexSelect(x, 0, s), Y, w);
    const out = segmentSum(m, d, N);
    return this.numNeighbors === 1 ? out : out.div(Math.sqrt(this.numNeighbors));
  }

  extraRepr(): string {
    return `${this.irrepsIn} ⊗ Y(${this.irrepsSh}) → ${this.irrepsOut} | ${this.tp.weightNumel} weights per edge`;
  }
}
