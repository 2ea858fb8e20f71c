import { describe, expect, it } from 'vitest';
import { digitModels, rot90, runDigitExample } from '../../examples/rotated-digits.js';
import { noGrad, rotatedDigits } from '../../src/index.js';

describe('examples/rotated-digits (tiny size)', () => {
  it('rot90 is the exact quarter turn: four of them are the identity, one moves pixel (i, j) to (S−1−j, i)', () => {
    const x = rotatedDigits({ seed: 3, train: 0, validation: 0, test: 2 }).test.images;
    const r = rot90(x), a = x.toArray() as number[][][][], b = r.toArray() as number[][][][];
    expect(b[1]![0]![27 - 5]![9]).toBe(a[1]![0]![9]![5]);
    expect(rot90(rot90(rot90(r))).toFlatArray()).toEqual(x.toFlatArray());
  });

  it('the P4CNN and the steerable C8 CNN give the same logits under exact 90° rotations; the CNN does not', () => {
    const x = rotatedDigits({ seed: 1, train: 0, validation: 0, test: 6 }).test.images;
    const gap: Record<string, number> = {};
    noGrad(() => {
      for (const { name, model } of digitModels(2)) {
        const a = model.call(x).toFlatArray(), b = model.call(rot90(x)).toFlatArray();
        gap[name] = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      }
    });
    expect(gap['P4CNN']!).toBeLessThan(1e-5);
    expect(gap['steerable C8']!).toBeLessThan(1e-5);
    expect(gap['CNN']!).toBeGreaterThan(1e-3);
  });

  it('trains all three models and reports a table row per model, size and setting', () => {
    const rows = runDigitExample({ trainSizes: [32], test: 32, epochs: 1, batch: 16 });
    expect(rows.map((r) => `${r.setting}/${r.model}`)).toEqual([
      'rotated/CNN', 'rotated/P4CNN', 'rotated/steerable C8', 'upright/CNN', 'upright/P4CNN', 'upright/steerable C8',
    ]);
    for (const r of rows) {
      expect(r.testError).toBeGreaterThanOrEqual(0);
      expect(r.testError).toBeLessThanOrEqual(1);
      expect(r.params).toBeGreaterThan(500);
    }
    // invariance to the exact quarter turn shows in the table: same error for the equivariant models
    for (const r of rows.filter((q) => q.setting === 'rotated' && q.model !== 'CNN')) expect(r.rotatedError).toBe(r.testError);
  });
});
