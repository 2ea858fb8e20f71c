import { describe, expect, it } from 'vitest';
import { RhythmSNN, runSpikingExample } from '../../examples/spiking.js';
import { Rng, crossEntropy, rhythms } from '../../src/index.js';

describe('examples/spiking (tiny size)', () => {
  it('the SNN emits exact 0/1 hidden spikes and its twin does not; both have the same parameters; surrogate gradients reach the input synapse', () => {
    const { spikes, labels } = rhythms({ seed: 1, count: 6, steps: 20 });
    const x = spikes.transpose(0, 1);
    const snn = new RhythmSNN(new Rng(3), { inputs: 8, hidden: 6, classes: 5 });
    const twin = new RhythmSNN(new Rng(3), { inputs: 8, hidden: 6, classes: 5, spiking: false });
    const a = snn.call(x), b = twin.call(x);
    expect(a.hidden.shape).toEqual([20, 6, 6]);
    expect(a.hidden.toFlatArray().every((q) => q === 0 || q === 1)).toBe(true);
    expect(b.hidden.toFlatArray().some((q) => q > 0 && q < 1)).toBe(true);
    expect(snn.parameters().map((p) => p.size)).toEqual(twin.parameters().map((p) => p.size));
    crossEntropy(a.logits, Array.from(labels.toFlatArray())).backward();
    const g = snn.hidden.synapse.weight.grad!.toFlatArray();
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(0);
  });

  it('trains every model and reports accuracy and spike counts per seed', () => {
    const rows = runSpikingExample({ train: 32, test: 20, epochs: 1, seeds: 2, hidden: 6, steps: 20, batch: 16 });
    expect(rows.map((r) => r.model)).toEqual(['SNN (fast sigmoid)', 'SNN (arctan)', 'non-spiking twin', 'input counts → linear']);
    for (const r of rows) {
      expect(r.accuracies).toHaveLength(2);
      for (const acc of r.accuracies) { expect(acc).toBeGreaterThanOrEqual(0); expect(acc).toBeLessThanOrEqual(1); }
    }
    expect(rows[0]!.params).toBe(rows[2]!.params);
    for (const s of rows[0]!.spikesPerNeuron) { expect(Number.isInteger(s * 6 * 20)).toBe(true); expect(s).toBeGreaterThanOrEqual(0); expect(s).toBeLessThanOrEqual(20); }
    expect(rows[3]!.spikesPerNeuron.every(Number.isNaN)).toBe(true);
  });
});
