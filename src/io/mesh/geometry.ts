/**
 * Conversion of what three's loaders return (BufferGeometry, or an Object3D tree of meshes) into
 * a validated {@link MeshData}: world transforms applied, groups concatenated, non-indexed
 * geometry (OBJ, STL) welded on bit-equal positions, every value checked.
 * @module
 */
import type { BufferGeometry, Object3D } from 'three';
import { FormatError, ShapeError } from '../../util/errors.js';
import { checkMeshData, weldVertices } from '../../mesh/index.js';
import type { MeshData } from '../../mesh/index.js';

/** Which vertex attributes to keep. */
export interface KeepAttributes {
  /** Keep the `normal` attribute. */
  normals: boolean;
  /** Keep the `color` attribute (clamped to [0, 1]). */
  colors: boolean;
}

/**
 * Turn BufferGeometries (each with its world matrix already applied) into one MeshData. When
 * `weld` is set, vertices with bit-equal positions are merged (the loader de-indexed them). A
 * geometry without an index is a triangle soup when `soup` is set, else a point cloud (no faces).
 */
export function meshFromGeometries(geoms: BufferGeometry[], keep: KeepAttributes, weld: boolean, op: string, soup = true): MeshData {
  let V = 0, F = 0;
  const all = geoms.map((g) => {
    const pos = g.getAttribute('position');
    if (!pos) throw new FormatError(`${op}: the loader returned a geometry without positions`);
    if (pos.itemSize !== 3) throw new ShapeError(`${op}: the loader returned positions with ${pos.itemSize} components`);
    const n = pos.count;
    const index = g.getIndex();
    // without an index, the vertices are a triangle soup (OBJ, STL, glTF) or a point cloud (PLY)
    const ids = index ? Array.from({ length: index.count }, (_, i) => index.getX(i)) : soup ? Array.from({ length: n }, (_, i) => i) : [];
    if (ids.length % 3 !== 0) throw new ShapeError(`${op}: the loader returned ${ids.length} triangle corners, not a multiple of 3`);
    const r = { g, n, ids, base: V };
    V += n;
    F += ids.length / 3;
    return r;
  });
  const hasNormals = keep.normals && all.length > 0 && all.every((x) => x.g.getAttribute('normal')?.itemSize === 3);
  const hasColors = keep.colors && all.length > 0 && all.every((x) => { const c = x.g.getAttribute('color'); return c && c.itemSize >= 3; });
  const positions = new Float64Array(3 * V);
  const faces = new Int32Array(3 * F);
  const normals = hasNormals ? new Float64Array(3 * V) : undefined;
  const colors = hasColors ? new Float32Array(3 * V) : undefined;
  let f = 0;
  for (const { g, n, ids, base } of all) {
    const pos = g.getAttribute('position');
    const nor = hasNormals ? g.getAttribute('normal') : undefined;
    const col = hasColors ? g.getAttribute('color') : undefined;
    for (let i = 0; i < n; i++) {
      const o = 3 * (base + i);
      positions[o] = pos.getX(i);
      positions[o + 1] = pos.getY(i);
      positions[o + 2] = pos.getZ(i);
      if (nor && normals) {
        normals[o] = nor.getX(i);
        normals[o + 1] = nor.getY(i);
        normals[o + 2] = nor.getZ(i);
      }
      if (col && colors) {
        const c = [col.getX(i), col.getY(i), col.getZ(i)];
        for (let k = 0; k < 3; k++) {
          if (!Number.isFinite(c[k]!)) throw new FormatError(`${op}: vertex ${base + i} has a non-finite colour`);
          colors[o + k] = Math.min(1, Math.max(0, c[k]!));
        }
      }
    }
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new FormatError(`${op}: the loader returned a face corner ${id} outside [0, ${n})`);
      faces[f++] = base + id;
    }
  }
  if (normals && !normals.every(Number.isFinite)) throw new FormatError(`${op}: the file has non-finite normals`);
  let mesh: MeshData = { positions, faces };
  if (normals) mesh.normals = normals;
  if (colors) mesh.colors = colors;
  checkMeshData(mesh, op);
  if (weld) mesh = weldVertices(mesh, { tolerance: 0 }, op).mesh;
  return mesh;
}

/** The geometries of the triangle meshes under `root`, with their world matrices applied. */
export function sceneGeometries(root: Object3D): BufferGeometry[] {
  root.updateMatrixWorld(true);
  const out: BufferGeometry[] = [];
  root.traverse((o) => {
    const m = o as Object3D & { isMesh?: boolean; geometry?: BufferGeometry };
    if (m.isMesh && m.geometry) {
      const g = m.geometry.clone();
      g.applyMatrix4(m.matrixWorld);
      out.push(g);
    }
  });
  return out;
}
