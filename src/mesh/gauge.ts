/**
 * Gauges on meshes (GEM-CNN; de Haan, Weiler, Cohen, Welling, "Gauge Equivariant Mesh CNNs",
 * ICLR 2021, arXiv:2003.05425). A gauge change is an angle φ_p per vertex. It acts on features
 * ρ₀ ⊕ ρ₁ ⊕ … ⊕ ρ_L of SO(2) (per channel [a₀, c₁, s₁, …, c_L, s_L]) as f_p ↦ ρ(−φ_p) f_p, and on
 * the precomputed geometry as θ_pq ↦ θ_pq − φ_p (except on self-loops, r = 0) and
 * g_{q→p} ↦ g_{q→p} − φ_p + φ_q. See docs/design/harness.md for how the harness uses it.
 * @module
 */
import type { Rng } from '../util/index.js';
import { ShapeError, ValueError } from '../util/index.js';

/**
 * Precomputed mesh geometry on directed edges q → p (`senders[k] = q`, `receivers[k] = p`):
 * the log-map angle θ_pq of q in p's gauge, the connection angle g_{q→p} of parallel transport,
 * and optionally the distance r_pq (r = 0 marks a self-loop).
 */
export interface GaugeGeometry {
  /** Source vertex q of each directed edge. */
  senders: Int32Array;
  /** Target vertex p of each directed edge. */
  receivers: Int32Array;
  /** Log-map angle θ_pq of q in p's gauge, per edge. */
  theta: Float64Array;
  /** Parallel-transport angle g_{q→p}, per edge. */
  transport: Float64Array;
  /** Distance r_pq per edge (0 on self-loops). */
  radius?: Float64Array;
  /** Number of vertices. */
  vertices: number;
}

/**
 * How gauge changes act on one mesh representation: features and geometry. A mesh type can supply
 * its own implementation for its own geometry type; {@link planarGauge} works on plain arrays.
 */
export interface GaugeAction<Geo = GaugeGeometry> {
  /** Number of vertices of a geometry value. */
  vertices(geo: Geo): number;
  /** f_p ↦ ρ(−φ_p) f_p for features [V, C·(2L+1)] (float64, row-major); L = maxOrder. */
  features(phi: Float64Array, f: Float64Array, maxOrder: number): Float64Array;
  /** θ_pq ↦ θ_pq − φ_p (r ≠ 0), g_{q→p} ↦ g_{q→p} − φ_p + φ_q. */
  geometry(phi: Float64Array, geo: Geo): Geo;
  /** Throw a named error (ShapeError, ValueError) when `geo` is malformed; optional. */
  check?(geo: Geo, op: string): void;
}

/**
 * Check a {@link GaugeGeometry}: equal per-edge array lengths and vertex ids in [0, vertices).
 * Throws a ShapeError / ValueError naming `op`.
 */
export function checkGaugeGeometry(geo: GaugeGeometry, op = 'gauge geometry'): void {
  if (!geo || typeof geo !== 'object' || !(geo.senders instanceof Int32Array) || !(geo.receivers instanceof Int32Array)) {
    throw new ValueError(`${op}: expected a GaugeGeometry { senders, receivers: Int32Array, theta, transport: Float64Array, vertices }`);
  }
  const m = geo.senders.length;
  if (!Number.isInteger(geo.vertices) || geo.vertices < 0) throw new ValueError(`${op}: vertices must be a non-negative integer, got ${geo.vertices}`);
  for (const [name, a] of [['receivers', geo.receivers], ['theta', geo.theta], ['transport', geo.transport], ['radius', geo.radius]] as const) {
    if (a !== undefined && a.length !== m) throw new ShapeError(`${op}: ${name} has ${a.length} entries but senders has ${m}`);
  }
  for (let k = 0; k < m; k++) {
    const q = geo.senders[k]!, p = geo.receivers[k]!;
    if (q < 0 || q >= geo.vertices || p < 0 || p >= geo.vertices) throw new ValueError(`${op}: edge ${k} (${q} → ${p}) leaves the ${geo.vertices} vertices`);
  }
}

/** The gauge action on plain arrays ({@link GaugeGeometry}). */
export const planarGauge: GaugeAction<GaugeGeometry> = {
  vertices: (geo) => geo.vertices,
  features(phi, f, L) {
    const w = 2 * L + 1, V = phi.length;
    if (f.length % (V * w) !== 0) throw new ShapeError(`gauge action: ${f.length} feature values do not split into ${V} vertices × C × ${w} (ρ₀ ⊕ … ⊕ ρ_${L})`);
    const C = f.length / (V * w), y = Float64Array.from(f);
    for (let p = 0; p < V; p++) {
      for (let c = 0; c < C; c++) {
        const o = (p * C + c) * w;
        for (let l = 1; l <= L; l++) {
          const a = -l * phi[p]!, co = Math.cos(a), si = Math.sin(a);
          const x = f[o + 2 * l - 1]!, s = f[o + 2 * l]!;
          y[o + 2 * l - 1] = co * x - si * s;
          y[o + 2 * l] = si * x + co * s;
        }
      }
    }
    return y;
  },
  geometry(phi, geo) {
    const m = geo.senders.length, theta = new Float64Array(m), transport = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const q = geo.senders[k]!, p = geo.receivers[k]!;
      const self = geo.radius ? geo.radius[k] === 0 : q === p;
      theta[k] = self ? geo.theta[k]! : geo.theta[k]! - phi[p]!;
      transport[k] = geo.transport[k]! - phi[p]! + phi[q]!;
    }
    return { ...geo, theta, transport };
  },
  check: checkGaugeGeometry,
};

/** A random geometry: a random graph on `vertices` vertices with self-loops, random angles and radii. */
export function randomGaugeGeometry(rng: Rng, vertices = 6, edgeProb = 0.5): GaugeGeometry {
  const s: number[] = [], r: number[] = [], th: number[] = [], tr: number[] = [], rad: number[] = [];
  for (let p = 0; p < vertices; p++) {
    for (let q = 0; q < vertices; q++) {
      if (q !== p && rng.uniform() >= edgeProb) continue;
      s.push(q); r.push(p);
      th.push(q === p ? 0 : rng.uniformIn(-Math.PI, Math.PI));
      tr.push(q === p ? 0 : rng.uniformIn(-Math.PI, Math.PI));
      rad.push(q === p ? 0 : 0.2 + rng.uniform());
    }
  }
  return {
    senders: Int32Array.from(s), receivers: Int32Array.from(r), theta: Float64Array.from(th), transport: Float64Array.from(tr),
    radius: Float64Array.from(rad), vertices,
  };
}
