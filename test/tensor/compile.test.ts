/**
 * Compiled steps: `compile` replays a traced training step (forward, backward, optimizer) in a
 * static buffer plan. Compared with eager execution bit for bit (losses, parameters, running
 * statistics, the dropout Rng's state) on the models of the test suite, and checked to allocate
 * nothing after the first step.
 */
import { describe, expect, it } from 'vitest';
import {
  type Tensor, add, allocationStats, compile, div, dropout, mseLoss, mul, randn, relu, resetAllocationStats, runPlan, trace, zeros, ones,
  batchNorm, tensor,
} from '../../src/tensor/index.js';
import { BatchNorm1d, Dropout, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { Module } from '../../src/nn/index.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { GCNConv, GraphsTuple } from '../../src/graph/index.js';
import { EGNN } from '../../src/graph/egnn.js';
import { nbodyGraphs, nbodySplits } from '../../src/data/nbody.js';
import { Rng, ValueError } from '../../src/util/index.js';

/**
 * The first element where two arrays differ in their bits (NaN payloads aside, -0 ≠ +0), as a
 * message, or null when they are bit-identical.
 */
function bitDiff(name: string, a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `${name}: length ${a.length} ≠ ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return `${name}[${i}]: ${a[i]} ≠ ${b[i]}`;
  }
  return null;
}

/** Every parameter and buffer of two modules, compared bitwise; null when all are identical. */
function stateDiff(a: Module<any, any>, b: Module<any, any>): string | null {
  const sa = a.stateDict(), sb = b.stateDict();
  for (const k of Object.keys(sa)) {
    const d = bitDiff(k, sa[k]!.data, sb[k]!.data);
    if (d) return d;
  }
  return null;
}

function makeMlp(seed: number, dtype: 'float32' | 'float64' = 'float32'): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Linear(12, 32, { rng, dtype }), new BatchNorm1d(32, { dtype }), new ReLU(), new Dropout(0.25, { rng: new Rng(seed + 100) }),
    new Linear(32, 32, { rng, dtype }), new BatchNorm1d(32, { dtype }), new ReLU(), new Dropout(0.1, { rng: new Rng(seed + 200) }),
    new Linear(32, 3, { rng, dtype }),
  );
}

function batches(seed: number, n: number, B: number, dtype: 'float32' | 'float64' = 'float32'): [Tensor, Tensor][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [randn(rng, [B, 12], { dtype }), randn(rng, [B, 3], { dtype })] as [Tensor, Tensor]);
}

interface Run { losses: number[]; model: Module }

/** Train `steps` batches eagerly: zeroGrad, forward, backward, optimizer step. */
function trainEager(model: Module, opt: Adam | SGD, data: [Tensor, Tensor][], loss: (m: Module, x: Tensor, y: Tensor) => Tensor): Run {
  const losses: number[] = [];
  for (const [x, y] of data) {
    opt.zeroGrad();
    const l = loss(model, x, y);
    l.backward();
    opt.step();
    losses.push(l.item());
  }
  return { losses, model };
}

function trainCompiled(model: Module, opt: Adam | SGD, data: [Tensor, Tensor][], loss: (m: Module, x: Tensor, y: Tensor) => Tensor): Run & { allocAfterFirst: number } {
  const [x0, y0] = data[0]!;
  const step = compile((x, y) => {
    const l = loss(model, x!, y!);
    l.backward();
    return l;
  }, { inputs: [{ shape: x0.shape, dtype: x0.dtype }, { shape: y0.shape, dtype: y0.dtype }], optimizer: opt });
  const losses: number[] = [];
  let allocAfterFirst = 0;
  data.forEach(([x, y], i) => {
    if (i === 1) resetAllocationStats();
    losses.push(step.run(x, y)[0]!.item());
  });
  allocAfterFirst = allocationStats().count;
  return { losses, model, allocAfterFirst };
}

const mlpLoss = (m: Module, x: Tensor, y: Tensor): Tensor => mseLoss((m as Sequential).call(x), y);

describe('compile: an MLP with batch norm and dropout, trained with Adam', () => {
  it.each(['float32', 'float64'] as const)('matches eager execution bit for bit over several steps and allocates nothing after the first (%s)', (dtype) => {
    const data = batches(7, 6, 16, dtype);
    const me = makeMlp(3, dtype), mc = makeMlp(3, dtype);
    const eager = trainEager(me, new Adam(me.parameters(), { lr: 1e-2 }), data, mlpLoss);
    const comp = trainCompiled(mc, new Adam(mc.parameters(), { lr: 1e-2 }), data, mlpLoss);
    expect(bitDiff('loss', comp.losses, eager.losses)).toBeNull();
    expect(stateDiff(mc, me)).toBeNull();
    // the running statistics moved (6 updates), and the dropout generators advanced alike
    const bn = me.stateDict()['1.runningMean']!;
    expect(Array.from(bn.data).some((v) => v !== 0)).toBe(true);
    expect(mc.namedRngs().map(([, r]) => r.getState())).toEqual(me.namedRngs().map(([, r]) => r.getState()));
    expect(comp.allocAfterFirst).toBe(0);
  });

  it('eager steps do allocate (the counter sees them)', () => {
    const data = batches(8, 2, 16);
    const m = makeMlp(4);
    const opt = new Adam(m.parameters(), { lr: 1e-2 });
    trainEager(m, opt, data.slice(0, 1), mlpLoss);
    resetAllocationStats();
    trainEager(m, opt, data.slice(1), mlpLoss);
    expect(allocationStats().count).toBeGreaterThan(30);
    expect(allocationStats().bytes).toBeGreaterThan(16 * 32 * 4 * 10);
  });

  it('the buffer plan reuses buffers: fewer pooled bytes than an unplanned replay allocates', () => {
    const m = makeMlp(5);
    const step = compile((x, y) => { const l = mlpLoss(m, x!, y!); l.backward(); return l; }, { inputs: [{ shape: [64, 12] }, { shape: [64, 3] }] });
    const s = step.stats;
    expect(s.intermediates).toBeGreaterThan(s.buffers * 2);
    expect(s.pooledBytes).toBeLessThan(s.unplannedBytes / 2);
    expect(s.pooledBytes).toBeGreaterThanOrEqual(s.peakLiveBytes);
    expect(step.params).toHaveLength(m.parameters().length);
  });

  it('the bit comparison fails when one op of the step differs (a rounding-level change)', () => {
    const data = batches(9, 3, 16);
    const me = makeMlp(6), mc = makeMlp(6);
    const eager = trainEager(me, new Adam(me.parameters(), { lr: 1e-2 }), data, mlpLoss);
    // the same step with one extra op: y·3/3, equal up to rounding
    const perturbed = (m: Module, x: Tensor, y: Tensor): Tensor => mseLoss(div(mul((m as Sequential).call(x), 3), 3), y);
    const comp = trainCompiled(mc, new Adam(mc.parameters(), { lr: 1e-2 }), data, perturbed);
    const rel = Math.abs(comp.losses[2]! - eager.losses[2]!) / Math.abs(eager.losses[2]!);
    expect(rel).toBeLessThan(1e-5);
    expect(bitDiff('loss', comp.losses, eager.losses) ?? stateDiff(mc, me)).not.toBeNull();
  });
});

describe('compile: a two-layer GCN on a small graph, trained with SGD', () => {
  function graph(): { g: GraphsTuple; x: Tensor; y: Tensor } {
    const rng = new Rng(21);
    const N = 40, E = 120;
    const senders = Array.from({ length: E }, () => rng.int(N)), receivers = Array.from({ length: E }, () => rng.int(N));
    return { g: new GraphsTuple({ senders, receivers, numNodes: N }), x: randn(rng, [N, 6]), y: randn(rng, [N, 3]) };
  }
  class Gcn extends Module {
    readonly c1: GCNConv;
    readonly c2: GCNConv;
    readonly drop = new Rng(99);
    constructor(seed: number, readonly g: GraphsTuple) {
      super();
      const rng = new Rng(seed);
      this.c1 = this.registerModule('c1', new GCNConv(6, 16, { rng, cached: true }));
      this.c2 = this.registerModule('c2', new GCNConv(16, 3, { rng, cached: true }));
      this.registerRng('drop', this.drop);
    }
    forward(x: Tensor): Tensor {
      return this.c2.call(this.g, dropout(relu(this.c1.call(this.g, x)), 0.3, this.drop, this.training));
    }
  }
  const gcnLoss = (m: Module, x: Tensor, y: Tensor): Tensor => mseLoss((m as Gcn).call(x), y);

  it('matches eager bit for bit and allocates nothing after the first step', () => {
    const { g, x, y } = graph();
    const data = Array.from({ length: 5 }, () => [x, y] as [Tensor, Tensor]);
    const me = new Gcn(2, g), mc = new Gcn(2, g);
    // fill the normalisation caches eagerly (host code on the graph) before tracing
    const warm = (m: Gcn): void => { const d = m.drop.getState(); m.eval().call(x); m.train(); m.drop.setState(d); };
    warm(me);
    warm(mc);
    const eager = trainEager(me, new SGD(me.parameters(), { lr: 0.1, momentum: 0.9 }), data, gcnLoss);
    const step = compile((xx, yy) => { const l = gcnLoss(mc, xx!, yy!); l.backward(); return l; }, {
      inputs: [{ shape: x.shape }, { shape: y.shape }], optimizer: new SGD(mc.parameters(), { lr: 0.1, momentum: 0.9 }),
    });
    const losses: number[] = [];
    data.forEach(([xx, yy], i) => {
      if (i === 1) resetAllocationStats();
      losses.push(step.run(xx, yy)[0]!.item());
    });
    expect(allocationStats().count).toBe(0);
    expect(bitDiff('loss', losses, eager.losses)).toBeNull();
    expect(stateDiff(mc, me)).toBeNull();
    expect(mc.drop.getState()).toEqual(me.drop.getState());
    expect(eager.losses[4]!).toBeLessThan(eager.losses[0]!);
  });
});

describe('stochastic and stateful primitives in plans', () => {
  it('a replayed dropout draws a fresh mask per run, the same bits as eager from the same Rng state', () => {
    const x = ones([64]);
    const rngA = new Rng(5), rngB = new Rng(5);
    const plan = trace((t) => dropout(t!, 0.5, rngA), [{ shape: [64] }]);
    const r1 = Array.from(runPlan(plan, [x])[0]!.data), r2 = Array.from(runPlan(plan, [x])[0]!.data);
    expect(r1).not.toEqual(r2); // not frozen at trace time
    expect(r1).toEqual(Array.from(dropout(x, 0.5, rngB).data));
    expect(r2).toEqual(Array.from(dropout(x, 0.5, rngB).data));
    expect(rngA.getState()).toEqual(rngB.getState());
  });

  it('the eager mask is the host loop of rng.uniform() draws (unchanged)', () => {
    const rng = new Rng(11), ref = new Rng(11);
    const y = dropout(ones([2, 50], { dtype: 'float64' }), 0.3, rng);
    const want = Array.from({ length: 100 }, () => (ref.uniform() < 0.3 ? 0 : 1 / 0.7));
    expect(Array.from(y.data)).toEqual(want);
  });

  it('eager running statistics are the host loop of before, bit for bit (momentum 0.1, unbiased variance)', () => {
    const x = randn(new Rng(4), [7, 3]);
    const rm = zeros([3]), rv = ones([3]);
    batchNorm(x, rm, rv);
    // r ← (1 − m)·r + m·stat per channel, with the batch statistics as the batchNorm kernel has them
    // (float64 mean and biased variance over the batch, rounded to float32)
    const n = 7, m = 0.1, mu: number[] = [], v: number[] = [];
    for (let c = 0; c < 3; c++) {
      const col = [0, 1, 2, 3, 4, 5, 6].map((i) => x.data[i * 3 + c]!);
      const m64 = col.reduce((a, b) => a + b, 0) / n;
      mu.push(Math.fround(m64));
      v.push(Math.fround(col.reduce((a, b) => a + (b - m64) ** 2, 0) / n));
    }
    for (let c = 0; c < 3; c++) {
      expect(rm.data[c]).toBe(Math.fround((1 - m) * 0 + m * mu[c]!));
      expect(rv.data[c]).toBe(Math.fround((1 - m) * 1 + m * v[c]! * (n / (n - 1))));
    }
  });

  it('batch-norm running statistics are updated on every replay, bumping the buffer version', () => {
    const rm = zeros([3]), rv = ones([3]), em = zeros([3]), ev = ones([3]);
    const plan = trace((t) => batchNorm(t!, rm, rv), [{ shape: [5, 3] }]);
    expect(Array.from(rm.data)).toEqual([0, 0, 0]); // tracing itself has no effect
    const rng = new Rng(2);
    for (let k = 0; k < 3; k++) {
      const x = randn(rng, [5, 3]);
      const v0 = rm.version;
      runPlan(plan, [x]);
      batchNorm(x, em, ev);
      expect(rm.version).toBe(v0 + 1);
    }
    expect(bitDiff('runningMean', rm.data, em.data)).toBeNull();
    expect(bitDiff('runningVar', rv.data, ev.data)).toBeNull();
    expect(Array.from(rm.data).every((v) => v !== 0)).toBe(true);
  });
});

describe('compile: outputs, views and errors', () => {
  it('returned tensors and gradients live in pinned buffers that later steps of the run do not overwrite', () => {
    const w = randn(new Rng(1), [4, 4], { requiresGrad: true });
    const step = compile((x) => {
      const h = relu(add(x!.matmul(w), 1));
      const hv = h.reshape([16]);
      const l = hv.sum();
      l.backward();
      // more work after the returned intermediate, which could reuse its buffer if it were not pinned
      const extra = mul(add(h, 2), 3).sum();
      return [hv, l, extra];
    }, { inputs: [{ shape: [4, 4] }] });
    const x = randn(new Rng(2), [4, 4]);
    const [hv, l, extra] = step.run(x);
    const h = relu(add(x.matmul(w.detach()), 1));
    expect(Array.from(hv!.data)).toEqual(Array.from(h.data));
    expect(hv!.shape).toEqual([16]);
    expect(l!.item()).toBe(h.sum().item());
    expect(extra!.item()).toBe(mul(add(h, 2), 3).sum().item());
    expect(w.grad).not.toBeNull();
    w.grad = null;
  });

  it('an input traced with requiresGrad hands its gradient to the tensor passed to run', () => {
    const w = randn(new Rng(3), [3], { requiresGrad: true });
    const step = compile((x) => { const l = mul(mul(x!, x!), w).sum(); l.backward(); return l; }, { inputs: [{ shape: [3], requiresGrad: true }] });
    expect(step.params).toEqual([w]);
    const x = tensor([1, 2, 3]);
    step.run(x);
    const wd = w.detach();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(mul(mul(x, 2), wd).data));
    expect(Array.from(w.grad!.data)).toEqual([1, 4, 9]);
    w.grad = null;
  });

  it('refuses an output of an earlier run as input (the run would overwrite it while reading it)', () => {
    const step = compile((x) => [add(x!, 1)], { inputs: [{ shape: [2] }] });
    const [y] = step.run(ones([2]));
    expect(Array.from(y!.data)).toEqual([2, 2]);
    expect(() => step.run(y!)).toThrow(/output of an earlier run/);
    expect(Array.from(step.run(y!.clone())[0]!.data)).toEqual([3, 3]);
  });

  it('checks its inputs and refuses parameters that already hold a gradient', () => {
    const w = randn(new Rng(1), [3], { requiresGrad: true });
    const step = compile((x) => { const l = mul(x!, w).sum(); l.backward(); return l; }, { inputs: [{ shape: [3] }] });
    expect(() => step.run(ones([4]))).toThrow(ValueError);
    expect(() => step.run(ones([3], { dtype: 'float64' }))).toThrow(/compiled for float32 \[3\]/);
    expect(() => step.run()).toThrow(/expected 1 inputs/);
    step.run(ones([3]));
    expect(() => compile((x) => { const l = mul(x!, w).sum(); l.backward(); return l; }, { inputs: [{ shape: [3] }] })).toThrow(/already has a gradient/);
    expect(() => compile((x) => x!, undefined as never)).toThrow(/opts.inputs/);
  });
});

describe('compile: an EGNN step on N-body graphs, trained with Adam', () => {
  it('matches eager bit for bit over batches and allocates nothing after the first step', () => {
    const { train } = nbodySplits({ train: 12, val: 1, test: 1, seed: 5 });
    const graphs = [0, 4, 8].map((i) => nbodyGraphs(train.slice(i, i + 4)));
    const g0 = graphs[0]!;
    type Batch = [Tensor, Tensor, Tensor, Tensor, Tensor];
    const inputsOf = (g: GraphsTuple): Batch => [g.nodes!, g.extraTensor('pos'), g.extraTensor('vel'), g.edges!, g.extraTensor('target')];
    const loss = (m: EGNN, [h, x, v, ea, y]: Tensor[]): Tensor => mseLoss(m.call(g0, h!, x!, { v: v!, edgeAttr: ea! }).x, y!);
    const me = EGNN.nbody({ rng: new Rng(4), hidden: 16, layers: 2 }), mc = EGNN.nbody({ rng: new Rng(4), hidden: 16, layers: 2 });
    const oe = new Adam(me.parameters(), { lr: 5e-4, weightDecay: 1e-12 });
    const eager: number[] = [];
    for (const g of [...graphs, ...graphs]) {
      oe.zeroGrad();
      const l = loss(me, inputsOf(g));
      l.backward();
      oe.step();
      eager.push(l.item());
    }
    const step = compile((...t) => { const l = loss(mc, t); l.backward(); return l; }, {
      inputs: inputsOf(g0).map((t) => ({ shape: t.shape })), optimizer: new Adam(mc.parameters(), { lr: 5e-4, weightDecay: 1e-12 }),
    });
    const compiled: number[] = [];
    [...graphs, ...graphs].forEach((g, i) => {
      if (i === 1) resetAllocationStats();
      compiled.push(step.run(...inputsOf(g))[0]!.item());
    });
    expect(allocationStats().count).toBe(0);
    expect(bitDiff('loss', compiled, eager)).toBeNull();
    expect(stateDiff(mc, me)).toBeNull();
  });
});
