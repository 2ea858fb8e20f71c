/**
 * Learning-rate schedules. Each scheduler has a closed form lr(t) = f(t, base lr); constructing
 * one sets every group's lr to f(0), and `step()` advances t and sets f(t) (PyTorch's semantics:
 * call `scheduler.step()` after `optimizer.step()`). Base lrs are the groups' lrs when the first
 * scheduler was attached (stored as `initialLr` on each group, as PyTorch does).
 * @module
 */
import { ValueError } from '../util/errors.js';
import type { Optimizer } from './optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;

/**
 * Base class of schedulers: subclasses give the closed form `lrAt(t, baseLr)`.
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
 * for (let epoch = 0; epoch < 30; epoch++) { train(); opt.step(); sched.step(); }
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this sets. */
  readonly optimizer: AnyOptimizer;
  /** The base learning rate of each group. */
  readonly baseLrs: readonly number[];
  /** Steps taken so far (t). */
  lastEpoch = 0;

  constructor(optimizer: AnyOptimizer) {
    if (typeof optimizer !== 'object' || optimizer === null || !Array.isArray(optimizer.paramGroups)) {
      throw new ValueError(`${new.target.name}: expected an optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    }
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => {
      const gi = g as { lr: number; initialLr?: number };
      if (gi.initialLr === undefined) gi.initialLr = gi.lr;
      return gi.initialLr;
    });
  }

  /** The learning rate at step t for a group whose base lr is `baseLr`. */
  abstract lrAt(t: number, baseLr: number): number;

  /** Set every group's lr to the closed form at `lastEpoch`. */
  protected apply(): void {
    const lrs = this.baseLrs.map((b) => this.lrAt(this.lastEpoch, b));
    lrs.forEach((lr, i) => {
      if (!Number.isFinite(lr) || lr < 0) throw new ValueError(`${this.constructor.name}: the schedule gives learning rate ${lr} at step ${this.lastEpoch} (group ${i})`);
    });
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
  }

  /** Advance one step and update the optimizer's learning rates. */
  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  /** The current learning rate of each group. */
  getLr(): number[] {
    return this.baseLrs.map((b) => this.lrAt(this.lastEpoch, b));
  }

  /** `{ lastEpoch }`, enough to resume (the base lrs live on the optimizer's groups). */
  stateDict(): { lastEpoch: number } {
    return { lastEpoch: this.lastEpoch };
  }

  /** Resume at a saved step (sets the optimizer's lrs). */
  /** @throws ValueError when `sd` is not `{ lastEpoch }` with a non-negative integer `lastEpoch` */
  loadStateDict(sd: { lastEpoch: number }): void {
    if (typeof sd !== 'object' || sd === null) throw new ValueError(`${this.constructor.name}.loadStateDict: expected { lastEpoch }, got ${sd === null ? 'null' : typeof sd}`);
    const t: unknown = sd.lastEpoch;
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
      throw new ValueError(`${this.constructor.name}.loadStateDict: lastEpoch must be a non-negative integer, got ${String(t)}`);
    }
    const prev = this.lastEpoch;
    this.lastEpoch = t;
    try {
      this.apply();
    } catch (e) {
      this.lastEpoch = prev;
      throw e;
    }
  }
}

function positiveInt(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${String(v)}`);
}

function finiteNonNegative(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${op}: ${name} must be a finite number ≥ 0, got ${String(v)}`);
}

function checkOpts(op: string, opts: unknown): void {
  if (typeof opts !== 'object' || opts === null) throw new ValueError(`${op}: options must be an object, got ${opts === null ? 'null' : typeof opts}`);
}

/**
 * Step decay: lr(t) = base · γ^⌊t / stepSize⌋.
 * @example
 * ```ts
 * new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * ```
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  /** @param opts.stepSize steps between decays; opts.gamma decay factor (default 0.1) */
  constructor(optimizer: AnyOptimizer, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    checkOpts('StepLR', opts);
    positiveInt('StepLR', 'stepSize', opts.stepSize);
    this.stepSize = opts.stepSize;
    this.gamma = opts.gamma ?? 0.1;
    finiteNonNegative('StepLR', 'gamma', this.gamma);
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/**
 * Decay at milestones: lr(t) = base · γ^(number of milestones ≤ t).
 * @example
 * ```ts
 * new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;

  /** @param opts.milestones step indices; opts.gamma decay factor (default 0.1) */
  constructor(optimizer: AnyOptimizer, opts: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer);
    checkOpts('MultiStepLR', opts);
    if (!Array.isArray(opts.milestones)) throw new ValueError(`MultiStepLR: milestones must be an array of positive integers, got ${String(opts.milestones)}`);
    opts.milestones.forEach((m, i) => positiveInt('MultiStepLR', `milestones[${i}]`, m));
    this.milestones = [...opts.milestones].sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    finiteNonNegative('MultiStepLR', 'gamma', this.gamma);
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    return baseLr * this.gamma ** this.milestones.filter((m) => m <= t).length;
  }
}

