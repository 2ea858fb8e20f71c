/**
 * Seeded pseudo-random numbers. All randomness in erlangen goes through an explicit `Rng`; reruns
 * with the same seed are bit-identical. The generator is xoshiro128** (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", 2018) seeded through splitmix32.
 * @module
 */
import { ValueError } from './errors.js';

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The complete state of an {@link Rng}: the four 32-bit words of xoshiro128** and the cached second
 * normal sample of Box–Muller (`null` when none is cached). Plain data, safe to JSON-encode.
 */
export interface RngState {
  /** The four state words, each an unsigned 32-bit integer, not all zero. */
  readonly s: readonly [number, number, number, number];
  /** The cached normal sample the next `normal()` returns, or null. */
  readonly spare: number | null;
}

/**
 * A seeded random number generator (xoshiro128**).
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const u = rng.uniform();      // in [0, 1)
 * const z = rng.normal();       // standard normal
 * const child = rng.fork();     // an independent stream
 * ```
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed = 0) {
    const st = { s: seed | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /**
   * A copy of the generator's complete state; `setState` (or `Rng.fromState`) with it continues the
   * stream exactly where this one is, cached normal sample included.
   *
   * @example
   * ```ts
   * const rng = new Rng(1);
   * rng.normal();                        // caches a second normal sample
   * const saved = rng.getState();
   * const next = rng.normal();
   * Rng.fromState(saved).normal() === next; // true: the stream continues, cached sample included
   * ```
   */
  getState(): RngState {
    return { s: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spare: this.spare };
  }

  /**
   * Restore a state from {@link getState}.
   * @throws ValueError when a word is not an unsigned 32-bit integer, all four words are zero (a
   * fixed point of xoshiro), or the spare is neither null nor a finite number
   *
   * @example
   * ```ts
   * const rng = new Rng(7);
   * const saved = rng.getState();
   * const first = rng.uniform();
   * rng.setState(saved);
   * rng.uniform() === first; // true
   * ```
   */
  setState(state: RngState): void {
    const s = state?.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new ValueError(`Rng.setState: s must be four unsigned 32-bit integers, got ${JSON.stringify(s)}`);
    }
    if (s.every((w) => w === 0)) throw new ValueError('Rng.setState: the state words are all zero (xoshiro never leaves that state)');
    const spare = state.spare;
    if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare))) {
      throw new ValueError(`Rng.setState: spare must be null or a finite number, got ${String(spare)}`);
    }
    this.a = s[0]! | 0;
    this.b = s[1]! | 0;
    this.c = s[2]! | 0;
    this.d = s[3]! | 0;
    this.spare = spare;
  }

  /**
   * A generator that continues from a saved state (see {@link getState}).
   * @example
   * ```ts
   * const copy = Rng.fromState(new Rng(3).getState());
   * ```
   */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal sample (Box–Muller, the second value cached). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return mean + std * s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`Rng.int: n must be positive, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** Shuffle an array in place and return it. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
    return arr;
  }

  /** Fill `out` with uniform samples in [lo, hi). */
  fillUniform(out: Float32Array | Float64Array, lo = 0, hi = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** Fill `out` with normal samples. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** An independent generator seeded from this one's stream (for child components). */
  fork(): Rng {
    return new Rng(this.nextUint32() ^ 0x5bd1e995);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
