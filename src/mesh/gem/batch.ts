/**
 * Batching several meshes into one disjoint union for GEM-CNN layers (de Haan, Weiler, Cohen &
 * Welling, "Gauge Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425): vertex ids are offset,
 * per-edge arrays concatenated. Features of the meshes are concatenated along the vertex axis
 * (`concat(xs, 0)`). See docs/design/gem.md.
 * @module
 */
import { ValueError } from '../../util/index.js';
import { checkGaugeGeometry } from '../gauge.js';
import type { GaugeGeometry } from '../gauge.js';
import { checkMeshPooling } from '../types.js';
import type { MeshPooling } from '../types.js';

/**
 * A batch of gauge geometries (arXiv:2003.05425): a {@link GaugeGeometry} on the disjoint union,
 * with `vertexOffsets[i]` the first vertex of mesh i (length meshes + 1) and `edgeOffsets` likewise.
 * GemConv normalises radii per mesh of a batch, so batched outputs equal per-mesh outputs.
 */
export interface BatchedGaugeGeometry extends GaugeGeometry {
  /** First vertex of each mesh, and the total at the end. */
  vertexOffsets: Int32Array;
  /** First edge of each mesh, and the total at the end. */
  edgeOffsets: Int32Array;
}

function offsets(ns: readonly number[]): Int32Array {
  const o = new Int32Array(ns.length + 1);
  ns.forEach((n, i) => (o[i + 1] = o[i]! + n));
  return o;
}

/**
 * Batch several gauge geometries into one (arXiv:2003.05425): edges of mesh i get their vertex ids
 * shifted by the vertices of meshes 0 … i−1. Radii are kept when every geometry has them (a mix
 * is a ValueError).
 */
export function batchGaugeGeometry(geos: readonly GaugeGeometry[]): BatchedGaugeGeometry {
  if (geos.length === 0) throw new ValueError('batchGaugeGeometry: no geometries to batch');
  geos.forEach((g, i) => checkGaugeGeometry(g, `batchGaugeGeometry: geometry ${i}`));
  const withR = geos.filter((g) => g.radius !== undefined).length;
  if (withR !== 0 && withR !== geos.length) throw new ValueError(`batchGaugeGeometry: ${withR} of ${geos.length} geometries have radii; give all or none`);
  const vo = offsets(geos.map((g) => g.vertices)), eo = offsets(geos.map((g) => g.senders.length));
  const E = eo[geos.length]!;
  const senders = new Int32Array(E), receivers = new Int32Array(E), theta = new Float64Array(E), transport = new Float64Array(E);
  const radius = withR ? new Float64Array(E) : undefined;
  geos.forEach((g, i) => {
    const e0 = eo[i]!, v0 = vo[i]!;
    for (let k = 0; k < g.senders.length; k++) {
      senders[e0 + k] = g.senders[k]! + v0;
      receivers[e0 + k] = g.receivers[k]! + v0;
    }
    theta.set(g.theta, e0);
    transport.set(g.transport, e0);
    if (radius) radius.set(g.radius!, e0);
  });
  return { senders, receivers, theta, transport, ...(radius ? { radius } : {}), vertices: vo[geos.length]!, vertexOffsets: vo, edgeOffsets: eo };
}

/**
 * Batch pooling maps of several meshes (arXiv:2003.05425): fine ids shifted by the fine vertices,
 * coarse ids by the coarse vertices of the earlier meshes, matching {@link batchGaugeGeometry} on
 * each level.
 */
export function batchMeshPooling(pools: readonly MeshPooling[]): MeshPooling {
  if (pools.length === 0) throw new ValueError('batchMeshPooling: no pooling maps to batch');
  pools.forEach((p, i) => checkMeshPooling(p, `batchMeshPooling: map ${i}`));
  const fo = offsets(pools.map((p) => p.fineVertices)), co = offsets(pools.map((p) => p.coarseVertices)), ao = offsets(pools.map((p) => p.fine.length));
  const n = ao[pools.length]!, fine = new Int32Array(n), coarse = new Int32Array(n), transport = new Float64Array(n);
  pools.forEach((p, i) => {
    for (let k = 0; k < p.fine.length; k++) {
      fine[ao[i]! + k] = p.fine[k]! + fo[i]!;
      coarse[ao[i]! + k] = p.coarse[k]! + co[i]!;
    }
    transport.set(p.transport, ao[i]!);
  });
  return { fineVertices: fo[pools.length]!, coarseVertices: co[pools.length]!, fine, coarse, transport };
}