/**
 * Exponential decay: lr(t) = base · γᵗ.
 * @example
 * ```ts
 * new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  /** @param opts.gamma decay factor per step */
  constructor(optimizer: AnyOptimizer, opts: { gamma: number }) {
    super(optimizer);
    checkOpts('ExponentialLR', opts);
    finiteNonNegative('ExponentialLR', 'gamma', opts.gamma);
    this.gamma = opts.gamma;
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    return baseLr * this.gamma ** t;
  }
}

/**
 * Cosine annealing (Loshchilov & Hutter, "SGDR", arXiv:1608.03983), without restarts:
 * lr(t) = η_min + (base − η_min) · (1 + cos(π t / T_max)) / 2.
 * @example
 * ```ts
 * new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  /** @param opts.tMax half period in steps; opts.etaMin floor (default 0) */
  constructor(optimizer: AnyOptimizer, opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    checkOpts('CosineAnnealingLR', opts);
    positiveInt('CosineAnnealingLR', 'tMax', opts.tMax);
    this.tMax = opts.tMax;
    this.etaMin = opts.etaMin ?? 0;
    finiteNonNegative('CosineAnnealingLR', 'etaMin', this.etaMin);
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/**
 * Linear ramp of the factor: lr(t) = base · (s + (e − s) · min(t, T) / T).
 * @example
 * ```ts
 * new LinearLR(opt, { startFactor: 0.1, endFactor: 1, totalIters: 10 });
 * ```
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  /** @param opts.startFactor s (default 1/3); opts.endFactor e (default 1); opts.totalIters T (default 5) */
  constructor(optimizer: AnyOptimizer, opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    this.startFactor = opts.startFactor ?? 1 / 3;
    this.endFactor = opts.endFactor ?? 1;
    this.totalIters = opts.totalIters ?? 5;
    positiveInt(this.constructor.name, 'totalIters', this.totalIters);
    if (typeof this.startFactor !== 'number' || typeof this.endFactor !== 'number' || !(this.startFactor >= 0 && this.startFactor <= 1) || !(this.endFactor >= 0 && this.endFactor <= 1)) {
      throw new ValueError(`${this.constructor.name}: factors must be in [0, 1], got start ${this.startFactor}, end ${this.endFactor}`);
    }
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    const f = Math.min(t, this.totalIters) / this.totalIters;
    return baseLr * (this.startFactor + (this.endFactor - this.startFactor) * f);
  }
}

/**
 * Linear warmup: lr(t) = base · (s + (1 − s) · min(t, W) / W), i.e. `LinearLR` ending at 1
 * (s = `startFactor`, default 0; W = `warmupSteps`). Chain with `SequentialLR` for warmup + decay.
 * @example
 * ```ts
 * const warm = new LinearWarmup(opt, { warmupSteps: 100 });
 * ```
 */
export class LinearWarmup extends LinearLR {
  /** @param opts.warmupSteps W; opts.startFactor s (default 0) */
  constructor(optimizer: AnyOptimizer, opts: { warmupSteps: number; startFactor?: number }) {
    super(optimizer, { startFactor: opts.startFactor ?? 0, endFactor: 1, totalIters: opts.warmupSteps });
  }
}

/**
 * A user-given factor: lr(t) = base · f(t).
 * @example
 * ```ts
 * new LambdaLR(opt, (t) => 1 / (1 + t));
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** @param factor f(t) */
  constructor(optimizer: AnyOptimizer, readonly factor: (t: number) => number) {
    super(optimizer);
    if (typeof factor !== 'function') throw new ValueError(`LambdaLR: factor must be a function, got ${typeof factor}`);
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    return baseLr * this.factor(t);
  }
}

/**
 * Schedulers one after another: with milestones m₁ < m₂ < …, scheduler i runs from mᵢ with its
 * own clock restarted: lr(t) = schedᵢ.lrAt(t − mᵢ, base).
 * @example
 * ```ts
 * const warm = new LinearWarmup(opt, { warmupSteps: 10 });
 * const cos = new CosineAnnealingLR(opt, { tMax: 90 });
 * const sched = new SequentialLR(opt, [warm, cos], [10]);
 * ```
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  /**
   * @param schedulers k schedulers on the same optimizer
   * @param milestones k − 1 increasing step indices where the next scheduler takes over
   */
  constructor(optimizer: AnyOptimizer, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super(optimizer);
    if (schedulers.length < 1 || milestones.length !== schedulers.length - 1) {
      throw new ValueError(`SequentialLR: expected ${Math.max(0, schedulers.length - 1)} milestones for ${schedulers.length} schedulers, got ${milestones.length}`);
    }
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new ValueError('SequentialLR: all schedulers must drive the same optimizer');
    if (!Array.isArray(milestones)) throw new ValueError('SequentialLR: milestones must be an array of positive integers');
    milestones.forEach((m, i) => positiveInt('SequentialLR', `milestones[${i}]`, m));
    if (milestones.some((m, i) => !(m > (i ? milestones[i - 1]! : 0)))) throw new ValueError(`SequentialLR: milestones must be positive and increasing, got [${milestones.join(', ')}]`);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.apply();
  }

  lrAt(t: number, baseLr: number): number {
    let i = 0;
    while (i < this.milestones.length && t >= this.milestones[i]!) i++;
    const start = i === 0 ? 0 : this.milestones[i - 1]!;
    return this.schedulers[i]!.lrAt(t - start, baseLr);
  }
}
