/**
 * Rhythms: a synthetic temporal-pattern classification task for spiking networks. Each class is a
 * cyclic pattern of inter-spike intervals; every class has the same period and the same number of
 * spikes per period, so every class has the same mean firing rate and only the timing tells
 * them apart. A sample repeats its class's pattern from a random phase over `steps` time steps,
 * moves each spike by a random jitter, and copies the train to each input channel with
 * independently dropped spikes and background noise spikes.
 *
 * Every sample has its own random stream keyed by (seed, split, index), and labels come in blocks
 * holding each class once, so splits are disjoint and balanced and the same seed gives the same
 * spikes.
 * @module
 */
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { SizeError, ValueError } from '../util/errors.js';
import { blockLabel, checkCount, checkRange, checkSeed, keyedRng } from './glyphs.js';
import type { DatasetSplit } from './glyphs.js';

/** Defaults of {@link rhythms}. */
export const RHYTHMS = Object.freeze({
  /**
   * The classes' inter-spike-interval patterns (in steps), each of period 12 with 3 spikes: an even
   * pulse, a long–short accelerando and its reverse (same intervals, opposite order), a double beat
   * and a swing.
   */
  patterns: Object.freeze([[4, 4, 4], [2, 4, 6], [2, 6, 4], [2, 2, 8], [3, 3, 6]].map((p) => Object.freeze(p))) as readonly (readonly number[])[],
  /** Time steps per sample. */
  steps: 48,
  /** Input channels (noisy copies of the train). */
  channels: 8,
  /** Each spike of the source moves by a uniform integer in [−jitter, jitter] steps (shared by the channels). */
  jitter: 1,
  /** Probability that a spike is dropped, per channel. */
  drop: 0.15,
  /** Probability of a background spike per step and channel. */
  noise: 0.03,
  /** Largest number of spike values one call may allocate. */
  maxValues: 2 ** 27,
});

/** Options of {@link rhythms}. */
export interface RhythmOptions {
  /** Seed (default 0). */
  seed?: number;
  /** Which split (default 'train'); splits draw from disjoint streams. */
  split?: DatasetSplit;
  /** Number of samples. */
  count: number;
  /** Time steps (default 48). */
  steps?: number;
  /** Input channels (default 8). */
  channels?: number;
  /** Timing jitter in steps (default 1). */
  jitter?: number;
  /** Spike drop probability (default 0.15). */
  drop?: number;
  /** Background spike probability per step and channel (default 0.03). */
  noise?: number;
  /** The classes' interval patterns (default {@link RHYTHMS}.patterns). */
  patterns?: readonly (readonly number[])[];
}

/** A set of rhythm samples. */
export interface RhythmData {
  /** Spikes [count, steps, channels], float32 0/1. */
  readonly spikes: Tensor;
  /** Class of each sample [count], int32. */
  readonly labels: Tensor;
}

const SPLIT_TAG: Record<DatasetSplit, number> = { train: 101, validation: 102, test: 103 };

/**
 * Generate rhythm samples (see the module documentation).
 * @throws ValueError for a bad seed, count, steps, channels, jitter, probabilities, split or
 * pattern (intervals must be positive integers); SizeError when the spikes would exceed
 * {@link RHYTHMS}.maxValues values
 *
 * @example
 * ```ts
 * const { spikes, labels } = rhythms({ seed: 0, count: 100 }); // [100, 48, 8], [100]
 * ```
 */
export function rhythms(opts: RhythmOptions): RhythmData {
  const op = 'rhythms';
  const seed = checkSeed(op, opts.seed ?? 0);
  const split = opts.split ?? 'train';
  const tag = SPLIT_TAG[split];
  if (tag === undefined) throw new ValueError(`${op}: split must be train, validation or test, got ${String(split)}`);
  const count = checkCount(op, 'count', opts.count);
  const steps = checkCount(op, 'steps', opts.steps ?? RHYTHMS.steps);
  const channels = checkCount(op, 'channels', opts.channels ?? RHYTHMS.channels);
  if (steps < 1 || channels < 1) throw new ValueError(`${op}: steps and channels must be positive, got ${steps} and ${channels}`);
  const jitter = checkCount(op, 'jitter', opts.jitter ?? RHYTHMS.jitter);
  const drop = checkRange(op, 'drop', opts.drop ?? RHYTHMS.drop, 0, 1);
  const noise = checkRange(op, 'noise', opts.noise ?? RHYTHMS.noise, 0, 1);
  const patterns = opts.patterns ?? RHYTHMS.patterns;
  if (!Array.isArray(patterns) || patterns.length < 2) throw new ValueError(`${op}: need at least two patterns`);
  for (const p of patterns) {
    if (!Array.isArray(p) || p.length === 0 || !p.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValueError(`${op}: each pattern must be a non-empty list of positive integer intervals, got [${String(p)}]`);
    }
  }
  if (count * steps * channels > RHYTHMS.maxValues) throw new SizeError(`${op}: ${count}×${steps}×${channels} spike values exceed ${RHYTHMS.maxValues}`);
  const K = patterns.length;
  const out = new Float32Array(count * steps * channels);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const k = blockLabel(seed, tag + 1000, n, K);
    labels[n] = k;
    const rng = keyedRng(seed, tag, n);
    const pat: readonly number[] = patterns[k]!;
    const period = pat.reduce((a: number, d: number) => a + d, 0);
    // nominal spike times: the pattern from a random phase, starting one period before t = 0
    const times: number[] = [];
    let t = -period + rng.int(period), i = rng.int(pat.length);
    while (t < steps + jitter) {
      times.push(t);
      t += pat[i % pat.length]!;
      i++;
    }
    // the source's timing jitter, shared by the channels
    const jittered = times.map((t0) => t0 + (jitter > 0 ? rng.int(2 * jitter + 1) - jitter : 0));
    const base = n * steps * channels;
    for (let c = 0; c < channels; c++) {
      for (const tj of jittered) {
        if (rng.uniform() < drop) continue;
        if (tj >= 0 && tj < steps) out[base + tj * channels + c] = 1;
      }
      if (noise > 0) for (let s = 0; s < steps; s++) if (rng.uniform() < noise) out[base + s * channels + c] = 1;
    }
  }
  return { spikes: fromData(out, [count, steps, channels]), labels: fromData(labels, [count]) };
}
