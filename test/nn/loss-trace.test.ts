import { describe, expect, it } from 'vitest';
import { crossEntropy, mseLoss, randn, runPlan, tensor, trace } from '../../src/tensor/index.js';
import { BCEWithLogitsLoss, BatchNorm1d, CrossEntropyLoss, HuberLoss, L1Loss, MLP, MSELoss, NLLLoss, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { Rng } from '../../src/util/rng.js';

describe('loss modules', () => {
  it('delegate to the tensor losses', () => {
    const rng = new Rng(0);
    const x = randn(rng, [4, 3], { dtype: 'float64' });
    const y = randn(rng, [4, 3], { dtype: 'float64' });
    expect(new MSELoss().call(x, y).item()).toBe(mseLoss(x, y).item());
    expect(new MSELoss('none').call(x, y).shape).toEqual([4, 3]);
    expect(new L1Loss('sum').call(x, y).item()).toBeCloseTo(Array.from(x.data).reduce((s, v, i) => s + Math.abs(v - y.data[i]!), 0), 12);
    expect(new HuberLoss(100).call(x, y).item()).toBeCloseTo(mseLoss(x, y).item() / 2, 12);
    const t = [0, 2, 1, 1];
    expect(new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(x, t).item()).toBe(crossEntropy(x, t, { labelSmoothing: 0.1 }).item());
    expect(new NLLLoss().call(x.logSoftmax(1), t).item()).toBeCloseTo(crossEntropy(x, t).item(), 12);
    const z = tensor([0], { dtype: 'float64' });
    expect(new BCEWithLogitsLoss().call(z, tensor([1], { dtype: 'float64' })).item()).toBeCloseTo(Math.LN2, 12);
  });
});

describe('modules under tracing and training', () => {
  it('an MLP with BatchNorm traces and replays to the eager result', () => {
    const rng = new Rng(1);
    const net = new Sequential(new MLP([4, 8], { rng }), new BatchNorm1d(8), new MLP([8, 2], { rng }));
    net.eval();
    const x = randn(rng, [5, 4]);
    const eager = net.call(x).toFlatArray();
    const plan = trace((xs) => net.call(xs), [{ shape: [5, 4] }]);
    const [y] = runPlan(plan, [x]);
    y!.toFlatArray().forEach((v, i) => expect(v).toBeCloseTo(eager[i]!, 6));
  });

  it('an MLP learns XOR with Adam', () => {
    const rng = new Rng(2);
    const net = new MLP([2, 8, 1], { rng, activation: 'tanh' });
    const opt = new Adam(net.parameters(), { lr: 0.05 });
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([[0], [1], [1], [0]]);
    const loss = new BCEWithLogitsLoss();
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      loss.call(net.call(x), y).backward();
      opt.step();
    }
    const out = Array.from(net.call(x).data).map((v) => (v > 0 ? 1 : 0));
    expect(out).toEqual([0, 1, 1, 0]);
  });
});
