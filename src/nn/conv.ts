/**
 * Convolution layers with PyTorch's semantics, parameter layout and default initialisation:
 * `Conv1d`, `Conv2d` and `ConvTranspose2d`.
 * @module
 */
import { conv2d, convTranspose2d, pad, reshape, zeros } from '../tensor/index.js';
import type { PadMode, Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { kaimingUniform, uniformInit } from './init.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** How a convolution fills its border: zeros, or a mirrored / edge-repeated / wrapped copy of the input. */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** A size per spatial axis: one number for all, or one per axis. */
export type ConvSize<D extends 1 | 2> = D extends 1 ? number : number | readonly [number, number];

/** Options of `Conv1d` / `Conv2d` (PyTorch's defaults). */
export interface ConvOptions<D extends 1 | 2 = 2> {
  /** Source of the initial weights (required: all randomness is explicit). */
  rng: Rng;
  /** Step of the kernel (default 1). */
  stride?: ConvSize<D>;
  /**
   * Border added before convolving (default 0): a size per side, `'valid'` (none) or `'same'`
   * (output size = input size; total d·(k − 1) per axis, the odd one extra on the right/bottom;
   * stride 1 only).
   */
  padding?: ConvSize<D> | 'same' | 'valid';
  /** Spacing of the kernel taps (default 1). */
  dilation?: ConvSize<D>;
  /** Split the channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** What the padding contains (default `'zeros'`). */
  paddingMode?: ConvPaddingMode;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/** Options of `ConvTranspose2d` (PyTorch's defaults; padding is zeros only). */
export interface ConvTranspose2dOptions {
  /** Source of the initial weights (required). */
  rng: Rng;
  /** Upsampling factor (default 1). */
  stride?: number | readonly [number, number];
  /** dilation·(k − 1) − padding zeros are added around the input of the equivalent convolution (default 0). */
  padding?: number | readonly [number, number];
  /** Extra rows/columns added on the bottom/right of the output, < max(stride, dilation) (default 0). */
  outputPadding?: number | readonly [number, number];
  /** Spacing of the kernel taps (default 1). */
  dilation?: number | readonly [number, number];
  /** Independent channel groups (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only `'zeros'` (as PyTorch). */
  paddingMode?: 'zeros';
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

function positiveInt(op: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${String(n)}`);
  return n;
}

function sizes(op: string, name: string, v: unknown, dims: number, min: number): number[] {
  const arr = typeof v === 'number' ? new Array<number>(dims).fill(v) : Array.isArray(v) && v.length === dims ? (v as number[]) : null;
  if (arr === null || !arr.every((q) => typeof q === 'number' && Number.isInteger(q) && q >= min)) {
    throw new ValueError(`${op}: ${name} must be ${dims === 1 ? 'an integer' : `an integer or ${dims} integers`} ≥ ${min}, got ${String(v)}`);
  }
  return [...arr];
}

const PAD_MODES: readonly ConvPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Shared implementation of Conv1d / Conv2d over `dims` spatial axes (Conv1d runs as a 1×k Conv2d). */
abstract class ConvNd extends Module {
  /** Input channels C_in. */
  readonly inChannels: number;
  /** Output channels C_out. */
  readonly outChannels: number;
  /** Kernel size per spatial axis. */
  readonly kernelSize: readonly number[];
  /** Stride per spatial axis. */
  readonly stride: readonly number[];
  /** Padding per spatial axis as given, or `'same'` / `'valid'`. */
  readonly padding: readonly number[] | 'same' | 'valid';
  /** Dilation per spatial axis. */
  readonly dilation: readonly number[];
  /** Channel groups. */
  readonly groups: number;
  /** What the padding contains. */
  readonly paddingMode: ConvPaddingMode;
  private readonly name: string;
  private readonly dims: number;
  /** [before, after] per spatial axis. */
  private readonly pads: [number, number][];

  constructor(name: string, dims: number, inChannels: number, outChannels: number, kernelSize: unknown, opts: ConvOptions<1 | 2>) {
    super();
    this.name = name;
    this.dims = dims;
    this.inChannels = positiveInt(name, 'inChannels', inChannels);
    this.outChannels = positiveInt(name, 'outChannels', outChannels);
    if (!opts?.rng) throw new ValueError(`${name}: opts.rng is required (all randomness goes through an explicit Rng)`);
    this.kernelSize = sizes(name, 'kernelSize', kernelSize, dims, 1);
    this.stride = sizes(name, 'stride', opts.stride ?? 1, dims, 1);
    this.dilation = sizes(name, 'dilation', opts.dilation ?? 1, dims, 1);
    this.groups = positiveInt(name, 'groups', opts.groups ?? 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(`${name}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${this.groups}`);
    }
    const mode = opts.paddingMode ?? 'zeros';
    if (!PAD_MODES.includes(mode)) throw new ValueError(`${name}: paddingMode must be one of ${PAD_MODES.join(', ')}, got ${String(mode)}`);
    this.paddingMode = mode;
    const p = opts.padding ?? 0;
    if (p === 'same') {
      if (this.stride.some((s) => s !== 1)) throw new ValueError(`${name}: padding 'same' needs stride 1, got stride [${this.stride.join(', ')}]`);
      this.padding = 'same';
      this.pads = this.kernelSize.map((k, i) => {
        const total = this.dilation[i]! * (k - 1);
        const before = Math.floor(total / 2);
        return [before, total - before];
      });
    } else if (p === 'valid') {
      this.padding = 'valid';
      this.pads = this.kernelSize.map(() => [0, 0]);
    } else {
      const q = sizes(name, 'padding', p, dims, 0);
      this.padding = q;
      this.pads = q.map((v) => [v, v]);
    }
    const dtype = floatDType(name, opts.dtype);
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.registerParameter('weight', kaimingUniform(zeros(shape, { dtype }), opts.rng, { a: Math.sqrt(5) }));
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt((inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1));
      this.registerParameter('bias', uniformInit(zeros([outChannels], { dtype }), opts.rng, -bound, bound));
    }
  }

  /** Weight [C_out, C_in/groups, …kernel]. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /** Bias [C_out], or null without bias. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /** The convolution on a batched input [N, C_in, …spatial]. */
  protected convolve(x: Tensor): Tensor {
    const { name, dims } = this;
    const want = `[N, ${this.inChannels}${dims === 1 ? ', L' : ', H, W'}] or unbatched [${this.inChannels}${dims === 1 ? ', L' : ', H, W'}]`;
    const batched = x.ndim === dims + 2;
    if ((!batched && x.ndim !== dims + 1) || x.shape[batched ? 1 : 0] !== this.inChannels) {
      throw new ShapeError(`${name}: input ${fmtShape(x.shape)} must be ${want}`);
    }
    const xb = batched ? x : reshape(x, [1, ...x.shape]);
    const spatial = xb.shape.slice(2);
    for (let i = 0; i < dims; i++) {
      const [b, a] = this.pads[i]!;
      const n = spatial[i]!;
      const span = this.dilation[i]! * (this.kernelSize[i]! - 1) + 1;
      if (n + b + a < span) {
        throw new ShapeError(`${name}: kernel ${fmtShape(this.kernelSize)} (dilation [${this.dilation.join(', ')}], padding [${this.pads.map((q) => q.join('+')).join(', ')}]) spans ${span} on axis ${i}, more than the padded input ${n + b + a} of ${fmtShape(x.shape)}`);
      }
      if (this.paddingMode === 'reflect' && (b >= n || a >= n) && b + a > 0) {
        throw new ShapeError(`${name}: reflect padding [${b}, ${a}] must be smaller than the spatial size ${n} of input ${fmtShape(x.shape)}`);
      }
      if (this.paddingMode === 'circular' && (b > n || a > n)) {
        throw new ShapeError(`${name}: circular padding [${b}, ${a}] must be at most the spatial size ${n} of input ${fmtShape(x.shape)}`);
      }
    }
    // Lift Conv1d to a 1×L image.
    const x4 = dims === 1 ? reshape(xb, [xb.shape[0]!, xb.shape[1]!, 1, spatial[0]!]) : xb;
    const w = this.weight;
    const w4 = dims === 1 ? reshape(w, [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!]) : w;
    const pads4: [number, number][] = dims === 1 ? [[0, 0], this.pads[0]!] : this.pads;
    const symmetric = pads4.every(([b, a]) => b === a);
    const two = (v: readonly number[]): [number, number] => (dims === 1 ? [1, v[0]!] : [v[0]!, v[1]!]);
    let y: Tensor;
    const common = { stride: two(this.stride), dilation: two(this.dilation), groups: this.groups };
    if (this.paddingMode === 'zeros' && symmetric) {
      y = conv2d(x4, w4, this.bias, { ...common, padding: [pads4[0]![0], pads4[1]![0]] });
    } else {
      const mode: PadMode = this.paddingMode === 'zeros' ? 'constant' : this.paddingMode;
      y = conv2d(pad(x4, pads4, { mode }), w4, this.bias, { ...common, padding: 0 });
    }
    if (dims === 1) y = reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!]);
    return batched ? y : reshape(y, y.shape.slice(1));
  }

  extraRepr(): string {
    const p = typeof this.padding === 'string' ? `'${this.padding}'` : `[${this.padding.join(', ')}]`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], padding=${p}, ` +
      `dilation=[${this.dilation.join(', ')}], groups=${this.groups}, bias=${this.bias !== null}, paddingMode='${this.paddingMode}'`;
  }
}

/**
 * 2-D convolution layer (cross-correlation, as PyTorch's `nn.Conv2d`):
 * y[n, o, i, j] = b[o] + Σ_{c ∈ group(o)} Σ_{a,b} W[o, c, a, b] · x̃[n, c, i·s_h + a·d_h, j·s_w + b·d_w],
 * where x̃ is x padded according to `padding` and `paddingMode`.
 * Output size ⌊(H + p_top + p_bottom − d(k − 1) − 1) / s⌋ + 1 per axis.
 * W [C_out, C_in/groups, kh, kw] and b [C_out] are initialised U(±1/√fanIn) with
 * fanIn = C_in/groups · kh · kw (PyTorch's kaiming-uniform with a = √5, and its bias bound).
 *
 * @example
 * ```ts
 * const conv = new Conv2d(3, 16, 3, { rng: new Rng(0), padding: 'same' });
 * conv.call(x);                 // x [N, 3, 32, 32] → [N, 16, 32, 32]
 * new Conv2d(16, 32, [3, 3], { rng, stride: 2, padding: 1, paddingMode: 'reflect' });
 * ```
 */
export class Conv2d extends ConvNd {
  /**
   * @param inChannels C_in
   * @param outChannels C_out
   * @param kernelSize k or [kh, kw]
   * @param opts `rng` (required), stride, padding, dilation, groups, bias, paddingMode, dtype
   * @throws ValueError for non-positive or fractional sizes, channels not divisible by groups,
   *   'same' with stride ≠ 1, or an unknown paddingMode
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number, number], opts: ConvOptions<2>) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }

  /**
   * @param x [N, C_in, H, W] or unbatched [C_in, H, W]
   * @returns [N, C_out, Ho, Wo] (or [C_out, Ho, Wo])
   * @throws ShapeError for the wrong rank or channel count, or a kernel larger than the padded input
   */
  forward(x: Tensor): Tensor {
    return this.convolve(x);
  }
}

/**
 * 1-D convolution layer (PyTorch's `nn.Conv1d`):
 * y[n, o, i] = b[o] + Σ_{c ∈ group(o)} Σ_a W[o, c, a] · x̃[n, c, i·s + a·d].
 * W [C_out, C_in/groups, k] and b [C_out] are initialised U(±1/√(C_in/groups · k)) (PyTorch).
 *
 * @example
 * ```ts
 * const conv = new Conv1d(4, 8, 5, { rng: new Rng(0), padding: 'same', paddingMode: 'circular' });
 * conv.call(x);                 // x [N, 4, 100] → [N, 8, 100]
 * ```
 */
export class Conv1d extends ConvNd {
  /**
   * @param inChannels C_in
   * @param outChannels C_out
   * @param kernelSize k
   * @param opts `rng` (required), stride, padding, dilation, groups, bias, paddingMode, dtype
   * @throws ValueError as {@link Conv2d}
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: ConvOptions<1>) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }

  /**
   * @param x [N, C_in, L] or unbatched [C_in, L]
   * @returns [N, C_out, Lo] (or [C_out, Lo])
   * @throws ShapeError for the wrong rank or channel count, or a kernel larger than the padded input
   */
  forward(x: Tensor): Tensor {
    return this.convolve(x);
  }
}

/**
 * Transposed 2-D convolution layer (PyTorch's `nn.ConvTranspose2d`), the adjoint of `Conv2d` with
 * the same stride, padding, dilation and groups: each input pixel scatters a W-weighted copy of the
 * kernel into the output. Output size H_out = (H − 1)·s − 2p + d·(k − 1) + outputPadding + 1.
 * W [C_in, C_out/groups, kh, kw] (PyTorch's layout) and b [C_out] are initialised
 * U(±1/√fanIn) with fanIn = C_out/groups · kh · kw (PyTorch computes the fan from W's axis 1).
 *
 * @example
 * ```ts
 * const up = new ConvTranspose2d(16, 8, 4, { rng: new Rng(0), stride: 2, padding: 1 });
 * up.call(x);                   // x [N, 16, 8, 8] → [N, 8, 16, 16]
 * new ConvTranspose2d(8, 4, 3, { rng, stride: 2, padding: 1 }).call(y, [15, 16]); // y [N, 8, 8, 8]
 * ```
 */
export class ConvTranspose2d extends Module<[Tensor, (readonly number[])?]> {
  /** Input channels C_in. */
  readonly inChannels: number;
  /** Output channels C_out. */
  readonly outChannels: number;
  /** [kh, kw]. */
  readonly kernelSize: readonly [number, number];
  /** [s_h, s_w]. */
  readonly stride: readonly [number, number];
  /** [p_h, p_w]. */
  readonly padding: readonly [number, number];
  /** Extra output rows/columns on the bottom/right. */
  readonly outputPadding: readonly [number, number];
  /** [d_h, d_w]. */
  readonly dilation: readonly [number, number];
  /** Channel groups. */
  readonly groups: number;

  /**
   * @param inChannels C_in
   * @param outChannels C_out
   * @param kernelSize k or [kh, kw]
   * @param opts `rng` (required), stride, padding, outputPadding, dilation, groups, bias, dtype
   * @throws ValueError for bad sizes, channels not divisible by groups, outputPadding ≥ max(stride,
   *   dilation), or a paddingMode other than 'zeros'
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number, number], opts: ConvTranspose2dOptions) {
    super();
    const name = 'ConvTranspose2d';
    this.inChannels = positiveInt(name, 'inChannels', inChannels);
    this.outChannels = positiveInt(name, 'outChannels', outChannels);
    if (!opts?.rng) throw new ValueError(`${name}: opts.rng is required (all randomness goes through an explicit Rng)`);
    const two = (n: string, v: unknown, min: number): [number, number] => sizes(name, n, v, 2, min) as [number, number];
    this.kernelSize = two('kernelSize', kernelSize, 1);
    this.stride = two('stride', opts.stride ?? 1, 1);
    this.padding = two('padding', opts.padding ?? 0, 0);
    this.outputPadding = two('outputPadding', opts.outputPadding ?? 0, 0);
    this.dilation = two('dilation', opts.dilation ?? 1, 1);
    this.groups = positiveInt(name, 'groups', opts.groups ?? 1);
    if ((opts.paddingMode ?? 'zeros') !== 'zeros') throw new ValueError(`${name}: only paddingMode 'zeros' is supported, got ${String(opts.paddingMode)}`);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(`${name}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${this.groups}`);
    }
    for (let i = 0; i < 2; i++) {
      if (this.outputPadding[i]! >= Math.max(this.stride[i]!, this.dilation[i]!)) {
        throw new ValueError(`${name}: outputPadding [${this.outputPadding.join(', ')}] must be smaller than stride [${this.stride.join(', ')}] or dilation [${this.dilation.join(', ')}]`);
      }
    }
    const dtype = floatDType(name, opts.dtype);
    const shape = [inChannels, outChannels / this.groups, ...this.kernelSize];
    this.registerParameter('weight', kaimingUniform(zeros(shape, { dtype }), opts.rng, { a: Math.sqrt(5) }));
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt((outChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1]);
      this.registerParameter('bias', uniformInit(zeros([outChannels], { dtype }), opts.rng, -bound, bound));
    }
  }

  /** W [C_in, C_out/groups, kh, kw]. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /** b [C_out], or null without bias. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /**
   * @param x [N, C_in, H, W] or unbatched [C_in, H, W]
   * @param outputSize optional [H_out, W_out] (or a longer shape ending in them, as PyTorch): picks the
   *   output padding per call, to undo a strided convolution whose input size was ambiguous; each
   *   must lie in [size without output padding, that + max(stride, dilation) − 1]
   * @returns [N, C_out, H_out, W_out] (or unbatched)
   * @throws ShapeError for the wrong rank or channel count, an empty output, or an unreachable outputSize
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const batched = x.ndim === 4;
    if ((!batched && x.ndim !== 3) || x.shape[batched ? 1 : 0] !== this.inChannels) {
      throw new ShapeError(`ConvTranspose2d: input ${fmtShape(x.shape)} must be [N, ${this.inChannels}, H, W] or unbatched [${this.inChannels}, H, W]`);
    }
    const xb = batched ? x : reshape(x, [1, ...x.shape]);
    if (outputSize !== undefined && (!Array.isArray(outputSize) || outputSize.length < 2 || !outputSize.every((v) => Number.isInteger(v) && v >= 0))) {
      throw new ValueError(`ConvTranspose2d: outputSize must be [H_out, W_out] (non-negative integers), got ${String(outputSize)}`);
    }
    const outPad: [number, number] = [this.outputPadding[0], this.outputPadding[1]];
    for (let i = 0; i < 2; i++) {
      const n = xb.shape[2 + i]!;
      const base = (n - 1) * this.stride[i]! - 2 * this.padding[i]! + this.dilation[i]! * (this.kernelSize[i]! - 1) + 1;
      if (outputSize !== undefined) {
        const want = outputSize[outputSize.length - 2 + i]!;
        const most = base + Math.max(this.stride[i]!, this.dilation[i]!) - 1;
        if (want < base || want > most) {
          throw new ShapeError(`ConvTranspose2d: outputSize [${outputSize.slice(-2).join(', ')}] is unreachable for input ${fmtShape(x.shape)}: spatial axis ${i} can be ${base}…${most}`);
        }
        outPad[i] = want - base;
      }
      const out = base + outPad[i]!;
      if (out < 1) throw new ShapeError(`ConvTranspose2d: input ${fmtShape(x.shape)} gives an empty output (size ${out} on spatial axis ${i}; padding [${this.padding.join(', ')}] is too large)`);
    }
    const y = convTranspose2d(xb, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, outputPadding: outPad,
    });
    return batched ? y : reshape(y, y.shape.slice(1));
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], ` +
      `padding=[${this.padding.join(', ')}], outputPadding=[${this.outputPadding.join(', ')}], dilation=[${this.dilation.join(', ')}], groups=${this.groups}, bias=${this.bias !== null}`;
  }
}
