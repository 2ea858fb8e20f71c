/**
 * Pooling layers with PyTorch's semantics: `MaxPool2d`, `AvgPool2d` (with ceil mode),
 * `AdaptiveAvgPool2d` and `AdaptiveMaxPool2d`. None has parameters.
 * @module
 */
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d, reshape } from '../tensor/index.js';
import type { AdaptiveSize, Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { Module } from './module.js';

type Pair = number | readonly [number, number];

/** Options of `MaxPool2d`. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair;
  /** −∞ padding on both sides, at most half the kernel (default 0). */
  padding?: Pair;
  /** Spacing of the window's taps (default 1). */
  dilation?: Pair;
  /** Round the output size up (default false); the last window must start inside the input or its left padding. */
  ceilMode?: boolean;
}

/** Options of `AvgPool2d`. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair;
  /** Zero padding on both sides, at most half the kernel (default 0). */
  padding?: Pair;
  /** Round the output size up (default false), as {@link MaxPool2dOptions.ceilMode}. */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** Run `f` on a 4-D batch; accepts [N, C, H, W] or unbatched [C, H, W]. */
function batched4(name: string, x: Tensor, f: (x4: Tensor) => Tensor): Tensor {
  if (x.ndim === 4) return f(x);
  if (x.ndim !== 3) throw new ShapeError(`${name}: input ${fmtShape(x.shape)} must be [N, C, H, W] or unbatched [C, H, W]`);
  const y = f(reshape(x, [1, ...x.shape]));
  return reshape(y, y.shape.slice(1));
}

