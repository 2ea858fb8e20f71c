/**
 * `NormActivation`: a nonlinearity on the norms of irrep copies (e3nn's `nn.NormActivation`).
 * @module
 */
import { Tensor, concat, maximum, zeros } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { Irreps, irrepDim } from './irreps.js';
import type { IrrepsLike } from './irreps.js';
import { activationFunction } from './scalar-activation.js';
import type { ScalarActivation } from './scalar-activation.js';

/** Options of {@link NormActivation}. */
export interface NormActivationOptions {
  /** Divide the activation by the norm, y = x·σ(‖x‖)/‖x‖ (default true); false: y = x·σ(‖x‖). */
  normalize?: boolean;
  /** ‖x‖² is clamped below at ε² (default ε = 1e−8), keeping 1/‖x‖ finite. */
  epsilon?: number;
  /** Learn a bias b per copy: σ(‖x‖ + b) (default false), initialised to 0. */
  bias?: boolean;
  /** Element type of the bias (default float32). */
  dtype?: FloatDType;
}

/**
 * y_u = x_u · σ(‖x_u‖ + b_u) / ‖x_u‖ for every irrep copy u (‖x_u‖² clamped below at ε²). The
 * factor is invariant, so the map is equivariant for every irrep and parity; the output irreps
 * are the input irreps. (e3nn's `NormActivation`, Weiler et al. arXiv:1807.02547.)
 *
 * @example
 * ```ts
 * const act = new NormActivation('4x0e+2x1o', 'sigmoid');
 * ```
 */
export class NormActivation extends Module {
  /** Input (= output) irreps. */
  readonly irrepsIn: Irreps;
  /** Output irreps (= input). */
  readonly irrepsOut: Irreps;
  readonly normalize: boolean;
  readonly epsilon: number;
  private readonly act: (t: Tensor) => Tensor;

  constructor(irrepsIn: IrrepsLike, act: ScalarActivation, opts: NormActivationOptions = {}) {
    super();
    this.irrepsIn = Irreps.of(irrepsIn);
    this.irrepsOut = this.irrepsIn;
    this.act = activationFunction(act, 'NormActivation');
    this.normalize = opts.normalize ?? true;
    this.epsilon = opts.epsilon ?? 1e-8;
    if (!(this.epsilon > 0)) throw new ValueError(`NormActivation: epsilon must be > 0, got ${this.epsilon}`);
    if (opts.bias) this.registerParameter('bias', zeros([this.irrepsIn.numIrreps], { dtype: floatDType('NormActivation', opts.dtype) }));
  }

  /**
   * @param x [..., irrepsIn.dim]
   * @returns [..., irrepsIn.dim]
   */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ValueError('NormActivation: x must be a Tensor');
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.irrepsIn.dim) throw new ShapeError(`NormActivation: input ${fmtShape(x.shape)} must end in ${this.irrepsIn.dim} features (${this.irrepsIn})`);
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`NormActivation: input must be float32 or float64, got ${x.dtype}`);
    const lead = x.shape.slice(0, -1);
    const B = lead.reduce((a, b) => a * b, 1);
    const x2 = x.reshape([B, this.irrepsIn.dim]);
    const bias = this.maybeParameter('bias');
    const parts: Tensor[] = [];
    let c = 0;
    this.irrepsIn.blocks.forEach((b, i) => {
      if (b.mul === 0) return;
      const d = irrepDim(b.ir);
      const [s, e] = this.irrepsIn.slice(i);
      const v = x2.slice([null, [s, e]]).reshape([B, b.mul, d]);
      const n = maximum(v.square().sum(2), this.epsilon ** 2).sqrt(); // [B, mul]
      let arg = n;
      if (bias) arg = arg.add(bias.slice([[c, c + b.mul]]));
      let f = this.act(arg);
      if (this.normalize) f = f.div(n);
      parts.push(v.mul(f.reshape([B, b.mul, 1])).reshape([B, b.mul * d]));
      c += b.mul;
    });
    const out = parts.length === 0 ? x2 : parts.length === 1 ? parts[0]! : concat(parts, 1);
    return out.reshape([...lead, this.irrepsIn.dim]);
  }

  extraRepr(): string {
    return `${this.irrepsIn}, normalize=${this.normalize}, epsilon=${this.epsilon}`;
  }
}
