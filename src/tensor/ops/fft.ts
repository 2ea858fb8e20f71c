/**
 * Discrete Fourier transforms with gradients: {@link fft}, {@link ifft}, {@link rfft}, {@link irfft},
 * {@link fft2}, {@link ifft2}, {@link rfft2}, {@link irfft2}, with PyTorch's `torch.fft` semantics
 * (signal sizes `n`/`s`, `dim`, and the norm modes 'backward' | 'ortho' | 'forward').
 *
 * **Complex convention.** erlangen has no complex dtype. A complex tensor of shape `[..., n]` is a
 * real (float32/float64) tensor of shape `[..., n, 2]` whose trailing axis holds the (re, im) pair,
 * exactly like `torch.view_as_real`. `dim` always counts the *complex* axes (the shape without
 * the trailing 2). Real inputs (`rfft`) and real outputs (`irfft`) are ordinary tensors.
 *
 * One primitive, `fftC2C` (kernel in src/backend/js/fft.ts: radix-2² for powers of two, Bluestein
 * for any other length, float64 internally), transforms along the last complex axis, and a second,
 * `rfftR2C`, the one-sided transform of a real last axis (a half-length complex transform for even
 * n; its gradient is composed from `fftC2C`); everything
 * else (padding/trimming to `n`, moving `dim`, the Hermitian extension of `irfft`, taking a real
 * part) is composed from differentiable ops, so gradients of every op follow from the adjoint of
 * the primitive: for y = c·F_s x (F_s the unnormalised DFT with exponent sign s), the gradient of
 * a real loss is ḡx = c·F_{−s} ḡy, with gradients of complex values as (∂/∂re, ∂/∂im) pairs.
 * docs/design/fft.md has the design.
 * @module
 */
import { IndexError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply } from '../engine.js';
import type { OpDef } from '../op-def.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './base.js';
import { mul } from './elementwise.js';
import { concat, flip, slice, transpose, type SliceSpec } from './layout.js';
import { zeros } from '../creation.js';
import { requireTensor } from '../shape-util.js';
import type { FftAttrs, RfftAttrs } from '../../backend/js/fft.js';

/** Normalisation mode, as in `torch.fft`: which direction carries the 1/n ('ortho': 1/√n both ways). */
export type FftNorm = 'backward' | 'ortho' | 'forward';

/** Options of the 1-D transforms. */
export interface FftOptions {
  /** Signal length: the input is zero-padded or trimmed to `n` along `dim` (irfft: the output length). */
  n?: number;
  /** The (complex, for fft/ifft/irfft) axis to transform; negative counts from the end. Default −1. */
  dim?: number;
  /** Normalisation mode (default 'backward'). */
  norm?: FftNorm;
}

/** Options of the 2-D transforms (over the last two axes). */
export interface Fft2Options {
  /** Signal sizes [s₀, s₁] of the last two axes (irfft2: the output sizes). */
  s?: readonly [number, number];
  /** Normalisation mode (default 'backward'). */
  norm?: FftNorm;
}

