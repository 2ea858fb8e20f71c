/** Shared helpers of the GEM-CNN tests (test/mesh/gem-*.test.ts). */
import type { GaugeAction, GaugeGeometry } from '../../src/mesh/index.js';
import { planarGauge } from '../../src/mesh/index.js';
import { Tensor, fromData, randn } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/index.js';
import { equivarianceError, gaugeFeatureAction, gaugeGeometryAction, makeElement } from '../../src/testing/index.js';
import type { EquivarianceReport, Element } from '../../src/testing/index.js';

/** Several gauge changes (a random angle per vertex each), besides the harness's own. */
export function gaugeElements(n = 4, seed = 100): Element[] {
  return Array.from({ length: n }, (_, i) => makeElement(null, { gauge: true, kind: 'gauge', label: `gauge ${i}`, seed: seed + i }));
}

/** The planar gauge action with every angle rounded to a multiple of 2π/N. */
export function quantizedGauge(N: number): GaugeAction<GaugeGeometry> {
  const q = (phi: Float64Array): Float64Array => Float64Array.from(phi, (a) => (2 * Math.PI * Math.round((a * N) / (2 * Math.PI))) / N);
  return { ...planarGauge, features: (phi, f, L) => planarGauge.features(q(phi), f, L), geometry: (phi, geo) => planarGauge.geometry(q(phi), geo) };
}

/** Random features [V, C·(2L+1)]. */
export function features(rng: Rng, V: number, C: number, L: number, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return randn(rng, [V, C * (2 * L + 1)], { dtype });
}

/** equivarianceError of f(x, geo) under gauge changes (report, never throws). */
export function gaugeReport(fn: object, o: { Lin: number; Lout: number; x: Tensor; geo: GaugeGeometry; impl?: GaugeAction<GaugeGeometry>; dtype?: 'float32' | 'float64'; tol?: number }): EquivarianceReport {
  const impl = o.impl ? { impl: o.impl } : {};
  return equivarianceError(fn, {
    group: null,
    in: [gaugeFeatureAction(o.Lin, impl), gaugeGeometryAction(o.impl)],
    out: gaugeFeatureAction(o.Lout, impl),
    data: [o.x, o.geo],
    elements: { extra: gaugeElements() },
    ...(o.dtype ? { dtype: o.dtype } : {}),
    ...(o.tol !== undefined ? { tol: o.tol } : {}),
  });
}

/** The mesh with vertices relabelled (new vertex i = old perm[i]) and edges shuffled. */
export function permuteMesh(x: Tensor, geo: GaugeGeometry, rng: Rng): { x: Tensor; geo: GaugeGeometry; perm: Int32Array } {
  const V = geo.vertices, perm = rng.permutation(V), inv = new Int32Array(V);
  perm.forEach((old, i) => (inv[old] = i));
  const E = geo.senders.length, ep = rng.permutation(E);
  const pick = <T extends Float64Array | Int32Array>(a: T, map?: Int32Array): T => {
    const out = new (a.constructor as new (n: number) => T)(E);
    for (let k = 0; k < E; k++) out[k] = map ? map[a[ep[k]!]!]! : a[ep[k]!]!;
    return out;
  };
  const g: GaugeGeometry = {
    senders: pick(geo.senders, inv), receivers: pick(geo.receivers, inv), theta: pick(geo.theta), transport: pick(geo.transport),
    ...(geo.radius ? { radius: pick(geo.radius) } : {}), vertices: V,
  };
  return { x: x.indexSelect(0, perm), geo: g, perm };
}

/** max |a − b| over two tensors' values. */
export function maxDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs((a.data[i] as number) - (b.data[i] as number)));
  return a.size === b.size ? m : Infinity;
}

export { fromData };
