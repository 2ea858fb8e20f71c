/**
 * Harness actions of mesh gauge changes (GEM-CNN; de Haan, Weiler, Cohen, Welling, "Gauge
 * Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425), built on src/mesh: a random angle φ_p per
 * vertex drawn from the element acts on features ρ₀ ⊕ ρ₁ ⊕ … ⊕ ρ_L of SO(2) as f_p ↦ ρ(−φ_p) f_p
 * and on the precomputed geometry (θ, g). See docs/design/harness.md.
 * @module
 */
import { planarGauge, randomGaugeGeometry } from '../../mesh/index.js';
import type { GaugeAction, GaugeGeometry } from '../../mesh/index.js';
import type { Tensor } from '../../tensor/index.js';
import type { Rng } from '../../util/index.js';
import { ShapeError, fmtShape } from '../../util/index.js';
import { elementGaugeAngles } from '../element.js';
import type { Action } from './types.js';
import { castTensor, expectFloatTensor, f64, tensorOf } from './types.js';

export { planarGauge, randomGaugeGeometry };
export type { GaugeAction, GaugeGeometry };


/**
 * Gauge action on vertex features [V, C·(2L+1)] (or [V, C, 2L+1]); pair with
 * {@link gaugeGeometryAction} on the geometry input.
 */
export function gaugeFeatureAction(maxOrder: number, opts: { channels?: number; vertices?: number; impl?: GaugeAction<any> } = {}): Action<Tensor> {
  const impl = (opts.impl ?? planarGauge) as GaugeAction<unknown>;
  const name = `gauge ρ₀ ⊕ … ⊕ ρ_${maxOrder}`, w = 2 * maxOrder + 1;
  return {
    name,
    uses: { gauge: true },
    check(x, where) {
      const t = expectFloatTensor(x, where, name);
      const width = t.ndim >= 2 ? t.size / t.shape[0]! : 0;
      if (t.ndim < 2 || width % w !== 0 || width === 0) throw new ShapeError(`${where} (${name}): expected vertex features [V, C·${w}] (C channels of ρ₀ ⊕ … ⊕ ρ_${maxOrder}), got ${fmtShape(t.shape)}`);
      if (opts.channels !== undefined && width !== opts.channels * w) throw new ShapeError(`${where} (${name}): expected ${opts.channels} channels: [V, ${opts.channels * w}], got ${fmtShape(t.shape)}`);
    },
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
  const name = 'gauge geometry (θ, g)';
  return {
    name,
    uses: { gauge: true },
    ...(a.check ? { check: (geo: Geo, where: string) => a.check!(geo, `${where} (${name})`) } : {}),
    act: (e, geo) => (e.gauge ? a.geometry(elementGaugeAngles(e, a.vertices(geo)), geo) : geo),
    fields: () => [],
    sample: impl ? undefined : ((rng: Rng) => randomGaugeGeometry(rng, opts.vertices ?? 6) as Geo),
  };
}
