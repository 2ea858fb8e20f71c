/**
 * Equivariant nonlinearities, batch norm and pooling for steerable feature maps [N, C, H, W] whose
 * channel axis carries a field type ρ (Weiler & Cesa, "General E(2)-Equivariant Steerable CNNs",
 * NeurIPS 2019, arXiv:1911.08251, §2.7 and §3; the layers follow escnn's `ReLU`/`ELU`,
 * `NormNonLinearity`, `GatedNonLinearity1`, `GroupPooling`/`NormPool`, `IIDBatchNorm2d` and
 * `PointwiseAvgPoolAntialiased`). See docs/design/steerable.md.
 * @module
 */
import { fieldCopies, isPermutationRep } from '../../nn/equivariant-common.js';
import { GatedNonlinearity, gated } from '../../nn/gated.js';
import { Module } from '../../nn/module.js';
import { NormNonlinearity } from '../../nn/norm-nonlinearity.js';
import type { NormFunction } from '../../nn/norm-nonlinearity.js';
import { floatDType } from '../../nn/parameter.js';
import type { FloatDType } from '../../nn/parameter.js';
import { Scalar } from '../../rep/index.js';
import type { Rep } from '../../rep/index.js';
import { Tensor, concat, conv2d, fromData, noGrad, ones, zeros } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/index.js';

/** True when ρ is the trivial 1-dim representation (ρ(g) = 1 for every generator, dρ = 0): a scalar field (Weiler & Cesa 2019, arXiv:1911.08251). */
export function isTrivialField(rep: Rep): boolean {
  if (rep.size !== 1) return false;
  return rep.group.discreteGenerators.every((g) => Math.abs(rep.rho(g)[0]! - 1) < 1e-12) && rep.group.lieAlgebra.every((A) => Math.abs(rep.drho(A)[0]!) < 1e-12);
}

/** True when every ρ(g) is a permutation matrix: trivial, regular and quotient fields, with which pointwise maps commute (Weiler & Cesa 2019, arXiv:1911.08251). */
export function isPointwiseField(rep: Rep): boolean {
  return isTrivialField(rep) || isPermutationRep(rep);
}

