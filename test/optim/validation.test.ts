import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import {
  Adagrad, Adam, AdamW, CosineAnnealingLR, ExponentialLR, ExponentialMovingAverage, LambdaLR, MultiStepLR, RMSProp, SGD, SequentialLR,
  StepLR, clipGradNorm, clipGradValue,
} from '../../src/optim/index.js';
import type { OptimizerState } from '../../src/optim/index.js';
import { ShapeError, ValueError } from '../../src/util/errors.js';

const param = (): Tensor => tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });

/** f throws a ValueError whose message starts with `who`. */
function rejects(f: () => unknown, who: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ValueError);
  expect((err as Error).message.startsWith(who)).toBe(true);
}

describe('optimizer hyperparameters: ValueError naming the class', () => {
  const bad = [Number.NaN, -1, Infinity, '0.1' as unknown as number];
  it('lr: NaN, negative, Infinity, a string', () => {
    for (const lr of bad) {
      rejects(() => new SGD([param()], { lr }), 'SGD');
      rejects(() => new Adam([param()], { lr }), 'Adam');
      rejects(() => new AdamW([param()], { lr }), 'AdamW');
      rejects(() => new RMSProp([param()], { lr }), 'RMSProp');
      rejects(() => new Adagrad([param()], { lr }), 'Adagrad');
    }
  });
  it('betas outside [0, 1), NaN, or not a pair', () => {
    for (const betas of [[1, 0.999], [0.9, 1], [-0.1, 0.9], [Number.NaN, 0.9], [0.9], [0.9, 0.99, 0.1], null, ['0.9', 0.99]]) {
      rejects(() => new Adam([param()], { betas: betas as never }), 'Adam');
    }
  });
  it('eps, weight decay, momentum, dampening, alpha, lrDecay: negative or NaN', () => {
    for (const v of bad) {
      rejects(() => new Adam([param()], { eps: v }), 'Adam');
      rejects(() => new AdamW([param()], { weightDecay: v }), 'AdamW');
      rejects(() => new SGD([param()], { lr: 0.1, momentum: v }), 'SGD');
      rejects(() => new SGD([param()], { lr: 0.1, weightDecay: v }), 'SGD');
      rejects(() => new SGD([param()], { lr: 0.1, dampening: v }), 'SGD');
      rejects(() => new RMSProp([param()], { alpha: v }), 'RMSProp');
      rejects(() => new RMSProp([param()], { momentum: v }), 'RMSProp');
      rejects(() => new Adagrad([param()], { lrDecay: v }), 'Adagrad');
      rejects(() => new Adagrad([param()], { eps: v }), 'Adagrad');
    }
  });
  it('flags must be booleans; per-group overrides are checked too', () => {
    rejects(() => new SGD([param()], { lr: 0.1, nesterov: 'yes' as never }), 'SGD');
    rejects(() => new Adam([param()], { amsgrad: 1 as never }), 'Adam');
    rejects(() => new SGD([{ params: [param()], lr: -1 }], { lr: 0.1 }), 'SGD');
  });
});

describe('schedulers: ValueError naming the class', () => {
  const opt = (): SGD => new SGD([param()], { lr: 0.1 });
  it('gamma NaN / negative / Infinity', () => {
    for (const gamma of [Number.NaN, -0.5, Infinity]) {
      rejects(() => new StepLR(opt(), { stepSize: 2, gamma }), 'StepLR');
      rejects(() => new ExponentialLR(opt(), { gamma }), 'ExponentialLR');
      rejects(() => new MultiStepLR(opt(), { milestones: [2], gamma }), 'MultiStepLR');
    }
  });
  it('step sizes and milestones must be positive integers', () => {
    for (const v of [0, -1, 1.5, Number.NaN, Infinity]) {
      rejects(() => new StepLR(opt(), { stepSize: v }), 'StepLR');
      rejects(() => new MultiStepLR(opt(), { milestones: [3, v] }), 'MultiStepLR');
      rejects(() => new CosineAnnealingLR(opt(), { tMax: v }), 'CosineAnnealingLR');
    }
    const o = opt();
    rejects(() => new SequentialLR(o, [new StepLR(o, { stepSize: 1 }), new StepLR(o, { stepSize: 1 })], [2.5]), 'SequentialLR');
    rejects(() => new MultiStepLR(opt(), { milestones: null as never }), 'MultiStepLR');
    rejects(() => new CosineAnnealingLR(opt(), { tMax: 10, etaMin: -1 }), 'CosineAnnealingLR');
  });
  it('lastEpoch in loadStateDict: negative, non-integer, NaN, missing, null → ValueError and no change', () => {
    const o = opt();
    const s = new StepLR(o, { stepSize: 2, gamma: 0.5 });
    s.step();
    for (const sd of [{ lastEpoch: -1 }, { lastEpoch: 1.5 }, { lastEpoch: Number.NaN }, {}, null, { lastEpoch: '3' }]) {
      rejects(() => s.loadStateDict(sd as never), 'StepLR.loadStateDict');
    }
    expect(s.lastEpoch).toBe(1);
    s.loadStateDict({ lastEpoch: 4 });
    expect(o.paramGroups[0]!.lr).toBeCloseTo(0.025);
  });
  it('a schedule that produces NaN or a negative lr is a ValueError, and the lr is not written', () => {
    const o = opt();
    rejects(() => new LambdaLR(o, () => Number.NaN), 'LambdaLR');
    rejects(() => new LambdaLR(o, () => -1), 'LambdaLR');
    rejects(() => new LambdaLR(o, 3 as never), 'LambdaLR');
    expect(o.paramGroups[0]!.lr).toBe(0.1);
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm: negative or NaN maxNorm, bad normType', () => {
    const p = param();
    p.grad = tensor([3, 4, 0], { dtype: 'float64' });
    rejects(() => clipGradNorm([p], -1), 'clipGradNorm');
    rejects(() => clipGradNorm([p], Number.NaN), 'clipGradNorm');
    rejects(() => clipGradNorm([p], '1' as never), 'clipGradNorm');
    rejects(() => clipGradNorm([p], 1, 0), 'clipGradNorm');
    expect(Array.from(p.grad.data)).toEqual([3, 4, 0]);
    expect(clipGradNorm([p], Infinity)).toBeCloseTo(5); // Infinity: measure without clipping
  });
  it('clipGradValue: negative or NaN', () => {
    const p = param();
    p.grad = tensor([3, -4, 0], { dtype: 'float64' });
    rejects(() => clipGradValue([p], -1), 'clipGradValue');
    rejects(() => clipGradValue([p], Number.NaN), 'clipGradValue');
  });
});