function pairOf(name: string, what: string, v: unknown, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (p === null || !p.every((q) => typeof q === 'number' && Number.isInteger(q) && q >= min)) {
    throw new ValueError(`${name}: ${what} must be an integer or two integers ≥ ${min}, got ${String(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

function checkHalf(name: string, kernel: readonly number[], padding: readonly number[]): void {
  if (padding.some((p, i) => 2 * p > kernel[i]!)) throw new ValueError(`${name}: padding [${padding.join(', ')}] must be at most half the kernel [${kernel.join(', ')}]`);
}

/**
 * 2-D max pooling (PyTorch's `nn.MaxPool2d`): y[n,c,i,j] = max over the kh×kw window at
 * (i·s_h − p_h, j·s_w − p_w) with taps d apart. Output size ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1, or
 * ⌈·⌉ with `ceilMode` (dropping a last window that would start in the right padding).
 *
 * @example
 * ```ts
 * new MaxPool2d(2).call(x);                                   // [N, C, 32, 32] → [N, C, 16, 16]
 * new MaxPool2d(3, { stride: 2, ceilMode: true }).call(x);    // [N, C, 8, 8] → [N, C, 4, 4]
 * ```
 */
export class MaxPool2d extends Module {
  /** [kh, kw]. */
  readonly kernelSize: readonly [number, number];
  /** [s_h, s_w]. */
  readonly stride: readonly [number, number];
  /** [p_h, p_w]. */
  readonly padding: readonly [number, number];
  /** [d_h, d_w]. */
  readonly dilation: readonly [number, number];
  /** Ceil mode. */
  readonly ceilMode: boolean;

  /**
   * @param kernelSize k or [kh, kw]
   * @param opts stride (default kernelSize), padding, dilation, ceilMode
   * @throws ValueError for non-positive or fractional sizes, or padding above half the kernel
   */
  constructor(kernelSize: Pair, opts: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = pairOf('MaxPool2d', 'kernelSize', kernelSize, 1);
    this.stride = pairOf('MaxPool2d', 'stride', opts.stride ?? this.kernelSize, 1);
    this.padding = pairOf('MaxPool2d', 'padding', opts.padding ?? 0, 0);
    this.dilation = pairOf('MaxPool2d', 'dilation', opts.dilation ?? 1, 1);
    checkHalf('MaxPool2d', this.kernelSize, this.padding);
    this.ceilMode = opts.ceilMode ?? false;
  }

  /**
   * @param x [N, C, H, W] or [C, H, W]
   * @returns [N, C, Ho, Wo] (or [C, Ho, Wo])
   * @throws ShapeError for the wrong rank or a window larger than the padded input
   */
  forward(x: Tensor): Tensor {
    return batched4('MaxPool2d', x, (x4) => {
      this.checkFits(x);
      return maxPool2d(x4, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
    });
  }

  private checkFits(x: Tensor): void {
    for (let i = 0; i < 2; i++) {
      const n = x.shape[x.ndim - 2 + i]! + 2 * this.padding[i]!, span = this.dilation[i]! * (this.kernelSize[i]! - 1) + 1;
      if (n < span) throw new ShapeError(`MaxPool2d: window [${this.kernelSize.join(', ')}] (dilation [${this.dilation.join(', ')}]) spans ${span}, more than the padded input ${n} on spatial axis ${i} of ${fmtShape(x.shape)}`);
    }
  }

  extraRepr(): string {
    return `kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], padding=[${this.padding.join(', ')}], dilation=[${this.dilation.join(', ')}], ceilMode=${this.ceilMode}`;
  }
}

/**
 * 2-D average pooling (PyTorch's `nn.AvgPool2d`): y[n,c,i,j] = (1/count) Σ x over the kh×kw window
 * at (i·s_h − p_h, j·s_w − p_w), where count is the window area clipped to the padded input
 * (`countIncludePad`, default) or to the input. Output sizes as {@link MaxPool2d}.
 *
 * @example
 * ```ts
 * new AvgPool2d(2).call(x);                                        // [N, C, 32, 32] → [N, C, 16, 16]
 * new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).call(x);
 * ```
 */
export class AvgPool2d extends Module {
  /** [kh, kw]. */
  readonly kernelSize: readonly [number, number];
  /** [s_h, s_w]. */
  readonly stride: readonly [number, number];
  /** [p_h, p_w]. */
  readonly padding: readonly [number, number];
  /** Ceil mode. */
  readonly ceilMode: boolean;
  /** Whether the divisor counts the padding. */
  readonly countIncludePad: boolean;

  /**
   * @param kernelSize k or [kh, kw]
   * @param opts stride (default kernelSize), padding, ceilMode, countIncludePad
   * @throws ValueError for non-positive or fractional sizes, or padding above half the kernel
   */
  constructor(kernelSize: Pair, opts: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = pairOf('AvgPool2d', 'kernelSize', kernelSize, 1);
    this.stride = pairOf('AvgPool2d', 'stride', opts.stride ?? this.kernelSize, 1);
    this.padding = pairOf('AvgPool2d', 'padding', opts.padding ?? 0, 0);
    checkHalf('AvgPool2d', this.kernelSize, this.padding);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  /**
   * @param x [N, C, H, W] or [C, H, W]
   * @returns [N, C, Ho, Wo] (or [C, Ho, Wo])
   * @throws ShapeError for the wrong rank or a window larger than the padded input
   */
  forward(x: Tensor): Tensor {
    return batched4('AvgPool2d', x, (x4) => {
      for (let i = 0; i < 2; i++) {
        const n = x.shape[x.ndim - 2 + i]! + 2 * this.padding[i]!;
        if (n < this.kernelSize[i]!) throw new ShapeError(`AvgPool2d: window [${this.kernelSize.join(', ')}] is larger than the padded input ${n} on spatial axis ${i} of ${fmtShape(x.shape)}`);
      }
      return avgPool2d(x4, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
    });
  }

  extraRepr(): string {
    return `kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], padding=[${this.padding.join(', ')}], ceilMode=${this.ceilMode}, countIncludePad=${this.countIncludePad}`;
  }
}

function adaptiveSize(name: string, s: unknown): AdaptiveSize {
  const ok = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1);
  if (typeof s === 'number' ? ok(s) : Array.isArray(s) && s.length === 2 && s.every(ok)) return s as AdaptiveSize;
  throw new ValueError(`${name}: outputSize must be a positive integer or [h, w] (null keeps the input size), got ${String(s)}`);
}

/**
 * Adaptive average pooling to a fixed output size (PyTorch's `nn.AdaptiveAvgPool2d`): output cell
 * (i, j) averages rows [⌊iH/Ho⌋, ⌈(i+1)H/Ho⌉) and columns [⌊jW/Wo⌋, ⌈(j+1)W/Wo⌉) of the input.
 *
 * @example
 * ```ts
 * new AdaptiveAvgPool2d(1).call(x);        // [N, C, H, W] → [N, C, 1, 1]
 * new AdaptiveAvgPool2d([3, null]).call(x); // [N, C, 7, 5] → [N, C, 3, 5]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** Target size. */
  readonly outputSize: AdaptiveSize;

  /**
   * @param outputSize Ho (= Wo) or [Ho, Wo]; null keeps that input axis
   * @throws ValueError for a non-positive or fractional size
   */
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = adaptiveSize('AdaptiveAvgPool2d', outputSize);
  }

  /** @param x [N, C, H, W] or [C, H, W] @returns [N, C, Ho, Wo] (or [C, Ho, Wo]) */
  forward(x: Tensor): Tensor {
    return batched4('AdaptiveAvgPool2d', x, (x4) => adaptiveAvgPool2d(x4, this.outputSize));
  }

  extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/**
 * Adaptive max pooling to a fixed output size (PyTorch's `nn.AdaptiveMaxPool2d`): output cell
 * (i, j) is the max over rows [⌊iH/Ho⌋, ⌈(i+1)H/Ho⌉) and columns [⌊jW/Wo⌋, ⌈(j+1)W/Wo⌉).
 *
 * @example
 * ```ts
 * new AdaptiveMaxPool2d([2, 2]).call(x);   // [N, C, 5, 7] → [N, C, 2, 2]
 * ```
 */
export class AdaptiveMaxPool2d extends Module {
  /** Target size. */
  readonly outputSize: AdaptiveSize;

  /**
   * @param outputSize Ho (= Wo) or [Ho, Wo]; null keeps that input axis
   * @throws ValueError for a non-positive or fractional size
   */
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = adaptiveSize('AdaptiveMaxPool2d', outputSize);
  }

  /** @param x [N, C, H, W] or [C, H, W] @returns [N, C, Ho, Wo] (or [C, Ho, Wo]) */
  forward(x: Tensor): Tensor {
    return batched4('AdaptiveMaxPool2d', x, (x4) => adaptiveMaxPool2d(x4, this.outputSize));
  }

  extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
