import { describe, expect, it } from 'vitest';
import { runXor } from '../../examples/xor.js';
import { architectures, meanSpread, runDepth, smoothTreeValue, treeData, treeValue, TreeNet } from '../../examples/deep-vs-shallow.js';
import { Rng } from '../../src/util/rng.js';

describe('examples (tiny sizes)', () => {
  it('xor: a linear model never fits XOR; one hidden layer of 2 does for some seeds', () => {
    const s = runXor({ steps: 600, seeds: 4 });
    expect(s.linearSolved).toBe(0);
    expect(s.linear.correct).toBeLessThan(4);
    expect(s.hiddenSolved).toBeGreaterThan(0);
    expect(s.hidden.correct).toBe(4);
  });

  it('deep-vs-shallow: targets, equal parameter budgets, and a tree net that learns a smooth tree from few samples', () => {
    expect(treeValue([1, 0, 1, 1], 'parity')).toBe(1);
    expect(treeData(4).y.reduce((a, b) => a + b, 0)).toBe(8); // half of 16 inputs have odd parity
    // the smooth tree by hand: two leaves' constituents, then the root's
    const tree = [[[1, 0.5, -0.5, 0.1], [-1, 1, 1, 0]], [[0.5, 1, -1, 0.2]]];
    const x = [0.3, -0.7, 0.9, 0.2];
    const l0 = Math.tanh(0.3 * -0.7 + 0.5 * 0.3 - 0.5 * -0.7 + 0.1), l1 = Math.tanh(-0.9 * 0.2 + 0.9 + 0.2);
    expect(smoothTreeValue(tree, x)).toBeCloseTo(Math.tanh(0.5 * l0 * l1 + l0 - l1 + 0.2), 14);
    const a = architectures(16);
    expect(new TreeNet(16, 8, { rng: new Rng(0) }).numParameters()).toBe(a.treeParams);
    expect(Math.abs(a.shallowParams - a.treeParams) / a.treeParams).toBeLessThan(0.05);
    expect(Math.abs(a.deepParams - a.treeParams) / a.treeParams).toBeLessThan(0.1);
    const { results } = runDepth({ bits: 8, sizes: [96], steps: 250, seeds: 1, testSize: 400 });
    expect(results).toHaveLength(3);
    const get = (m: string) => results.find((r) => r.model === m)!;
    for (const r of results) expect(r.train[0]!).toBeGreaterThan(0.8);
    // the point of the example, at a tiny size: the compositional (tree) net generalises better
    expect(get('tree').test[0]!).toBeGreaterThan(get('shallow').test[0]! + 0.1);
    expect(get('tree').test[0]!).toBeGreaterThan(get('dense').test[0]! + 0.1);
    const ms = meanSpread([0.5, 0.7, 0.9]);
    expect(ms.mean).toBeCloseTo(0.7, 12);
    expect(ms.spread).toBeCloseTo(0.2, 12);
  });
});
