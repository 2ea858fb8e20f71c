/**
 * Mesh gauge actions (GEM-CNN; de Haan, Weiler, Cohen, Welling, "Gauge Equivariant Mesh CNNs",
 * ICLR 2021, arXiv:2003.05425; ALGORITHMS.md §4.2/§4.6). A gauge change is an angle φ_p per
 * vertex. It acts on features ρ₀ ⊕ ρ₁ ⊕ … ⊕ ρ_L of SO(2) (per channel [a₀, c₁, s₁, …, c_L, s_L])
 * as f_p ↦ ρ(−φ_p) f_p, and on the precomputed geometry as θ_pq ↦ θ_pq − φ_p (except on
 * self-loops, r = 0) and g_{q→p} ↦ g_{q→p} − φ_p + φ_q.
 * @module
 */
import { Tensor } from '../../tensor/index.js';
import type { Rng } from '../../util/index.js';
import { ValueError } from '../../util/index.js';
import { elementGaugeAngles } from '../element.js';
import type { Action } from './types.js';
import { castTensor, f64, tensorOf } from './types.js';

/**
 * Precomputed mesh geometry on directed edges q → p (`senders[k] = q`, `receivers[k] = p`):
 * the log-map angle θ_pq of q in p's gauge, the connection angle g_{q→p} of parallel transport,
 * and optionally the distance r_pq (r = 0 marks a self-loop).
 */
export interface GaugeGeometry {
  senders: Int32Array;
  receivers: Int32Array;
  theta: Float64Array;
  transport: Float64Array;
  radius?: Float64Array;
  /** Number of vertices. */
  vertices: number;
}

/**
 * How gauge changes act on one mesh representation: features and geometry. The mesh module can
 * supply its own implementation for its own geometry type; {@link planarGauge} works on plain arrays.
 */
export interface GaugeAction<Geo = GaugeGeometry> {
  /** Number of vertices of a geometry value. */
  vertices(geo: Geo): number;
  /** f_p ↦ ρ(−φ_p) f_p for features [V, C·(2L+1)] (float64, row-major); L = maxOrder. */
  features(phi: Float64Array, f: Float64Array, maxOrder: number): Float64Array;
  /** θ_pq ↦ θ_pq − φ_p (r ≠ 0), g_{q→p} ↦ g_{q→p} − φ_p + φ_q. */
  geometry(phi: Float64Array, geo: Geo): Geo;
}

/** The gauge action on plain arrays ({@link GaugeGeometry}). */
export const planarGauge: GaugeAction<GaugeGeometry> = {
  vertices: (geo) => geo.vertices,
  features(phi, f, L) {
    const w = 2 * L + 1, V = phi.length;
    if (f.length % (V * w) !== 0) throw new ValueError(`gauge action: ${f.length} feature values do not split into ${V} vertices × C × ${w}`);
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

/**
 * Gauge action on vertex features [V, C·(2L+1)] (or [V, C, 2L+1]); pair with
 * {@link gaugeGeometryAction} on the geometry input.
 */
export function gaugeFeatureAction(maxOrder: number, opts: { channels?: number; vertices?: number; impl?: GaugeAction<any> } = {}): Action<Tensor> {
  const impl = (opts.impl ?? planarGauge) as GaugeAction<unknown>;
  return {
    name: `gauge ρ₀ ⊕ … ⊕ ρ_${maxOrder}`,
    uses: { gauge: true },
    act(e, x) {
      const V = x.shape[0]!;
      if (!e.gauge) return x;
      return tensorOf(impl.features(elementGaugeAngles(e, V), f64(x), maxOrder), x.shape, x.dtype);
    },
    fields(x) {
      // one field per order l (all vertices and channels together)
      const w = 2 * maxOrder + 1, v = f64(x), out = [];
      for (let l = 0; l <= maxOrder; l++) {
        const vals: number[] = [];
        for (let o = 0; o < v.length; o += w) {
          if (l === 0) vals.push(v[o]!);
          else vals.push(v[o + 2 * l - 1]!, v[o + 2 * l]!);
        }
        out.push({ name: `ρ_${l}`, values: Float64Array.from(vals) });
      }
      return out;
    },
    sample(rng, o) {
      const V = opts.vertices ?? 6, n = V * (opts.channels ?? 2) * (2 * maxOrder + 1), v = new Float64Array(n);
      rng.fillNormal(v);
      return tensorOf(v, [V, n / V], o.dtype);
    },
    cast: castTensor,
  };
}

/** Gauge action on the precomputed geometry (an input of a gauge-equivariant layer; never compared). */
export function gaugeGeometryAction<Geo = GaugeGeometry>(impl?: GaugeAction<Geo>, opts: { vertices?: number } = {}): Action<Geo> {
  const a = (impl ?? planarGauge) as GaugeAction<Geo>;
  return {
    name: 'gauge geometry (θ, g)',
    uses: { gauge: true },
    act: (e, geo) => (e.gauge ? a.geometry(elementGaugeAngles(e, a.vertices(geo)), geo) : geo),
    fields: () => [],
    sample: impl ? undefined : ((rng: Rng) => randomGaugeGeometry(rng, opts.vertices ?? 6) as Geo),
  };
}
