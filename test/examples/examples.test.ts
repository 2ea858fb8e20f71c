import { describe, expect, it } from 'vitest';
import { runXor } from '../../examples/xor.js';
import { architectures, runDepth, treeData, treeValue } from '../../examples/deep-vs-shallow.js';

describe('examples (tiny sizes)', () => {
  it('xor: a linear model never fits XOR; one hidden layer of 2 does for some seeds', () => {
    const s = runXor({ steps: 600, seeds: 4 });
    expect(s.linearSolved).toBe(0);
    expect(s.linear.correct).toBeLessThan(4);
    expect(s.hiddenSolved).toBeGreaterThan(0);
    expect(s.hidden.correct).toBe(4);
  });

  it('deep-vs-shallow: data, equal parameter budgets, and a training run that fits its data', () => {
    expect(treeValue([1, 0, 1, 1], 'parity')).toBe(1);
    expect(treeData(4).y.reduce((a, b) => a + b, 0)).toBe(8); // half of 16 inputs have odd parity
    const a = architectures(8);
    expect(Math.abs(a.deepParams - a.shallowParams)).toBeLessThan(12);
    const { results } = runDepth({ bits: 4, sizes: [12], steps: 150, trials: 1, weightDecays: [0] });
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.trainAcc).toBeGreaterThanOrEqual(0.9);
      expect(r.testAcc).toBeGreaterThanOrEqual(0);
    }
  });
});
