/**
 * Spike encodings of analogue inputs in [0, 1]: rate (Bernoulli) coding and latency (time-to-first-
 * spike) coding. Both return a time-first spike tensor [T, ...shape] of exact 0s and 1s.
 * @module
 */
import { fromData } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { SizeError, ValueError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

/** Largest number of spike values an encoding may allocate. */
const MAX_VALUES = 2 ** 28;

function checkInput(op: string, x: Tensor, steps: number): Float64Array | Float32Array {
  if (!Number.isInteger(steps) || steps < 1) throw new ValueError(`${op}: steps must be a positive integer, got ${steps}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ValueError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  if (steps * x.size > MAX_VALUES) throw new SizeError(`${op}: ${steps} steps × ${x.size} values exceed ${MAX_VALUES} spike values`);
  const data = Float64Array.from(x.toFlatArray() as number[]);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v <= 1)) throw new ValueError(`${op}: inputs must lie in [0, 1], got ${v} at flat index ${i}`);
  }
  return data;
}

/** Options of {@link rateEncode}. */
export interface RateEncodeOptions {
  /** Spike probability per step is min(1, gain · x) (default 1). */
  gain?: number;
}

/**
 * Rate coding: at every step each input x ∈ [0, 1] fires independently with probability
 * p = min(1, gain·x), so its spike count over T steps is Binomial(T, p) with mean T·p. Draws
 * come from `rng` in row-major order, step by step.
 * @param x values in [0, 1], any shape
 * @param steps T
 * @returns spikes [T, ...x.shape] (x's dtype)
 * @throws ValueError for inputs outside [0, 1], a bad step count or gain; SizeError when too large
 *
 * @example
 * ```ts
 * const s = rateEncode(tensor([0, 0.5, 1]), 100, new Rng(0)); // [100, 3]; column sums ≈ 0, 50, 100
 * ```
 */
export function rateEncode(x: Tensor, steps: number, rng: Rng, opts: RateEncodeOptions = {}): Tensor {
  const op = 'rateEncode';
  const gain = opts.gain ?? 1;
  if (!(gain >= 0) || !Number.isFinite(gain)) throw new ValueError(`${op}: gain must be a finite number ≥ 0, got ${gain}`);
  if (!rng || typeof rng.uniform !== 'function') throw new ValueError(`${op}: an Rng is required (all randomness goes through an explicit Rng)`);
  const data = checkInput(op, x, steps);
  const n = data.length;
  const out = x.dtype === 'float64' ? new Float64Array(steps * n) : new Float32Array(steps * n);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) out[t * n + i] = rng.uniform() < Math.min(1, gain * data[i]!) ? 1 : 0;
  }
  return fromData(out, [steps, ...x.shape]);
}

/** Options of {@link latencyEncode}. */
export interface LatencyEncodeOptions {
  /**
   * 'linear' (default): t = round((1 − x)/(1 − θ) · (T − 1)), from step 0 at x = 1 to step T − 1 at
   * x → θ. 'log': the firing time of an RC neuron charged by a constant current x to threshold θ,
   * t = round(τ ln(x / (x − θ))); times ≥ T give no spike.
   */
  mode?: 'linear' | 'log';
  /** Inputs x ≤ θ never fire (default 0.01). */
  threshold?: number;
  /** Time constant τ of the 'log' mode, in steps (default 1). */
  tau?: number;
}

/**
 * Latency (time-to-first-spike) coding: each input fires at most once, earlier for larger values
 * (see {@link LatencyEncodeOptions.mode} for the spike time). Deterministic.
 * @param x values in [0, 1], any shape
 * @param steps T
 * @returns spikes [T, ...x.shape] (x's dtype), at most one spike per input
 * @throws ValueError for inputs outside [0, 1], a bad step count, threshold, τ or mode
 *
 * @example
 * ```ts
 * latencyEncode(tensor([1, 0.5, 0]), 5).toArray(); // spikes at t = 0, 2 (round(0.505·4)) and none
 * ```
 */
export function latencyEncode(x: Tensor, steps: number, opts: LatencyEncodeOptions = {}): Tensor {
  const op = 'latencyEncode';
  const mode = opts.mode ?? 'linear', theta = opts.threshold ?? 0.01, tau = opts.tau ?? 1;
  if (mode !== 'linear' && mode !== 'log') throw new ValueError(`${op}: mode must be 'linear' or 'log', got ${String(mode)}`);
  if (!(theta >= 0 && theta < 1)) throw new ValueError(`${op}: threshold must be in [0, 1), got ${theta}`);
  if (!(tau > 0) || !Number.isFinite(tau)) throw new ValueError(`${op}: tau must be a positive number, got ${tau}`);
  const data = checkInput(op, x, steps);
  const n = data.length;
  const out = x.dtype === 'float64' ? new Float64Array(steps * n) : new Float32Array(steps * n);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v <= theta) continue;
    const t = mode === 'linear' ? Math.round(((1 - v) / (1 - theta)) * (steps - 1)) : Math.round(tau * Math.log(v / (v - theta)));
    if (t < steps) out[t * n + i] = 1;
  }
  return fromData(out, [steps, ...x.shape]);
}
