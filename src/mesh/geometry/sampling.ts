/**
 * Farthest-point sampling (Gonzalez 1985; Eldar et al. 1997): start from one point, repeatedly add
 * the point farthest (Euclidean) from those chosen. Stopping at a radius r gives an r-net: chosen
 * points are pairwise ≥ r apart and every point is within r of one — the radius-based coarsening of
 * GEM-CNN (arXiv:2003.05425, §6). Deterministic: ties go to the lowest id.
 * @module
 */
import { ShapeError, ValueError } from '../../util/index.js';

/** Options of {@link farthestPointSampling}; give `count`, `radius` or both (stop at the first reached). */
export interface FpsOptions {
  /** Number of points to choose (at most N). */
  count?: number;
  /** Stop when the farthest remaining point is closer than this to the chosen set. */
  radius?: number;
  /** First point (default 0). */
  start?: number;
}

/**
 * Farthest-point sampling over N·3 points. Returns the chosen ids in selection order and, per
 * point, the distance to the nearest chosen one (`distance`) and which one (`nearest`, an index
 * into `ids`). O(N·k) for k chosen points.
 * @throws ValueError when neither count nor radius is given, or the start is out of range
 */
export function farthestPointSampling(points: Float64Array, opts: FpsOptions): { ids: Int32Array; distance: Float64Array; nearest: Int32Array } {
  const op = 'farthestPointSampling';
  if (points.length % 3 !== 0) throw new ShapeError(`${op}: ${points.length} numbers are not N·3`);
  const N = points.length / 3;
  if (N === 0) throw new ValueError(`${op}: no points`);
  if (opts.count === undefined && opts.radius === undefined) throw new ValueError(`${op}: give count or radius`);
  const count = Math.min(N, opts.count ?? N), radius = opts.radius ?? 0, start = opts.start ?? 0;
  if (!Number.isInteger(count) || count < 1) throw new ValueError(`${op}: count must be a positive integer, got ${opts.count}`);
  if (!(radius >= 0)) throw new ValueError(`${op}: radius must be ≥ 0, got ${radius}`);
  if (!Number.isInteger(start) || start < 0 || start >= N) throw new ValueError(`${op}: start ${start} outside [0, ${N})`);
  const d2 = new Float64Array(N).fill(Infinity), nearest = new Int32Array(N), ids: number[] = [];
  const r2 = radius * radius;
  let cur = start;
  for (;;) {
    const k = ids.length;
    ids.push(cur);
    const x = points[3 * cur]!, y = points[3 * cur + 1]!, z = points[3 * cur + 2]!;
    let best = -1, bestD = -1;
    for (let i = 0; i < N; i++) {
      const d = (points[3 * i]! - x) ** 2 + (points[3 * i + 1]! - y) ** 2 + (points[3 * i + 2]! - z) ** 2;
      if (d < d2[i]!) { d2[i] = d; nearest[i] = k; }
      if (d2[i]! > bestD) { bestD = d2[i]!; best = i; }
    }
    if (ids.length >= count || bestD <= 0 || bestD < r2) break;
    cur = best;
  }
  const distance = new Float64Array(N);
  for (let i = 0; i < N; i++) distance[i] = Math.sqrt(d2[i]!);
  return { ids: Int32Array.from(ids), distance, nearest };
}
