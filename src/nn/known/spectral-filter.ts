/**
 * Spectral filtering with a learnable frequency response — the "FFT layer" of known-operator
 * learning (Maier et al., "Learning with known operators reduces maximum error bounds", Nature
 * Machine Intelligence 1, 2019): the transform is fixed (the FFT, no parameters), only the
 * per-frequency gain is learned.
 *
 * 1-D: y = irfft(H ⊙ rfft(pad(x, n)), n)[: m] over the last axis; 2-D: the same with rfft2/irfft2
 * over the last two axes. H is real (a zero-phase filter, one gain per rfft bin) or complex
 * (`[..., 2]` re/im pairs, the convention of src/tensor/ops/fft.ts). Zero-padding to `n` ≥ 2m − 1
 * turns the circular convolution of the DFT into a linear one.
 * @module
 */
import { concat, irfft, irfft2, mul, ones, rfft, rfft2, slice, sub, add, stack, zeros } from '../../tensor/index.js';
import type { SliceSpec, Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { Parameter, floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';

/** Options of {@link spectralFilter}. */
export interface SpectralFilterOptions {
  /** 1 (last axis) or 2 (last two axes). Default 1. */
  dims?: 1 | 2;
  /** FFT size(s): the signal is zero-padded to this before the transform and cropped back after (default: the signal size, i.e. circular filtering). */
  n?: number | readonly [number, number];
}

/** The rfft shape of a signal of FFT size `n`: 1-D [⌊n/2⌋+1], 2-D [n₀, ⌊n₁/2⌋+1]. */
export function spectrumShape(n: number | readonly [number, number]): number[] {
  return typeof n === 'number' ? [Math.floor(n / 2) + 1] : [n[0], Math.floor(n[1] / 2) + 1];
}

function checkSizes(op: string, v: unknown, dims: 1 | 2): number[] {
  const arr = typeof v === 'number' ? (dims === 1 ? [v] : null) : Array.isArray(v) && v.length === dims ? (v as number[]) : null;
  if (arr === null || !arr.every((q) => typeof q === 'number' && Number.isInteger(q) && q >= 1)) {
    throw new ValueError(`${op}: n must be ${dims === 1 ? 'a positive integer' : 'two positive integers'}, got ${String(v)}`);
  }
  return [...arr];
}

/** Complex product of [..., 2] pairs (broadcasting). */
function cmul(a: Tensor, b: Tensor): Tensor {
  const re = (t: Tensor) => slice(t, [...new Array<SliceSpec>(t.ndim - 1).fill(null), 0]);
  const im = (t: Tensor) => slice(t, [...new Array<SliceSpec>(t.ndim - 1).fill(null), 1]);
  const ar = re(a), ai = im(a), br = re(b), bi = im(b);
  return stack([sub(mul(ar, br), mul(ai, bi)), add(mul(ar, bi), mul(ai, br))], -1);
}

/**
 * Filter `x` through the DFT with frequency response `response`:
 *
 *   1-D: y = irfft(H ⊙ rfft(x, n), n)[..., :m]   (x [..., m], H [⌊n/2⌋+1] real or [⌊n/2⌋+1, 2] complex)
 *   2-D: y = irfft2(H ⊙ rfft2(x, s), s)[..., :a, :b]   (x [..., a, b], H [s₀, ⌊s₁/2⌋+1] or [..., 2])
 *
 * A real H is a zero-phase filter (it scales re and im of each bin alike). Differentiable in x and
 * in H (the FFTs are the differentiable ops of src/tensor/ops/fft.ts).
 *
 * @throws ShapeError when x has too few axes or H does not have the spectrum's shape
 * @throws ValueError for an FFT size smaller than the signal
 */
export function spectralFilter(x: Tensor, response: Tensor, opts: SpectralFilterOptions = {}): Tensor {
  const dims = opts.dims ?? 1;
  if (dims !== 1 && dims !== 2) throw new ValueError(`spectralFilter: dims must be 1 or 2, got ${String(dims)}`);
  if (x.ndim < dims) throw new ShapeError(`spectralFilter: input ${fmtShape(x.shape)} needs at least ${dims} axes`);
  const sig = x.shape.slice(x.ndim - dims);
  const n = opts.n === undefined ? sig : checkSizes('spectralFilter', opts.n, dims);
  for (let i = 0; i < dims; i++) {
    if (n[i]! < sig[i]!) throw new ValueError(`spectralFilter: FFT size ${n.join('×')} is smaller than the signal ${sig.join('×')} of input ${fmtShape(x.shape)}`);
  }
  const spec = spectrumShape(dims === 1 ? n[0]! : [n[0]!, n[1]!]);
  const complex = response.ndim === spec.length + 1 && response.shape[response.ndim - 1] === 2;
  const rs = complex ? response.shape.slice(0, -1) : response.shape;
  if (rs.length !== spec.length || rs.some((d, i) => d !== spec[i])) {
    throw new ShapeError(`spectralFilter: response ${fmtShape(response.shape)} must be ${fmtShape(spec)} (real) or ${fmtShape([...spec, 2])} (complex) for FFT size ${n.join('×')} of input ${fmtShape(x.shape)}`);
  }
  const X = dims === 1 ? rfft(x, { n: n[0]! }) : rfft2(x, { s: [n[0]!, n[1]!] });
  const Y = complex ? cmul(X, response) : mul(X, response.reshape([...spec, 1]));
  const y = dims === 1 ? irfft(Y, { n: n[0]! }) : irfft2(Y, { s: [n[0]!, n[1]!] });
  const same = sig.every((d, i) => d === n[i]);
  if (same) return y;
  const specs: SliceSpec[] = new Array<SliceSpec>(y.ndim).fill(null);
  for (let i = 0; i < dims; i++) specs[y.ndim - dims + i] = [0, sig[i]!];
  return slice(y, specs);
}

/** Options of the {@link SpectralFilter} module. */
export interface SpectralFilterModuleOptions {
  /** 1 (last axis, default) or 2 (last two axes). */
  dims?: 1 | 2;
  /** FFT size(s) (default: the signal size). Use ≥ 2m − 1 for linear (not circular) filtering. */
  n?: number | readonly [number, number];
  /** Learn a complex response (amplitude and phase) instead of a real, zero-phase one (default false). */
  complex?: boolean;
  /** Initial response (real [spectrum] or complex [spectrum, 2]); default all-pass (ones). */
  init?: Tensor;
  /** Learn the response (default true); false makes it a fixed buffer. */
  learnable?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * A filter whose only parameters are its frequency response: y = F⁻¹(H ⊙ F x) along the last
 * axis (or the last two), F the real FFT (fixed, parameter-free), H learned: ⌊n/2⌋+1 real
 * gains (or complex ones) instead of the n² weights of a dense layer that would have to learn
 * the transform too (Maier et al., Nat. Mach. Intell. 2019).
 *
 * @example
 * ```ts
 * const f = new SpectralFilter(16, { n: 32, dtype: 'float64' });  // signals of length 16, padded FFT of 32
 * f.response.shape; // [17]
 * f.call(x);        // x [..., 16] → [..., 16]
 * ```
 */
export class SpectralFilter extends Module {
  /** Signal size(s) along the filtered axes. */
  readonly size: readonly number[];
  /** FFT size(s). */
  readonly n: readonly number[];
  /** 1 or 2 filtered axes. */
  readonly dims: 1 | 2;
  /** Whether the response is a parameter (else a buffer). */
  readonly learnable: boolean;

  /**
   * @param size signal length (1-D) or [height, width] (2-D)
   */
  constructor(size: number | readonly [number, number], opts: SpectralFilterModuleOptions = {}) {
    super();
    const dims = opts.dims ?? (typeof size === 'number' ? 1 : 2);
    if (dims !== 1 && dims !== 2) throw new ValueError(`SpectralFilter: dims must be 1 or 2, got ${String(dims)}`);
    this.dims = dims;
    this.size = checkSizes('SpectralFilter', size, dims);
    this.n = opts.n === undefined ? this.size : checkSizes('SpectralFilter', opts.n, dims);
    if (this.n.some((v, i) => v < this.size[i]!)) throw new ValueError(`SpectralFilter: FFT size ${this.n.join('×')} is smaller than the signal ${this.size.join('×')}`);
    const dtype = floatDType('SpectralFilter', opts.dtype);
    const spec = spectrumShape(dims === 1 ? this.n[0]! : [this.n[0]!, this.n[1]!]);
    const shape = opts.complex ? [...spec, 2] : spec;
    let h: Tensor;
    if (opts.init !== undefined) {
      if (opts.init.shape.length !== shape.length || opts.init.shape.some((d, i) => d !== shape[i])) {
        throw new ShapeError(`SpectralFilter: init ${fmtShape(opts.init.shape)} must be ${fmtShape(shape)}`);
      }
      h = opts.init.cast(dtype).clone();
    } else {
      const one = ones(spec, { dtype });
      h = opts.complex ? concat([one.reshape([...spec, 1]), zeros([...spec, 1], { dtype })], -1) : one;
    }
    this.learnable = opts.learnable !== false;
    if (!this.learnable) this.registerBuffer('response', h.detach());
    else this.registerParameter('response', new Parameter(h));
  }

  /** The frequency response H: [spectrum] (real) or [spectrum, 2] (complex). */
  get response(): Tensor {
    return this.learnable ? this.getParameter('response') : this.getBuffer('response');
  }

  /** x [..., size] → [..., size]. */
  forward(x: Tensor): Tensor {
    const sig = x.shape.slice(x.ndim - this.dims);
    if (x.ndim < this.dims || sig.some((d, i) => d !== this.size[i])) {
      throw new ShapeError(`SpectralFilter: input ${fmtShape(x.shape)} must end in ${this.size.join('×')}`);
    }
    return spectralFilter(x, this.response, { dims: this.dims, n: this.dims === 1 ? this.n[0]! : [this.n[0]!, this.n[1]!] });
  }
}
