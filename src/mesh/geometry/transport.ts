/**
 * Discrete Levi-Civita parallel transport between tangent planes (GEM-CNN, arXiv:2003.05425,
 * §5): carry e_x^q by the rotation R_{q→p} that takes n_q to n_p (about n_q × n_p by the angle
 * arccos⟨n_q, n_p⟩, Rodrigues' formula), and read the result in p's gauge:
 * g_{q→p} = atan2(⟨u, e_y^p⟩, ⟨u, e_x^p⟩), u = R_{q→p} e_x^q. A vector at angle a in q's gauge
 * arrives at angle a + g_{q→p} in p's gauge, so a gauge change φ gives g ↦ g − φ_p + φ_q.
 * The same map on face normals (hinge unfolding across the shared edge) is the face-based
 * connection whose holonomy around a vertex is exactly its angle defect.
 * @module
 */
import type { MeshFrames } from '../types.js';
import type { HalfEdgeMesh } from './halfedge.js';
import { heFace } from './halfedge.js';

/**
 * R v for the minimal rotation R taking unit n to unit m (Rodrigues, axis k = n × m unnormalised):
 * R v = c v + k × v + k ⟨k, v⟩ / (1 + c), c = ⟨n, m⟩. For n = −m (no unique minimal rotation)
 * the rotation by π about an axis ⟂ n is used.
 */
export function rotateBetween(
  n0: number, n1: number, n2: number, m0: number, m1: number, m2: number, v0: number, v1: number, v2: number, out: Float64Array,
): void {
  const c = n0 * m0 + n1 * m1 + n2 * m2;
  if (c <= -1 + 1e-12) {
    // rotate by π about an axis a ⟂ n: R v = 2⟨a, v⟩a − v
    let a0 = Math.abs(n0) < 0.9 ? 1 : 0, a1 = a0 === 1 ? 0 : 1, a2 = 0;
    const d = a0 * n0 + a1 * n1;
    a0 -= d * n0; a1 -= d * n1; a2 -= d * n2;
    const l = Math.hypot(a0, a1, a2);
    a0 /= l; a1 /= l; a2 /= l;
    const av = a0 * v0 + a1 * v1 + a2 * v2;
    out[0] = 2 * av * a0 - v0; out[1] = 2 * av * a1 - v1; out[2] = 2 * av * a2 - v2;
    return;
  }
  const k0 = n1 * m2 - n2 * m1, k1 = n2 * m0 - n0 * m2, k2 = n0 * m1 - n1 * m0;
  const kv = (k0 * v0 + k1 * v1 + k2 * v2) / (1 + c);
  out[0] = c * v0 + (k1 * v2 - k2 * v1) + k0 * kv;
  out[1] = c * v1 + (k2 * v0 - k0 * v2) + k1 * kv;
  out[2] = c * v2 + (k0 * v1 - k1 * v0) + k2 * kv;
}

/**
 * Transport angles g_{q→p} for directed edges q = senders[k] → p = receivers[k] between the frames
 * `from` (of the q's) and `to` (of the p's); pass the same frames twice within one level.
 * Self-loops give exactly 0.
 */
export function transportAngles(from: MeshFrames, to: MeshFrames, senders: Int32Array, receivers: Int32Array, sameLevel = true): Float64Array {
  const m = senders.length, g = new Float64Array(m), u = new Float64Array(3);
  for (let k = 0; k < m; k++) {
    const q = senders[k]!, p = receivers[k]!;
    if (sameLevel && q === p) continue;
    const nq = from.normal, np = to.normal, ex = from.xAxis;
    rotateBetween(nq[3 * q]!, nq[3 * q + 1]!, nq[3 * q + 2]!, np[3 * p]!, np[3 * p + 1]!, np[3 * p + 2]!, ex[3 * q]!, ex[3 * q + 1]!, ex[3 * q + 2]!, u);
    const x = u[0]! * to.xAxis[3 * p]! + u[1]! * to.xAxis[3 * p + 1]! + u[2]! * to.xAxis[3 * p + 2]!;
    const y = u[0]! * to.yAxis[3 * p]! + u[1]! * to.yAxis[3 * p + 1]! + u[2]! * to.yAxis[3 * p + 2]!;
    g[k] = Math.atan2(y, x);
  }
  return g;
}

/**
 * Face-based discrete Levi-Civita connection: for every interior half-edge h (in face f, twin in
 * face g) the angle of transport from f's frame to g's frame by unfolding g onto f's plane about
 * the shared edge. Face frames: n = unit face normal, e_x along the face's first half-edge.
 * Returns per half-edge the angle g_{f→g} (0 on boundary half-edges). Composing these around the
 * faces of an interior vertex v (counter-clockwise) gives the holonomy 2π − Σ angles at v (mod 2π).
 */
export function faceTransport(positions: Float64Array, faces: Int32Array, he: HalfEdgeMesh, faceNormals: Float64Array): Float64Array {
  const F = faces.length / 3, ex = new Float64Array(3 * F), ey = new Float64Array(3 * F);
  for (let f = 0; f < F; f++) {
    const a = 3 * faces[3 * f]!, b = 3 * faces[3 * f + 1]!;
    let x0 = positions[b]! - positions[a]!, x1 = positions[b + 1]! - positions[a + 1]!, x2 = positions[b + 2]! - positions[a + 2]!;
    const l = Math.hypot(x0, x1, x2);
    x0 /= l; x1 /= l; x2 /= l;
    const n0 = faceNormals[3 * f]!, n1 = faceNormals[3 * f + 1]!, n2 = faceNormals[3 * f + 2]!;
    ex[3 * f] = x0; ex[3 * f + 1] = x1; ex[3 * f + 2] = x2;
    ey[3 * f] = n1 * x2 - n2 * x1; ey[3 * f + 1] = n2 * x0 - n0 * x2; ey[3 * f + 2] = n0 * x1 - n1 * x0;
  }
  const frames: MeshFrames = { xAxis: ex, yAxis: ey, normal: faceNormals };
  const H = 3 * F, s: number[] = [], r: number[] = [], hs: number[] = [];
  for (let h = 0; h < H; h++) if (he.twin[h]! >= 0) { s.push(heFace(h)); r.push(heFace(he.twin[h]!)); hs.push(h); }
  const g = transportAngles(frames, frames, Int32Array.from(s), Int32Array.from(r), false);
  const out = new Float64Array(H);
  for (let k = 0; k < hs.length; k++) out[hs[k]!] = g[k]!;
  return out;
}
