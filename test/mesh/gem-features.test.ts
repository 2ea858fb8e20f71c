/**
 * matrixFeatures (arXiv:2003.05425): gauge equivariance by rotating the tangent frames (through the
 * shipped harness), the 3ρ₀ ⊕ 2ρ₁ ⊕ ρ₂ layout, a flat patch, and the feature → GemConv pipeline.
 */
import { describe, expect, it } from 'vitest';
import { GemConv, MATRIX_FEATURE_CHANNELS, MATRIX_FEATURE_ORDER, matrixFeatures, randomGaugeGeometry } from '../../src/mesh/index.js';
import type { GaugeGeometry, MeshFrames } from '../../src/mesh/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { Rng, ShapeError } from '../../src/util/index.js';
import { assertEquivariant, elementGaugeAngles, gaugeFeatureAction, gaugeGeometryAction } from '../../src/testing/index.js';
import type { Action } from '../../src/testing/index.js';
import { gaugeElements } from './gem-helpers.js';

function cross(a: number[], b: number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Random orthonormal frames (e_x, e_y = n × e_x, n). */
function randomFrames(rng: Rng, V: number): MeshFrames {
  const xAxis = new Float64Array(3 * V), yAxis = new Float64Array(3 * V), normal = new Float64Array(3 * V);
  for (let p = 0; p < V; p++) {
    const n = unit([rng.normal(), rng.normal(), rng.normal()]);
    const r = [rng.normal(), rng.normal(), rng.normal()], d = r.reduce((s, v, i) => s + v * n[i]!, 0);
    const ex = unit(r.map((v, i) => v - d * n[i]!)), ey = cross(n, ex);
    xAxis.set(ex, 3 * p);
    yAxis.set(ey, 3 * p);
    normal.set(n, 3 * p);
  }
  return { xAxis, yAxis, normal };
}

/** A gauge change rotates each frame by φ_p about its normal: tangent coordinates transform by ρ₁(−φ_p). */
function frameAction(V: number): Action<MeshFrames> {
  return {
    name: 'tangent frames rotated by φ_p',
    uses: { gauge: true },
    act(e, f) {
      if (!e.gauge) return f;
      const phi = elementGaugeAngles(e, V), xAxis = new Float64Array(3 * V), yAxis = new Float64Array(3 * V);
      for (let p = 0; p < V; p++) {
        const c = Math.cos(phi[p]!), s = Math.sin(phi[p]!);
        for (let i = 0; i < 3; i++) {
          const ex = f.xAxis[3 * p + i]!, ey = f.yAxis[3 * p + i]!;
          xAxis[3 * p + i] = c * ex + s * ey;
          yAxis[3 * p + i] = -s * ex + c * ey;
        }
      }
      return { xAxis, yAxis, normal: f.normal };
    },
    fields: () => [],
  };
}

function setup(seed: number, V = 8): { positions: Float64Array; frames: MeshFrames; geo: GaugeGeometry } {
  const rng = new Rng(seed);
  const positions = Float64Array.from({ length: 3 * V }, () => rng.normal());
  return { positions, frames: randomFrames(rng, V), geo: randomGaugeGeometry(rng, V) };
}

describe('matrixFeatures', () => {
  it('is gauge equivariant: rotating the frames by φ_p acts as ρ(−φ_p) on 3ρ₀ ⊕ 2ρ₁ ⊕ ρ₂ (float64 ≤ 1e-12, float32 ≤ 1e-5)', () => {
    const V = 8, { positions, frames, geo } = setup(1, V);
    for (const dtype of ['float64', 'float32'] as const) {
      const r = assertEquivariant((f: MeshFrames) => matrixFeatures(positions, f, geo, { dtype }), {
        group: null, in: frameAction(V), out: gaugeFeatureAction(MATRIX_FEATURE_ORDER, { channels: MATRIX_FEATURE_CHANNELS }), data: [frames], dtype,
        elements: { extra: gaugeElements() },
      });
      expect(r.worst!.relative).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
    }
  });

  it('has the layout [V, 3·5] with zeros outside 3ρ₀ ⊕ 2ρ₁ ⊕ ρ₂; a flat patch has no normal components', () => {
    const V = 8, { geo } = setup(2, V), rng = new Rng(3);
    const positions = Float64Array.from({ length: 3 * V }, (_, i) => (i % 3 === 2 ? 0 : rng.normal()));
    const frames: MeshFrames = {
      xAxis: Float64Array.from({ length: 3 * V }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      yAxis: Float64Array.from({ length: 3 * V }, (_, i) => (i % 3 === 1 ? 1 : 0)),
      normal: Float64Array.from({ length: 3 * V }, (_, i) => (i % 3 === 2 ? 1 : 0)),
    };
    const f = matrixFeatures(positions, frames, geo, { dtype: 'float64' });
    expect(f.shape).toEqual([V, 15]);
    const d = f.data as Float64Array;
    for (let p = 0; p < V; p++) {
      const o = 15 * p;
      for (const z of [8, 9, 11, 12, 13, 14]) expect(d[o + z]).toBe(0); // unused slots
      for (const z of [1, 2, 5, 6, 7, 10]) expect(Math.abs(d[o + z]!)).toBeLessThan(1e-15); // normal components, antisymmetric part
      expect(d[o]!).toBeGreaterThanOrEqual(0); // trace of a sum of outer products
    }
    expect(() => matrixFeatures(positions.subarray(3), frames, geo)).toThrow(ShapeError);
  });

  it('feeds a GemConv: the pipeline frames → features → conv is gauge equivariant', () => {
    const V = 8, { positions, frames, geo } = setup(4, V);
    const conv = new GemConv(MATRIX_FEATURE_CHANNELS, 2, { maxOrderIn: MATRIX_FEATURE_ORDER, maxOrderOut: 1, dtype: 'float64', rng: new Rng(5) });
    // the geometry's angles are measured in the frames: one gauge change rotates both
    const fn = (f: MeshFrames, g: GaugeGeometry): Tensor => conv.call(matrixFeatures(positions, f, g, { dtype: 'float64' }), g);
    const r = assertEquivariant(fn, {
      group: null, in: [frameAction(V), gaugeGeometryAction()], out: gaugeFeatureAction(1), data: [frames, geo], elements: { extra: gaugeElements() },
    });
    expect(r.worst!.relative).toBeLessThanOrEqual(1e-12);
    expect(fn(frames, geo).shape).toEqual([V, 2 * 3]);
  });
});
