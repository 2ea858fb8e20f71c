/**
 * Leaky integrate-and-fire neurons over a time axis: the neuron dynamics ({@link lifNeurons}), a
 * feed-forward spiking layer (`LIF`) and a recurrent one (`RLIF`), trained by backpropagation
 * through time with surrogate gradients (Neftci, Mostafa & Zenke 2019).
 * @module
 */
import { stack } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { FloatDType } from '../parameter.js';
import { resolveSurrogate, spike } from './surrogate.js';
import type { Surrogate, SurrogateName } from './surrogate.js';

/** How the membrane is reset after a spike. */
export type LIFReset = 'subtract' | 'zero' | 'none';

/** Parameters of the neuron dynamics. */
export interface LIFNeuronOptions {
  /** Membrane decay per step β ∈ [0, 1] (default 0.9). */
  beta?: number;
  /** Firing threshold θ > 0 (default 1). */
  threshold?: number;
  /**
   * Reset after a spike (default 'subtract'): 'subtract' (V ← V − θ, "soft"), 'zero' (V ← 0,
   * "hard"), or 'none' (a leaky integrator whose membrane is read out, no reset).
   */
  reset?: LIFReset;
  /** Surrogate gradient of the spike (default fast sigmoid, slope 25). */
  surrogate?: Surrogate | SurrogateName;
  /** Cut the gradient through the reset term (default false: it flows, as in SpikingJelly's default). */
  detachReset?: boolean;
  /**
   * Replace the Heaviside spike by a smooth function of V − θ (e.g. `(x) => x.sigmoid()`): a
   * non-spiking twin with the same dynamics — a rate baseline, and what lets the dynamics be
   * gradient-checked. Default: the spike with the surrogate gradient.
   */
  activation?: (x: Tensor) => Tensor;
}

/** What a run over the time axis returns. */
export interface LIFResult {
  /** Spikes s [T, B, N] (exactly 0 or 1 unless `activation` is given). */
  readonly spikes: Tensor;
  /** Membrane potential after the reset, V [T, B, N]. */
  readonly membrane: Tensor;
}

interface Dynamics {
  beta: number;
  threshold: number;
  reset: LIFReset;
  fire: (x: Tensor) => Tensor;
  detachReset: boolean;
}

function dynamics(op: string, o: LIFNeuronOptions): Dynamics {
  const beta = o.beta ?? 0.9, threshold = o.threshold ?? 1, reset = o.reset ?? 'subtract';
  if (!(beta >= 0 && beta <= 1)) throw new ValueError(`${op}: beta must be in [0, 1], got ${beta}`);
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new ValueError(`${op}: threshold must be a positive number, got ${threshold}`);
  if (reset !== 'subtract' && reset !== 'zero' && reset !== 'none') throw new ValueError(`${op}: reset must be 'subtract', 'zero' or 'none', got ${String(reset)}`);
  if (o.activation !== undefined && typeof o.activation !== 'function') throw new ValueError(`${op}: activation must be a function`);
  const sur = resolveSurrogate(op, o.surrogate);
  return { beta, threshold, reset, detachReset: o.detachReset ?? false, fire: o.activation ?? ((x) => spike(x, sur)) };
}

/** One step: charge H = βV + I, fire s = H(H − θ), reset. Returns [s, V]. */
function stepLIF(d: Dynamics, v: Tensor | null, current: Tensor): [Tensor, Tensor] {
  const h = v === null ? current : v.mul(d.beta).add(current);
  const s = d.fire(h.sub(d.threshold));
  const r = d.detachReset ? s.detach() : s;
  const vNext = d.reset === 'subtract' ? h.sub(r.mul(d.threshold)) : d.reset === 'zero' ? h.mul(r.neg().add(1)) : h;
  return [s, vNext];
}

function checkTime(op: string, x: Tensor, features: number, name: string): void {
  if (x.ndim !== 3 || x.shape[2] !== features || x.shape[0] === 0) {
    throw new ShapeError(`${op}: ${name} ${fmtShape(x.shape)} must be [T ≥ 1, B, ${features}] (time first)`);
  }
}

/**
 * Leaky integrate-and-fire dynamics over a time axis, from rest (V₀ = 0), on input currents
 * I [T, B, N]:
 *
 *   H_t = β V_{t−1} + I_t,   s_t = Θ(H_t − θ),
 *   V_t = H_t − θ s_t (reset 'subtract'),  H_t (1 − s_t) ('zero'),  H_t ('none'),
 *
 * where Θ is the Heaviside step (1 for H_t > θ) whose backward pass is the surrogate derivative
 * (see {@link spike}). This is the discrete LIF of snnTorch's `Leaky` and SpikingJelly's `LIFNode`
 * (charge, fire, reset in the same step; β = 1 − 1/τ).
 * @throws ShapeError unless I is [T ≥ 1, B, N]; ValueError for β outside [0, 1], θ ≤ 0 or an unknown reset
 */
export function lifNeurons(current: Tensor, opts: LIFNeuronOptions = {}): LIFResult {
  const d = dynamics('lifNeurons', opts);
  if (current.ndim !== 3 || current.shape[0] === 0) throw new ShapeError(`lifNeurons: currents ${fmtShape(current.shape)} must be [T ≥ 1, B, N] (time first)`);
  return runNeurons(d, current);
}

