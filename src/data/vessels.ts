/**
 * Synthetic vessel-tree images for segmentation: branching, curving tubes of decreasing width and
 * varying contrast on a smooth, uneven background with Gaussian noise, with their binary masks
 * (a procedural stand-in for retinal fundus vessel data such as DRIVE).
 *
 * A tree starts at a random point on the border, heading inwards, with radius r₀. It grows in
 * unit steps; its direction turns by a random walk in angle (curvature), its radius shrinks by a
 * constant factor per step, and with a fixed probability per step it forks: a child tree of
 * radius 0.7·r leaves at ±(25°–60°). A tree stops when it leaves the image or its radius falls
 * below `minRadius`. The image is background + Σ contrast·profile + noise, with profile the
 * anti-aliased tube clamp(r + ½ − d, 0, 1) (d the distance to the centre line), and the mask is
 * d ≤ r at the pixel centre. Background: a random plane plus a broad Gaussian bump (illumination).
 * @module
 */
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** Options of {@link vesselImages}. */
export interface VesselImageOptions {
  /** Trees per image (default 2). */
  trees?: number;
  /** Initial radius range in pixels (default [1, 2.2]). */
  radius?: readonly [number, number];
  /** Trees stop below this radius (default 0.45). */
  minRadius?: number;
  /** Vessel contrast range (default [0.2, 0.7]). */
  contrast?: readonly [number, number];
  /** Standard deviation of the additive noise (default 0.15). */
  noise?: number;
  /** Amplitude of the uneven background (default 0.3). */
  background?: number;
}

/** A batch of vessel images and masks. */
export interface VesselBatch {
  /** Images, float64 [count, 1, n, n]. */
  images: Tensor;
  /** Masks (1 vessel, 0 background), float64 [count, 1, n, n]. */
  masks: Tensor;
}

interface Point {
  x: number;
  y: number;
  r: number;
  c: number;
}

function grow(pts: Point[], rng: Rng, n: number, x: number, y: number, dir: number, r: number, c: number, minR: number, depth: number): void {
  const shrink = 0.992, forkP = depth < 3 ? 0.035 : 0;
  let turn = 0;
  for (let step = 0; step < 4 * n; step++) {
    if (x < -1 || y < -1 || x > n || y > n || r < minR) return;
    pts.push({ x, y, r, c });
    turn = 0.85 * turn + rng.normal(0, 0.06);
    dir += turn;
    x += Math.cos(dir);
    y += Math.sin(dir);
    r *= shrink;
    if (rng.uniform() < forkP) {
      const side = rng.bernoulli(0.5) ? 1 : -1;
      grow(pts, rng, n, x, y, dir + side * rng.uniformIn(25, 60) * (Math.PI / 180), 0.7 * r, c * rng.uniformIn(0.8, 1.1), minR, depth + 1);
    }
  }
}

/**
 * Draw `count` vessel images of n × n pixels with their masks (see the module comment).
 * @throws ValueError for bad sizes or ranges
 */
export function vesselImages(count: number, n: number, rng: Rng, opts: VesselImageOptions = {}): VesselBatch {
  if (!Number.isInteger(count) || count < 0) throw new ValueError(`vesselImages: count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(n) || n < 8) throw new ValueError(`vesselImages: n must be an integer ≥ 8, got ${n}`);
  const trees = opts.trees ?? 2;
  const [r0, r1] = opts.radius ?? [1, 2.2];
  const [c0, c1] = opts.contrast ?? [0.2, 0.7];
  const minR = opts.minRadius ?? 0.45, noise = opts.noise ?? 0.15, bg = opts.background ?? 0.3;
  if (!(Number.isInteger(trees) && trees >= 1)) throw new ValueError(`vesselImages: trees must be a positive integer, got ${trees}`);
  if (!(r0 > 0 && r1 >= r0 && c1 >= c0 && minR > 0 && noise >= 0 && bg >= 0)) throw new ValueError('vesselImages: radius, contrast, minRadius, noise and background must be positive ranges / values');
  const img = new Float64Array(count * n * n), mask = new Float64Array(count * n * n);
  for (let s = 0; s < count; s++) {
    const pts: Point[] = [];
    for (let t = 0; t < trees; t++) {
      const side = rng.int(4), u = rng.uniformIn(0.15, 0.85) * n;
      const [x, y, dir] = side === 0 ? [u, 0, Math.PI / 2] : side === 1 ? [n - 1, u, Math.PI] : side === 2 ? [u, n - 1, -Math.PI / 2] : [0, u, 0];
      grow(pts, rng, n, x, y, dir + rng.uniformIn(-0.5, 0.5), rng.uniformIn(r0, r1), rng.uniformIn(c0, c1), minR, 0);
    }
    const vessel = new Float64Array(n * n);
    const o = s * n * n;
    for (const p of pts) {
      const R = Math.ceil(p.r + 1);
      for (let i = Math.max(0, Math.floor(p.y) - R); i <= Math.min(n - 1, Math.ceil(p.y) + R); i++) {
        for (let j = Math.max(0, Math.floor(p.x) - R); j <= Math.min(n - 1, Math.ceil(p.x) + R); j++) {
          const d = Math.hypot(j - p.x, i - p.y);
          const v = p.c * Math.min(1, Math.max(0, p.r + 0.5 - d));
          if (v > vessel[i * n + j]!) vessel[i * n + j] = v;
          if (d <= p.r) mask[o + i * n + j] = 1;
        }
      }
    }
    const gx = rng.normal(0, 1), gy = rng.normal(0, 1), bx = rng.uniformIn(0, n), by = rng.uniformIn(0, n), bs = rng.uniformIn(0.2, 0.5) * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const back = bg * (0.5 * ((gx * (j - n / 2) + gy * (i - n / 2)) / n) + Math.exp(-((j - bx) ** 2 + (i - by) ** 2) / (2 * bs * bs)));
        img[o + i * n + j] = back + vessel[i * n + j]! + rng.normal(0, noise);
      }
    }
  }
  return { images: fromData(img, [count, 1, n, n]), masks: fromData(mask, [count, 1, n, n]) };
}
