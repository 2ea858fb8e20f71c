import { describe, expect, it } from 'vitest';
import {
  AngularCNN, GemNet, MeshGCN, cropToSignal, digitItems, digitLogits, fieldTensors, geodesicTargets, makeBatch, meshInput, rotatedInput,
  runDigits, runFields, tangentComponents, fieldItems,
} from '../../examples/gem-mesh.js';
import type { MeshInput, MeshModel } from '../../examples/gem-mesh.js';
import { Rng, fromData, icosphere, noGrad, planarGauge, randomRotation } from '../../src/index.js';

const maxAbs = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
const scale = (a: readonly number[]): number => Math.max(...a.map(Math.abs));

/** The input with every vertex's gauge turned by φ_p (geometry and frames alike). */
function regauged(inp: MeshInput, phi: Float64Array): MeshInput {
  const f = inp.frames, V = phi.length, xAxis = new Float64Array(3 * V), yAxis = new Float64Array(3 * V);
  for (let v = 0; v < V; v++) {
    const c = Math.cos(phi[v]!), s = Math.sin(phi[v]!);
    for (let d = 0; d < 3; d++) {
      xAxis[3 * v + d] = c * f.xAxis[3 * v + d]! + s * f.yAxis[3 * v + d]!;
      yAxis[3 * v + d] = -s * f.xAxis[3 * v + d]! + c * f.yAxis[3 * v + d]!;
    }
  }
  return { mesh: inp.mesh, geometry: planarGauge.geometry(phi, inp.geometry), frames: { xAxis, yAxis, normal: f.normal } };
}

