/**
 * A multi-level mesh hierarchy for GEM-CNN style U-nets (arXiv:2003.05425, §6): level 0 is the
 * mesh with {@link gemGeometry}; level i + 1 is {@link coarsen} of level i with radius radii[i].
 * Pooling map i goes from level i to level i + 1 (unpooling uses it backwards).
 * @module
 */
import { ValueError } from '../../util/index.js';
import type { GaugeGeometry } from '../gauge.js';
import type { MeshData, MeshFrames, MeshPooling } from '../types.js';
import { coarsen, type CoarsenOptions } from './coarsen.js';
import { gemGeometry, type GemGeometryOptions } from './gem-geometry.js';

/** One level of a {@link MeshHierarchy}. */
export interface HierarchyLevel {
  /** Vertex positions, V·3. */
  positions: Float64Array;
  /** Gauge frames. */
  frames: MeshFrames;
  /** Neighbourhood geometry (mesh edges on level 0, radius graph above). */
  geometry: GaugeGeometry;
  /** Vertex ids of this level in the previous level (identity on level 0). */
  indices: Int32Array;
}

/** Levels and the pooling maps between consecutive levels (poolings[i]: level i → level i + 1). */
export interface MeshHierarchy {
  /** The levels, finest first. */
  levels: HierarchyLevel[];
  /** Pooling maps, one fewer than levels. */
  poolings: MeshPooling[];
}

/**
 * Build a hierarchy: gemGeometry on the mesh, then one coarsening per radius.
 * @throws ValueError on a non-positive radius (and whatever gemGeometry / coarsen throw)
 */
export function meshHierarchy(
  mesh: MeshData, radii: readonly number[], opts: { gem?: GemGeometryOptions; coarsen?: Omit<CoarsenOptions, 'radius'> } = {},
): MeshHierarchy {
  for (const r of radii) if (!(r > 0)) throw new ValueError(`meshHierarchy: radii must be positive, got ${r}`);
  const g = gemGeometry(mesh, opts.gem);
  const V = g.geometry.vertices;
  const levels: HierarchyLevel[] = [{ positions: mesh.positions, frames: g.frames, geometry: g.geometry, indices: Int32Array.from({ length: V }, (_, i) => i) }];
  const poolings: MeshPooling[] = [];
  for (const r of radii) {
    const prev = levels[levels.length - 1]!;
    const c = coarsen({ positions: prev.positions, frames: prev.frames }, { ...opts.coarsen, radius: r });
    levels.push({ positions: c.positions, frames: c.frames, geometry: c.geometry, indices: c.indices });
    poolings.push(c.pooling);
  }
  return { levels, poolings };
}
