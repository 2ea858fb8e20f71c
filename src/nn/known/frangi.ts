/**
 * Differentiable Frangi vesselness (Frangi, Niessen, Vincken & Viergever, "Multiscale vessel
 * enhancement filtering", MICCAI 1998) with learnable scales, β and c — the known operator of
 * Frangi-Net (Fu, Lu, Lüdke, Maier et al., "Frangi-Net: a neural network approach to vessel
 * segmentation", Bildverarbeitung für die Medizin 2018, arXiv:1711.03345).
 *
 * Per scale σ: the scale-normalised Hessian H_σ (./hessian.ts), its eigenvalues with
 * |λ₁| ≤ |λ₂|, and, for bright vessels on a dark background,
 *
 *   V_σ = 0                                                   if λ₂ > 0
 *   V_σ = exp(−R_B² / 2β²) · (1 − exp(−S² / 2c²))            otherwise,
 *   R_B² = λ₁² / (λ₂² + ε),   S² = λ₁² + λ₂²,
 *
 * and the response is max_σ V_σ (or a smooth maximum τ·log Σ_σ exp(V_σ/τ)). Dark vessels use
 * −H_σ. Everything is built from differentiable tensor ops, so gradients reach the input, the
 * scales (through the Gaussian kernels), β and c.
 * @module
 */
