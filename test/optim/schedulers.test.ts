import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/tensor/index.js';
import {
  CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LinearWarmup, MultiStepLR, SGD, SequentialLR, StepLR, clipGradNorm, clipGradValue,
} from '../../src/optim/index.js';
import type { LRScheduler } from '../../src/optim/index.js';
import { ValueError } from '../../src/util/errors.js';

const opt = (lr = 0.1) => new SGD([tensor([1], { requiresGrad: true })], { lr });

function sequence(s: LRScheduler, n: number): number[] {
  const out = [s.optimizer.paramGroups[0]!.lr];
  for (let i = 1; i < n; i++) {
    s.step();
    out.push(s.optimizer.paramGroups[0]!.lr);
    expect(s.getLr()[0]).toBe(out[i]);
  }
  return out;
}

const close = (a: number[], b: number[]) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 14));

describe('schedulers follow their closed forms', () => {
  it('StepLR', () => {
    close(sequence(new StepLR(opt(), { stepSize: 3, gamma: 0.5 }), 10), Array.from({ length: 10 }, (_, t) => 0.1 * 0.5 ** Math.floor(t / 3)));
  });
  it('MultiStepLR', () => {
    close(sequence(new MultiStepLR(opt(1), { milestones: [4, 2], gamma: 0.1 }), 6), [1, 1, 0.1, 0.1, 0.01, 0.01]);
  });
  it('ExponentialLR', () => {
    close(sequence(new ExponentialLR(opt(), { gamma: 0.9 }), 8), Array.from({ length: 8 }, (_, t) => 0.1 * 0.9 ** t));
  });
  it('CosineAnnealingLR', () => {
    const want = Array.from({ length: 12 }, (_, t) => 0.001 + ((0.1 - 0.001) * (1 + Math.cos((Math.PI * t) / 10))) / 2);
    const got = sequence(new CosineAnnealingLR(opt(), { tMax: 10, etaMin: 0.001 }), 12);
    close(got, want);
    expect(got[10]).toBeCloseTo(0.001, 15);
  });
  it('LinearLR and LinearWarmup', () => {
    close(sequence(new LinearLR(opt(1), { startFactor: 0.25, totalIters: 3 }), 6), [0.25, 0.5, 0.75, 1, 1, 1]);
    close(sequence(new LinearWarmup(opt(1), { warmupSteps: 4 }), 6), [0, 0.25, 0.5, 0.75, 1, 1]);
  });
  it('LambdaLR', () => {
    close(sequence(new LambdaLR(opt(2), (t) => 1 / (1 + t)), 4), [2, 1, 2 / 3, 0.5]);
  });
  it('SequentialLR: warmup then cosine, each scheduler on its own clock', () => {
    const o = opt(1);
    const warm = new LinearWarmup(o, { warmupSteps: 3 });
    const cos = new CosineAnnealingLR(o, { tMax: 4 });
    const s = new SequentialLR(o, [warm, cos], [3]);
    const want = [0, 1 / 3, 2 / 3, ...[0, 1, 2, 3, 4].map((t) => (1 + Math.cos((Math.PI * t) / 4)) / 2)];
    close(sequence(s, 8), want);
  });
  it('keeps per-group base lrs and resumes from stateDict', () => {
    const o = new SGD([{ params: [tensor([1], { requiresGrad: true })] }, { params: [tensor([1], { requiresGrad: true })], lr: 1 }], { lr: 0.1 });
    const s = new ExponentialLR(o, { gamma: 0.5 });
    s.step();
    s.step();
    close(s.getLr(), [0.025, 0.25]);
    const s2 = new ExponentialLR(o, { gamma: 0.5 });
    expect(s2.baseLrs).toEqual([0.1, 1]);
    s2.loadStateDict(s.stateDict());
    close(o.paramGroups.map((g) => g.lr), [0.025, 0.25]);
  });
  it('rejects bad options', () => {
    expect(() => new StepLR(opt(), { stepSize: 0 })).toThrow(ValueError);
    expect(() => new LinearLR(opt(), { startFactor: 2 })).toThrow(ValueError);
    const o = opt();
    expect(() => new SequentialLR(o, [new StepLR(o, { stepSize: 1 })], [3])).toThrow(ValueError);
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm returns the total 2-norm and rescales to maxNorm', () => {
    const a = tensor([3, 0], { dtype: 'float64', requiresGrad: true });
    const b = tensor([0, 4], { dtype: 'float64', requiresGrad: true });
    const c = tensor([7], { dtype: 'float64', requiresGrad: true }); // no grad: skipped
    a.grad = tensor([3, 0], { dtype: 'float64' });
    b.grad = tensor([0, 4], { dtype: 'float64' });
    expect(clipGradNorm([a, b, c], 1)).toBeCloseTo(5, 15);
    const f = 1 / (5 + 1e-6);
    close([...a.grad.data, ...b.grad!.data], [3 * f, 0, 0, 4 * f]);
    expect(c.grad).toBeNull();
  });
  it('does not touch gradients below the bound; supports p = 1 and ∞', () => {
    const a = tensor([1, 1], { requiresGrad: true });
    a.grad = tensor([0.3, -0.4]);
    const g = a.grad;
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 6);
    expect(a.grad).toBe(g);
    expect(clipGradNorm([a], 10, 1)).toBeCloseTo(0.7, 6);
    expect(clipGradNorm([a], 10, Infinity)).toBeCloseTo(0.4, 6);
  });
  it('never modifies shared gradient storage in place', () => {
    // a + b gives both leaves the same gradient tensor; clipping must scale each once
    const a = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    a.add(b).mul(tensor([3, 4], { dtype: 'float64' })).sum().backward();
    const total = clipGradNorm([a, b], 1);
    expect(total).toBeCloseTo(Math.sqrt(50), 12);
    const f = 1 / (Math.sqrt(50) + 1e-6);
    close([...a.grad!.data, ...b.grad!.data], [3 * f, 4 * f, 3 * f, 4 * f]);
  });
  it('errorIfNonfinite and clipGradValue', () => {
    const a = tensor([1, 1, 1], { requiresGrad: true });
    a.grad = tensor([Infinity, 0, 0]);
    expect(() => clipGradNorm([a], 1, 2, { errorIfNonfinite: true })).toThrow(ValueError);
    a.grad = tensor([2, -3, 0.5]);
    clipGradValue([a], 1);
    expect(Array.from(a.grad.data)).toEqual([1, -1, 0.5]);
  });
});
