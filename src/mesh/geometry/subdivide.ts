/**
 * Midpoint (1-to-4) subdivision: every edge gets its midpoint, every triangle (a, b, c) becomes
 * (a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca), orientation kept. V' = V + E, F' = 4F.
 * Optionally projects new vertices onto a sphere (for refining sphere meshes).
 * @module
 */
import { checkMeshData, type MeshData } from '../types.js';

/** One round of midpoint subdivision; `sphereRadius` projects every vertex to that sphere about the origin. */
export function subdivideMidpoint(mesh: MeshData, sphereRadius?: number): MeshData {
  checkMeshData(mesh, 'subdivideMidpoint');
  const P = mesh.positions, T = mesh.faces, V = P.length / 3;
  const pos: number[] = Array.from(P), mid = new Map<number, number>(), faces = new Int32Array(4 * T.length);
  const midpoint = (a: number, b: number): number => {
    const k = Math.min(a, b) * V + Math.max(a, b);
    let m = mid.get(k);
    if (m === undefined) {
      m = pos.length / 3;
      pos.push((P[3 * a]! + P[3 * b]!) / 2, (P[3 * a + 1]! + P[3 * b + 1]!) / 2, (P[3 * a + 2]! + P[3 * b + 2]!) / 2);
      mid.set(k, m);
    }
    return m;
  };
  for (let f = 0; f < T.length / 3; f++) {
    const a = T[3 * f]!, b = T[3 * f + 1]!, c = T[3 * f + 2]!;
    const ab = midpoint(a, b), bc = midpoint(b, c), ca = midpoint(c, a);
    faces.set([a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca], 12 * f);
  }
  const positions = Float64Array.from(pos);
  if (sphereRadius !== undefined) {
    for (let v = 0; v < positions.length / 3; v++) {
      const l = Math.hypot(positions[3 * v]!, positions[3 * v + 1]!, positions[3 * v + 2]!) / sphereRadius;
      for (let d = 0; d < 3; d++) positions[3 * v + d]! /= l;
    }
  }
  return { positions, faces };
}
