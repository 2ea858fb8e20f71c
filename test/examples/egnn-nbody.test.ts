import { describe, expect, it } from 'vitest';
import { PAPER_TABLE, formatTable, runNBody } from '../../examples/egnn-nbody.js';

describe('examples/egnn-nbody (quick mode)', () => {
  it('trains a small EGNN on N-body data: the loss decreases, val/test MSE are reported with the paper table', () => {
    const r = runNBody({ epochs: 3, train: 40, val: 20, test: 20, batch: 20, hidden: 16, layers: 2, evalEvery: 1, lr: 2e-3 });
    expect(r.epochs).toBe(3);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.history).toHaveLength(3);
    expect(Number.isFinite(r.testMSE)).toBe(true);
    expect(r.bestVal).toBe(Math.min(...r.history.map((h) => h.val)));
    expect(r.best).not.toBeNull();
    expect(PAPER_TABLE.find(([n]) => n === 'EGNN')?.[1]).toBe(0.0071);
    expect(formatTable(r)).toMatch(/EGNN \(erlangen, 3 epochs/);
  });
});
