/**
 * Mesh geometry for the demo: vertex normals, first-neighbour gauges, the GEM-CNN gauge geometry
 * (log-map angles, discrete Levi-Civita transport, radii on directed edges q → p) and the demo's
 * ground-truth fields. Plain functions on typed arrays, shared by the page, the training Web Worker,
 * the training script (demo/train.ts) and the Node side of the browser tests.
 *
 * The geometry is erlangen's `gemGeometry` with first-neighbour gauges: built from difference
 * vectors and normals only, so rotating the mesh rotates the frames with it and θ, g, r are
 * unchanged up to float rounding. That is what makes the page's "rotate the mesh" check a check
 * of the network and not of the geometry code.
 * @module
 */
import { gemGeometry, logMap, meanCurvature, transportAngles } from '../../src/index.js';
import type { GaugeGeometry, MeshData, MeshFrames } from '../../src/index.js';

function setFrame(xAxis: Float64Array, yAxis: Float64Array, normal: Float64Array, p: number, e: number[]): void {
  const nx = normal[3 * p]!, ny = normal[3 * p + 1]!, nz = normal[3 * p + 2]!;
  xAxis[3 * p] = e[0]!; xAxis[3 * p + 1] = e[1]!; xAxis[3 * p + 2] = e[2]!;
  yAxis[3 * p] = ny * e[2]! - nz * e[1]!;
  yAxis[3 * p + 1] = nz * e[0]! - nx * e[2]!;
  yAxis[3 * p + 2] = nx * e[1]! - ny * e[0]!;
}

/** The frames rotated by φ_p about the normal: e_x' = cos φ e_x + sin φ e_y (a gauge change). */
export function rotateFrames(frames: MeshFrames, phi: Float64Array): MeshFrames {
  const V = phi.length, xAxis = new Float64Array(3 * V), yAxis = new Float64Array(3 * V), normal = Float64Array.from(frames.normal);
  for (let p = 0; p < V; p++) {
    const c = Math.cos(phi[p]!), s = Math.sin(phi[p]!);
    const e = [0, 1, 2].map((i) => c * frames.xAxis[3 * p + i]! + s * frames.yAxis[3 * p + i]!);
    setFrame(xAxis, yAxis, normal, p, e);
  }
  return { xAxis, yAxis, normal };
}

/** Everything the networks need about one mesh. */
export interface DemoGeometry {
  mesh: MeshData;
  normals: Float64Array;
  neighbours: Int32Array[];
  frames: MeshFrames;
  geometry: GaugeGeometry;
  /** Mean edge length (the length unit of the inputs). */
  edgeLength: number;
  /** The gauge angles the first-neighbour frames were rotated by, if any. */
  phi?: Float64Array;
}

/**
 * Normals, first-neighbour gauges and the gauge geometry of a mesh (erlangen's `gemGeometry`).
 * With `phi`, the gauges are redrawn — every frame rotated by φ_p about its normal — and θ and g
 * are recomputed from the new frames (`logMap`, `transportAngles`), exactly as for a mesh whose
 * gauges had been chosen that way in the first place.
 * @throws ValueError (from gemGeometry) on an empty, non-manifold or degenerate mesh
 */
export function demoGeometry(mesh: MeshData, phi?: Float64Array): DemoGeometry {
  const gg = gemGeometry(mesh);
  let { frames, geometry } = gg;
  if (phi) {
    frames = rotateFrames(frames, phi);
    const { senders, receivers } = geometry;
    geometry = { ...geometry, theta: logMap(mesh.positions, frames, senders, receivers).theta, transport: transportAngles(frames, frames, senders, receivers) };
  }
  const V = geometry.vertices, cnt = new Int32Array(V + 1);
  let s = 0, n = 0;
  for (let k = 0; k < geometry.senders.length; k++) {
    if (geometry.senders[k] === geometry.receivers[k]) continue;
    cnt[geometry.receivers[k]! + 1]!++;
    s += geometry.radius![k]!;
    n++;
  }
  const nbrs = Array.from({ length: V }, (_, p) => new Int32Array(cnt[p + 1]!));
  cnt.fill(0);
  for (let k = 0; k < geometry.senders.length; k++) {
    const q = geometry.senders[k]!, p = geometry.receivers[k]!;
    if (q !== p) nbrs[p]![cnt[p]!++] = q;
  }
  return { mesh, normals: gg.normals, neighbours: nbrs, frames, geometry, edgeLength: n ? s / n : 1, ...(phi ? { phi } : {}) };
}

