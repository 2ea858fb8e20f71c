/**
 * Exponential moving average of parameters (Polyak–Ruppert averaging in its exponential form;
 * Polyak & Juditsky, "Acceleration of Stochastic Approximation by Averaging", SIAM J. Control Optim.
 * 1992; the "EMA of weights" of `torch.optim.swa_utils.AveragedModel(..., multi_avg_fn=
 * get_ema_multi_avg_fn(decay))` and of `torch_ema.ExponentialMovingAverage`).
 *
 * After every optimizer step, `update()` moves a shadow copy of each parameter towards it:
 *
 *   θ̄ ← d·θ̄ + (1 − d)·θ,  d = decay, or min(decay, (1 + n)/(10 + n)) after n updates with `warmup`
 *
 * The shadow is evaluated by swapping it into the parameters (`withAverage(fn)`, or `swap()` twice),
 * so the averaged model is the same module object. Averages run in float64 whatever the parameters'
 * dtype, so a long horizon (d = 0.9999) does not lose the small increments to float32 rounding.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../util/errors.js';

/** Options of {@link ExponentialMovingAverage}. */
export interface EMAOptions {
  /** Decay d ∈ [0, 1) per update (e.g. 0.999: a horizon of ≈ 1000 updates). */
  decay: number;
  /**
   * Use min(decay, (1 + n)/(10 + n)) after n updates (default false), so the early average is not
   * dominated by the initial weights (`torch_ema`'s `use_num_updates`).
   */
  warmup?: boolean;
}

/** A serialisable EMA state. */
export interface EMAState {
  /** Updates taken. */
  numUpdates: number;
  /** Shadow value of parameter i, in parameter order. */
  shadow: Float64Array[];
}

/**
 * An exponential moving average of a list of parameters.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 5e-4 });
 * const ema = new ExponentialMovingAverage(model.parameters(), { decay: 0.999 });
 * // training step:
 * backward(loss); opt.step(); ema.update();
 * // evaluation with the averaged weights (the live weights are restored afterwards):
 * const val = ema.withAverage(() => evaluate(model));
 * ```
 */
export class ExponentialMovingAverage {
  /** The averaged parameters (in the order given). */
  readonly params: readonly Tensor[];
  /** The decay d. */
  readonly decay: number;
  /** Whether the warm-up decay min(d, (1 + n)/(10 + n)) is used. */
  readonly warmup: boolean;
  private readonly shadow: Float64Array[];
  private n = 0;
  private swapped = false;

  /**
   * @param params the parameters to average (their current values start the average)
   * @param opts decay and warm-up
   * @throws ValueError on an empty list, a repeated tensor or a decay outside [0, 1)
   * @throws DTypeError on an int32 tensor
   */
  constructor(params: readonly Tensor[], opts: EMAOptions) {
    if (!Array.isArray(params) || params.length === 0) throw new ValueError('ExponentialMovingAverage: got an empty parameter list');
    if (typeof opts !== 'object' || opts === null) throw new ValueError(`ExponentialMovingAverage: options must be { decay, warmup? }, got ${opts === null ? 'null' : typeof opts}`);
    if (opts.warmup !== undefined && typeof opts.warmup !== 'boolean') throw new ValueError(`ExponentialMovingAverage: warmup must be true or false, got ${String(opts.warmup)}`);
    if (typeof opts.decay !== 'number' || !(opts.decay >= 0 && opts.decay < 1)) throw new ValueError(`ExponentialMovingAverage: decay must be in [0, 1), got ${opts.decay}`);
    const seen = new Set<Tensor>();
    for (const p of params) {
      if (seen.has(p)) throw new ValueError(`ExponentialMovingAverage: a parameter ${fmtShape(p.shape)} appears twice`);
      if (p.dtype === 'int32') throw new DTypeError(`ExponentialMovingAverage: cannot average an int32 tensor ${fmtShape(p.shape)}`);
      seen.add(p);
    }
    this.params = [...params];
    this.decay = opts.decay;
    this.warmup = opts.warmup ?? false;
    this.shadow = this.params.map((p) => Float64Array.from(p.data as ArrayLike<number>));
  }

  /** Updates taken so far. */
  get numUpdates(): number {
    return this.n;
  }

  /** The decay the next update will use. */
  currentDecay(): number {
    return this.warmup ? Math.min(this.decay, (1 + this.n) / (10 + this.n)) : this.decay;
  }

