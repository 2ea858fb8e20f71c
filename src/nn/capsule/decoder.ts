/**
 * `CapsuleDecoder`: the reconstruction network of a capsule network (Sabour, Frosst & Hinton 2017,
 * §4.1, Fig. 2), with masking by the true or the predicted class.
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { FloatDType } from '../parameter.js';
import { capsuleLengths, oneHot } from './margin-loss.js';

/** Options of {@link CapsuleDecoder}. */
export interface CapsuleDecoderOptions {
  /** Source of the initial weights (required). */
  rng: Rng;
  /** Hidden layer widths (default [512, 1024], the paper's). */
  hidden?: readonly number[];
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/**
 * Reconstruction decoder: all class capsules but one are masked to zero — the true class's during
 * training, the longest (predicted) one otherwise — and the masked [K·D] vector goes through
 * fully connected ReLU layers and a sigmoid output layer of the image's size. The paper adds the
 * summed squared reconstruction error scaled by 0.0005 to the margin loss (a regulariser), and uses
 * the decoder to show what the pose dimensions encode.
 *
 * @example
 * ```ts
 * const dec = new CapsuleDecoder(10, 16, 784, { rng: new Rng(0) });
 * const img = dec.call(v, labels); // v [B, 10, 16] → [B, 784] in (0, 1)
 * ```
 */
export class CapsuleDecoder extends Module<[Tensor, (Int32Array | readonly number[])?], Tensor> {
  /** Class capsules K. */
  readonly numCapsules: number;
  /** Length D of each class capsule. */
  readonly capsuleDim: number;
  /** Size of the reconstruction. */
  readonly outFeatures: number;
  private readonly layers: Linear[] = [];

  constructor(numCapsules: number, capsuleDim: number, outFeatures: number, opts: CapsuleDecoderOptions) {
    super();
    for (const [name, v] of [['numCapsules', numCapsules], ['capsuleDim', capsuleDim], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`CapsuleDecoder: ${name} must be a positive integer, got ${v}`);
    }
    if (!opts?.rng) throw new ValueError('CapsuleDecoder: opts.rng is required (all randomness goes through an explicit Rng)');
    const hidden = opts.hidden ?? [512, 1024];
    for (const h of hidden) if (!Number.isInteger(h) || h < 1) throw new ValueError(`CapsuleDecoder: hidden widths must be positive integers, got [${hidden.join(', ')}]`);
    this.numCapsules = numCapsules;
    this.capsuleDim = capsuleDim;
    this.outFeatures = outFeatures;
    const widths = [numCapsules * capsuleDim, ...hidden, outFeatures];
    for (let l = 0; l + 1 < widths.length; l++) {
      this.layers.push(this.registerModule(String(l), new Linear(widths[l]!, widths[l + 1]!, { rng: opts.rng, dtype: opts.dtype })));
    }
  }

  /**
   * The masked capsules: v with every capsule but the chosen class's set to zero.
   * @param v [B, K, D]
   * @param labels the class to keep per sample (default: the longest capsule)
   * @returns [B, K, D]
   */
  mask(v: Tensor, labels?: Int32Array | readonly number[]): Tensor {
    if (v.ndim !== 3 || v.shape[1] !== this.numCapsules || v.shape[2] !== this.capsuleDim) {
      throw new ShapeError(`CapsuleDecoder: capsules ${fmtShape(v.shape)} must be [B, ${this.numCapsules}, ${this.capsuleDim}]`);
    }
    const B = v.shape[0]!, K = this.numCapsules;
    const keep = labels ?? Array.from(capsuleLengths(v.detach()).argmax(1).toFlatArray());
    if (v.dtype !== 'float32' && v.dtype !== 'float64') throw new ValueError(`CapsuleDecoder: capsules must be float32 or float64, got ${v.dtype}`);
    return v.mul(oneHot('CapsuleDecoder', keep, B, K, v.dtype).unsqueeze(2));
  }

  /**
   * @param v class capsules [B, K, D]
   * @param labels true classes (training) — omitted: mask by the predicted class
   * @returns reconstructions [B, outFeatures] in (0, 1)
   */
  forward(v: Tensor, labels?: Int32Array | readonly number[]): Tensor {
    let h = this.mask(v, labels).reshape([v.shape[0]!, this.numCapsules * this.capsuleDim]);
    this.layers.forEach((lin, l) => {
      h = lin.call(h);
      h = l + 1 < this.layers.length ? h.relu() : h.sigmoid();
    });
    return h;
  }

  extraRepr(): string {
    return `numCapsules=${this.numCapsules}, capsuleDim=${this.capsuleDim}, outFeatures=${this.outFeatures}`;
  }
}
