/**
 * Radius-based coarsening of a mesh level (GEM-CNN, arXiv:2003.05425, §6): farthest-point sampling
 * down to an r-net picks the coarse vertices (they keep the fine vertex's position, normal and
 * gauge); the coarse level's geometry is a radius graph (≤ maxNeighbours nearest within
 * `graphRadius`, plus self-loops) with log-map angles and transport angles computed exactly as on
 * the mesh; the pooling map assigns each fine vertex q to its nearest coarse vertex p (within r by
 * construction) with the transport angle g_{q→p} from q's gauge to p's gauge.
 * @module
 */
import { ValueError } from '../../util/index.js';
import type { GaugeGeometry } from '../gauge.js';
import type { MeshFrames, MeshPooling } from '../types.js';
import { logMap } from './log-map.js';
import { farthestPointSampling } from './sampling.js';
import { pointRadiusGraph } from './spatial-hash.js';
import { transportAngles } from './transport.js';

/** One level of a mesh hierarchy: vertex positions (V·3) and their frames. */
export interface MeshLevel {
  /** Vertex positions, V·3. */
  positions: Float64Array;
  /** Gauge frames of the vertices. */
  frames: MeshFrames;
}

/** Options of {@link coarsen}. */
export interface CoarsenOptions {
  /** Sampling radius r: coarse vertices are pairwise ≥ r apart, every fine vertex is within r of one. */
  radius: number;
  /** Radius of the coarse level's neighbourhood graph (default 2r). */
  graphRadius?: number;
  /** At most this many neighbours (nearest first, besides the self-loop) per coarse vertex (default 16). */
  maxNeighbours?: number;
  /** Fine vertex that starts the sampling (default 0). */
  start?: number;
  /** Divide the coarse geometry's radii by graphRadius so they lie in [0, 1] (default false). */
  normaliseRadius?: boolean;
}

/** The coarse level produced by {@link coarsen}. */
export interface CoarseLevel extends MeshLevel {
  /** Fine vertex id of each coarse vertex (in sampling order). */
  indices: Int32Array;
  /** Neighbourhood geometry of the coarse level (radius graph with self-loops). */
  geometry: GaugeGeometry;
  /** Fine → coarse assignment with transport angles. */
  pooling: MeshPooling;
}

/**
 * Coarsen a level: farthest-point r-net, coarse radius graph with log map and transport, and the
 * pooling map. O(V·k) for the sampling (k coarse vertices) plus O(k·neighbours) for the graph.
 * @throws ValueError on a non-positive radius or an empty level
 */
export function coarsen(level: MeshLevel, opts: CoarsenOptions): CoarseLevel {
  const op = 'coarsen';
  const { positions, frames } = level;
  if (!(opts.radius > 0)) throw new ValueError(`${op}: radius must be positive, got ${opts.radius}`);
  const V = positions.length / 3;
  if (V === 0) throw new ValueError(`${op}: empty level`);
  if (frames.xAxis.length !== 3 * V || frames.yAxis.length !== 3 * V || frames.normal.length !== 3 * V) {
    throw new ValueError(`${op}: frames do not have V·3 = ${3 * V} numbers per axis`);
  }
  const graphRadius = opts.graphRadius ?? 2 * opts.radius, maxNeighbours = opts.maxNeighbours ?? 16;
  const fps = farthestPointSampling(positions, { radius: opts.radius, start: opts.start ?? 0 });
  const ids = fps.ids, K = ids.length;
  const pos = new Float64Array(3 * K), xAxis = new Float64Array(3 * K), yAxis = new Float64Array(3 * K), normal = new Float64Array(3 * K);
  for (let p = 0; p < K; p++) {
    for (let d = 0; d < 3; d++) {
      const s = 3 * ids[p]! + d;
      pos[3 * p + d] = positions[s]!; xAxis[3 * p + d] = frames.xAxis[s]!; yAxis[3 * p + d] = frames.yAxis[s]!; normal[3 * p + d] = frames.normal[s]!;
    }
  }
  const coarseFrames: MeshFrames = { xAxis, yAxis, normal };
  const { senders, receivers } = pointRadiusGraph(pos, graphRadius, maxNeighbours, true, op);
  const { theta, radius } = logMap(pos, coarseFrames, senders, receivers);
  const transport = transportAngles(coarseFrames, coarseFrames, senders, receivers);
  if (opts.normaliseRadius) for (let k = 0; k < radius.length; k++) radius[k]! /= graphRadius;
  const fine = Int32Array.from({ length: V }, (_, q) => q), coarse = Int32Array.from(fps.nearest);
  const g = transportAngles(frames, coarseFrames, fine, coarse, false);
  for (let p = 0; p < K; p++) g[ids[p]!] = 0; // a coarse vertex keeps its own gauge
  return {
    indices: ids, positions: pos, frames: coarseFrames,
    geometry: { senders, receivers, theta, transport, radius, vertices: K },
    pooling: { fineVertices: V, coarseVertices: K, fine, coarse, transport: g },
  };
}