import { exp, log, logsumexp, lt, max, mul, neg, square, stack, sub, tensor, where, add, div, zerosLike } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { Parameter, floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { defaultRadius } from './gaussian-kernels.js';
import type { FilterPadding } from './gaussian-filter.js';
import { blobnessSquared, hessian2d, symmetricEigenvalues2x2 } from './hessian.js';

/** Which vessels respond: bright on dark (λ₂ < 0) or dark on bright (λ₂ > 0). */
export type VesselPolarity = 'bright' | 'dark';

/** Options of {@link frangiVesselness}. */
export interface FrangiOptions {
  /** Bright (default) or dark vessels. */
  polarity?: VesselPolarity;
  /** ε of the eigenvalues and of R_B² (default 1e-10; see symmetricEigenvalues2x2). */
  eps?: number;
  /** Kernel half-width (default ⌈4σ⌉ for this σ). */
  radius?: number;
  /** Border extension (default 'replicate'). */
  padding?: FilterPadding;
}

function scalarOf(t: Tensor | number, dtype: string): Tensor | number {
  return typeof t === 'number' ? t : t.reshape([]).cast(dtype as FloatDType);
}

/**
 * Frangi's vesselness at one scale σ, V_σ(x) (see the module comment), x [N, C, H, W] → [N, C, H, W].
 * σ, β and c may be numbers or one-element tensors (then differentiable in them).
 *
 * @throws ShapeError for an input that is not 4-D; ValueError for a bad polarity or ε
 */
export function frangiVesselness(x: Tensor, sigma: Tensor | number, beta: Tensor | number, c: Tensor | number, opts: FrangiOptions = {}): Tensor {
  if (x.ndim !== 4) throw new ShapeError(`frangiVesselness: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  const polarity = opts.polarity ?? 'bright';
  if (polarity !== 'bright' && polarity !== 'dark') throw new ValueError(`frangiVesselness: polarity must be 'bright' or 'dark', got ${String(polarity)}`);
  const eps = opts.eps ?? 1e-10;
  const H = hessian2d(polarity === 'bright' ? x : neg(x), sigma, { radius: opts.radius, padding: opts.padding });
  const [l1, l2] = symmetricEigenvalues2x2(H.xx, H.xy, H.yy, eps);
  const rb2 = blobnessSquared(l1, l2, eps);
  const s2 = add(square(l1), square(l2));
  const b = scalarOf(beta, x.dtype), cc = scalarOf(c, x.dtype);
  const twoB2 = typeof b === 'number' ? 2 * b * b : mul(square(b), 2);
  const twoC2 = typeof cc === 'number' ? 2 * cc * cc : mul(square(cc), 2);
  const v = mul(exp(neg(div(rb2, twoB2))), sub(1, exp(neg(div(s2, twoC2)))));
  return where(lt(l2, 0), v, zerosLike(v));
}

/** How the per-scale responses are combined. */
export type ScaleReduce = 'max' | 'smoothmax';

/** Options of the {@link FrangiVesselness} module. */
export interface FrangiVesselnessOptions extends Omit<FrangiOptions, 'radius'> {
  /** Scales σ in pixels (default [1, 2, 3]). */
  scales?: readonly number[];
  /** Initial β (default 0.5, Frangi's choice). */
  beta?: number;
  /** Initial c, in units of the scale-normalised Hessian (default 0.5; Frangi suggests half the largest Hessian norm of the data). */
  c?: number;
  /** Learn the scales (stored as log σ; default true). */
  learnableScales?: boolean;
  /** Learn β and c (default true). */
  learnableParams?: boolean;
  /** 'max' (Frangi, default) or 'smoothmax' τ·log Σ exp(V/τ). */
  reduce?: ScaleReduce;
  /** τ of 'smoothmax' (default 0.05). */
  temperature?: number;
  /** Kernel half-width of every scale (default ⌈4·max σ⌉, fixed so learned scales may grow). */
  radius?: number;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * Multi-scale Frangi vesselness as a layer (Frangi-Net's fixed operator, Fu et al. 2018):
 * x [N, C, H, W] → max_σ V_σ(x) [N, C, H, W], with σ (as log σ), β and c parameters.
 * {@link FrangiVesselness.perScale} returns the per-scale maps [N, C, S, H, W] for a learned
 * head to combine.
 *
 * @example
 * ```ts
 * const frangi = new FrangiVesselness({ scales: [1, 2], dtype: 'float64' });
 * frangi.call(img);          // [N, 1, H, W], high on bright tubular structures
 * frangi.parameters().length; // 3: logSigma, beta, c
 * ```
 */
export class FrangiVesselness extends Module {
  /** Number of scales. */
  readonly numScales: number;
  /** Bright or dark vessels. */
  readonly polarity: VesselPolarity;
  /** Scale reduction. */
  readonly reduce: ScaleReduce;
  /** τ of the smooth maximum. */
  readonly temperature: number;
  /** ε of the eigen decomposition. */
  readonly eps: number;
  /** Kernel half-width. */
  readonly radius: number;
  /** Border extension. */
  readonly padding: FilterPadding;
  private readonly learnScales: boolean;
  private readonly learnParams: boolean;

  constructor(opts: FrangiVesselnessOptions = {}) {
    super();
    const scales = opts.scales ?? [1, 2, 3];
    if (!Array.isArray(scales) || scales.length === 0 || !scales.every((s) => typeof s === 'number' && s > 0 && Number.isFinite(s))) {
      throw new ValueError(`FrangiVesselness: scales must be a non-empty list of positive numbers, got ${String(scales)}`);
    }
    const dtype = floatDType('FrangiVesselness', opts.dtype);
    const beta = opts.beta ?? 0.5, c = opts.c ?? 0.5;
    if (!(beta > 0) || !(c > 0)) throw new ValueError(`FrangiVesselness: beta and c must be positive, got β = ${beta}, c = ${c}`);
    this.polarity = opts.polarity ?? 'bright';
    if (this.polarity !== 'bright' && this.polarity !== 'dark') throw new ValueError(`FrangiVesselness: polarity must be 'bright' or 'dark', got ${String(this.polarity)}`);
    this.reduce = opts.reduce ?? 'max';
    if (this.reduce !== 'max' && this.reduce !== 'smoothmax') throw new ValueError(`FrangiVesselness: reduce must be 'max' or 'smoothmax', got ${String(this.reduce)}`);
    this.temperature = opts.temperature ?? 0.05;
    if (!(this.temperature > 0)) throw new ValueError(`FrangiVesselness: temperature must be positive, got ${this.temperature}`);
    this.eps = opts.eps ?? 1e-10;
    this.padding = opts.padding ?? 'replicate';
    this.radius = opts.radius ?? defaultRadius(Math.max(...scales));
    this.numScales = scales.length;
    this.learnScales = opts.learnableScales ?? true;
    this.learnParams = opts.learnableParams ?? true;
    const ls = log(tensor([...scales], { dtype }));
    if (this.learnScales) this.registerParameter('logSigma', new Parameter(ls));
    else this.registerBuffer('logSigma', ls);
    for (const [name, v] of [['beta', beta], ['c', c]] as const) {
      const t = tensor([v], { dtype });
      if (this.learnParams) this.registerParameter(name, new Parameter(t));
      else this.registerBuffer(name, t);
    }
  }

  private get(name: string, learn: boolean): Tensor {
    return learn ? this.getParameter(name) : this.getBuffer(name);
  }

  /** σ per scale, [S]. */
  get sigmas(): Tensor {
    return exp(this.get('logSigma', this.learnScales));
  }

  /** β, [1]. */
  get beta(): Tensor {
    return this.get('beta', this.learnParams);
  }

  /** c, [1]. */
  get c(): Tensor {
    return this.get('c', this.learnParams);
  }

  /** The per-scale vesselness maps: x [N, C, H, W] → [N, C, S, H, W]. */
  perScale(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new ShapeError(`FrangiVesselness: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
    const sig = this.sigmas;
    const maps: Tensor[] = [];
    for (let s = 0; s < this.numScales; s++) {
      const sigma = sig.slice([[s, s + 1]]);
      maps.push(frangiVesselness(x, sigma, this.beta, this.c, { polarity: this.polarity, eps: this.eps, radius: this.radius, padding: this.padding }));
    }
    return stack(maps, 2);
  }

  /** x [N, C, H, W] → the vesselness over all scales [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    const v = this.perScale(x);
    if (this.reduce === 'max') return max(v, 2);
    return mul(logsumexp(div(v, this.temperature), 2), this.temperature);
  }
}