  /**
   * θ̄ ← d·θ̄ + (1 − d)·θ for every parameter (call after each optimizer step).
   * @throws ValueError while the average is swapped in (the live weights are not in the parameters)
   */
  update(): void {
    if (this.swapped) throw new ValueError('ExponentialMovingAverage.update: the average is swapped into the parameters; swap back first');
    const d = this.currentDecay();
    const c = 1 - d;
    this.params.forEach((p, i) => {
      const s = this.shadow[i]!;
      const x = p.data as ArrayLike<number>;
      for (let k = 0; k < s.length; k++) s[k] = d * s[k]! + c * x[k]!;
    });
    this.n++;
  }

  /**
   * Exchange the parameters' values with the average (call again to exchange back). The live values
   * are kept exactly, in float64, while the average is in.
   */
  swap(): void {
    this.params.forEach((p, i) => {
      const s = this.shadow[i]!;
      const x = p.data as Float32Array | Float64Array;
      for (let k = 0; k < s.length; k++) {
        const t = x[k]!;
        x[k] = s[k]!;
        s[k] = t;
      }
      p.markModified();
    });
    this.swapped = !this.swapped;
  }

  /** Whether the average is currently swapped into the parameters. */
  get isSwapped(): boolean {
    return this.swapped;
  }

  /** Run `fn` with the averaged values in the parameters, then restore the live values (also on a throw). */
  withAverage<T>(fn: () => T): T {
    if (this.swapped) throw new ValueError('ExponentialMovingAverage.withAverage: the average is already swapped in');
    this.swap();
    try {
      return fn();
    } finally {
      this.swap();
    }
  }

  /** Copy the average into the parameters for good (e.g. before saving the final model). */
  copyTo(): void {
    if (this.swapped) throw new ValueError('ExponentialMovingAverage.copyTo: the average is swapped in; swap back first');
    this.params.forEach((p, i) => {
      (p.data as Float32Array | Float64Array).set(this.shadow[i]!);
      p.markModified();
    });
  }

  /** The averaged values (copies), in parameter order. */
  averages(): Float64Array[] {
    if (this.swapped) return this.params.map((p) => Float64Array.from(p.data as ArrayLike<number>));
    return this.shadow.map((s) => Float64Array.from(s));
  }

  /** A copy of the state (update count and averages). */
  stateDict(): EMAState {
    return { numUpdates: this.n, shadow: this.averages() };
  }

  /**
   * Restore a state from {@link stateDict}.
   * @throws ShapeError when the number or the sizes of the averages do not match the parameters
   * @throws ValueError when `state` is not `{ numUpdates, shadow }` with `shadow` an array of
   *   Float64Array/Float32Array (or arrays of finite numbers) and `numUpdates` a non-negative integer
   */
  loadStateDict(state: EMAState): void {
    if (this.swapped) throw new ValueError('ExponentialMovingAverage.loadStateDict: the average is swapped in; swap back first');
    if (typeof state !== 'object' || state === null) throw new ValueError(`ExponentialMovingAverage.loadStateDict: expected { numUpdates, shadow }, got ${state === null ? 'null' : typeof state}`);
    if (!Array.isArray(state.shadow)) throw new ValueError('ExponentialMovingAverage.loadStateDict: shadow must be an array of averages');
    state.shadow.forEach((s: unknown, i) => {
      const ok = s instanceof Float64Array || s instanceof Float32Array || (Array.isArray(s) && s.every((v) => typeof v === 'number'));
      if (!ok) throw new ValueError(`ExponentialMovingAverage.loadStateDict: average ${i} is not a Float64Array, Float32Array or list of numbers`);
      if (!Array.prototype.every.call(s, (v: number) => Number.isFinite(v))) throw new ValueError(`ExponentialMovingAverage.loadStateDict: average ${i} has a non-finite value`);
    });
    if (state.shadow.length !== this.params.length) throw new ShapeError(`ExponentialMovingAverage.loadStateDict: ${state.shadow.length} averages for ${this.params.length} parameters`);
    state.shadow.forEach((s, i) => {
      const p = this.params[i]!;
      if (s.length !== p.size) throw new ShapeError(`ExponentialMovingAverage.loadStateDict: average ${i} has ${s.length} values, the parameter ${fmtShape(p.shape)} has ${p.size}`);
    });
    if (!(Number.isInteger(state.numUpdates) && state.numUpdates >= 0)) throw new ValueError(`ExponentialMovingAverage.loadStateDict: invalid numUpdates ${state.numUpdates}`);
    state.shadow.forEach((s, i) => this.shadow[i]!.set(s));
    this.n = state.numUpdates;
  }
}
