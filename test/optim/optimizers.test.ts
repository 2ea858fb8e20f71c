import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../../src/tensor/index.js';
import { Adagrad, Adam, AdamW, RMSProp, SGD } from '../../src/optim/index.js';
import type { Optimizer } from '../../src/optim/index.js';
import { DTypeError, ValueError } from '../../src/util/errors.js';

/** Quadratic bowl f(p) = Σ c_i p_i² / 2 with gradient c ⊙ p, set by hand (no autograd). */
function setGrad(p: Tensor, c: readonly number[]): void {
  p.grad = tensor(Array.from(p.data, (v, i) => c[i]! * v), { dtype: p.dtype });
}

describe('RMSProp and Adagrad follow PyTorch update rules', () => {
  const c = [1, 3, -0.5];
  const p0 = [0.5, -1, 2];

  it('RMSProp centered with momentum and weight decay', () => {
    const p = tensor(p0, { dtype: 'float64', requiresGrad: true });
    const [lr, alpha, eps, mu, wd] = [0.01, 0.9, 1e-8, 0.5, 0.1];
    const opt = new RMSProp([p], { lr, alpha, eps, momentum: mu, centered: true, weightDecay: wd });
    // scalar reference, one coordinate at a time
    const ref = p0.map((x0, i) => {
      let x = x0, v = 0, gbar = 0, b = 0;
      const xs: number[] = [];
      for (let t = 0; t < 4; t++) {
        const g = c[i]! * x + wd * x;
        v = alpha * v + (1 - alpha) * g * g;
        gbar = alpha * gbar + (1 - alpha) * g;
        const avg = Math.sqrt(v - gbar * gbar) + eps;
        b = mu * b + g / avg;
        x -= lr * b;
        xs.push(x);
      }
      return xs;
    });
    for (let t = 0; t < 4; t++) {
      setGrad(p, c);
      opt.step();
      p0.forEach((_, i) => expect(p.data[i]).toBeCloseTo(ref[i]![t]!, 14));
    }
  });

  it('RMSProp plain', () => {
    const p = tensor([2], { dtype: 'float64', requiresGrad: true });
    const opt = new RMSProp([p], { lr: 0.1 });
    setGrad(p, [1]);
    opt.step();
    const v = 0.01 * 4;
    expect(p.data[0]).toBeCloseTo(2 - (0.1 * 2) / (Math.sqrt(v) + 1e-8), 14);
  });

  it('Adagrad with lr decay, initial accumulator and weight decay', () => {
    const p = tensor(p0, { dtype: 'float64', requiresGrad: true });
    const [lr, lrDecay, wd, init, eps] = [0.1, 0.05, 0.01, 0.2, 1e-10];
    const opt = new Adagrad([p], { lr, lrDecay, weightDecay: wd, initialAccumulatorValue: init, eps });
    const ref = p0.map((x0, i) => {
      let x = x0, s = init;
      const xs: number[] = [];
      for (let t = 1; t <= 4; t++) {
        const g = c[i]! * x + wd * x;
        s += g * g;
        x -= ((lr / (1 + (t - 1) * lrDecay)) * g) / (Math.sqrt(s) + eps);
        xs.push(x);
      }
      return xs;
    });
    for (let t = 0; t < 4; t++) {
      setGrad(p, c);
      opt.step();
      p0.forEach((_, i) => expect(p.data[i]).toBeCloseTo(ref[i]![t]!, 14));
    }
  });
});

describe('Optimizer base', () => {
  it('minimises a quadratic with every optimizer, in float32 and float64', () => {
    const makers: [string, (ps: Tensor[]) => Optimizer<{ lr: number }>][] = [
      ['SGD', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
      ['Adam', (ps) => new Adam(ps, { lr: 0.05 })],
      ['AdamW', (ps) => new AdamW(ps, { lr: 0.05, amsgrad: true })],
      ['RMSProp', (ps) => new RMSProp(ps, { lr: 0.01 })],
      ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.5 })],
    ];
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [name, mk] of makers) {
        const p = tensor([1.5, -2, 0.7], { dtype, requiresGrad: true });
        const opt = mk([p]);
        for (let i = 0; i < 300; i++) {
          opt.zeroGrad();
          p.mul(p).sum().backward();
          opt.step();
        }
        expect(p.dtype).toBe(dtype);
        const n = Math.hypot(...p.data);
        expect(n, `${name} ${dtype}`).toBeLessThan(0.1);
      }
    }
  });

  it('skips parameters without gradients and honours per-group hyperparameters', () => {
    const a = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    const z = tensor([5], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b, z], lr: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    setGrad(a, [1, 1]);
    setGrad(b, [1, 1]);
    opt.step();
    expect(Array.from(a.data)).toEqual([0.9, 0.9]);
    expect(Array.from(b.data)).toEqual([0.5, 0.5]);
    expect(z.data[0]).toBe(5);
  });

  it('zeroGrad clears gradients', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([a]);
    a.sum().backward();
    expect(a.grad).not.toBeNull();
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('stateDict / loadStateDict resume bit-identically', () => {
    const run = (split: boolean): number[] => {
      let p = tensor([0.3, -0.8, 1.2], { dtype: 'float64', requiresGrad: true });
      let opt = new Adam([p], { lr: 0.1, amsgrad: true });
      for (let i = 0; i < 6; i++) {
        if (split && i === 3) {
          const sd = opt.stateDict();
          const q = tensor(Array.from(p.data), { dtype: 'float64', requiresGrad: true });
          const opt2 = new Adam([q], { lr: 999 });
          opt2.loadStateDict(sd);
          expect(opt2.paramGroups[0]!.lr).toBe(0.1);
          p = q;
          opt = opt2;
        }
        setGrad(p, [1, 2, 3]);
        opt.step();
      }
      return Array.from(p.data);
    };
    expect(run(true)).toEqual(run(false));
  });

  it('stateDict copies buffers', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, [1, 1]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups[0]!.params).toEqual([0]);
    const buf = sd.state[0]!.momentumBuffer as Float64Array;
    expect(Array.from(buf)).toEqual([1, 2]);
    buf[0] = 100;
    expect((opt.state.get(p)!.momentumBuffer as Float64Array)[0]).toBe(1);
  });

  it('rejects bad input with named errors', () => {
    const p = tensor([1], { requiresGrad: true });
    expect(() => new SGD([], { lr: 0.1 })).toThrow(ValueError);
    expect(() => new SGD([p], { lr: -1 })).toThrow(ValueError);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrow(ValueError);
    expect(() => new SGD([p, p], { lr: 0.1 })).toThrow(/more than one group/);
    expect(() => new SGD([tensor([1, 2], { dtype: 'int32' })], { lr: 0.1 })).toThrow(DTypeError);
    expect(() => new SGD([p.mul(2)], { lr: 0.1 })).toThrow(/leaf/);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1], { dtype: 'float64' });
    expect(() => opt.step()).toThrow(DTypeError);
  });
});
