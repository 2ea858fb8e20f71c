/**
 * Gradient clipping: by global norm (PyTorch's `clip_grad_norm_`) and by value.
 * @module
 */
import { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';

function scaled(g: Tensor, f: (v: number) => number): Tensor {
  const src = g.data;
  const out = src instanceof Float64Array ? new Float64Array(src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return new Tensor(out, g.shape, g.dtype);
}

/**
 * Rescale all gradients together so that their joint p-norm is at most `maxNorm`:
 * N = ‖(‖g₁‖_p, ‖g₂‖_p, …)‖_p, and if N > maxNorm every g becomes g · maxNorm / (N + 1e−6).
 * Gradients are replaced by scaled copies (gradients may share storage, so they are never
 * modified in place).
 * @param params tensors (those without `.grad` are skipped)
 * @param maxNorm the largest allowed norm (≥ 0; ValueError for a negative value or NaN)
 * @param normType p (default 2; `Infinity` for the max norm)
 * @returns the total norm N before clipping
 * @example
 * ```ts
 * const n = clipGradNorm(model.parameters(), 1.0);
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2, opts: { errorIfNonfinite?: boolean } = {}): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new ValueError(`clipGradNorm: maxNorm must be a number ≥ 0 (Infinity for no clipping), got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new ValueError(`clipGradNorm: normType must be positive, got ${String(normType)}`);
  const ps = [...params].filter((p) => p.grad);
  let total = 0;
  if (normType === Infinity) {
    for (const p of ps) for (const v of p.grad!.data) total = Math.max(total, Math.abs(v));
  } else {
    for (const p of ps) {
      let s = 0;
      for (const v of p.grad!.data) s += Math.abs(v) ** normType;
      total += s;
    }
    total = total ** (1 / normType);
  }
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}`);
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const p of ps) p.grad = scaled(p.grad!, (v) => v * coef);
  }
  return total;
}

/**
 * Clamp every gradient element to [−clipValue, clipValue] (replacing the gradients by clamped copies).
 * @param params tensors (those without `.grad` are skipped)
 * @param clipValue the bound (≥ 0)
 * @example
 * ```ts
 * clipGradValue(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new ValueError(`clipGradValue: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  for (const p of params) {
    if (p.grad) p.grad = scaled(p.grad, (v) => (v > clipValue ? clipValue : v < -clipValue ? -clipValue : v));
  }
}