/**
 * The demo's ground truth: the smoothed mean curvature h (erlangen's cotangent `meanCurvature`
 * times the mean edge length, clipped to its 2–98 % quantiles, three smoothing passes over the
 * one-ring, standardised) and its tangent
 * gradient ∇h in gauge coordinates (least squares over the neighbours' tangent offsets). Both are
 * intrinsic to the surface up to rotation: h is invariant, ∇h is a ρ₁ field.
 * @returns `scalar` [V] and `vector` [V·2] (gauge coordinates)
 */
export function groundTruth(g: DemoGeometry): { scalar: Float64Array; vector: Float64Array } {
  const P = g.mesh.positions, V = P.length / 3;
  let h = meanCurvature(g.mesh).map((v) => v * g.edgeLength);
  const sorted = Float64Array.from(h).sort(), lo = sorted[Math.floor(0.02 * (V - 1))]!, hi = sorted[Math.ceil(0.98 * (V - 1))]!;
  h = h.map((v) => Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : 0)));
  for (let it = 0; it < 3; it++) {
    const h2 = new Float64Array(V);
    for (let p = 0; p < V; p++) {
      let s = h[p]!;
      for (const q of g.neighbours[p]!) s += h[q]!;
      h2[p] = s / (g.neighbours[p]!.length + 1);
    }
    h = h2;
  }
  let m = 0, v = 0;
  for (let p = 0; p < V; p++) m += h[p]!;
  m /= V;
  for (let p = 0; p < V; p++) v += (h[p]! - m) ** 2;
  const sd = Math.sqrt(v / V) || 1;
  for (let p = 0; p < V; p++) h[p] = (h[p]! - m) / sd;
  // tangent gradient in gauge coordinates, in units of h per mean edge length
  const vec = new Float64Array(2 * V), { xAxis: X, yAxis: Y } = g.frames;
  for (let p = 0; p < V; p++) {
    let a = 0, b = 0, c = 0, r0 = 0, r1 = 0;
    for (const q of g.neighbours[p]!) {
      let u = 0, w = 0;
      for (let i = 0; i < 3; i++) {
        const d = (P[3 * q + i]! - P[3 * p + i]!) / g.edgeLength;
        u += d * X[3 * p + i]!;
        w += d * Y[3 * p + i]!;
      }
      const dh = h[q]! - h[p]!;
      a += u * u; b += u * w; c += w * w; r0 += u * dh; r1 += w * dh;
    }
    const det = a * c - b * b;
    if (Math.abs(det) < 1e-12) continue;
    vec[2 * p] = (c * r0 - b * r1) / det;
    vec[2 * p + 1] = (a * r1 - b * r0) / det;
  }
  return { scalar: h, vector: vec };
}

/** Gauge coordinates [V·2] → 3-D vectors [V·3] (v = v_x e_x + v_y e_y). */
export function toWorld(frames: MeshFrames, v: ArrayLike<number>): Float64Array {
  const V = frames.xAxis.length / 3, out = new Float64Array(3 * V);
  for (let p = 0; p < V; p++) {
    for (let i = 0; i < 3; i++) out[3 * p + i] = v[2 * p]! * frames.xAxis[3 * p + i]! + v[2 * p + 1]! * frames.yAxis[3 * p + i]!;
  }
  return out;
}