/** [N, C, H, W] view of x, checking C against the field type; `unbatched` when x was [C, H, W]. */
function asMaps(op: string, rep: Rep, x: Tensor): { x4: Tensor; unbatched: boolean } {
  if (!(x instanceof Tensor) || (x.ndim !== 3 && x.ndim !== 4) || x.shape[x.ndim - 3] !== rep.size) {
    throw new ShapeError(`${op}: expected [N, ${rep.size}, H, W] or [${rep.size}, H, W] (field type ${rep}), got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  }
  return { x4: x.ndim === 3 ? x.reshape([1, ...x.shape]) : x, unbatched: x.ndim === 3 };
}

function back(y: Tensor, unbatched: boolean): Tensor {
  return unbatched ? y.reshape(y.shape.slice(1)) : y;
}

/** Apply a channel-last module to [N, C, H, W] maps. */
function channelLast(x4: Tensor, f: (t: Tensor) => Tensor): Tensor {
  return f(x4.permute([0, 2, 3, 1])).permute([0, 3, 1, 2]);
}

/** Options of {@link PointwiseNonlinearity} (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface PointwiseOptions {
  /** 'relu' (default) or 'elu'. */
  fn?: 'relu' | 'elu';
}

/**
 * A pointwise nonlinearity (ReLU or ELU) on fields whose group action permutes channels: trivial,
 * regular and quotient fields (Weiler & Cesa 2019, §2.7; escnn `ReLU`, `ELU`). Refuses any other
 * field type (e.g. a 2-dim irrep, which rotates channels into each other) with a ValueError.
 */
export class PointwiseNonlinearity extends Module {
  /** Field type (unchanged). */
  readonly rep: Rep;
  /** The scalar function. */
  readonly fn: 'relu' | 'elu';
  constructor(rep: Rep, opts: PointwiseOptions = {}) {
    super();
    const bad = rep.terms().find((t) => !isPointwiseField(t.rep));
    if (bad) throw new ValueError(`PointwiseNonlinearity: field ${bad.rep} of ${rep.group.key} is not a permutation representation (trivial, regular or quotient), so a pointwise nonlinearity is not equivariant; use NormNonlinearity2d or GatedNonlinearity2d`);
    this.rep = rep;
    this.fn = opts.fn ?? 'relu';
  }
  /** @param x [N, C, H, W] or [C, H, W] */
  forward(x: Tensor): Tensor {
    asMaps('PointwiseNonlinearity', this.rep, x);
    return this.fn === 'relu' ? x.relu() : x.elu();
  }
  extraRepr(): string {
    return `${this.rep}, fn=${this.fn}`;
  }
}

/** Options of {@link NormNonlinearity2d} (Weiler & Cesa 2019, arXiv:1911.08251); as src/nn's `NormNonlinearity`. */
export interface NormNonlinearity2dOptions {
  /** f (default 'relu'). */
  fn?: NormFunction;
  /** One learned bias per field (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** ε in ‖x‖_ε (default 1e-6). */
  eps?: number;
}

/**
 * Norm nonlinearity on feature maps: every field x_k(p) at every pixel becomes
 * x_k · f(‖x_k‖ + b_k)/‖x_k‖ (escnn `NormNonLinearity`; Weiler & Cesa 2019, §2.7), equivariant for
 * orthogonal field types. Wraps src/nn's `NormNonlinearity` on channel-last maps.
 */
export class NormNonlinearity2d extends Module {
  /** Field type (unchanged). */
  readonly rep: Rep;
  /** The per-pixel module (holds the biases). */
  readonly inner: NormNonlinearity;
  constructor(rep: Rep, opts: NormNonlinearity2dOptions = {}) {
    super();
    this.rep = rep;
    this.inner = this.registerModule('inner', new NormNonlinearity(rep, opts));
  }
  /** @param x [N, C, H, W] or [C, H, W] */
  forward(x: Tensor): Tensor {
    const { x4, unbatched } = asMaps('NormNonlinearity2d', this.rep, x);
    return back(channelLast(x4, (t) => this.inner.call(t)), unbatched);
  }
}

/**
 * Gated nonlinearity on feature maps: the input carries gated(ρ) = ρ ⊕ k trivial gates (one per
 * field of ρ that is not a permutation field, appended in field order); each such field is
 * multiplied by sigmoid of its gate, permutation fields go through swish, the gates are dropped
 * (escnn `GatedNonLinearity1`; Weiler & Cesa 2019, §2.7). Wraps src/nn's `GatedNonlinearity`.
 */
export class GatedNonlinearity2d extends Module {
  /** gated(ρ). */
  readonly repIn: Rep;
  /** ρ. */
  readonly repOut: Rep;
  /** The per-pixel module. */
  readonly inner: GatedNonlinearity;
  constructor(rep: Rep) {
    super();
    this.repOut = rep;
    this.repIn = gated(rep);
    this.inner = this.registerModule('inner', new GatedNonlinearity(rep));
  }
  /** @param x [N, gated(ρ).size, H, W] → [N, ρ.size, H, W] */
  forward(x: Tensor): Tensor {
    const { x4, unbatched } = asMaps('GatedNonlinearity2d', this.repIn, x);
    return back(channelLast(x4, (t) => this.inner.call(t)), unbatched);
  }
}

/** Options of {@link InvariantPooling} (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface InvariantPoolingOptions {
  /** 'norm' (default; any orthogonal field) or 'max' (permutation fields only: escnn `GroupPooling`). */
  mode?: 'norm' | 'max';
  /** ε in √(‖x‖² + ε²) (default 1e-12, keeps the gradient finite at 0). */
  eps?: number;
}

/**
 * Invariant pooling: every field becomes one trivial channel, its norm √(‖x_k‖² + ε²) (escnn
 * `NormPool`) or the max over its channels for permutation fields (escnn `GroupPooling`; Weiler &
 * Cesa 2019, §3). Output field type: F trivial fields, F the number of fields of ρ.
 */
export class InvariantPooling extends Module {
  /** Input field type. */
  readonly rep: Rep;
  /** F × trivial. */
  readonly repOut: Rep;
  /** Norm or max pooling. */
  readonly mode: 'norm' | 'max';
  private readonly fields: { offset: number; size: number }[];
  private readonly eps: number;
  constructor(rep: Rep, opts: InvariantPoolingOptions = {}) {
    super();
    this.rep = rep;
    this.mode = opts.mode ?? 'norm';
    this.eps = opts.eps ?? 1e-12;
    const fc = fieldCopies(rep);
    if (this.mode === 'max') {
      const bad = fc.find((c) => !isPointwiseField(c.rep));
      if (bad) throw new ValueError(`InvariantPooling: max pooling needs permutation fields (trivial, regular, quotient), got ${bad.rep} of ${rep.group.key}; use mode 'norm'`);
    } else if (!rep.isOrthogonal) throw new ValueError(`InvariantPooling: ${rep} is not orthogonal, so its norm is not invariant`);
    this.fields = fc.map((c) => ({ offset: c.offset, size: c.rep.size }));
    this.repOut = Scalar(rep.group).times(fc.length);
  }
  /** @param x [N, C, H, W] → [N, F, H, W] */
  forward(x: Tensor): Tensor {
    const { x4, unbatched } = asMaps('InvariantPooling', this.rep, x);
    const parts = this.fields.map(({ offset, size }) => {
      const f = x4.slice([null, [offset, offset + size]]);
      return this.mode === 'max' ? f.max(1, true) : f.square().sum(1, true).add(this.eps * this.eps).sqrt();
    });
    return back(concat(parts, 1), unbatched);
  }
}

/** Options of {@link EquivariantBatchNorm} (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface EquivariantBatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch statistics in the running ones (default 0.1). */
  momentum?: number;
  /** Learn a scale per field and a shift per trivial field (default true). */
  affine?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * Equivariant batch normalisation of steerable feature maps (escnn `IIDBatchNorm2d`; Weiler & Cesa
 * 2019, §3): statistics over batch and pixels. Trivial fields are normalised as usual,
 * (x − μ)/√(σ² + ε)·γ + β; every other field x_k is only scaled, x_k/√(E‖x_k‖²/d_k + ε)·γ_k, with
 * no shift (a shift would not commute with ρ) and one scale per field. Running statistics are kept
 * for `eval()`.
 */
export class EquivariantBatchNorm extends Module {
  /** Field type (unchanged). */
  readonly rep: Rep;
  /** Added to the variance. */
  readonly eps: number;
  /** Running-average factor. */
  readonly momentum: number;
  private readonly trivial: Float64Array;
  private readonly fieldOf: Int32Array;
  private readonly members: Float64Array;
  private readonly nFields: number;
  constructor(rep: Rep, opts: EquivariantBatchNormOptions = {}) {
    super();
    this.rep = rep;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    if (!rep.isOrthogonal) throw new ValueError(`EquivariantBatchNorm: ${rep} is not orthogonal, so the field norms are not invariant`);
    const fc = fieldCopies(rep), C = rep.size;
    this.nFields = fc.length;
    this.trivial = new Float64Array(C);
    this.fieldOf = new Int32Array(C);
    this.members = new Float64Array(C * fc.length);
    fc.forEach((c, k) => {
      const triv = isTrivialField(c.rep);
      for (let e = 0; e < c.rep.size; e++) {
        this.fieldOf[c.offset + e] = k;
        this.trivial[c.offset + e] = triv ? 1 : 0;
        this.members[(c.offset + e) * fc.length + k] = 1 / c.rep.size; // mean over the field's channels
      }
    });
    const dt = floatDType('EquivariantBatchNorm', opts.dtype);
    if (opts.affine ?? true) {
      this.registerParameter('weight', ones([fc.length], { dtype: dt }));
      this.registerParameter('bias', zeros([C], { dtype: dt })); // used on trivial channels only
    }
    this.registerBuffer('runningMean', zeros([C], { dtype: dt }));
    this.registerBuffer('runningVar', ones([C], { dtype: dt }));
  }

  private const(data: Float64Array, shape: number[], dtype: string): Tensor {
    return fromData(dtype === 'float64' ? data : Float32Array.from(data), shape);
  }

  /** @param x [N, C, H, W] or [C, H, W] */
  forward(x: Tensor): Tensor {
    const { x4, unbatched } = asMaps('EquivariantBatchNorm', this.rep, x);
    const C = this.rep.size, dt = x4.dtype;
    const mask = this.const(this.trivial, [C], dt);
    let mean: Tensor, v: Tensor;
    if (this.training) {
      const mu = x4.mean([0, 2, 3]).mul(mask); // 0 on non-trivial channels
      const centred = x4.sub(mu.reshape([1, C, 1, 1]));
      const sq = centred.square().mean([0, 2, 3]); // [C]: variance (trivial) or E x_c² (others)
      const perField = sq.reshape([1, C]).matmul(this.const(this.members, [C, this.nFields], dt)).reshape([this.nFields]);
      const fieldVar = perField.indexSelect(0, this.fieldOf);
      mean = mu;
      v = sq.mul(mask).add(fieldVar.mul(mask.neg().add(1)));
      noGrad(() => {
        const m = this.momentum;
        const rm = this.getBuffer('runningMean'), rv = this.getBuffer('runningVar');
        this.writeBuffer('runningMean', rm.mul(1 - m).add(mean.detach().cast(rm.dtype).mul(m)));
        this.writeBuffer('runningVar', rv.mul(1 - m).add(v.detach().cast(rv.dtype).mul(m)));
      });
    } else {
      mean = this.getBuffer('runningMean').cast(dt);
      v = this.getBuffer('runningVar').cast(dt);
    }
    let scale = v.add(this.eps).rsqrt();
    const w = this.maybeParameter('weight');
    if (w) scale = scale.mul(w.indexSelect(0, this.fieldOf));
    let y = x4.sub(mean.reshape([1, C, 1, 1])).mul(scale.reshape([1, C, 1, 1]));
    const b = this.maybeParameter('bias');
    if (b) y = y.add(b.mul(mask).reshape([1, C, 1, 1]));
    return back(y, unbatched);
  }

  private writeBuffer(name: string, t: Tensor): void {
    (this.getBuffer(name).data as Float32Array | Float64Array).set(t.data as Float32Array | Float64Array);
  }

  extraRepr(): string {
    return `${this.rep}, fields=${this.nFields}, eps=${this.eps}`;
  }
}

/** Options of {@link AntialiasedAvgPool} (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface AntialiasedAvgPoolOptions {
  /** Width of the Gaussian blur in pixels (default 0.6, as escnn). */
  sigma?: number;
  /** Subsampling stride (default 2). */
  stride?: number;
  /** Filter side (default 2·round(3σ) + 1). */
  kernelSize?: number;
  /** Zero padding (default (kernelSize − 1)/2). */
  padding?: number;
}

/**
 * Anti-aliased average pooling: a normalised isotropic Gaussian blur of every channel followed by
 * subsampling with a stride (escnn `PointwiseAvgPoolAntialiased`; Weiler & Cesa 2019, §3). The
 * same filter on every channel commutes with any field type; the Gaussian is invariant under the
 * lattice symmetries, and the subsampled points are symmetric about the centre when
 * (H + 2·padding − kernelSize) is a multiple of the stride (e.g. odd H with stride 2), which makes
 * the layer exactly equivariant for 90° rotations and flips.
 */
export class AntialiasedAvgPool extends Module {
  /** Field type (unchanged). */
  readonly rep: Rep;
  /** Gaussian width in pixels. */
  readonly sigma: number;
  /** Subsampling stride. */
  readonly stride: number;
  /** Filter side. */
  readonly kernelSize: number;
  /** Zero padding. */
  readonly padding: number;
  private readonly profile: Float64Array;
  constructor(rep: Rep, opts: AntialiasedAvgPoolOptions = {}) {
    super();
    this.rep = rep;
    this.sigma = opts.sigma ?? 0.6;
    if (!(this.sigma > 0)) throw new ValueError(`AntialiasedAvgPool: sigma must be > 0, got ${this.sigma}`);
    this.stride = opts.stride ?? 2;
    this.kernelSize = opts.kernelSize ?? 2 * Math.round(3 * this.sigma) + 1;
    if (this.kernelSize % 2 !== 1) throw new ValueError(`AntialiasedAvgPool: kernelSize must be odd (a filter centred on a pixel), got ${this.kernelSize}`);
    this.padding = opts.padding ?? (this.kernelSize - 1) / 2;
    const k = this.kernelSize, c = (k - 1) / 2, f = new Float64Array(k * k);
    let s = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += f[a * k + b] = Math.exp(-((a - c) ** 2 + (b - c) ** 2) / (2 * this.sigma * this.sigma));
    for (let i = 0; i < f.length; i++) f[i]! /= s;
    this.profile = f;
  }
  /** @param x [N, C, H, W] or [C, H, W] */
  forward(x: Tensor): Tensor {
    const { x4, unbatched } = asMaps('AntialiasedAvgPool', this.rep, x);
    const C = this.rep.size, k = this.kernelSize, w = new Float64Array(C * k * k);
    for (let ch = 0; ch < C; ch++) w.set(this.profile, ch * k * k);
    const W = fromData(x4.dtype === 'float64' ? w : Float32Array.from(w), [C, 1, k, k]);
    return back(conv2d(x4, W, null, { stride: this.stride, padding: this.padding, groups: C }), unbatched);
  }
}
