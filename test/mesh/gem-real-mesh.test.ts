/**
 * GEM-CNN on real meshes: the geometry from gemGeometry (not random angles) on the Stanford bunny
 * and icospheres, through the shipped harness (gauge changes), under rigid motions of the mesh
 * (geometry recomputed: scalar and gauge-component outputs unchanged), under relabelling of the
 * vertices (outputs permuted), and through pooling between two levels of meshHierarchy.
 */
import { describe, expect, it } from 'vitest';
import { bunnyMesh } from '../../src/data/index.js';
import {
  GemConv, GemPool, GemResNetBlock, GemUnpool, gemGeometry, icosphere, matrixFeatures, meshHierarchy, planarGauge, randomRotation,
  transformMesh,
} from '../../src/mesh/index.js';
import type { GaugeGeometry, MeshData } from '../../src/mesh/index.js';
import { Tensor, concat, randn } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/index.js';
import { assertGaugeEquivariant, equivarianceError, gaugeFeatureAction, gaugeGeometryAction } from '../../src/testing/index.js';
import { gaugeElements, maxDiff } from './gem-helpers.js';

/** Network on a mesh: matrix features (3ρ₀ ⊕ 2ρ₁ ⊕ ρ₂) → GemConv → ResNet block; outputs ρ₀ ⊕ ρ₁. */
function makeNet(rng: Rng) {
  const conv = new GemConv(3, 4, { maxOrderIn: 2, maxOrderOut: 2, rings: 2, dtype: 'float64', rng });
  const block = new GemResNetBlock(4, 2, { maxOrderIn: 2, maxOrderHidden: 2, maxOrderOut: 1, channelsHidden: 4, samples: 7, dtype: 'float64', rng });
  return (x: Tensor, geo: GaugeGeometry) => block.call(conv.call(x, geo), geo);
}

function netOn(mesh: MeshData, net: ReturnType<typeof makeNet>): Tensor {
  const g = gemGeometry(mesh);
  return net(matrixFeatures(mesh.positions, g.frames, g.geometry, { dtype: 'float64' }), g.geometry);
}

/** Relative max difference. */
function rel(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < b.size; i++) s = Math.max(s, Math.abs(b.data[i] as number));
  return maxDiff(a, b) / Math.max(s, 1e-300);
}

