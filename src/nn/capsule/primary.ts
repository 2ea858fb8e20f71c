/**
 * `PrimaryCapsules`: a convolution whose channels are read as capsule vectors (Sabour, Frosst &
 * Hinton 2017, "PrimaryCapsules" layer).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Conv2d } from '../conv.js';
import type { ConvOptions } from '../conv.js';
import { Module } from '../module.js';
import { squash } from './squash.js';

/** Options of {@link PrimaryCapsules}: those of the convolution (default stride 2, as in the paper). */
export type PrimaryCapsulesOptions = ConvOptions<2>;

/**
 * Primary capsules: a 2-D convolution with `capsuleTypes · capsuleDim` output channels, each
 * position's channels grouped into `capsuleTypes` vectors of length `capsuleDim` and squashed:
 *
 *   u_{(t, y, x)} = squash(conv(x)[t·D : (t+1)·D, y, x]).
 *
 * The paper's layer has 32 types of 8-D capsules from a 9×9, stride-2 convolution over 256 ReLU
 * channels (32·6·6 = 1152 capsules on MNIST). The output lists the capsules type-major:
 * index (t·H' + y)·W' + x.
 *
 * @example
 * ```ts
 * const prim = new PrimaryCapsules(16, 8, 4, 5, { rng: new Rng(0) }); // 8 types of 4-D capsules
 * prim.call(randn(rng, [2, 16, 12, 12])).shape; // [2, 8·4·4, 4]
 * ```
 */
export class PrimaryCapsules extends Module {
  /** Input channels. */
  readonly inChannels: number;
  /** Number of capsule types (channel groups). */
  readonly capsuleTypes: number;
  /** Length of each capsule vector. */
  readonly capsuleDim: number;
  /** The convolution. */
  readonly conv: Conv2d;

  /**
   * @param inChannels channels of the input feature map
   * @param capsuleTypes capsule types per position
   * @param capsuleDim length of each capsule vector
   * @param kernelSize convolution kernel size
   */
  constructor(inChannels: number, capsuleTypes: number, capsuleDim: number, kernelSize: number | readonly [number, number], opts: PrimaryCapsulesOptions) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['capsuleTypes', capsuleTypes], ['capsuleDim', capsuleDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`PrimaryCapsules: ${name} must be a positive integer, got ${v}`);
    }
    if (!opts?.rng) throw new ValueError('PrimaryCapsules: opts.rng is required (all randomness goes through an explicit Rng)');
    this.inChannels = inChannels;
    this.capsuleTypes = capsuleTypes;
    this.capsuleDim = capsuleDim;
    this.conv = this.registerModule('conv', new Conv2d(inChannels, capsuleTypes * capsuleDim, kernelSize, { stride: 2, ...opts }));
  }

  /**
   * @param x [B, inChannels, H, W]
   * @returns u [B, capsuleTypes·H'·W', capsuleDim], each row squashed
   */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`PrimaryCapsules: input ${fmtShape(x.shape)} must be [B, ${this.inChannels}, H, W]`);
    }
    const y = this.conv.call(x);
    const [B, , H, W] = y.shape as [number, number, number, number];
    const T = this.capsuleTypes, D = this.capsuleDim;
    const u = y.reshape([B, T, D, H * W]).permute([0, 1, 3, 2]).reshape([B, T * H * W, D]);
    return squash(u);
  }

  extraRepr(): string {
    return `inChannels=${this.inChannels}, capsuleTypes=${this.capsuleTypes}, capsuleDim=${this.capsuleDim}`;
  }
}
