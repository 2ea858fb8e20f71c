/**
 * Reverse-mode autograd semantics: accumulation, upstream gradients, noGrad / enableGrad, detach,
 * hooks, retainGrad, the iterative topological sort on deep graphs, shared subexpressions.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, tensor, ones, zeros, scalar, add, sub, mul, div, sin, cos, exp, sum, mean, matmul, relu, detach, noGrad, enableGrad,
  isGradEnabled, backward, reshape, norm, split, concat, indexSelect, segmentMax, maxPool2d, softmax, where, gt,
} from '../../src/tensor/index.js';

const f64 = (data: number[], shape?: number[], requiresGrad = true): Tensor => tensor(data, { dtype: 'float64', shape, requiresGrad });
const flat = (t: Tensor | null): number[] => Array.from(t!.data);

describe('backward basics', () => {
  it('scalar root gets the seed 1; leaves get d/dx', () => {
    const x = f64([1, 2, 3]);
    const y = sum(mul(x, x));
    y.backward();
    expect(flat(x.grad)).toEqual([2, 4, 6]);
    expect(x.grad!.dtype).toBe('float64');
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
  });

  it('gradients accumulate across two backward calls (the graph is kept)', () => {
    const x = f64([1, -2]);
    const y = sum(mul(x, 3));
    y.backward();
    expect(flat(x.grad)).toEqual([3, 3]);
    y.backward();
    expect(flat(x.grad)).toEqual([6, 6]);
    const z = sum(mul(x, x));
    z.backward();
    expect(flat(x.grad)).toEqual([8, 2]);
    x.grad = null;
    z.backward();
    expect(flat(x.grad)).toEqual([2, -4]);
  });

  it('backward with an upstream gradient on a non-scalar', () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    const w = f64([1, 0, 2, 1], [2, 2]);
    const y = matmul(x, w); // [2,2]
    backward(y, tensor([[1, 0], [0, 2]], { dtype: 'float64' }));
    // dL/dx = g·wᵀ, dL/dw = xᵀ·g
    expect(x.grad!.toArray()).toEqual([[1, 2], [0, 2]]);
    expect(w.grad!.toArray()).toEqual([[1, 6], [2, 8]]);
    const s = f64([2]);
    mul(s, 5).backward(tensor([3], { dtype: 'float64' }));
    expect(flat(s.grad)).toEqual([15]);
  });

  it('the root may be a leaf; a 0-d tensor works', () => {
    const x = tensor(2, { dtype: 'float64', requiresGrad: true });
    x.backward();
    expect(flat(x.grad)).toEqual([1]);
    const s = scalar(3, { dtype: 'float64', requiresGrad: true });
    mul(s, s).backward();
    expect(s.grad!.item()).toBe(6);
  });

  it('inputs without requiresGrad get no gradient; intermediates keep none without retainGrad', () => {
    const x = f64([1, 2]);
    const c = f64([3, 4], undefined, false);
    const h = mul(x, c);
    sum(h).backward();
    expect(flat(x.grad)).toEqual([3, 4]);
    expect(c.grad).toBeNull();
    expect(h.grad).toBeNull();
  });

  it('a tensor used twice by one op (x·x) gets both contributions', () => {
    const x = f64([3]);
    mul(x, x).backward();
    expect(flat(x.grad)).toEqual([6]);
  });

  it('gradients through multi-output and index ops (split, concat, indexSelect, segmentMax, maxPool2d)', () => {
    const x = f64([1, 2, 3, 4]);
    const [a, b] = split(x, [1, 3]);
    sum(mul(concat([b!, a!]), f64([1, 2, 3, 4], undefined, false))).backward();
    expect(flat(x.grad)).toEqual([4, 1, 2, 3]);
    const y = f64([1, 5, 2], [3, 1]);
    sum(indexSelect(y, 0, [1, 1, 0])).backward();
    expect(flat(y.grad)).toEqual([1, 2, 0]);
    const s = f64([1, 5, 2], [3, 1]);
    sum(segmentMax(s, [0, 0, 0], 1)).backward();
    expect(flat(s.grad)).toEqual([0, 1, 0]);
    const p = f64([1, 4, 3, 2], [1, 1, 2, 2]);
    sum(maxPool2d(p, 2)).backward();
    expect(flat(p.grad)).toEqual([0, 1, 0, 0]);
  });
});

describe('grad mode', () => {
  it('noGrad records nothing and restores the mode', () => {
    const x = f64([1, 2]);
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return mul(x, 2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(() => sum(y).backward()).toThrow(/does not require grad/);
  });

  it('noGrad restores the mode after an exception; enableGrad re-enables inside', () => {
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    const x = f64([2]);
    const y = noGrad(() => enableGrad(() => mul(x, x)));
    expect(y.requiresGrad).toBe(true);
    y.backward();
    expect(flat(x.grad)).toEqual([4]);
    expect(noGrad(() => noGrad(() => isGradEnabled()))).toBe(false);
  });

  it('backward itself does not build a graph (gradients are plain tensors)', () => {
    const x = f64([1, 2]);
    sum(mul(x, x)).backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.node).toBeNull();
  });
});

describe('detach', () => {
  it('cuts the graph but shares the values', () => {
    const x = f64([1, 2]);
    const d = detach(mul(x, 3));
    expect(d.requiresGrad).toBe(false);
    expect(flat(d)).toEqual([3, 6]);
    const y = sum(add(mul(x, d), x.detach()));
    y.backward();
    expect(flat(x.grad)).toEqual([3, 6]); // only through the first factor
  });

  it('stop-gradient in a stable softmax does not change its gradient', () => {
    const x = f64([0.5, -1, 2]);
    const w = f64([1, 2, 3], undefined, false);
    sum(mul(softmax(x), w)).backward();
    const p = flat(softmax(detach(x)));
    const dot = p[0]! * 1 + p[1]! * 2 + p[2]! * 3;
    flat(x.grad).forEach((g, i) => expect(g).toBeCloseTo(p[i]! * ([1, 2, 3][i]! - dot), 14));
  });
});

describe('hooks', () => {
  it('a hook that doubles the gradient of a leaf', () => {
    const x = f64([1, 2]);
    x.registerHook((g) => mul(g, 2));
    sum(mul(x, x)).backward();
    expect(flat(x.grad)).toEqual([4, 8]);
  });

  it('a hook on an intermediate changes what flows further down', () => {
    const x = f64([1, 2]);
    const h = mul(x, 3);
    const seen: number[][] = [];
    h.registerHook((g) => { seen.push(flat(g)); return mul(g, 2); });
    sum(mul(h, f64([1, 10], undefined, false))).backward();
    expect(seen).toEqual([[1, 10]]);
    expect(flat(x.grad)).toEqual([6, 60]);
  });

  it('hooks run in order, may return nothing, and can be removed', () => {
    const x = f64([1]);
    const log: string[] = [];
    x.registerHook(() => { log.push('observe'); });
    const remove = x.registerHook((g) => { log.push('double'); return mul(g, 2); });
    x.registerHook((g) => { log.push('plus1'); return add(g, 1); });
    mul(x, 5).backward();
    expect(log).toEqual(['observe', 'double', 'plus1']);
    expect(flat(x.grad)).toEqual([11]);
    remove();
    x.grad = null;
    mul(x, 5).backward();
    expect(flat(x.grad)).toEqual([6]);
  });
});

describe('retainGrad', () => {
  it('keeps the gradient of a non-leaf', () => {
    const x = f64([1, 2]);
    const h = mul(x, x).retainGrad();
    const y = sum(mul(h, 3));
    y.backward();
    expect(flat(h.grad)).toEqual([3, 3]);
    expect(flat(x.grad)).toEqual([6, 12]);
    y.backward();
    expect(flat(h.grad)).toEqual([6, 6]); // accumulates like a leaf
  });

  it('retains the total gradient of a shared intermediate', () => {
    const x = f64([2]);
    const h = exp(x).retainGrad();
    add(mul(h, 2), mul(h, h)).backward();
    const e = Math.exp(2);
    expect(h.grad!.item()).toBeCloseTo(2 + 2 * e, 12);
    expect(x.grad!.item()).toBeCloseTo((2 + 2 * e) * e, 10);
  });
});

describe('graph shapes', () => {
  it('a deep chain of 20 000 sequential adds does not overflow the stack', () => {
    const x = f64([1, 2]);
    let y: Tensor = x;
    for (let i = 0; i < 20_000; i++) y = add(y, 1);
    sum(y).backward();
    expect(flat(x.grad)).toEqual([1, 1]);
    expect(flat(y)).toEqual([20_001, 20_002]);
  });

  it('a deep chain of multiplications (100 000 ops) also backpropagates iteratively', () => {
    const x = tensor(1, { dtype: 'float64', requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = mul(y, 1);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('diamond: shared subexpressions are differentiated once with summed gradients', () => {
    const x = f64([0.7]);
    const a = mul(x, 2);
    let visits = 0;
    a.registerHook(() => { visits++; });
    const out = mul(sin(a), cos(a)); // = sin(4x)/2
    out.backward();
    expect(visits).toBe(1);
    expect(x.grad!.item()).toBeCloseTo(2 * Math.cos(4 * 0.7), 14);
  });

  it('wide fan-out and re-convergence', () => {
    const x = f64([1.5]);
    const parts: Tensor[] = [];
    for (let k = 1; k <= 50; k++) parts.push(mul(x, k));
    let s = parts[0]!;
    for (const p of parts.slice(1)) s = add(s, p);
    s.backward();
    expect(x.grad!.item()).toBe((50 * 51) / 2);
  });

  it('where / relu route gradients by the forward values', () => {
    const x = f64([-1, 2, 3]);
    sum(add(where(gt(x, 2.5), x, 0), relu(x))).backward();
    expect(flat(x.grad)).toEqual([0, 1, 2]);
  });

  it('where does not leak an Inf upstream into the unselected branch as NaN', () => {
    const a = f64([1, 2]), b = f64([3, 4]);
    backward(where(f64([1, 0], undefined, false), a, b), tensor([Infinity, 1], { dtype: 'float64' }));
    expect(flat(a.grad)).toEqual([Infinity, 0]);
    expect(flat(b.grad)).toEqual([0, 1]);
  });

  it('the 2-norm of a zero vector has gradient 0 (not NaN), as torch', () => {
    const z = f64([0, 0, 0]);
    norm(z).backward();
    expect(flat(z.grad)).toEqual([0, 0, 0]);
    const v = f64([3, 4, 0, 0], [2, 2]);
    sum(norm(v, 2, 1)).backward();
    flat(v.grad).forEach((g, i) => expect(g).toBeCloseTo([0.6, 0.8, 0, 0][i]!, 15));
  });

  it('broadcasting gradients are summed back to the input shape', () => {
    const b = f64([1, 2, 3], [3]);
    const m = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    sum(mul(add(m, b), 2)).backward();
    expect(flat(b.grad)).toEqual([4, 4, 4]);
    const c = f64([2], [1, 1]);
    mean(div(reshape(m, [3, 2]), c)).backward();
    expect(c.grad!.shape).toEqual([1, 1]);
    expect(c.grad!.item()).toBeCloseTo(-21 / 6 / 4, 14);
  });

  it('mixed requiresGrad: a float32 graph gives float32 gradients', () => {
    const x = ones([2, 2], { requiresGrad: true });
    const y = sum(matmul(x, zeros([2, 2])));
    y.backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(flat(x.grad)).toEqual([0, 0, 0, 0]);
    const z = sub(x, 1);
    expect(z.requiresGrad).toBe(true);
  });
});

describe('leaf gradients never alias other tensors (gradients are kept without a copy only when exclusively owned)', () => {
  const shares = (a: Tensor, b: Tensor): boolean => a.data.buffer === b.data.buffer;
  it('one gradient handed to two leaves (add) is copied for each', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), b = tensor([4, 5, 6], { requiresGrad: true });
    add(a, b).sum().backward();
    expect(shares(a.grad!, b.grad!)).toBe(false);
    a.grad!.data[0] = 99;
    expect(b.grad!.toArray()).toEqual([1, 1, 1]);
  });
  it("the caller's upstream gradient is never kept", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.reshape([2, 1]).reshape([2]);
    const g = tensor([5, 7]);
    backward(y, g);
    expect(shares(x.grad!, g)).toBe(false);
    x.grad!.data[0] = 0;
    expect(g.toArray()).toEqual([5, 7]);
  });
  it('an intermediate that retains its gradient and a leaf fed by pass-through do not share', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const t = x.add(0);
    t.retainGrad();
    t.mul(3).sum().backward();
    expect(shares(t.grad!, x.grad!)).toBe(false);
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });
  it('a gradient returned by a hook is copied', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const mine = tensor([8, 9]);
    x.registerHook(() => mine);
    x.mul(2).sum().backward();
    expect(shares(x.grad!, mine)).toBe(false);
    expect(x.grad!.toArray()).toEqual([8, 9]);
  });
  it('a fresh gradient for one leaf is kept as is (no copy) and is correct', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(tensor([2, 3, 4])).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 3, 4]);
    x.mul(tensor([1, 1, 1])).sum().backward(); // accumulates into a new tensor
    expect(x.grad!.toArray()).toEqual([3, 4, 5]);
  });
});
