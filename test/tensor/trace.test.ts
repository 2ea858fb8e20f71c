/**
 * Tracing: `trace` records the kernel calls of a small MLP training step (forward, MSE loss,
 * backward) on symbolic inputs; `runPlan` replays them and must equal eager execution exactly.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, add, matmul, relu, mseLoss, randn, tensor, sum, mul, trace, runPlan, backward, ones, zeros, noGrad, softmax, batchNorm,
} from '../../src/tensor/index.js';
import { Rng, ValueError } from '../../src/util/index.js';

interface Mlp {
  w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor;
}

function makeMlp(seed: number, dtype: 'float32' | 'float64' = 'float64'): Mlp {
  const rng = new Rng(seed);
  return {
    w1: randn(rng, [3, 5], { dtype, requiresGrad: true }),
    b1: randn(rng, [5], { dtype, requiresGrad: true }),
    w2: randn(rng, [5, 2], { dtype, requiresGrad: true }),
    b2: randn(rng, [2], { dtype, requiresGrad: true }),
  };
}

const params = (m: Mlp): Tensor[] => [m.w1, m.b1, m.w2, m.b2];

/** One training step: forward, loss, backward; returns the loss and the parameter gradients. */
function step(m: Mlp, x: Tensor, y: Tensor): Tensor[] {
  const h = relu(add(matmul(x, m.w1), m.b1));
  const out = add(matmul(h, m.w2), m.b2);
  const loss = mseLoss(out, y);
  loss.backward();
  return [loss, ...params(m).map((p) => p.grad!)];
}

function eager(m: Mlp, x: Tensor, y: Tensor): number[][] {
  for (const p of params(m)) p.grad = null;
  const r = step(m, x, y).map((t) => Array.from(t.data));
  for (const p of params(m)) p.grad = null;
  return r;
}

describe('trace + runPlan on a small MLP training step', () => {
  const spec = [{ shape: [4, 3], dtype: 'float64' as const }, { shape: [4, 2], dtype: 'float64' as const }];

  it('the replayed plan equals eager execution exactly', () => {
    const m = makeMlp(1);
    const plan = trace((x, y) => step(m, x!, y!), spec);
    expect(plan.inputs).toHaveLength(2);
    expect(plan.outputs).toHaveLength(5);
    expect(plan.outputs.every((t) => t.isSymbolic)).toBe(true);
    for (const s of [11, 12]) {
      const rng = new Rng(s);
      const x = randn(rng, [4, 3], { dtype: 'float64' });
      const y = randn(rng, [4, 2], { dtype: 'float64' });
      const replayed = runPlan(plan, [x, y]).map((t) => Array.from(t.data));
      expect(replayed).toEqual(eager(m, x, y));
    }
  });

  it('the outputs have the shapes of the loss and the parameters', () => {
    const m = makeMlp(2);
    const plan = trace((x, y) => step(m, x!, y!), spec);
    expect(plan.outputs.map((t) => t.shape)).toEqual([[], [3, 5], [5], [5, 2], [2]]);
    expect(plan.outputs.map((t) => t.dtype)).toEqual(['float64', 'float64', 'float64', 'float64', 'float64']);
  });

  it('the plan lists the expected kernels, forward then backward', () => {
    const m = makeMlp(3);
    const plan = trace((x, y) => step(m, x!, y!), spec);
    const names = plan.steps.map((s) => s.op.name);
    // forward: matmul, add (bias), relu, matmul, add, then the loss: sub, square, sum, div (mean)
    expect(names.slice(0, 9)).toEqual(['matmul', 'add', 'relu', 'matmul', 'add', 'sub', 'square', 'sum', 'div']);
    // backward uses the same primitives plus the gradient rules' own (relu → step, bias → sum)
    for (const k of ['matmul', 'mul', 'step', 'sum', 'expand', 'div']) expect(names).toContain(k);
    expect(names.filter((n) => n === 'matmul').length).toBe(2 + 4 - 1); // dx of the first layer is not needed
    expect(plan.steps.length).toBeGreaterThan(9);
    // the parameters are captured as constants, by reference
    for (const p of params(m)) expect(plan.constants).toContain(p);
  });

  it('parameter .grad fields are restored after tracing (null or the previous value)', () => {
    const m = makeMlp(4);
    const previous = ones([5], { dtype: 'float64' });
    m.b1.grad = previous;
    trace((x, y) => step(m, x!, y!), spec);
    expect(m.w1.grad).toBeNull();
    expect(m.w2.grad).toBeNull();
    expect(m.b2.grad).toBeNull();
    expect(m.b1.grad).toBe(previous);
    expect(Array.from(previous.data)).toEqual([1, 1, 1, 1, 1]);
  });

  it('the grads are restored even when the traced function throws', () => {
    const m = makeMlp(5);
    expect(() => trace((x, y) => { step(m, x!, y!); throw new Error('late failure'); }, spec)).toThrow('late failure');
    for (const p of params(m)) expect(p.grad).toBeNull();
    // tracing is off again: eager ops compute values
    expect(Array.from(add(ones([1]), 1).data)).toEqual([2]);
  });

  it('reading .data or .item() of a symbolic tensor during tracing throws', () => {
    const m = makeMlp(6);
    expect(() => trace((x) => {
      const h = relu(matmul(x!, m.w1));
      void h.data;
      return h;
    }, [spec[0]!])).toThrow(ValueError);
    expect(() => trace((x) => { sum(x!).item(); return x!; }, [spec[0]!])).toThrow(/symbolic tensor/);
    expect(() => trace((x) => { x!.toArray(); return x!; }, [spec[0]!])).toThrow(/while tracing/);
  });

  it('a plan can be replayed many times, and checks its inputs', () => {
    const plan = trace((a, b) => softmax(add(mul(a!, 2), b!)), [{ shape: [2, 3] }, { shape: [3] }]);
    expect(plan.inputs[0]!.dtype).toBe('float32');
    const a = tensor([[1, 2, 3], [0, 0, 0]]), b = tensor([0.5, 0, -0.5]);
    const want = Array.from(softmax(add(mul(a, 2), b)).data);
    expect(Array.from(runPlan(plan, [a, b])[0]!.data)).toEqual(want);
    expect(Array.from(runPlan(plan, [a, b])[0]!.data)).toEqual(want);
    expect(() => runPlan(plan, [a])).toThrow(/expected 2 inputs/);
    expect(() => runPlan(plan, [tensor([1, 2]), b])).toThrow(/traced for float32 \[2,3\]/);
  });

  it('tracing records no eager side effects (batchNorm running stats are left alone)', () => {
    const rm = zeros([2]), rv = ones([2]);
    const plan = trace((x) => batchNorm(x!, rm, rv), [{ shape: [4, 2] }]);
    expect(Array.from(rm.data)).toEqual([0, 0]);
    expect(Array.from(rv.data)).toEqual([1, 1]);
    const x = randn(new Rng(8), [4, 2]);
    const eagerOut = noGrad(() => batchNorm(x, null, null));
    expect(Array.from(runPlan(plan, [x])[0]!.data)).toEqual(Array.from(eagerOut.data));
  });

  it('traced inputs with requiresGrad get gradients in the plan', () => {
    const plan = trace((x) => {
      const y = sum(mul(x!, x!));
      backward(y);
      return [y, x!.grad!];
    }, [{ shape: [3], dtype: 'float64', requiresGrad: true }]);
    const [y, g] = runPlan(plan, [tensor([1, 2, 3], { dtype: 'float64' })]);
    expect(y!.item()).toBe(14);
    expect(Array.from(g!.data)).toEqual([2, 4, 6]);
  });
});
