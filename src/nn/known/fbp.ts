/**
 * Filtered backprojection (FBP) for parallel-beam CT as a network layer: filter every projection
 * along the detector axis in the Fourier domain, then backproject,
 *
 *   f̂ = (π / A) · Aᵀ · F⁻¹( H ⊙ F( pad(p) ) ),
 *
 * with A the projector of ./radon.ts (Aᵀ its linear-interpolation backprojector), F the real FFT
 * along the detectors (zero-padded to n ≥ 2D − 1 so the filtering is a linear convolution) and
 * H the filter: the ramp (Ram-Lak) for the classical reconstruction, or learned — the only
 * trainable part of a "known operator" reconstruction network (Maier et al., Nature Machine
 * Intelligence 2019; Würfl et al., "Deep learning computed tomography", MICCAI 2016).
 * @module
 */
import { mul, tensor } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import type { ParallelBeamProjector } from './radon.js';
import { SpectralFilter } from './spectral-filter.js';

/**
 * The discrete ramp (Ram-Lak) filter's frequency response on the n/2 + 1 rfft bins of FFT size n,
 * for detector spacing Δs: H = Re DFT(h)/Δs of the band-limited ramp's sampled impulse response
 * (Kak & Slaney, eq. 3.61): h₀ = 1/4, h_k = −1/(π k)² for odd k, 0 for even k ≠ 0 (k taken
 * circularly, |k| ≤ n/2). Unlike the sampled |ν|, its DC gain is not zero but the small positive
 * value that removes the DC shift of a truncated ramp. H_k ≈ |ν_k|/Δs, ν_k = k/n cycles per bin.
 *
 * @returns Float64Array [⌊n/2⌋ + 1]
 * @throws ValueError for n < 2 or a bad spacing
 */
export function rampFilter(n: number, spacing = 1): Float64Array {
  if (!Number.isInteger(n) || n < 2) throw new ValueError(`rampFilter: FFT size must be an integer ≥ 2, got ${n}`);
  if (!(spacing > 0)) throw new ValueError(`rampFilter: spacing must be positive, got ${spacing}`);
  const h = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const k = j <= n / 2 ? j : j - n;
    h[j] = k === 0 ? 0.25 : Math.abs(k) % 2 === 1 ? -1 / (Math.PI * Math.PI * k * k) : 0;
  }
  const m = Math.floor(n / 2) + 1, out = new Float64Array(m);
  for (let q = 0; q < m; q++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += h[j]! * Math.cos((2 * Math.PI * q * j) / n);
    out[q] = s / spacing;
  }
  return out;
}

/** The smallest power of two ≥ 2D − 1 (linear, not circular, filtering of D detector bins), at least 64. */
export function fbpFftSize(detectors: number): number {
  let n = 64;
  while (n < 2 * detectors - 1) n *= 2;
  return n;
}

/** Options of {@link FilteredBackprojection}. */
export interface FilteredBackprojectionOptions {
  /** Learn the filter's response (default false: the fixed ramp). */
  learnable?: boolean;
  /** Initial response: 'ramp' (default), 'zeros', or an explicit [n/2 + 1] tensor. */
  init?: 'ramp' | 'zeros' | Tensor;
  /** FFT size along the detectors (default {@link fbpFftSize}). */
  n?: number;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * Filtered backprojection as a layer: sinogram p [..., A, D] → image [..., H, W],
 * f̂ = (π/A)·Aᵀ F⁻¹(H ⊙ F p). With the default ramp H it is the classical reconstruction; with
 * `learnable: true` the n/2 + 1 filter gains are its only parameters (the projector A and the
 * FFT are fixed known operators).
 *
 * @example
 * ```ts
 * const radon = new ParallelBeamProjector(32, 32, { angles: 48 });
 * const fbp = new FilteredBackprojection(radon, { dtype: 'float64' });
 * const rec = fbp.call(radon.project(img)); // ≈ img
 * ```
 */
export class FilteredBackprojection extends Module {
  /** The projector whose adjoint backprojects. */
  readonly projector: ParallelBeamProjector;
  /** FFT size along the detectors. */
  readonly n: number;
  /** The detector-axis filter (its `response` is H). */
  readonly filter: SpectralFilter;

  constructor(projector: ParallelBeamProjector, opts: FilteredBackprojectionOptions = {}) {
    super();
    this.projector = projector;
    const dtype = floatDType('FilteredBackprojection', opts.dtype);
    this.n = opts.n ?? fbpFftSize(projector.detectors);
    if (!Number.isInteger(this.n) || this.n < projector.detectors) {
      throw new ValueError(`FilteredBackprojection: FFT size n must be an integer ≥ the ${projector.detectors} detectors, got ${this.n}`);
    }
    const init = opts.init ?? 'ramp';
    const m = Math.floor(this.n / 2) + 1;
    let h: Tensor;
    if (init === 'ramp') h = tensor(rampFilter(this.n, projector.spacing), { dtype });
    else if (init === 'zeros') h = tensor(new Float64Array(m), { dtype });
    else if (typeof init === 'object') h = init;
    else throw new ValueError(`FilteredBackprojection: init must be 'ramp', 'zeros' or a tensor, got ${String(init)}`);
    this.filter = this.registerModule('filter', new SpectralFilter(projector.detectors, { n: this.n, init: h, learnable: opts.learnable ?? false, dtype }));
  }

  /** The filtered sinogram F⁻¹(H ⊙ F p), [..., A, D]. */
  filtered(p: Tensor): Tensor {
    return this.filter.call(p);
  }

  /** p [..., A, D] → the reconstruction [..., H, W]. */
  forward(p: Tensor): Tensor {
    return mul(this.projector.backproject(this.filtered(p)), Math.PI / this.projector.angles.length);
  }
}