describe('examples/gem-mesh (tiny size)', () => {
  const items = digitItems({ count: 3, seed: 5, split: 'train', icoLevel: 3 });
  const item = items[0]!;
  const base = meshInput(item.mesh, 'axis');
  const V = item.signal.length;
  const opts = { head: 'classes' as const, outputs: 9, channels: 3, depth: 2, dtype: 'float64' as const };

  it('crops each digit to a manifold patch around its support; 9 is merged into 6', () => {
    for (const it of items) {
      expect(it.signal.length).toBeLessThan(it.meshIndex === 0 ? 1839 : 642);
      expect(it.signal.some((v) => v > 0.5)).toBe(true);
      expect(it.label).toBeGreaterThanOrEqual(0);
      expect(it.label).toBeLessThan(9);
    }
    const ico = icosphere(2), sig = new Float64Array(162);
    sig[0] = 1;
    const c = cropToSignal(ico, sig, 1);
    expect(c.signal[c.vertices.indexOf(0)]).toBe(1);
    expect(c.vertices.length).toBe(6);
  });

  it('GEM-CNN logits are gauge invariant to 1e-9 in float64: exactly for gauge angles in 2π/N·ℤ (ReLU), for any angles and rotations with a linear σ', () => {
    const rng = new Rng(3), N = 7;
    const relu = new GemNet({ ...opts, samples: N, rng: new Rng(1) });
    const a = digitLogits(relu, item, base);
    const phi = Float64Array.from({ length: V }, () => (2 * Math.PI * rng.int(N)) / N);
    expect(maxAbs(a, digitLogits(relu, item, regauged(base, phi)))).toBeLessThan(1e-9 * scale(a));
    // arbitrary angles: the ReLU's sampling makes it approximate (but close)
    const any = Float64Array.from({ length: V }, () => rng.uniformIn(-Math.PI, Math.PI));
    const gap = maxAbs(a, digitLogits(relu, item, regauged(base, any)));
    expect(gap).toBeGreaterThan(1e-12);
    expect(gap).toBeLessThan(0.2 * scale(a) + 1e-6);

    const lin = new GemNet({ ...opts, activation: (t) => t, rng: new Rng(2) });
    const b = digitLogits(lin, item, base);
    expect(maxAbs(b, digitLogits(lin, item, meshInput(item.mesh, 'random', new Rng(9))))).toBeLessThan(1e-9 * scale(b));
    expect(maxAbs(b, digitLogits(lin, item, rotatedInput(item.mesh, randomRotation(new Rng(4)), 'axis')))).toBeLessThan(1e-9 * scale(b));
  });

  it('a batch-norm readout keeps GEM-CNN gauge invariant (eval mode, running statistics) and adds no parameters', () => {
    const rng = new Rng(6), N = 7;
    const plain = new GemNet({ ...opts, samples: N, rng: new Rng(1) });
    const bn = new GemNet({ ...opts, samples: N, readoutNorm: 'batch', rng: new Rng(1) });
    expect(bn.parameters().reduce((a, p) => a + p.size, 0)).toBe(plain.parameters().reduce((a, p) => a + p.size, 0));
    // one training-mode pass over two items updates the running statistics
    const two = makeBatch([base.geometry, meshInput(items[1]!.mesh, 'axis').geometry]);
    const sig = Float64Array.from([...item.signal, ...items[1]!.signal]);
    noGrad(() => bn.call(fromData(sig, [sig.length, 1]), two));
    bn.eval();
    const a = digitLogits(bn, item, base);
    const phi = Float64Array.from({ length: V }, () => (2 * Math.PI * rng.int(N)) / N);
    expect(maxAbs(a, digitLogits(bn, item, regauged(base, phi)))).toBeLessThan(1e-9 * scale(a));
  });

  it('the GCN ignores gauges; the angular CNN does not', () => {
    const gcn = new MeshGCN({ ...opts, rng: new Rng(1) }), ang = new AngularCNN({ ...opts, rng: new Rng(1) }) as MeshModel;
    const rnd = meshInput(item.mesh, 'random', new Rng(5));
    const g = digitLogits(gcn, item, base);
    expect(maxAbs(g, digitLogits(gcn, item, rnd))).toBeLessThan(1e-12 * scale(g) + 1e-15);
    const c = digitLogits(ang, item, base);
    expect(maxAbs(c, digitLogits(ang, item, rnd))).toBeGreaterThan(1e-5 * scale(c)); // vs ≤ 1e-12 for the invariant models
  });

  it('ground truth on a unit sphere: unit gradients pointing away from the source, mean curvature ≈ 1', () => {
    const s = icosphere(3), gt = geodesicTargets(s, 0);
    const P = s.positions;
    let bad = 0;
    for (let v = 1; v < 642; v++) {
      const g = [0, 1, 2].map((d) => gt.gradient[3 * v + d]!), n = Math.hypot(...g);
      const away = [0, 1, 2].map((d) => P[3 * v + d]! - P[d]!);
      const dot = g.reduce((a, gi, d) => a + gi * away[d]!, 0);
      if (gt.distance[v]! > 0.3 && gt.distance[v]! < Math.PI - 0.3 && (Math.abs(n - 1) > 0.1 || dot <= 0)) bad++;
    }
    expect(bad).toBe(0);
    const H = Array.from(gt.curvature);
    expect(H.reduce((a, b) => a + b, 0) / H.length).toBeCloseTo(1, 1);
  });

  it('GEM-CNN field outputs: the scalar is gauge invariant, the vector turns as ρ₁ (linear σ, float64, 1e-9); targets turn likewise', () => {
    const [it] = fieldItems({ count: 1, seed: 2, targetVertices: 120 });
    const inp = meshInput(it!.mesh, 'axis'), Vf = it!.distance.length;
    const model = new GemNet({ head: 'field', outputs: 1, channels: 3, depth: 2, scalarInputs: 1, matrixInputs: true, activation: (t) => t, dtype: 'float64', rng: new Rng(7) });
    const run = (m: MeshInput): { p: number[]; y: Float64Array } => {
      const { x, y } = fieldTensors(it!, m, null);
      return { p: noGrad(() => model.call(fromData(x, [Vf, 16]), makeBatch([m.geometry])).toFlatArray()), y };
    };
    const rng = new Rng(8), phi = Float64Array.from({ length: Vf }, () => rng.uniformIn(-Math.PI, Math.PI));
    const a = run(inp), b = run(regauged(inp, phi));
    const expected = Array.from(planarGauge.features(phi, Float64Array.from(a.p), 1));
    expect(maxAbs(b.p, expected)).toBeLessThan(1e-9 * scale(a.p));
    expect(maxAbs(Array.from(b.y), Array.from(planarGauge.features(phi, a.y, 1)))).toBeLessThan(1e-9);
    // and the vector target is a tangent vector of about unit length
    const g = tangentComponents(it!.gradient, inp.frames);
    let mean = 0;
    for (let v = 0; v < Vf; v++) mean += Math.hypot(g[2 * v]!, g[2 * v + 1]!) / Vf;
    expect(mean).toBeGreaterThan(0.7);
    expect(mean).toBeLessThan(1.1);
  });

  it('tiny training runs: three classifiers with similar budgets, the GCN unchanged across settings; the regression loss decreases', () => {
    const rows = runDigits({ train: 12, test: 8, epochs: 1, batch: 6, budgets: { gem: 3, angular: 3, gcn: 12 }, depth: 1 });
    expect(rows.map((r) => r.model)).toEqual(['GEM-CNN', 'GCN', 'angular CNN']);
    const gcn = rows[1]!;
    expect(gcn.accuracy['random gauge']).toBe(gcn.accuracy['same gauge']);
    expect(gcn.accuracy.rotated).toBe(gcn.accuracy['same gauge']);
    for (const r of rows) for (const v of Object.values(r.accuracy)) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(1); }
    const fr = runFields({ trainShapes: 3, testShapes: 2, sources: 1, targetVertices: 100, epochs: 4, batch: 3, budgets: { gem: 3, angular: 3 } });
    for (const r of fr) {
      expect(r.lastLoss).toBeLessThan(r.firstLoss);
      expect(r.errors['same gauge'].vectorRelL2).toBeGreaterThan(0);
    }
  }, 60_000);
});
