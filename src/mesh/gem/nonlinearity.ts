/**
 * RegularNonlinearity: the pointwise nonlinearity of GEM-CNN (de Haan, Weiler, Cohen & Welling,
 * "Gauge Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425, §5). A channel [a₀, c₁, s₁, …, c_L,
 * s_L] is read as the band-limited function F(t) = a₀ + Σ_l c_l cos lt + s_l sin lt on the circle;
 * it is sampled at N angles t_i = 2πi/N, a pointwise σ is applied, and the samples are projected
 * back onto the Fourier coefficients. See docs/design/gem.md.
 * @module
 */
import { Module } from '../../nn/module.js';
import { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/index.js';
import { constantOf } from './conv.js';
import { so2Width } from './transport.js';

/** Options of {@link RegularNonlinearity} (arXiv:2003.05425). */
export interface RegularNonlinearityOptions {
  /** Number of samples N: odd and ≥ 2L + 1 (default 4L + 3, which also resolves σ(F) to twice the input band). */
  samples?: number;
  /** The pointwise nonlinearity σ (default ReLU). */
  activation?: (t: Tensor) => Tensor;
}

/**
 * The sampling matrix A [N, 2L+1] (arXiv:2003.05425): row i = (1, √2 cos t_i, √2 sin t_i, …,
 * √2 cos L t_i, √2 sin L t_i)/√N at t_i = 2πi/N. Its columns are orthonormal when N ≥ 2L + 1, so
 * Aᵀ A = I and the projection Aᵀ σ(A f) reproduces f for σ = identity.
 */
export function regularSamplingMatrix(maxOrder: number, samples: number): Float64Array {
  const w = so2Width(maxOrder), A = new Float64Array(samples * w), a = 1 / Math.sqrt(samples), b = Math.SQRT2 * a;
  for (let i = 0; i < samples; i++) {
    const t = (2 * Math.PI * i) / samples;
    A[i * w] = a;
    for (let l = 1; l <= maxOrder; l++) {
      A[i * w + 2 * l - 1] = b * Math.cos(l * t);
      A[i * w + 2 * l] = b * Math.sin(l * t);
    }
  }
  return A;
}

/**
 * The regular nonlinearity of GEM-CNN (arXiv:2003.05425, §5): f ↦ Aᵀ σ(A f) per channel, with A
 * from {@link regularSamplingMatrix}. A gauge change by φ shifts F(t) to F(t − φ); when φ is a
 * multiple of 2π/N this permutes the samples and the layer is exactly gauge equivariant; for
 * other angles it is equivariant up to an error that shrinks as N grows (aliasing of σ(F)).
 * With σ = identity it is the identity exactly when N ≥ 2L + 1.
 * @example
 * ```ts
 * const nl = new RegularNonlinearity(2, { samples: 7 }); // ReLU sampled at 7 angles
 * const y = nl.call(x); // x, y: [V, C·5]
 * ```
 */
export class RegularNonlinearity extends Module<[Tensor], Tensor> {
  /** L. */
  readonly maxOrder: number;
  /** N. */
  readonly samples: number;
  /** σ. */
  readonly activation: (t: Tensor) => Tensor;
  private readonly A: Float64Array;

  constructor(maxOrder: number, opts: RegularNonlinearityOptions = {}) {
    super();
    if (!Number.isInteger(maxOrder) || maxOrder < 0) throw new ValueError(`RegularNonlinearity: maxOrder must be an integer ≥ 0, got ${maxOrder}`);
    this.maxOrder = maxOrder;
    const N = opts.samples ?? 4 * maxOrder + 3;
    if (!Number.isInteger(N) || N < 1 || N % 2 === 0) throw new ValueError(`RegularNonlinearity: samples must be an odd positive integer, got ${N}`);
    if (N < 2 * maxOrder + 1) throw new ValueError(`RegularNonlinearity: samples = ${N} < 2L + 1 = ${2 * maxOrder + 1} cannot represent ρ₀ ⊕ … ⊕ ρ_${maxOrder} (the identity would not be reproduced)`);
    this.samples = N;
    this.activation = opts.activation ?? ((t) => t.relu());
    this.A = regularSamplingMatrix(maxOrder, N);
  }

  /**
   * @param x [V, C·(2L+1)]
   * @returns [V, C·(2L+1)]
   */
  forward(x: Tensor): Tensor {
    const w = so2Width(this.maxOrder);
    if (!(x instanceof Tensor) || x.ndim !== 2 || x.shape[1]! % w !== 0 || x.shape[1] === 0) {
      throw new ShapeError(`RegularNonlinearity: expected features [V, C·${w}] (channels of ρ₀ ⊕ … ⊕ ρ_${this.maxOrder}), got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    const V = x.shape[0]!, C = x.shape[1]! / w, N = this.samples;
    const A = constantOf(this.A, [N, w], x.dtype);
    const s = x.reshape([V * C, w]).matmul(A.transpose(0, 1));
    return this.activation(s).matmul(A).reshape([V, C * w]);
  }

  extraRepr(): string {
    return `L=${this.maxOrder}, N=${this.samples}`;
  }
}
