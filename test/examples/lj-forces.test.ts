import { describe, expect, it } from 'vitest';
import { equivarianceError, evaluate, makeBatch, pairMlpModel, predict, randomOrthogonal, runLjForces } from '../../examples/lj-forces.js';
import type { PotentialModel } from '../../examples/lj-forces.js';
import { nequipModel } from '../../examples/lj/nequip.js';
import { generateLennardJones, ljEnergyForces } from '../../src/data/lennard-jones.js';
import type { LJSample } from '../../src/data/lennard-jones.js';
import { Rng, ValueError, add, indexSelect, mean, mul, noGrad, segmentSum, square, sub, sum, tensor } from '../../src/index.js';
import { PointConvolution } from '../../src/nn/irreps/index.js';
import { assertGradgradcheck } from '../../src/testing/index.js';
import { powScalar } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/index.js';

describe('examples/lj-forces (tiny size)', () => {
  it('the radius-graph batch: both directions, within the cutoff, per-configuration edge ids', () => {
    const data = generateLennardJones({ numConfigs: 2, seed: 3, minAtoms: 5, maxAtoms: 7 });
    const { positions, batch } = makeBatch(data, 2);
    expect(positions.length).toBe(3 * (data[0]!.numAtoms + data[1]!.numAtoms));
    expect(batch.senders.length).toBe(batch.receivers.length);
    const set = new Set(Array.from(batch.senders, (s, e) => `${s},${batch.receivers[e]}`));
    for (let e = 0; e < batch.senders.length; e++) {
      const s = batch.senders[e]!, r = batch.receivers[e]!;
      expect(set.has(`${r},${s}`)).toBe(true);
      expect(batch.batch[s]).toBe(batch.edgeGraph[e]);
      expect(batch.batch[r]).toBe(batch.edgeGraph[e]);
      expect(Math.hypot(...[0, 1, 2].map((k) => positions[3 * s + k]! - positions[3 * r + k]!))).toBeLessThan(2);
    }
  });

  it('a plugged-in model that IS the LJ potential predicts the exact energies and forces (the force path is right)', () => {
    // The pluggable interface with the true pair potential (cutoff larger than any cluster).
    const exact: PotentialModel = {
      name: 'exact LJ', parameters: () => [],
      energy(x: Tensor, b) {
        const keep = Array.from(b.senders.keys()).filter((e) => b.senders[e]! < b.receivers[e]!);
        const d = sub(indexSelect(x, 0, keep.map((e) => b.senders[e]!)), indexSelect(x, 0, keep.map((e) => b.receivers[e]!)));
        const s6 = powScalar(sum(square(d), 1), -3);
        return segmentSum(mul(sub(square(s6), s6), 4), keep.map((e) => b.edgeGraph[e]!), b.numGraphs);
      },
    };
    const data = generateLennardJones({ numConfigs: 3, seed: 4 });
    const { positions, batch } = makeBatch(data, 100);
    const { energy, forces } = predict(exact, positions, batch, false);
    data.forEach((s, i) => expect(Math.abs(energy.data[i]! - s.energy)).toBeLessThan(1e-10));
    const want = Float64Array.from(data.flatMap((s) => Array.from(ljEnergyForces(s.positions).forces)));
    let err = 0;
    want.forEach((w, i) => (err = Math.max(err, Math.abs(forces.data[i]! - w))));
    expect(err).toBeLessThan(1e-10);
  });

  it('the equivariance check is 0 for the baseline and catches a model that is not invariant', () => {
    const data = generateLennardJones({ numConfigs: 2, seed: 5, minAtoms: 13, maxAtoms: 15 });
    const base = pairMlpModel({ hidden: 8, rng: new Rng(1) });
    const e = equivarianceError(base, data, 3, new Rng(2));
    expect(e.force).toBeLessThan(1e-10);
    expect(e.energy).toBeLessThan(1e-10);
    const w = tensor([0.3, -0.2, 0.5], { dtype: 'float64', shape: [1, 3] });
    const broken: PotentialModel = { name: 'x·w', parameters: () => [], energy: (x, b) => segmentSum(sum(mul(x, w), 1), b.batch, b.numGraphs) };
    expect(equivarianceError(broken, data, 3, new Rng(2)).force).toBeGreaterThan(1e-3);
    const R = randomOrthogonal(new Rng(3), true);
    const RtR = [0, 1, 2].map((i) => [0, 1, 2].map((j) => R.reduce((s, row) => s + row[i]! * row[j]!, 0)));
    RtR.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
  });

  it('training on energies and forces (double backward) lowers the loss and the force error; forces rotate with the input', () => {
    const { results, test } = runLjForces({ train: 12, test: 6, steps: 40, batch: 3, hidden: 8, minAtoms: 13, maxAtoms: 16, lr: 1e-2 });
    expect(results).toHaveLength(1);
    const r = results[0]!;
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 2);
    // better than predicting zero forces
    const zeroF = test.reduce((a, s) => a + s.forces.reduce((p, f) => p + Math.abs(f), 0), 0) / test.reduce((a, s) => a + s.forces.length, 0);
    expect(r.test.forceMAE).toBeLessThan(zeroF);
    expect(r.forceEquivarianceError).toBeLessThan(1e-10);
    expect(r.energyInvarianceError).toBeLessThan(1e-10);
    expect(r.parameters).toBe(16 * 8 + 8 + 8 * 8 + 8 + 8 + 1 + 1); // Gaussians → 8 → 8 → 1, and e₀
    expect(r.seconds).toBeGreaterThan(0);
  });
});