function runNeurons(d: Dynamics, current: Tensor): LIFResult {
  const T = current.shape[0]!;
  const spikes: Tensor[] = [], mems: Tensor[] = [];
  let v: Tensor | null = null;
  for (let t = 0; t < T; t++) {
    const [s, vn] = stepLIF(d, v, current.slice([[t, t + 1]]).squeeze(0));
    spikes.push(s);
    mems.push(vn);
    v = vn;
  }
  return { spikes: stack(spikes, 0), membrane: stack(mems, 0) };
}

/** Options of {@link LIF} and {@link RLIF}. */
export interface LIFLayerOptions extends LIFNeuronOptions {
  /** Source of the initial weights (required: all randomness is explicit). */
  rng: Rng;
  /** Learn a bias current (default true). */
  bias?: boolean;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

function checkFeatures(op: string, inF: number, outF: number, opts: LIFLayerOptions | undefined): void {
  for (const [name, v] of [['inFeatures', inF], ['outFeatures', outF]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
  if (!opts?.rng) throw new ValueError(`${op}: opts.rng is required (all randomness goes through an explicit Rng)`);
}

/**
 * A feed-forward spiking layer: a dense synapse I_t = W x_t + b into leaky integrate-and-fire
 * neurons ({@link lifNeurons}), over a time-first input x [T, B, in]. W and b are initialised as
 * `Linear`'s (U(±1/√in)).
 *
 * @example
 * ```ts
 * const layer = new LIF(8, 16, { rng: new Rng(0), beta: 0.9, surrogate: 'arctan' });
 * const s = layer.call(x); // x [T, B, 8] → spikes [T, B, 16] of 0/1
 * ```
 */
export class LIF extends Module {
  /** The synapse. */
  readonly synapse: Linear;
  private readonly d: Dynamics;

  constructor(inFeatures: number, outFeatures: number, opts: LIFLayerOptions) {
    super();
    checkFeatures('LIF', inFeatures, outFeatures, opts);
    this.d = dynamics('LIF', opts);
    this.synapse = this.registerModule('synapse', new Linear(inFeatures, outFeatures, { rng: opts.rng, bias: opts.bias, dtype: opts.dtype }));
  }

  /** Spikes and membrane over the whole input. */
  run(x: Tensor): LIFResult {
    checkTime('LIF', x, this.synapse.inFeatures, 'input');
    return runNeurons(this.d, this.synapse.call(x));
  }

  /**
   * @param x [T, B, in]
   * @returns spikes [T, B, out]
   */
  forward(x: Tensor): Tensor {
    return this.run(x).spikes;
  }

  extraRepr(): string {
    return `beta=${this.d.beta}, threshold=${this.d.threshold}, reset=${this.d.reset}`;
  }
}

/**
 * A recurrent spiking layer: leaky integrate-and-fire neurons driven by the input and by their own
 * spikes of the previous step,
 *
 *   I_t = W x_t + U s_{t−1} + b   (s₀ = 0),
 *
 * then the dynamics of {@link lifNeurons}. W, b and U [out, out] are initialised as `Linear`'s.
 *
 * @example
 * ```ts
 * const rec = new RLIF(8, 32, { rng: new Rng(0), reset: 'subtract' });
 * const { spikes, membrane } = rec.run(x); // x [T, B, 8] → [T, B, 32] each
 * ```
 */
export class RLIF extends Module {
  /** The input synapse W, b. */
  readonly synapse: Linear;
  /** The recurrent synapse U (no bias). */
  readonly recurrent: Linear;
  private readonly d: Dynamics;

  constructor(inFeatures: number, outFeatures: number, opts: LIFLayerOptions) {
    super();
    checkFeatures('RLIF', inFeatures, outFeatures, opts);
    this.d = dynamics('RLIF', opts);
    this.synapse = this.registerModule('synapse', new Linear(inFeatures, outFeatures, { rng: opts.rng, bias: opts.bias, dtype: opts.dtype }));
    this.recurrent = this.registerModule('recurrent', new Linear(outFeatures, outFeatures, { rng: opts.rng, bias: false, dtype: opts.dtype }));
  }

  /** Spikes and membrane over the whole input. */
  run(x: Tensor): LIFResult {
    checkTime('RLIF', x, this.synapse.inFeatures, 'input');
    const T = x.shape[0]!;
    const drive = this.synapse.call(x);
    const spikes: Tensor[] = [], mems: Tensor[] = [];
    let v: Tensor | null = null, s: Tensor | null = null;
    for (let t = 0; t < T; t++) {
      let current = drive.slice([[t, t + 1]]).squeeze(0);
      if (s !== null) current = current.add(this.recurrent.call(s));
      [s, v] = stepLIF(this.d, v, current);
      spikes.push(s);
      mems.push(v);
    }
    return { spikes: stack(spikes, 0), membrane: stack(mems, 0) };
  }

  /**
   * @param x [T, B, in]
   * @returns spikes [T, B, out]
   */
  forward(x: Tensor): Tensor {
    return this.run(x).spikes;
  }

  extraRepr(): string {
    return `beta=${this.d.beta}, threshold=${this.d.threshold}, reset=${this.d.reset}`;
  }
}
