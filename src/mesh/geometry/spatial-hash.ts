/**
 * A uniform spatial grid hash over 3-D points for radius queries and radius graphs without the
 * O(V²) all-pairs scan: cells of side `cell`, points bucketed by floor(x / cell); a query of
 * radius r ≤ cell looks at the 27 cells around the query point. Expected O(1) points per cell for
 * well-spread points and cell ≈ r.
 * @module
 */
import { ShapeError, ValueError } from '../../util/index.js';

/** A grid hash over points (see the module comment). */
export interface SpatialHash {
  /** Cell side. */
  cell: number;
  /** The points, N·3. */
  points: Float64Array;
  /** Cell key → point ids in increasing order. */
  buckets: Map<string, number[]>;
}

const key = (i: number, j: number, k: number): string => `${i},${j},${k}`;

/**
 * Bucket `points` (N·3) into cells of side `cell` (> 0).
 * @throws ValueError on a non-positive cell; ShapeError when the length is not a multiple of 3
 */
export function buildSpatialHash(points: Float64Array, cell: number, op = 'buildSpatialHash'): SpatialHash {
  if (!(cell > 0) || !Number.isFinite(cell)) throw new ValueError(`${op}: cell size must be positive and finite, got ${cell}`);
  if (points.length % 3 !== 0) throw new ShapeError(`${op}: ${points.length} numbers are not N·3`);
  const buckets = new Map<string, number[]>();
  for (let i = 0; i < points.length / 3; i++) {
    const k = key(Math.floor(points[3 * i]! / cell), Math.floor(points[3 * i + 1]! / cell), Math.floor(points[3 * i + 2]! / cell));
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = []));
    b.push(i);
  }
  return { cell, points, buckets };
}

/**
 * Ids of hashed points within distance `radius` of (x, y, z), with squared distances, sorted by
 * distance then id. `radius` may exceed the cell (more cells are visited).
 */
export function queryRadius(hash: SpatialHash, x: number, y: number, z: number, radius: number): { ids: number[]; d2: number[] } {
  const c = hash.cell, P = hash.points, r2 = radius * radius, span = Math.max(1, Math.ceil(radius / c));
  const ci = Math.floor(x / c), cj = Math.floor(y / c), ck = Math.floor(z / c);
  const ids: number[] = [], d2: number[] = [];
  for (let i = ci - span; i <= ci + span; i++) for (let j = cj - span; j <= cj + span; j++) for (let k = ck - span; k <= ck + span; k++) {
    const b = hash.buckets.get(key(i, j, k));
    if (!b) continue;
    for (const q of b) {
      const d = (P[3 * q]! - x) ** 2 + (P[3 * q + 1]! - y) ** 2 + (P[3 * q + 2]! - z) ** 2;
      if (d <= r2) { ids.push(q); d2.push(d); }
    }
  }
  const order = ids.map((_, t) => t).sort((a, b) => d2[a]! - d2[b]! || ids[a]! - ids[b]!);
  return { ids: order.map((t) => ids[t]!), d2: order.map((t) => d2[t]!) };
}

/**
 * Nearest hashed point to (x, y, z) (ties: lowest id), searching rings of cells outwards; −1 when
 * the hash is empty.
 */
export function nearestPoint(hash: SpatialHash, x: number, y: number, z: number): { id: number; d2: number } {
  if (hash.points.length === 0) return { id: -1, d2: Infinity };
  let r = hash.cell;
  for (;;) {
    const { ids, d2 } = queryRadius(hash, x, y, z, r);
    if (ids.length > 0) return { id: ids[0]!, d2: d2[0]! };
    r *= 2;
  }
}

/**
 * Directed radius graph on points: for each receiver p, the senders q ≠ p with ‖x_q − x_p‖ ≤ radius,
 * the `maxNeighbours` nearest (ties by id), optionally preceded by the self-loop p → p. Edges are
 * grouped by receiver in increasing order.
 */
export function pointRadiusGraph(
  points: Float64Array, radius: number, maxNeighbours = Infinity, selfLoops = true, op = 'pointRadiusGraph',
): { senders: Int32Array; receivers: Int32Array } {
  if (!(radius > 0)) throw new ValueError(`${op}: radius must be positive, got ${radius}`);
  if (!(maxNeighbours >= 0)) throw new ValueError(`${op}: maxNeighbours must be ≥ 0, got ${maxNeighbours}`);
  const hash = buildSpatialHash(points, radius, op), s: number[] = [], r: number[] = [];
  for (let p = 0; p < points.length / 3; p++) {
    if (selfLoops) { s.push(p); r.push(p); }
    const { ids } = queryRadius(hash, points[3 * p]!, points[3 * p + 1]!, points[3 * p + 2]!, radius);
    let n = 0;
    for (const q of ids) {
      if (q === p) continue;
      if (n++ >= maxNeighbours) break;
      s.push(q); r.push(p);
    }
  }
  return { senders: Int32Array.from(s), receivers: Int32Array.from(r) };
}