describe('GEM-CNN on real meshes', () => {
  const bunny = bunnyMesh();

  it('GemConv on the bunny geometry passes the harness under random gauges (f64 ≤ 1e-12, f32 ≤ 1e-5)', () => {
    const rng = new Rng(1);
    const { geometry } = gemGeometry(bunny);
    expect(geometry.vertices).toBe(1839);
    const conv = new GemConv(2, 3, { maxOrderIn: 2, maxOrderOut: 2, rings: 3, dtype: 'float64', rng });
    const x = randn(rng, [1839, 2 * 5], { dtype: 'float64' });
    const r64 = assertGaugeEquivariant(conv, { maxOrderIn: 2, maxOrderOut: 2, features: x, geometry, elements: { extra: gaugeElements(2) } });
    expect(r64.worst!.relative).toBeLessThanOrEqual(1e-12);
    const r32 = assertGaugeEquivariant(conv, { maxOrderIn: 2, maxOrderOut: 2, features: x, geometry, dtype: 'float32', elements: { extra: gaugeElements(2) } });
    expect(r32.worst!.relative).toBeLessThanOrEqual(1e-5);
    // and the check can fail on this geometry: dropping the transport is caught
    const broken = (f: Tensor, g: GaugeGeometry) => conv.call(f, { ...g, transport: new Float64Array(g.transport.length) });
    const bad = equivarianceError(broken, {
      group: null, in: [gaugeFeatureAction(2), gaugeGeometryAction()], out: gaugeFeatureAction(2), data: [x, geometry], elements: { extra: gaugeElements(2) },
    });
    expect(bad.ok).toBe(false);
  });

  it('rigid motions of the bunny leave the outputs unchanged (geometry recomputed; ≤ 1e-10)', () => {
    const rng = new Rng(2);
    const net = makeNet(rng);
    const y = netOn(bunny, net);
    let worst = 0;
    for (let i = 0; i < 3; i++) {
      const R = randomRotation(rng), t = [rng.normal(), rng.normal(), rng.normal()];
      worst = Math.max(worst, rel(netOn(transformMesh(bunny, R, t), net), y));
    }
    expect(worst).toBeLessThanOrEqual(1e-10);
    // a non-invariant input (raw x coordinate as a ρ₀ channel) makes the same check fail
    const xyzNet = (mesh: MeshData) => {
      const g = gemGeometry(mesh);
      const f = matrixFeatures(mesh.positions, g.frames, g.geometry, { dtype: 'float64' });
      const xs = Float64Array.from({ length: mesh.positions.length / 3 }, (_, v) => mesh.positions[3 * v]!);
      const col = new Tensor(xs, [xs.length, 1], 'float64');
      return net(concat([col, f.slice([null, [1, 15]])], 1), g.geometry);
    };
    const R = randomRotation(rng);
    expect(rel(xyzNet(transformMesh(bunny, R)), xyzNet(bunny))).toBeGreaterThan(1e-3);
  });

  it('relabelling the vertices of the mesh permutes the outputs', () => {
    const rng = new Rng(3);
    const mesh = icosphere(2);
    const V = mesh.positions.length / 3, perm = rng.permutation(V), inv = new Int32Array(V);
    perm.forEach((old, i) => (inv[old] = i));
    const positions = new Float64Array(3 * V);
    for (let i = 0; i < V; i++) for (let d = 0; d < 3; d++) positions[3 * i + d] = mesh.positions[3 * perm[i]! + d]!;
    const faces = Int32Array.from(mesh.faces, (v) => inv[v]!);
    const net = makeNet(rng);
    const y = netOn(mesh, net), yp = netOn({ positions, faces }, net);
    expect(rel(yp, y.indexSelect(0, perm))).toBeLessThanOrEqual(1e-12);
  });

  it('a two-level U-net (conv → pool → conv → unpool) on meshHierarchy: rigid-motion invariant and gauge equivariant end to end', () => {
    const rng = new Rng(4);
    const c1 = new GemConv(3, 3, { maxOrderIn: 2, maxOrderOut: 1, dtype: 'float64', rng });
    const c2 = new GemConv(3, 2, { maxOrderIn: 1, maxOrderOut: 1, dtype: 'float64', rng });
    const down = new GemPool(1), up = new GemUnpool(1);
    const run = (mesh: MeshData, gauge: 'first' | 'random', seed = 0) => {
      const h = meshHierarchy(mesh, [0.12], { gem: { gauge, rng: new Rng(seed) } });
      const [fine, coarse] = h.levels;
      const x = matrixFeatures(mesh.positions, fine!.frames, fine!.geometry, { dtype: 'float64' });
      const y = up.call(c2.call(down.call(c1.call(x, fine!.geometry), h.poolings[0]!), coarse!.geometry), h.poolings[0]!);
      return { y, frames: fine!.frames, coarseV: coarse!.geometry.vertices };
    };
    const base = run(bunny, 'first');
    expect(base.coarseV).toBeGreaterThan(20);
    expect(base.coarseV).toBeLessThan(1839 / 2);
    // rigid motion: same outputs
    const moved = run(transformMesh(bunny, randomRotation(rng), [0.3, -1, 2]), 'first');
    expect(rel(moved.y, base.y)).toBeLessThanOrEqual(1e-10);
    // another gauge on every vertex of both levels: outputs change by ρ(−φ) with φ the angle between the frames
    const other = run(bunny, 'random', 7);
    const V = 1839, phi = new Float64Array(V), f0 = base.frames, f1 = other.frames;
    for (let p = 0; p < V; p++) {
      let cx = 0, cy = 0;
      for (let d = 0; d < 3; d++) { cx += f1.xAxis[3 * p + d]! * f0.xAxis[3 * p + d]!; cy += f1.xAxis[3 * p + d]! * f0.yAxis[3 * p + d]!; }
      phi[p] = Math.atan2(cy, cx);
    }
    const expected = new Tensor(planarGauge.features(phi, Float64Array.from(base.y.data as Float64Array), 1), base.y.shape, 'float64');
    expect(rel(other.y, expected)).toBeLessThanOrEqual(1e-10);
    expect(rel(other.y, base.y)).toBeGreaterThan(1e-3);
  });
});
