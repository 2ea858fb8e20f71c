/**
 * Normalisation layers: `LayerNorm`, `BatchNorm1d`, `BatchNorm2d`, `GroupNorm`.
 * @module
 */
import { batchNorm, groupNorm, layerNorm, ones, zeros } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn γ (ones) and β (zeros) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** Learn β when affine (default true). */
  bias?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * Layer normalisation (Ba et al., "Layer Normalization", arXiv:1607.06450) over the trailing
 * axes: y = (x − E[x]) / √(Var[x] + ε) · γ + β (biased variance).
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(16);
 * ln.call(x); // x [..., 16]
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** ε. */
  readonly eps: number;

  /** @param normalizedShape size (or sizes) of the trailing axes */
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (!shape.length || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ValueError(`LayerNorm: bad normalizedShape ${fmtShape(shape)}`);
    this.normalizedShape = shape;
    this.eps = opts.eps ?? 1e-5;
    const dtype = floatDType('LayerNorm', opts.dtype);
    if (opts.elementwiseAffine ?? true) {
      this.registerParameter('weight', ones(shape, { dtype }));
      if (opts.bias ?? true) this.registerParameter('bias', zeros(shape, { dtype }));
    }
  }

  /** γ (normalizedShape), or null. */
  get weight(): Parameter | null {
    return this.maybeParameter('weight');
  }

  /** β (normalizedShape), or null. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /** @param x [..., ...normalizedShape] @returns same shape */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}`;
  }
}

/** Options of `BatchNorm1d` / `BatchNorm2d` (PyTorch defaults). */
export interface BatchNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Running-average factor m: r ← (1 − m)·r + m·stat (default 0.1). */
  momentum?: number;
  /** Learn γ (ones) and β (zeros) per channel (default true). */
  affine?: boolean;
  /** Keep running mean/var buffers for eval mode (default true); otherwise always use batch stats. */
  trackRunningStats?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/** Shared implementation of the batch-norm layers; `ranks` are the accepted input ranks. */
abstract class BatchNormBase extends Module {
  /** Channels C. */
  readonly numFeatures: number;
  /** ε. */
  readonly eps: number;
  /** Running-average factor. */
  readonly momentum: number;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  protected abstract readonly ranks: readonly number[];

  constructor(name: string, numFeatures: number, opts: BatchNormLayerOptions) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ValueError(`${name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = floatDType(name, opts.dtype);
    if (opts.affine ?? true) {
      this.registerParameter('weight', ones([numFeatures], { dtype }));
      this.registerParameter('bias', zeros([numFeatures], { dtype }));
    }
    if (this.trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures], { dtype }));
      this.registerBuffer('runningVar', ones([numFeatures], { dtype }));
    }
  }

  /** γ [C], or null. */
  get weight(): Parameter | null {
    return this.maybeParameter('weight');
  }

  /** β [C], or null. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /** Running mean [C] (buffer), or null. */
  get runningMean(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('runningMean') : null;
  }

  /** Running (unbiased) variance [C] (buffer), or null. */
  get runningVar(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('runningVar') : null;
  }

  /** Reset the running statistics to mean 0, variance 1. */
  resetRunningStats(): void {
    this.runningMean?.data.fill(0);
    this.runningVar?.data.fill(1);
  }

  /** @param x [N, C, …] @returns same shape */
  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      const C = this.numFeatures;
      const want = this.ranks.map((r) => (r === 2 ? `[N,${C}]` : r === 3 ? `[N,${C},L]` : `[N,${C},H,W]`));
      throw new ShapeError(`${this.constructor.name}: input ${fmtShape(x.shape)} must be ${want.join(' or ')}`);
    }
    const useBatch = this.training || !this.trackRunningStats;
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, { training: useBatch, momentum: this.momentum, eps: this.eps });
  }

  extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}

/**
 * Batch normalisation (Ioffe & Szegedy, arXiv:1502.03167) over [N, C] or [N, C, L]:
 * y = (x − μ) / √(σ² + ε) · γ + β per channel. Training uses batch statistics (biased variance)
 * and updates the running buffers (unbiased variance); eval uses the running buffers.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(8);
 * bn.call(x);        // x [N, 8]: batch statistics, running stats updated
 * bn.eval().call(x); // running statistics
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3] as const;

  /** @param numFeatures channels C */
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super('BatchNorm1d', numFeatures, opts);
  }
}

/**
 * Batch normalisation over [N, C, H, W], per channel: y = (x − μ) / √(σ² + ε) · γ + β (see
 * `BatchNorm1d` for the train/eval behaviour).
 *
 * @example
 * ```ts
 * const bn = new BatchNorm2d(16);
 * bn.call(images); // [N, 16, H, W]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4] as const;

  /** @param numFeatures channels C */
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super('BatchNorm2d', numFeatures, opts);
  }
}

/** Options of `GroupNorm` (PyTorch defaults). */
export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-channel γ (ones) and β (zeros) (default true). */
  affine?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * Group normalisation (Wu & He, arXiv:1803.08494; PyTorch's `nn.GroupNorm`): the C channels are split
 * into G groups and each (sample, group) is normalised over its C/G channels and all positions,
 * y = (x − μ_{n,g}) / √(σ²_{n,g} + ε) · γ_c + β_c (biased variance). Independent of the batch, so
 * train and eval behave the same.
 *
 * @example
 * ```ts
 * const gn = new GroupNorm(4, 32);
 * gn.call(x); // x [N, 32, H, W] (or [N, 32], [N, 32, L], …)
 * ```
 */
export class GroupNorm extends Module {
  /** Groups G. */
  readonly numGroups: number;
  /** Channels C. */
  readonly numChannels: number;
  /** ε. */
  readonly eps: number;

  /**
   * @param numGroups G, dividing numChannels
   * @param numChannels C
   * @param opts eps, affine, dtype
   * @throws ValueError for non-positive or fractional counts, or C not divisible by G
   */
  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    super();
    for (const [n, v] of [['numGroups', numGroups], ['numChannels', numChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`GroupNorm: ${n} must be a positive integer, got ${v}`);
    }
    if (numChannels % numGroups !== 0) throw new ValueError(`GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new ValueError(`GroupNorm: eps must be non-negative, got ${this.eps}`);
    const dtype = floatDType('GroupNorm', opts.dtype);
    if (opts.affine ?? true) {
      this.registerParameter('weight', ones([numChannels], { dtype }));
      this.registerParameter('bias', zeros([numChannels], { dtype }));
    }
  }

  /** γ [C], or null. */
  get weight(): Parameter | null {
    return this.maybeParameter('weight');
  }

  /** β [C], or null. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /**
   * @param x [N, C, …]
   * @returns same shape
   * @throws ShapeError when x has rank < 2 or not C channels
   */
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) throw new ShapeError(`GroupNorm: input ${fmtShape(x.shape)} must be [N, ${this.numChannels}, …]`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}
