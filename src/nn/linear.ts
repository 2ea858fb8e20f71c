/**
 * Dense layers: `Linear` (y = xWᵀ + b) and `Bilinear` (y = x₁ᵀAx₂ + b), with PyTorch's layouts and
 * default initialisation.
 * @module
 */
import { Tensor, matmul, zeros } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { kaimingUniform, uniformInit } from './init.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** Options of `Linear` and `Bilinear`. */
export interface LinearOptions {
  /** Source of the initial weights (required: all randomness is explicit). */
  rng: Rng;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

function checkSize(op: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${n}`);
}

/**
 * Fully connected layer: y = x Wᵀ + b, with W [out, in] and b [out] (PyTorch layout). Both are
 * initialised U(±1/√in) (PyTorch's kaiming-uniform with a = √5).
 *
 * @example
 * ```ts
 * const lin = new Linear(3, 2, { rng: new Rng(0) });
 * const y = lin.call(randn(rng, [8, 3])); // [8, 2]
 * ```
 */
export class Linear extends Module {
  /** Input features. */
  readonly inFeatures: number;
  /** Output features. */
  readonly outFeatures: number;

  /**
   * @param inFeatures size of the last input axis
   * @param outFeatures size of the last output axis
   */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    if (!opts?.rng) throw new ValueError('Linear: opts.rng is required (all randomness goes through an explicit Rng)');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = floatDType('Linear', opts.dtype);
    const w = kaimingUniform(zeros([outFeatures, inFeatures], { dtype }), opts.rng, { a: Math.sqrt(5) });
    this.registerParameter('weight', w);
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.registerParameter('bias', uniformInit(zeros([outFeatures], { dtype }), opts.rng, -bound, bound));
    }
  }

  /** W [out, in]. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /** b [out], or null without bias. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /**
   * @param x [..., in]
   * @returns [..., out]
   */
  forward(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear: input ${fmtShape(x.shape)} must end in ${this.inFeatures} features`);
    }
    const w = this.weight;
    const y = x.ndim === 1 ? matmul(x.reshape([1, this.inFeatures]), w, { transB: true }).reshape([this.outFeatures]) : matmul(x, w, { transB: true });
    const b = this.bias;
    return b ? y.add(b) : y;
  }

  extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Bilinear layer: y_k = x₁ᵀ A_k x₂ + b_k, with A [out, in1, in2] and b [out], both initialised
 * U(±1/√in1) (PyTorch).
 *
 * @example
 * ```ts
 * const bl = new Bilinear(3, 4, 2, { rng: new Rng(0) });
 * const y = bl.call(randn(rng, [8, 3]), randn(rng, [8, 4])); // [8, 2]
 * ```
 */
export class Bilinear extends Module<[Tensor, Tensor]> {
  /** First input's features. */
  readonly in1Features: number;
  /** Second input's features. */
  readonly in2Features: number;
  /** Output features. */
  readonly outFeatures: number;

  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: LinearOptions) {
    super();
    checkSize('Bilinear', 'in1Features', in1Features);
    checkSize('Bilinear', 'in2Features', in2Features);
    checkSize('Bilinear', 'outFeatures', outFeatures);
    if (!opts?.rng) throw new ValueError('Bilinear: opts.rng is required (all randomness goes through an explicit Rng)');
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    const dtype = floatDType('Bilinear', opts.dtype);
    const bound = 1 / Math.sqrt(in1Features);
    this.registerParameter('weight', uniformInit(zeros([outFeatures, in1Features, in2Features], { dtype }), opts.rng, -bound, bound));
    if (opts.bias ?? true) this.registerParameter('bias', uniformInit(zeros([outFeatures], { dtype }), opts.rng, -bound, bound));
  }

  /** A [out, in1, in2]. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /** b [out], or null without bias. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /**
   * @param x1 [..., in1]
   * @param x2 [..., in2] (same leading axes as x1)
   * @returns [..., out]
   */
  forward(x1: Tensor, x2: Tensor): Tensor {
    const lead = x1.shape.slice(0, -1);
    const ok =
      x1.ndim >= 1 && x1.ndim === x2.ndim && x1.shape[x1.ndim - 1] === this.in1Features && x2.shape[x2.ndim - 1] === this.in2Features &&
      lead.every((d, i) => d === x2.shape[i]);
    if (!ok) {
      throw new ShapeError(`Bilinear: inputs ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)} must be [..., ${this.in1Features}] and [..., ${this.in2Features}] with equal leading axes`);
    }
    const [O, I, J] = [this.outFeatures, this.in1Features, this.in2Features];
    const n = lead.reduce((a, b) => a * b, 1);
    const a = this.weight.permute([1, 0, 2]).reshape([I, O * J]);
    const t = x1.reshape([n, I]).matmul(a).reshape([n, O, J]);
    let y = t.mul(x2.reshape([n, 1, J])).sum(2);
    const b = this.bias;
    if (b) y = y.add(b);
    return y.reshape([...lead, O]);
  }

  extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