describe('examples/lj: the NequIP-style model', () => {
  const tiny = (rng: Rng, zeroReadout = false): PotentialModel =>
    nequipModel({ rng, hidden: '4x0e+2x1o+1x2e', layers: 2, embedding: 3, numBasis: 4, radialHidden: [6], zeroReadout });
  const data = generateLennardJones({ numConfigs: 4, seed: 11, minAtoms: 13, maxAtoms: 15 });

  /** max |ΔF| / max |F| and max |ΔE| / max |E| over random rotations and reflections (relative). */
  const relativeEquivariance = (model: PotentialModel, samples: LJSample[]): { force: number; energy: number } => {
    const e = equivarianceError(model, samples, 3, new Rng(21));
    let fMax = 0, eMax = 0;
    for (const s of samples) {
      const { positions, batch } = makeBatch([s], 3);
      const p = predict(model, positions, batch, false);
      for (const f of p.forces.data) fMax = Math.max(fMax, Math.abs(f));
      eMax = Math.max(eMax, Math.abs(p.energy.item()));
    }
    return { force: e.force / fMax, energy: e.energy / eMax };
  };

  it('energy is invariant and forces rotate with the input under rotations AND reflections (+ translations), f64 ≤ 1e-10 relative', () => {
    const model = tiny(new Rng(1));
    const { force, energy } = relativeEquivariance(model, data); // samples alternate rotation / reflection
    expect(force).toBeLessThan(1e-10);
    expect(energy).toBeLessThan(1e-10);
  });

  it('the equivariance check FAILS for the same model plus a term in the absolute x-coordinate', () => {
    const model = tiny(new Rng(1));
    const broken: PotentialModel = {
      name: 'NequIP + 0.05 Σ x_i', parameters: model.parameters,
      energy: (x, b) => add(model.energy(x, b), mul(segmentSum(sum(mul(x, tensor([0.05, 0, 0], { dtype: 'float64', shape: [1, 3] })), 1), b.batch, b.numGraphs), 1)),
    };
    const { force, energy } = relativeEquivariance(broken, data);
    expect(force).toBeGreaterThan(1e-3);
    expect(energy).toBeGreaterThan(1e-3);
  });

  it('forces are −∂E/∂x (central differences) and the Hessian of E is right (gradgradcheck on a 5-atom cluster)', () => {
    const model = tiny(new Rng(2));
    const small = generateLennardJones({ numConfigs: 1, seed: 12, minAtoms: 5, maxAtoms: 5 });
    const { positions, batch } = makeBatch(small, 3);
    const { forces } = predict(model, positions, batch, false);
    const energyAt = (pos: Float64Array): number => noGrad(() => model.energy(tensor(pos, { dtype: 'float64', shape: [pos.length / 3, 3] }), batch).item());
    const h = 1e-5;
    let worst = 0, scale = 0;
    for (let i = 0; i < positions.length; i++) {
      const p = Float64Array.from(positions), m = Float64Array.from(positions);
      p[i]! += h; m[i]! -= h;
      const fd = -(energyAt(p) - energyAt(m)) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - forces.data[i]!));
      scale = Math.max(scale, Math.abs(fd));
    }
    expect(scale).toBeGreaterThan(1e-3); // a non-trivial force field
    expect(worst / scale).toBeLessThan(1e-7);
    const x = tensor(positions, { dtype: 'float64', shape: [5, 3], requiresGrad: true });
    assertGradgradcheck((y) => model.energy(y, batch), [x], { rng: new Rng(3) });
  });

  it('the force loss’s gradient w.r.t. the parameters (through double backward) matches central differences', () => {
    const model = tiny(new Rng(4));
    const small = generateLennardJones({ numConfigs: 2, seed: 13, minAtoms: 5, maxAtoms: 6 });
    const { positions, batch } = makeBatch(small, 3);
    const target = tensor(Float64Array.from(small.flatMap((s) => Array.from(s.forces))), { dtype: 'float64', shape: [positions.length / 3, 3] });
    const lossOf = (createGraph: boolean) => mean(square(sub(predict(model, positions, batch, createGraph).forces, target)));
    const params = model.parameters();
    for (const p of params) p.grad = null;
    lossOf(true).backward();
    // a couple of entries of several parameters: the embedding, a radial MLP weight, an irreps-linear weight, the readout
    const picks: [number, number][] = [[0, 1], [1, 3], [2, 5], [params.length - 2, 0], [Math.floor(params.length / 2), 2]];
    const h = 1e-6;
    for (const [k, i] of picks) {
      const p = params[k]!;
      const analytic = p.grad!.data[i]!;
      const v = p.data[i]!;
      p.data[i] = v + h; const lp = noGrad(() => lossOf(false).item());
      p.data[i] = v - h; const lm = noGrad(() => lossOf(false).item());
      p.data[i] = v;
      const fd = (lp - lm) / (2 * h);
      expect(Math.abs(analytic - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    expect(params.some((p) => p.grad!.data.some((g) => g !== 0))).toBe(true);
  });

  it('E is smooth at the cutoff: a dimer just inside and just outside r_c has the same energy, ~zero force', () => {
    const model = tiny(new Rng(5));
    const dimer = (r: number) => {
      const s: LJSample = { ...data[0]!, numAtoms: 2, positions: Float64Array.from([0, 0, 0, r, 0, 0]), forces: new Float64Array(6) };
      const { positions, batch } = makeBatch([s], 3);
      return { edges: batch.senders.length, ...predict(model, positions, batch, false) };
    };
    const inside = dimer(3 - 1e-3), outside = dimer(3 + 1e-3), near = dimer(2.5);
    expect(inside.edges).toBe(2);
    expect(outside.edges).toBe(0);
    expect(Math.abs(inside.energy.item() - outside.energy.item())).toBeLessThan(1e-7);
    expect(Math.max(...Array.from(inside.forces.data, Math.abs))).toBeLessThan(1e-5);
    expect(Math.abs(near.energy.item() - outside.energy.item())).toBeGreaterThan(1e-6); // but it does interact
    // the PointConvolution options behind it: with biases in the radial MLP (the default) a message
    // just inside r_c is far from zero, so E would jump when a pair leaves the radius graph
    const x = tensor([1, -0.5, 0.3, 0.7], { dtype: 'float64', shape: [2, 2] });
    const pos = tensor([0, 0, 0, 3 - 1e-3, 0, 0], { dtype: 'float64', shape: [2, 3] });
    const conv = (o: { radialBias?: boolean; envelope?: number }) =>
      new PointConvolution('2x0e', '2x0e+2x1o', { rng: new Rng(9), dtype: 'float64', basis: 'bessel', radialEnd: 3, numBasis: 4, radialHidden: [5], ...o });
    const maxAbs = (t: { data: ArrayLike<number> }) => Math.max(...Array.from(t.data, Math.abs));
    expect(maxAbs(conv({ radialBias: false, envelope: 6 }).call(x, pos, [0, 1], [1, 0]))).toBeLessThan(1e-8);
    expect(maxAbs(conv({}).call(x, pos, [0, 1], [1, 0]))).toBeGreaterThan(1e-3);
    // a radius graph built with another cutoff than the model's is refused
    const other = makeBatch([data[0]!], 2.5);
    expect(() => predict(model, other.positions, other.batch, false)).toThrow(/nequipModel: the batch's radius graph has cutoff 2.5 but the model 3/);
    // the envelope is validated
    expect(() => new PointConvolution('1x0e', '1x0e', { rng: new Rng(0), envelope: 0 })).toThrow(ValueError);
    expect(() => new PointConvolution('1x0e', '1x0e', { rng: new Rng(0), envelope: 2.5 })).toThrow(/envelope/);
  });

  it('a short training run on energies and forces lowers the force MAE (the readout starts at zero: zero forces)', () => {
    const before = tiny(new Rng(6), true);
    const train = generateLennardJones({ numConfigs: 10, seed: 0, minAtoms: 13, maxAtoms: 14 });
    const zero = evaluate(before, train, 3);
    const { results } = runLjForces({
      train: 10, test: 4, minAtoms: 13, maxAtoms: 14,
      models: [{ build: (rng, st) => nequipModel({ rng, hidden: '4x0e+2x1o', layers: 1, embedding: 3, numBasis: 4, radialHidden: [6], shift: st.energyPerAtom, scale: st.forceRms }), steps: 40, batch: 2, lr: 5e-2 }],
    });
    const r = results[0]!;
    expect(zero.forceMAE).toBeGreaterThan(2); // the untrained model predicts zero forces
    expect(r.steps).toBe(40);
    expect(r.lastLoss).toBeLessThan(0.8 * r.firstLoss);
    expect(r.train.forceMAE).toBeLessThan(0.85 * zero.forceMAE);
    expect(r.forceEquivarianceError).toBeLessThan(1e-10);
  });
});