const fftC2COp: OpDef<FftAttrs> = {
  name: 'fftC2C',
  saved: [],
  infer: ([x]) => {
    requireFloat('fftC2C', x!);
    if (x!.shape.length < 2 || x!.shape[x!.shape.length - 1] !== 2) throw new ShapeError(`fftC2C: input ${fmtShape(x!.shape)} must be complex [..., n, 2]`);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  // y = c·F_s x is complex-linear, so the gradient is the adjoint c·F_s^H = c·F_{−s} applied to ḡy.
  backward: ({ grad, attrs }) => [apply(fftC2COp, [grad], { inverse: !attrs.inverse, scale: attrs.scale })],
};

/**
 * Real-input transform along the last axis, one-sided: [..., n] → [..., ⌊n/2⌋+1, 2] (kernel: half-length
 * complex transform for even n). Its adjoint for a real loss is x̄_j = c·Re Σ_{k≤n/2} ḡ_k e^{+2πijk/n}:
 * the one-sided gradient zero-padded to n bins, an inverse-sign `fftC2C`, the real part.
 */
const rfftR2COp: OpDef<RfftAttrs> = {
  name: 'rfftR2C',
  saved: [],
  infer: ([x]) => {
    requireFloat('rfftR2C', x!);
    const s = x!.shape;
    if (s.length < 1) throw new ShapeError(`rfftR2C: input must have at least one axis, got ${fmtShape(s)}`);
    return [{ shape: [...s.slice(0, -1), Math.floor(s[s.length - 1]! / 2) + 1, 2], dtype: x!.dtype }];
  },
  backward: ({ grad, inputs, attrs }) => {
    const n = inputs[0]!.shape[inputs[0]!.ndim - 1]!;
    const y = apply(fftC2COp, [resize(grad, grad.ndim - 2, n)], { inverse: true, scale: attrs.scale });
    return [slice(y, sliceAt(y.ndim, y.ndim - 1, 0))];
  },
};

function checkNorm(op: string, norm: unknown): FftNorm {
  if (norm === undefined) return 'backward';
  if (norm !== 'backward' && norm !== 'ortho' && norm !== 'forward') throw new ValueError(`${op}: norm must be 'backward', 'ortho' or 'forward', got ${String(norm)}`);
  return norm;
}

function checkN(op: string, n: number, what: string, shape: readonly number[]): number {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${op}: ${what} must be an integer ≥ 1, got ${n} (input ${fmtShape(shape)})`);
  return n;
}

function checkComplex(op: string, x: Tensor): void {
  requireTensor(op, 'x', x);
  requireFloat(op, x);
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2) {
    throw new ShapeError(`${op}: a complex input must be a float tensor [..., n, 2] with a trailing re/im axis of size 2, got ${fmtShape(x.shape)}`);
  }
}

function resolveDim(op: string, dim: number, ndim: number, shape: readonly number[]): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
    throw new IndexError(`${op}: dim ${dim} is out of range for ${ndim} signal axes (input ${fmtShape(shape)})`);
  }
  return dim < 0 ? dim + ndim : dim;
}

function scaleOf(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'backward') === inverse ? 1 / n : 1;
}

/** x zero-padded or trimmed to n along `axis`. */
function resize(x: Tensor, axis: number, n: number): Tensor {
  const m = x.shape[axis]!;
  if (m === n) return x;
  if (m > n) return slice(x, sliceAt(x.ndim, axis, [0, n]));
  const zs = x.shape.slice();
  zs[axis] = n - m;
  return concat([x, zeros(zs, { dtype: x.dtype })], axis);
}

function sliceAt(ndim: number, axis: number, spec: SliceSpec): SliceSpec[] {
  const s: SliceSpec[] = new Array<SliceSpec>(ndim).fill(null);
  s[axis] = spec;
  return s;
}

/** Apply `f` with the axis `axis` of `x` moved to position `to` (a swap, undone afterwards). */
function along(x: Tensor, axis: number, to: number, f: (t: Tensor) => Tensor): Tensor {
  if (axis === to) return f(x);
  return transpose(f(transpose(x, axis, to)), axis, to);
}

function c2c(op: string, x: Tensor, opts: FftOptions, inverse: boolean): Tensor {
  checkComplex(op, x);
  const norm = checkNorm(op, opts.norm);
  const nd = x.ndim - 1, d = resolveDim(op, opts.dim ?? -1, nd, x.shape);
  const n = checkN(op, opts.n ?? x.shape[d]!, opts.n === undefined ? `the signal length along dim ${d}` : 'n', x.shape);
  return along(resize(x, d, n), d, nd - 1, (t) => apply(fftC2COp, [t], { inverse, scale: scaleOf(norm, n, inverse) }));
}

/**
 * The discrete Fourier transform along one complex axis, `torch.fft.fft`:
 *
 *   X_k = c · Σ_{j=0}^{n−1} x_j · exp(−2πi·jk/n),   k = 0 … n−1,
 *
 * with c = 1 ('backward', default), 1/√n ('ortho') or 1/n ('forward'). Any length n ≥ 1.
 *
 * @param x complex input `[..., m, 2]` (re/im pairs in the trailing axis), float32 or float64
 * @param opts `n` (zero-pad or trim to n first), `dim` (complex axis, default −1), `norm`
 * @returns complex `[..., n, 2]`, same dtype
 * @throws ShapeError when the trailing axis is not 2; IndexError for `dim` out of range;
 *   ValueError for n < 1 or an unknown norm
 *
 * @example
 * ```ts
 * fft(tensor([[1, 0], [0, 0], [0, 0], [0, 0]])); // impulse → [[1,0],[1,0],[1,0],[1,0]]
 * ```
 */
export function fft(x: Tensor, opts: FftOptions = {}): Tensor {
  return c2c('fft', x, opts, false);
}

/**
 * The inverse discrete Fourier transform along one complex axis, `torch.fft.ifft`:
 *
 *   x_j = c · Σ_{k=0}^{n−1} X_k · exp(+2πi·jk/n),
 *
 * with c = 1/n ('backward', default), 1/√n ('ortho') or 1 ('forward'); `ifft(fft(x)) = x` for the
 * same norm.
 *
 * @param x complex input `[..., m, 2]`
 * @param opts `n`, `dim` (complex axis, default −1), `norm`
 * @returns complex `[..., n, 2]`, same dtype
 * @throws as {@link fft}
 */
export function ifft(x: Tensor, opts: FftOptions = {}): Tensor {
  return c2c('ifft', x, opts, true);
}

/**
 * The one-sided Fourier transform of a real signal, `torch.fft.rfft`: the first ⌊n/2⌋ + 1 bins of
 *
 *   X_k = c · Σ_{j=0}^{n−1} x_j · exp(−2πi·jk/n),   k = 0 … ⌊n/2⌋,
 *
 * (the rest follow from X_{n−k} = conj(X_k)); c as in {@link fft}.
 *
 * @param x real input `[..., m]`, float32 or float64
 * @param opts `n` (pad/trim the real signal first), `dim` (real axis, default −1), `norm`
 * @returns complex `[..., ⌊n/2⌋+1, 2]` along `dim`, same dtype
 * @throws IndexError for `dim` out of range; ValueError for n < 1 or an unknown norm
 */
export function rfft(x: Tensor, opts: FftOptions = {}): Tensor {
  requireTensor('rfft', 'x', x);
  requireFloat('rfft', x);
  const norm = checkNorm('rfft', opts.norm);
  if (x.ndim < 1) throw new ShapeError(`rfft: input must have at least one axis, got ${fmtShape(x.shape)}`);
  const d = resolveDim('rfft', opts.dim ?? -1, x.ndim, x.shape);
  const n = checkN('rfft', opts.n ?? x.shape[d]!, opts.n === undefined ? `the signal length along dim ${d}` : 'n', x.shape);
  const last = x.ndim - 1, xr = resize(x, d, n), xt = d === last ? xr : transpose(xr, d, last);
  // the one-sided half [..., ⌊n/2⌋+1, 2] with the signal axis moved last; move it back
  const half = apply(rfftR2COp, [xt], { scale: scaleOf(norm, n, false) });
  return d === last ? half : transpose(half, d, last);
}

/**
 * The inverse of {@link rfft}, `torch.fft.irfft`: a real signal of length n from the one-sided
 * spectrum X_0 … X_{⌊n/2⌋} (the input is trimmed or zero-padded to ⌊n/2⌋ + 1 bins), extended to
 * a Hermitian spectrum X_{n−k} = conj(X_k):
 *
 *   x_j = c · Σ_{k=0}^{n−1} X_k · exp(+2πi·jk/n),   j = 0 … n−1,
 *
 * c as in {@link ifft}. As in PyTorch, the imaginary parts of X_0 and (n even) X_{n/2} are ignored
 * (and get zero gradient). Default n = 2(m − 1) for m input bins.
 *
 * @param x complex input `[..., m, 2]`
 * @param opts `n` (output length), `dim` (complex axis, default −1), `norm`
 * @returns real `[..., n]` along `dim`, same dtype
 * @throws as {@link fft}
 */
export function irfft(x: Tensor, opts: FftOptions = {}): Tensor {
  checkComplex('irfft', x);
  const norm = checkNorm('irfft', opts.norm);
  const nd = x.ndim - 1, d = resolveDim('irfft', opts.dim ?? -1, nd, x.shape);
  const n = checkN('irfft', opts.n ?? 2 * (x.shape[d]! - 1), opts.n === undefined ? `the output length 2(m−1) along dim ${d}` : 'n', x.shape);
  const h = Math.floor(n / 2) + 1, mirror = n - h;
  return along(resize(x, d, h), d, nd - 1, (t) => {
    const mask = new Float64Array(2 * h).fill(1);
    mask[1] = 0;
    if (n % 2 === 0) mask[2 * h - 1] = 0;
    const xm = mul(t, new Tensor(t.dtype === 'float32' ? Float32Array.from(mask) : mask, [h, 2], t.dtype));
    let full = xm;
    if (mirror > 0) {
      const mid = slice(xm, sliceAt(xm.ndim, nd - 1, [1, mirror + 1]));
      const conj = mul(mid, new Tensor(t.dtype === 'float32' ? Float32Array.of(1, -1) : Float64Array.of(1, -1), [2], t.dtype));
      full = concat([xm, flip(conj, nd - 1)], nd - 1);
    }
    const y = apply(fftC2COp, [full], { inverse: true, scale: scaleOf(norm, n, true) });
    return slice(y, sliceAt(y.ndim, y.ndim - 1, 0)); // the real part
  });
}

function sizes(op: string, s: readonly [number, number] | undefined): [number | undefined, number | undefined] {
  if (s === undefined) return [undefined, undefined];
  if (!Array.isArray(s) || s.length !== 2) throw new ValueError(`${op}: s must be a pair [s0, s1], got ${String(s)}`);
  return [s[0], s[1]];
}

function need2d(op: string, x: Tensor, complex: boolean): void {
  const nd = complex ? x.ndim - 1 : x.ndim;
  if (nd < 2) throw new ShapeError(`${op}: needs at least two ${complex ? 'complex ' : ''}axes, got ${fmtShape(x.shape)}`);
}

/**
 * The 2-D discrete Fourier transform over the last two complex axes, `torch.fft.fft2`:
 *
 *   X_{k₀k₁} = c · Σ_{j₀,j₁} x_{j₀j₁} · exp(−2πi·(j₀k₀/n₀ + j₁k₁/n₁)),
 *
 * c = 1, 1/√(n₀n₁) or 1/(n₀n₁) for 'backward', 'ortho', 'forward'.
 *
 * @param x complex input `[..., n₀, n₁, 2]`
 * @param opts `s` (pad/trim sizes of the two axes), `norm`
 * @returns complex `[..., s₀, s₁, 2]`
 * @throws ShapeError when x has fewer than two complex axes or the trailing axis is not 2
 */
export function fft2(x: Tensor, opts: Fft2Options = {}): Tensor {
  checkComplex('fft2', x);
  need2d('fft2', x, true);
  const [s0, s1] = sizes('fft2', opts.s);
  return c2c('fft2', c2c('fft2', x, { dim: -1, n: s1, norm: opts.norm }, false), { dim: -2, n: s0, norm: opts.norm }, false);
}

/**
 * The 2-D inverse transform over the last two complex axes, `torch.fft.ifft2`:
 *
 *   x_{j₀j₁} = c · Σ_{k₀,k₁} X_{k₀k₁} · exp(+2πi·(j₀k₀/n₀ + j₁k₁/n₁)),
 *
 * c = 1/(n₀n₁), 1/√(n₀n₁) or 1 for 'backward', 'ortho', 'forward'.
 *
 * @param x complex input `[..., n₀, n₁, 2]`
 * @param opts `s`, `norm`
 * @returns complex `[..., s₀, s₁, 2]`
 * @throws as {@link fft2}
 */
export function ifft2(x: Tensor, opts: Fft2Options = {}): Tensor {
  checkComplex('ifft2', x);
  need2d('ifft2', x, true);
  const [s0, s1] = sizes('ifft2', opts.s);
  return c2c('ifft2', c2c('ifft2', x, { dim: -1, n: s1, norm: opts.norm }, true), { dim: -2, n: s0, norm: opts.norm }, true);
}

/**
 * The 2-D transform of a real signal over its last two axes, one-sided in the last,
 * `torch.fft.rfft2`: {@link fft2} of x restricted to k₁ = 0 … ⌊n₁/2⌋ (an {@link rfft} over the
 * last axis followed by an {@link fft} over the one before).
 *
 *   X_{k₀k₁} = c · Σ_{j₀,j₁} x_{j₀j₁} · exp(−2πi·(j₀k₀/n₀ + j₁k₁/n₁)).
 *
 * @param x real input `[..., n₀, n₁]`
 * @param opts `s`, `norm`
 * @returns complex `[..., s₀, ⌊s₁/2⌋+1, 2]`
 * @throws ShapeError when x has fewer than two axes
 */
export function rfft2(x: Tensor, opts: Fft2Options = {}): Tensor {
  requireTensor('rfft2', 'x', x);
  need2d('rfft2', x, false);
  const [s0, s1] = sizes('rfft2', opts.s);
  return c2c('rfft2', rfft(x, { dim: -1, n: s1, norm: opts.norm }), { dim: -2, n: s0, norm: opts.norm }, false);
}

/**
 * The inverse of {@link rfft2}, `torch.fft.irfft2`: an {@link ifft} over the second-to-last complex
 * axis, then an {@link irfft} over the last (default s₁ = 2(m₁ − 1)):
 *
 *   x_{j₀j₁} = c · Σ_{k₀,k₁} X_{k₀k₁} · exp(+2πi·(j₀k₀/n₀ + j₁k₁/n₁)),  X Hermitian-extended in k₁.
 *
 * @param x complex input `[..., m₀, m₁, 2]`
 * @param opts `s` (output sizes), `norm`
 * @returns real `[..., s₀, s₁]`
 * @throws as {@link fft2}
 */
export function irfft2(x: Tensor, opts: Fft2Options = {}): Tensor {
  checkComplex('irfft2', x);
  need2d('irfft2', x, true);
  const [s0, s1] = sizes('irfft2', opts.s);
  return irfft(c2c('irfft2', x, { dim: -2, n: s0, norm: opts.norm }, true), { dim: -1, n: s1, norm: opts.norm });
}