describe('Optimizer.loadStateDict: malformed input', () => {
  const trained = (): Adam => {
    const p = param();
    const o = new Adam([p], { lr: 0.01 });
    p.grad = tensor([1, 1, 1], { dtype: 'float64' });
    o.step();
    return o;
  };
  it('null, non-objects and missing parts are ValueErrors', () => {
    const o = trained();
    for (const sd of [null, undefined, 3, {}, { state: {} }, { paramGroups: [] }, { state: null, paramGroups: [] }]) {
      rejects(() => o.loadStateDict(sd as never), 'Adam.loadStateDict');
    }
  });
  it('malformed groups, state entries and buffers are ValueErrors and nothing is written', () => {
    const o = trained();
    const good = o.stateDict();
    const before = JSON.stringify(o.stateDict(), (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
    const variants: OptimizerState[] = [
      { ...good, paramGroups: [null as never] },
      { ...good, paramGroups: [{ ...good.paramGroups[0]!, lr: Number.NaN }] },
      { ...good, paramGroups: [{ ...good.paramGroups[0]!, betas: [2, 0.9] }] },
      { ...good, paramGroups: [Object.assign(JSON.parse('{"__proto__": {"lr": 1}}') as object, good.paramGroups[0]!) as never] },
      { ...good, paramGroups: [{ ...good.paramGroups[0]!, bogus: 1 }] },
      { ...good, state: { 0: null as never } },
      { ...good, state: { 0: { step: 1, expAvg: null as never } } },
      { ...good, state: { 0: { step: 1, expAvg: [1, 2, 3] as never } } },
      { ...good, state: { 0: { step: 1, expAvg: new Float64Array(2) } } },
      { ...good, state: { '-1': { step: 1 } } as never },
      { ...good, state: { '1.5': { step: 1 } } as never },
      { ...good, state: { 7: { step: 1 } } },
    ];
    variants.forEach((sd) => rejects(() => o.loadStateDict(sd), 'Adam.loadStateDict'));
    expect(JSON.stringify(o.stateDict(), (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(before);
    o.loadStateDict(good); // the good one still loads
  });
});

describe('ExponentialMovingAverage: options and loadStateDict', () => {
  it('decay and warmup are checked', () => {
    for (const decay of [1, -0.1, Number.NaN, '0.9' as never]) rejects(() => new ExponentialMovingAverage([param()], { decay }), 'ExponentialMovingAverage');
    rejects(() => new ExponentialMovingAverage([param()], { decay: 0.9, warmup: 'yes' as never }), 'ExponentialMovingAverage');
    rejects(() => new ExponentialMovingAverage([param()], null as never), 'ExponentialMovingAverage');
  });
  it('malformed states are ValueErrors (ShapeError for a wrong size), not TypeErrors', () => {
    const ema = new ExponentialMovingAverage([param()], { decay: 0.9 });
    for (const sd of [null, undefined, {}, { numUpdates: 1, shadow: null }, { numUpdates: 1, shadow: [null] }, { numUpdates: 1, shadow: [['a', 'b', 'c']] },
      { numUpdates: 1, shadow: [[1, Number.NaN, 3]] }, { numUpdates: -1, shadow: [[1, 2, 3]] }]) {
      rejects(() => ema.loadStateDict(sd as never), 'ExponentialMovingAverage.loadStateDict');
    }
    expect(() => ema.loadStateDict({ numUpdates: 1, shadow: [new Float64Array(2)] })).toThrow(ShapeError);
    ema.loadStateDict({ numUpdates: 2, shadow: [[4, 5, 6]] as never });
    expect(Array.from(ema.averages()[0]!)).toEqual([4, 5, 6]);
  });
});
