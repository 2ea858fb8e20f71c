/**
 * The one-call geometry precompute for gauge-equivariant mesh convolutions (GEM-CNN, de Haan,
 * Weiler, Cohen & Welling, ICLR 2021, arXiv:2003.05425): angle-weighted normals, gauges, and for
 * every directed mesh edge q → p plus one self-loop per vertex the log-map angle θ_pq, the radius
 * r_pq and the transport angle g_{q→p}.
 * @module
 */
import type { Rng } from '../../util/index.js';
import { ValueError } from '../../util/index.js';
import type { GaugeGeometry } from '../gauge.js';
import type { MeshData, MeshFrames } from '../types.js';
import { framesFromReference, gaugeReference, type GaugeChoice } from './frames.js';
import { buildHalfEdges, vertexNeighbours } from './halfedge.js';
import { logMap } from './log-map.js';
import { vertexNormals } from './normals.js';
import { transportAngles } from './transport.js';

/** Options of {@link gemGeometry}. */
export interface GemGeometryOptions {
  /** Gauge: 'first' neighbour (default), 'random' (needs `rng`) or a V·3 reference field. */
  gauge?: GaugeChoice;
  /** Seeded generator for gauge 'random'. */
  rng?: Rng;
  /** Rescale the radii: 'none' (default), 'mean' (mean edge length → 1) or 'max' (longest edge → 1). */
  normaliseRadius?: 'none' | 'mean' | 'max';
}

/** Result of {@link gemGeometry}. */
export interface GemGeometry {
  /** Edges grouped by receiver p (increasing): the self-loop p → p first, then p's neighbours counter-clockwise. */
  geometry: GaugeGeometry;
  /** Gauge frames per vertex. */
  frames: MeshFrames;
  /** Angle-weighted unit vertex normals, V·3 (the same array as frames.normal). */
  normals: Float64Array;
}

/**
 * Precompute everything a GEM-CNN layer needs on a manifold triangle mesh (boundary allowed).
 * θ_pq = atan2(⟨x_q − x_p, e_y^p⟩, ⟨x_q − x_p, e_x^p⟩), r_pq = ‖x_q − x_p‖, g_{q→p} from
 * rotating e_x^q by the minimal rotation n_q ↦ n_p; self-loops have θ = r = g = 0. O(V + F).
 * @throws ValueError on an empty, non-manifold or degenerate mesh, a vertex in no face, or gauge 'random' without rng
 */
export function gemGeometry(mesh: MeshData, opts: GemGeometryOptions = {}): GemGeometry {
  const op = 'gemGeometry';
  const he = buildHalfEdges(mesh, op, false);
  const normals = vertexNormals(mesh, op);
  const nb = vertexNeighbours(he), V = he.vertices;
  const first = new Int32Array(V);
  for (let p = 0; p < V; p++) first[p] = nb.idx[nb.ptr[p]!]!;
  const ref = gaugeReference(mesh.positions, first, opts.gauge ?? 'first', opts.rng, op);
  const frames = framesFromReference(normals, ref, op);
  const m = V + nb.idx.length, senders = new Int32Array(m), receivers = new Int32Array(m);
  let k = 0;
  for (let p = 0; p < V; p++) {
    senders[k] = p; receivers[k++] = p;
    for (let t = nb.ptr[p]!; t < nb.ptr[p + 1]!; t++) { senders[k] = nb.idx[t]!; receivers[k++] = p; }
  }
  const { theta, radius } = logMap(mesh.positions, frames, senders, receivers);
  const transport = transportAngles(frames, frames, senders, receivers);
  const norm = opts.normaliseRadius ?? 'none';
  if (norm !== 'none') {
    let s = 0, mx = 0, c = 0;
    for (let e = 0; e < m; e++) if (senders[e] !== receivers[e]) { s += radius[e]!; mx = Math.max(mx, radius[e]!); c++; }
    if (norm !== 'mean' && norm !== 'max') throw new ValueError(`${op}: normaliseRadius must be 'none', 'mean' or 'max', got ${String(norm)}`);
    const scale = norm === 'mean' ? s / c : mx;
    for (let e = 0; e < m; e++) radius[e]! /= scale;
  }
  return { geometry: { senders, receivers, theta, transport, radius, vertices: V }, frames, normals: frames.normal };
}
