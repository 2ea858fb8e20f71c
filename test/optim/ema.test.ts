import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/tensor/index.js';
import { ExponentialMovingAverage, SGD } from '../../src/optim/index.js';
import { Linear } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';
import { DTypeError, ShapeError, ValueError } from '../../src/util/errors.js';

describe('ExponentialMovingAverage', () => {
  it('follows θ̄ ← dθ̄ + (1 − d)θ exactly (float64), with and without warm-up', () => {
    for (const warmup of [false, true]) {
      const p = tensor([1, -2, 0.5], { dtype: 'float64', requiresGrad: true });
      const ema = new ExponentialMovingAverage([p], { decay: 0.9, warmup });
      const ref = [1, -2, 0.5];
      for (let n = 0; n < 7; n++) {
        const d = warmup ? Math.min(0.9, (1 + n) / (10 + n)) : 0.9;
        expect(ema.currentDecay()).toBe(d);
        const x = [Math.sin(n), n * 0.25, -n];
        p.data.set(x);
        ema.update();
        for (let k = 0; k < 3; k++) ref[k] = d * ref[k]! + (1 - d) * x[k]!;
      }
      expect(ema.numUpdates).toBe(7);
      const [avg] = ema.averages();
      for (let k = 0; k < 3; k++) expect(avg![k]).toBe(ref[k]);
    }
  });

  it('withAverage swaps the average in and restores the live float32 weights bit for bit, also on a throw', () => {
    const lin = new Linear(4, 3, { rng: new Rng(1) });
    const ema = new ExponentialMovingAverage(lin.parameters(), { decay: 0.5 });
    const opt = new SGD(lin.parameters(), { lr: 0.1 });
    for (let s = 0; s < 3; s++) {
      for (const p of lin.parameters()) p.grad = tensor(Array.from(p.data, (v) => v + 1), { shape: p.shape, dtype: p.dtype });
      opt.step();
      ema.update();
    }
    const live = lin.parameters().map((p) => Float32Array.from(p.data));
    const avg = ema.averages();
    const seen = ema.withAverage(() => lin.parameters().map((p) => Float32Array.from(p.data)));
    seen.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(Float32Array.from(avg[i]!))));
    lin.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(live[i]!)));
    expect(() => ema.withAverage(() => { throw new Error('boom'); })).toThrow('boom');
    expect(ema.isSwapped).toBe(false);
    lin.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(live[i]!)));
    // the average differs from the live weights after SGD moved them
    expect(avg.some((a, i) => a.some((v, k) => Math.abs(v - live[i]![k]!) > 1e-6))).toBe(true);
  });

  it('copyTo, stateDict and loadStateDict round-trip', () => {
    const p = tensor([3, 4], { dtype: 'float32', requiresGrad: true });
    const ema = new ExponentialMovingAverage([p], { decay: 0.75 });
    p.data.set([7, 8]);
    ema.update();
    const st = ema.stateDict();
    expect(Array.from(st.shadow[0]!)).toEqual([4, 5]);
    const q = tensor([0, 0], { dtype: 'float32', requiresGrad: true });
    const other = new ExponentialMovingAverage([q], { decay: 0.75 });
    other.loadStateDict(st);
    expect(other.numUpdates).toBe(1);
    other.copyTo();
    expect(Array.from(q.data)).toEqual([4, 5]);
  });

  it('rejects bad input with named errors', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    expect(() => new ExponentialMovingAverage([], { decay: 0.9 })).toThrow(ValueError);
    expect(() => new ExponentialMovingAverage([p], { decay: 1 })).toThrow(/decay must be in \[0, 1\)/);
    expect(() => new ExponentialMovingAverage([p], { decay: Number.NaN })).toThrow(ValueError);
    expect(() => new ExponentialMovingAverage([p, p], { decay: 0.9 })).toThrow(/appears twice/);
    expect(() => new ExponentialMovingAverage([tensor([1], { dtype: 'int32' })], { decay: 0.9 })).toThrow(DTypeError);
    const ema = new ExponentialMovingAverage([p], { decay: 0.9 });
    expect(() => ema.loadStateDict({ numUpdates: 0, shadow: [new Float64Array(3)] })).toThrow(ShapeError);
    expect(() => ema.loadStateDict({ numUpdates: 0, shadow: [] })).toThrow(ShapeError);
    ema.swap();
    expect(() => ema.update()).toThrow(/swapped/);
    expect(() => ema.withAverage(() => 0)).toThrow(/already swapped/);
    ema.swap();
    expect(() => ema.update()).not.toThrow();
  });
});
