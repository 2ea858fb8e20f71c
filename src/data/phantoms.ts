/**
 * CT phantoms made of ellipses: the modified Shepp–Logan head phantom (Shepp & Logan, IEEE Trans.
 * Nucl. Sci. 1974, with Toft's higher-contrast intensities, 1996) and random Shepp–Logan-style
 * phantoms (an outer body ellipse with random inner ellipses), rendered on an n × n grid.
 *
 * Coordinates: the image covers [−1, 1]², x to the right, y up; pixel (i, j) has its centre at
 * x = (j − (n−1)/2)/(n/2), y = ((n−1)/2 − i)/(n/2). Each ellipse adds its value inside
 * ((x'/a)² + (y'/b)² ≤ 1, x', y' the coordinates relative to its centre rotated by −φ);
 * pixels are anti-aliased by averaging `supersample`² sub-pixel samples.
 * @module
 */
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** One ellipse of a phantom: additive value, semi-axes a (along x′), b, centre, rotation φ (radians, counter-clockwise). */
export interface Ellipse {
  /** Intensity added inside. */
  value: number;
  /** Semi-axis along the rotated x′ axis. */
  a: number;
  /** Semi-axis along the rotated y′ axis. */
  b: number;
  /** Centre x. */
  x0: number;
  /** Centre y. */
  y0: number;
  /** Rotation angle φ in radians. */
  phi: number;
}

const deg = Math.PI / 180;

/** The ten ellipses of the modified Shepp–Logan phantom (Toft's intensities). */
export const SHEPP_LOGAN: readonly Ellipse[] = Object.freeze([
  { value: 1, a: 0.69, b: 0.92, x0: 0, y0: 0, phi: 0 },
  { value: -0.8, a: 0.6624, b: 0.874, x0: 0, y0: -0.0184, phi: 0 },
  { value: -0.2, a: 0.11, b: 0.31, x0: 0.22, y0: 0, phi: -18 * deg },
  { value: -0.2, a: 0.16, b: 0.41, x0: -0.22, y0: 0, phi: 18 * deg },
  { value: 0.1, a: 0.21, b: 0.25, x0: 0, y0: 0.35, phi: 0 },
  { value: 0.1, a: 0.046, b: 0.046, x0: 0, y0: 0.1, phi: 0 },
  { value: 0.1, a: 0.046, b: 0.046, x0: 0, y0: -0.1, phi: 0 },
  { value: 0.1, a: 0.046, b: 0.023, x0: -0.08, y0: -0.605, phi: 0 },
  { value: 0.1, a: 0.023, b: 0.023, x0: 0, y0: -0.606, phi: 0 },
  { value: 0.1, a: 0.023, b: 0.046, x0: 0.06, y0: -0.605, phi: 0 },
]);

/**
 * Render ellipses on an n × n grid (see the module comment for the coordinates).
 * @returns Float64Array of n·n values, row-major
 * @throws ValueError for n < 1 or supersample < 1
 */
export function renderEllipses(ellipses: readonly Ellipse[], n: number, supersample = 2): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`renderEllipses: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(supersample) || supersample < 1) throw new ValueError(`renderEllipses: supersample must be a positive integer, got ${supersample}`);
  const out = new Float64Array(n * n), c = (n - 1) / 2, h = n / 2, ss = supersample;
  const pre = ellipses.map((e) => ({ ...e, cos: Math.cos(e.phi), sin: Math.sin(e.phi) }));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let si = 0; si < ss; si++) {
        for (let sj = 0; sj < ss; sj++) {
          const x = (j - c + (sj + 0.5) / ss - 0.5) / h, y = (c - i - (si + 0.5) / ss + 0.5) / h;
          for (const e of pre) {
            const dx = x - e.x0, dy = y - e.y0;
            const u = dx * e.cos + dy * e.sin, v = -dx * e.sin + dy * e.cos;
            if ((u / e.a) ** 2 + (v / e.b) ** 2 <= 1) acc += e.value;
          }
        }
      }
      out[i * n + j] = acc / (ss * ss);
    }
  }
  return out;
}

/** The modified Shepp–Logan phantom on an n × n grid, as a float64 tensor [n, n]. */
export function sheppLogan(n: number): Tensor {
  return fromData(renderEllipses(SHEPP_LOGAN, n), [n, n]);
}

/** Options of {@link randomEllipsePhantoms}. */
export interface RandomPhantomOptions {
  /** Inner ellipses per phantom, drawn uniformly in [min, max] (default [3, 6]). */
  inner?: readonly [number, number];
}

/**
 * Random Shepp–Logan-style phantoms: an outer "body" ellipse of value 1 (semi-axes in
 * [0.6, 0.9], rotation in [−π/6, π/6]) and k inner ellipses (semi-axes in [0.05, 0.35], random
 * rotation, centres inside the body, additive values in [−0.5, 0.5]).
 *
 * @returns float64 tensor [count, n, n]
 * @throws ValueError for bad sizes
 */
export function randomEllipsePhantoms(count: number, n: number, rng: Rng, opts: RandomPhantomOptions = {}): Tensor {
  if (!Number.isInteger(count) || count < 0) throw new ValueError(`randomEllipsePhantoms: count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`randomEllipsePhantoms: n must be a positive integer, got ${n}`);
  const [kLo, kHi] = opts.inner ?? [3, 6];
  if (!(Number.isInteger(kLo) && Number.isInteger(kHi) && kLo >= 0 && kHi >= kLo)) throw new ValueError(`randomEllipsePhantoms: inner must be integers 0 ≤ min ≤ max, got [${kLo}, ${kHi}]`);
  const out = new Float64Array(count * n * n);
  for (let p = 0; p < count; p++) {
    const body: Ellipse = { value: 1, a: rng.uniformIn(0.6, 0.9), b: rng.uniformIn(0.6, 0.9), x0: 0, y0: 0, phi: rng.uniformIn(-Math.PI / 6, Math.PI / 6) };
    const es: Ellipse[] = [body];
    const k = kLo + rng.int(kHi - kLo + 1);
    for (let q = 0; q < k; q++) {
      const r = 0.6 * Math.sqrt(rng.uniform()), t = rng.uniformIn(0, 2 * Math.PI);
      es.push({
        value: rng.uniformIn(-0.5, 0.5), a: rng.uniformIn(0.05, 0.35), b: rng.uniformIn(0.05, 0.35),
        x0: r * body.a * Math.cos(t), y0: r * body.b * Math.sin(t), phi: rng.uniformIn(0, Math.PI),
      });
    }
    out.set(renderEllipses(es, n), p * n * n);
  }
  return fromData(out, [count, n, n]);
}
