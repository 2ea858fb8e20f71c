import { describe, expect, it } from 'vitest';
import { makeSetBatch, runSetExample } from '../../examples/set-transformer.js';
import { Rng } from '../../src/util/rng.js';

describe('examples/set-transformer (tiny size)', () => {
  it('synthetic set data: targets are the max / the number of distinct values of the unpadded elements', () => {
    const b = makeSetBatch('max', 8, new Rng(1));
    const x = b.x.toArray() as number[][][], m = b.mask.toArray() as number[][], y = b.y.toFlatArray();
    x.forEach((set, i) => expect(Math.max(...set.filter((_, j) => m[i]![j] === 0).map((e) => e[0]!))).toBeCloseTo(y[i]!, 6));
    const u = makeSetBatch('unique', 8, new Rng(2));
    const ux = u.x.toArray() as number[][][], um = u.mask.toArray() as number[][], uy = u.y.toFlatArray();
    ux.forEach((set, i) => expect(new Set(set.filter((_, j) => um[i]![j] === 0).map((e) => e.indexOf(1))).size).toBe(uy[i]));
  });

  it('training lowers the loss of DeepSets (sum, max) and the Set Transformer', () => {
    const results = runSetExample({ tasks: ['max'], steps: 15, batch: 16, hidden: 8, testSize: 64, lr: 1e-2 });
    expect(results.map((r) => r.name)).toHaveLength(3);
    for (const r of results) {
      expect(r.lastLoss, r.name).toBeLessThan(r.firstLoss);
      expect(Number.isFinite(r.testMSE)).toBe(true);
    }
  });
});
