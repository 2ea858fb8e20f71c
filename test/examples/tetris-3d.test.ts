import { describe, expect, it } from 'vitest';
import { QUICK, TetrisNet, formatTetrisTable, predictTetris, runTetris3d } from '../../examples/tetris-3d.js';
import { tetris3d, tetris3dBatch } from '../../src/data/tetris3d.js';
import { noGrad } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';

describe('examples/tetris-3d', () => {
  it('trained on one pose per shape, classifies random rotations and reflections of all 8 shapes at 100 %', () => {
    const r = runTetris3d(QUICK);
    expect(r.trainAccuracy).toBe(1);
    expect(r.testAccuracy).toBe(1);
    expect(r.reflectedAccuracy).toBe(1);
    expect(r.chiralAccuracy).toBe(1);
    expect(r.perClass.every((a) => a === 1)).toBe(true);
    expect(r.finalLoss).toBeLessThan(r.firstLoss);
    // the pseudoscalar vanishes on the achiral shapes (by symmetry, up to float32 rounding)
    expect(r.achiralPseudoscalar).toBeLessThan(1e-5);
    expect(formatTetrisTable(r)).toMatch(/rotations \+ reflections \(64\)\s+100\.0 %/);
  });

  it('the chiral pair is told apart only by the 0o output: the 0e outputs agree, 0o flips sign', () => {
    const net = new TetrisNet({ rng: new Rng(5), mul: 4, hidden: 8, dtype: 'float64' });
    const { train } = tetris3d({ testPerShape: 0 });
    const y = noGrad(() => net.call(tetris3dBatch(train.slice(0, 2), { dtype: 'float64' })));
    const a = Array.from(y.data.slice(0, 7)), b = Array.from(y.data.slice(7, 14));
    expect(Math.abs(a[0]!)).toBeGreaterThan(1e-3);
    expect(Math.abs(a[0]! + b[0]!)).toBeLessThan(1e-12);
    for (let k = 1; k < 7; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-12);
    // predictions use the sign of 0o for the pair
    const p = predictTetris(y);
    expect(p[0] === 0 ? p[1] : p[0]).not.toBe(p[0] === 0 ? 0 : 1);
  });
});
