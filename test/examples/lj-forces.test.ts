import { describe, expect, it } from 'vitest';
import { equivarianceError, makeBatch, pairMlpModel, predict, randomOrthogonal, runLjForces } from '../../examples/lj-forces.js';
import type { PotentialModel } from '../../examples/lj-forces.js';
import { generateLennardJones, ljEnergyForces } from '../../src/data/lennard-jones.js';
import { Rng, indexSelect, mul, segmentSum, square, sub, sum, tensor } from '../../src/index.js';
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
