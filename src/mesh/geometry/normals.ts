/**
 * Angle-weighted vertex normals (Thürmer & Wüthrich, "Computing vertex normals from polygonal
 * facets", 1998): n_v = normalize(Σ_{f ∋ v} α_{f,v} n_f), α the interior angle of f at v. This is
 * the normal GEM-CNN (arXiv:2003.05425) builds its tangent frames on.
 * @module
 */
import { ValueError } from '../../util/index.js';
import type { MeshData } from '../types.js';
import { cornerAngles, faceAreasNormals } from './areas.js';

/**
 * Unit angle-weighted vertex normals, V·3.
 * @throws ValueError naming `op` on a degenerate face or a vertex in no face (or whose weighted sum vanishes)
 */
export function vertexNormals(mesh: MeshData, op = 'vertexNormals'): Float64Array {
  const T = mesh.faces, V = mesh.positions.length / 3;
  const { normals: fn } = faceAreasNormals(mesh, op);
  const ang = cornerAngles(mesh), n = new Float64Array(3 * V);
  for (let c = 0; c < T.length; c++) {
    const v = T[c]!, f = Math.floor(c / 3), w = ang[c]!;
    for (let d = 0; d < 3; d++) n[3 * v + d]! += w * fn[3 * f + d]!;
  }
  for (let v = 0; v < V; v++) {
    const len = Math.hypot(n[3 * v]!, n[3 * v + 1]!, n[3 * v + 2]!);
    if (!(len > 1e-300)) throw new ValueError(`${op}: vertex ${v} has no normal (it is in no face, or its face normals cancel)`);
    for (let d = 0; d < 3; d++) n[3 * v + d]! /= len;
  }
  return n;
}
