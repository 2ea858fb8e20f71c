/**
 * Per-face areas and normals, corner (tip) angles, and per-vertex areas (barycentric: A_f/3 per
 * corner; mixed Voronoi: Meyer, Desbrun, Schröder & Barr, "Discrete differential-geometry
 * operators for triangulated 2-manifolds", 2003). See docs/design/mesh-geometry.md.
 * @module
 */
import { ValueError } from '../../util/index.js';
import { checkMeshData, type MeshData } from '../types.js';

/**
 * Face areas A_f = ½‖(b − a) × (c − a)‖ and unit face normals (b − a) × (c − a) / (2A_f).
 * Runs checkMeshData first.
 * @throws ValueError naming `op` when a face has zero area (degenerate); the errors of checkMeshData
 */
export function faceAreasNormals(mesh: MeshData, op = 'faceAreasNormals'): { areas: Float64Array; normals: Float64Array } {
  checkMeshData(mesh, op);
  const P = mesh.positions, T = mesh.faces, F = T.length / 3;
  const areas = new Float64Array(F), normals = new Float64Array(3 * F);
  for (let f = 0; f < F; f++) {
    const a = 3 * T[3 * f]!, b = 3 * T[3 * f + 1]!, c = 3 * T[3 * f + 2]!;
    const ux = P[b]! - P[a]!, uy = P[b + 1]! - P[a + 1]!, uz = P[b + 2]! - P[a + 2]!;
    const vx = P[c]! - P[a]!, vy = P[c + 1]! - P[a + 1]!, vz = P[c + 2]! - P[a + 2]!;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz);
    if (!(len > 0)) throw new ValueError(`${op}: face ${f} is degenerate (zero area)`);
    areas[f] = len / 2;
    normals[3 * f] = nx / len; normals[3 * f + 1] = ny / len; normals[3 * f + 2] = nz / len;
  }
  return { areas, normals };
}

/**
 * Interior angle at each corner: angles[3f + i] is the angle of face f at vertex faces[3f + i],
 * computed as atan2(‖u × v‖, u·v) (accurate for small and obtuse angles). Runs checkMeshData.
 */
export function cornerAngles(mesh: MeshData, op = 'cornerAngles'): Float64Array {
  checkMeshData(mesh, op);
  const P = mesh.positions, T = mesh.faces, out = new Float64Array(T.length);
  for (let f = 0; f < T.length / 3; f++) {
    for (let i = 0; i < 3; i++) {
      const o = 3 * T[3 * f + i]!, b = 3 * T[3 * f + ((i + 1) % 3)]!, c = 3 * T[3 * f + ((i + 2) % 3)]!;
      const ux = P[b]! - P[o]!, uy = P[b + 1]! - P[o + 1]!, uz = P[b + 2]! - P[o + 2]!;
      const vx = P[c]! - P[o]!, vy = P[c + 1]! - P[o + 1]!, vz = P[c + 2]! - P[o + 2]!;
      const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
      out[3 * f + i] = Math.atan2(Math.hypot(cx, cy, cz), ux * vx + uy * vy + uz * vz);
    }
  }
  return out;
}

/** Kind of per-vertex area: 'barycentric' (A_f / 3 per corner) or 'voronoi' (mixed Voronoi, Meyer et al. 2003). */
export type VertexAreaKind = 'barycentric' | 'voronoi';

/**
 * Per-vertex areas; both kinds sum to the total surface area. Mixed Voronoi: for a non-obtuse
 * face, vertex i gets ⅛(‖e_ij‖² cot γ_k + ‖e_ik‖² cot γ_j) (the circumcentric Voronoi part); for an
 * obtuse face, A_f/2 to the obtuse corner and A_f/4 to each other one.
 */
export function vertexAreas(mesh: MeshData, kind: VertexAreaKind = 'voronoi', op = 'vertexAreas'): Float64Array {
  const P = mesh.positions, T = mesh.faces, V = P.length / 3;
  const { areas } = faceAreasNormals(mesh, op);
  const ang = cornerAngles(mesh), out = new Float64Array(V);
  const d2 = (i: number, j: number) => (P[3 * i]! - P[3 * j]!) ** 2 + (P[3 * i + 1]! - P[3 * j + 1]!) ** 2 + (P[3 * i + 2]! - P[3 * j + 2]!) ** 2;
  for (let f = 0; f < T.length / 3; f++) {
    const A = areas[f]!;
    if (kind === 'barycentric') { for (let i = 0; i < 3; i++) out[T[3 * f + i]!]! += A / 3; continue; }
    let obtuse = -1;
    for (let i = 0; i < 3; i++) if (ang[3 * f + i]! > Math.PI / 2) obtuse = i;
    for (let i = 0; i < 3; i++) {
      const v = T[3 * f + i]!;
      if (obtuse >= 0) { out[v]! += obtuse === i ? A / 2 : A / 4; continue; }
      const j = T[3 * f + ((i + 1) % 3)]!, k = T[3 * f + ((i + 2) % 3)]!;
      const cotJ = 1 / Math.tan(ang[3 * f + ((i + 1) % 3)]!), cotK = 1 / Math.tan(ang[3 * f + ((i + 2) % 3)]!);
      out[v]! += (d2(v, j) * cotK + d2(v, k) * cotJ) / 8;
    }
  }
  return out;
}
