import { describe, expect, it } from 'vitest';
import { Tensor, indices, randn, tensor } from '../../src/tensor/index.js';
import {
  BatchNorm1d, BatchNorm2d, Bilinear, Dropout, ELU, Embedding, GELU, Identity, LayerNorm, LeakyReLU, Linear, MLP, ReLU, SiLU, Sigmoid,
  Softmax, Softplus, Tanh, activation,
} from '../../src/nn/index.js';
import { DTypeError, IndexError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 10) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, digits);
};

describe('Linear', () => {
  it('matches a manual y = x Wᵀ + b, for batched and 1-D inputs', () => {
    const rng = new Rng(0);
    const lin = new Linear(3, 2, { rng, dtype: 'float64' });
    const x = randn(rng, [2, 4, 3], { dtype: 'float64' });
    const y = lin.call(x);
    expect(y.shape).toEqual([2, 4, 2]);
    const W = lin.weight.data, b = lin.bias!.data, xd = x.data;
    const want: number[] = [];
    for (let n = 0; n < 8; n++) for (let o = 0; o < 2; o++) {
      let s = b[o]!;
      for (let i = 0; i < 3; i++) s += xd[n * 3 + i]! * W[o * 3 + i]!;
      want.push(s);
    }
    close(y.data, want, 12);
    expect(lin.call(tensor([1, 2, 3], { dtype: 'float64' })).shape).toEqual([2]);
  });

  it('initialises W and b from U(±1/√in) (PyTorch default) with the given rng', () => {
    const lin = new Linear(400, 300, { rng: new Rng(1) });
    const bound = 1 / Math.sqrt(400);
    const w = Array.from(lin.weight.data);
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    const varW = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(varW).toBeCloseTo(bound ** 2 / 3, 5); // Var U(−a, a) = a²/3
    expect(Math.max(...Array.from(lin.bias!.data).map(Math.abs))).toBeLessThanOrEqual(bound);
    // seeded: same rng seed, same weights
    expect(Array.from(new Linear(4, 3, { rng: new Rng(7) }).weight.data)).toEqual(Array.from(new Linear(4, 3, { rng: new Rng(7) }).weight.data));
  });

  it('no bias; bad input raises ShapeError; rng is required', () => {
    const lin = new Linear(3, 2, { rng: new Rng(2), bias: false });
    expect(lin.bias).toBeNull();
    expect(lin.parameters()).toHaveLength(1);
    expect(() => lin.call(randn(new Rng(0), [2, 4]))).toThrow(ShapeError);
    expect(() => new Linear(3, 2, {} as { rng: Rng })).toThrow(ValueError);
    expect(() => new Linear(0, 2, { rng: new Rng(0) })).toThrow(ValueError);
  });
});

describe('Bilinear', () => {
  it('matches y_k = x₁ᵀ A_k x₂ + b_k', () => {
    const rng = new Rng(3);
    const bl = new Bilinear(3, 4, 2, { rng, dtype: 'float64' });
    const x1 = randn(rng, [5, 3], { dtype: 'float64' });
    const x2 = randn(rng, [5, 4], { dtype: 'float64' });
    const y = bl.call(x1, x2);
    expect(y.shape).toEqual([5, 2]);
    const A = bl.weight.data, b = bl.bias!.data;
    const want: number[] = [];
    for (let n = 0; n < 5; n++) for (let k = 0; k < 2; k++) {
      let s = b[k]!;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) s += x1.data[n * 3 + i]! * A[k * 12 + i * 4 + j]! * x2.data[n * 4 + j]!;
      want.push(s);
    }
    close(y.data, want, 12);
    y.sum().backward();
    expect(bl.weight.grad!.shape).toEqual([2, 3, 4]);
    expect(() => bl.call(x1, randn(rng, [5, 3], { dtype: 'float64' }))).toThrow(ShapeError);
    expect(bl.call(randn(rng, [2, 3, 3], { dtype: 'float64' }), randn(rng, [2, 3, 4], { dtype: 'float64' })).shape).toEqual([2, 3, 2]);
  });
});

describe('MLP and activations', () => {
  it('builds Linear/act/Dropout layers and runs', () => {
    const rng = new Rng(4);
    const mlp = new MLP([2, 8, 8, 1], { rng, activation: 'tanh', dropout: 0.1, finalActivation: 'sigmoid' });
    expect(mlp.children().map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh', 'Dropout', 'Linear', 'Tanh', 'Dropout', 'Linear', 'Sigmoid']);
    const y = mlp.call(randn(rng, [6, 2]));
    expect(y.shape).toEqual([6, 1]);
    expect(Array.from(y.data).every((v) => v > 0 && v < 1)).toBe(true);
    const plain = new MLP([2, 3], { rng, bias: false, activation: () => new GELU() });
    expect(plain.namedParameters().map(([n]) => n)).toEqual(['0.weight']);
    expect(() => new MLP([2], { rng })).toThrow(ValueError);
  });

  it('activation modules apply the tensor ops', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2], { dtype: 'float64' });
    const f = (v: number) => v;
    const cases: [import('../../src/nn/index.js').Module, (v: number) => number][] = [
      [new ReLU(), (v) => Math.max(v, 0)],
      [new LeakyReLU(0.2), (v) => (v >= 0 ? v : 0.2 * v)],
      [new ELU(), (v) => (v > 0 ? v : Math.expm1(v))],
      [new SiLU(), (v) => v / (1 + Math.exp(-v))],
      [new Tanh(), Math.tanh],
      [new Sigmoid(), (v) => 1 / (1 + Math.exp(-v))],
      [new Softplus(), (v) => Math.log1p(Math.exp(v))],
      [new Softplus(2), (v) => Math.log1p(Math.exp(2 * v)) / 2],
      [new Identity(), f],
    ];
    for (const [m, fn] of cases) close(m.call(x).data, Array.from(x.data, fn), 6);
    close(new GELU().call(tensor([0, 1], { dtype: 'float64' })).data, [0, 0.8413447460685429], 8);
    // the tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) at x = 1
    close(new GELU('tanh').call(tensor([0, 1], { dtype: 'float64' })).data, [0, 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))], 12);
    expect(() => new GELU('erf' as 'tanh')).toThrow(ValueError);
    // softplus is linear above βx > threshold (torch's default 20); below it the smooth value
    close(new Softplus(1, 2).call(tensor([1, 3], { dtype: 'float64' })).data, [Math.log1p(Math.E), 3], 12);
    close(new Softplus(2, 5).call(tensor([2, 3], { dtype: 'float64' })).data, [Math.log1p(Math.exp(4)) / 2, 3], 12);
    expect(() => new Softplus(1, Number.NaN)).toThrow(ValueError);
    close(new Softmax().call(tensor([[0, Math.log(3)]], { dtype: 'float64' })).data, [0.25, 0.75], 12);
    expect(activation('relu')).toBeInstanceOf(ReLU);
    expect(() => activation('nope' as 'relu')).toThrow(ValueError);
  });
});

describe('Dropout', () => {
  it('masks and rescales in training, is the identity in eval, and is seeded', () => {
    const x = tensor(new Array(2000).fill(1), { dtype: 'float64' });
    const drop = new Dropout(0.25, { rng: new Rng(5) });
    const y = drop.call(x);
    const vals = Array.from(y.data);
    expect(vals.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-12)).toBe(true);
    const frac = vals.filter((v) => v === 0).length / vals.length;
    expect(frac).toBeGreaterThan(0.2);
    expect(frac).toBeLessThan(0.3);
    drop.eval();
    expect(drop.call(x)).toBe(x);
    const again = new Dropout(0.25, { rng: new Rng(5) }).call(x);
    expect(Array.from(again.data)).toEqual(vals);
    expect(() => new Dropout(1, { rng: new Rng(0) })).toThrow(ValueError);
  });
});

describe('LayerNorm', () => {
  it('normalises the trailing axes and has γ, β', () => {
    const ln = new LayerNorm([2, 3], { dtype: 'float64' });
    expect(ln.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [2, 3]], ['bias', [2, 3]]]);
    const x = randn(new Rng(6), [4, 2, 3], { dtype: 'float64' });
    const y = ln.call(x);
    for (let n = 0; n < 4; n++) {
      const row = Array.from(y.data.slice(n * 6, n * 6 + 6));
      const mu = row.reduce((a, b) => a + b) / 6;
      const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 6;
      expect(mu).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 4);
    }
    expect(new LayerNorm(3, { elementwiseAffine: false }).parameters()).toHaveLength(0);
    expect(() => ln.call(randn(new Rng(0), [4, 3, 2], { dtype: 'float64' }))).toThrow(ShapeError);
  });
});

describe('BatchNorm', () => {
  it('BatchNorm1d training uses batch statistics and updates running stats (unbiased var)', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64', momentum: 0.1 });
    const x = tensor([[1, 10], [2, 20], [3, 30], [6, 0]], { dtype: 'float64' });
    const y = bn.call(x);
    const col = (k: number) => [0, 1, 2, 3].map((n) => x.data[n * 2 + k]!);
    for (let k = 0; k < 2; k++) {
      const c = col(k);
      const mu = c.reduce((a, b) => a + b) / 4;
      const vb = c.reduce((a, b) => a + (b - mu) ** 2, 0) / 4;
      close([0, 1, 2, 3].map((n) => y.data[n * 2 + k]!), c.map((v) => (v - mu) / Math.sqrt(vb + 1e-5)), 12);
      expect(bn.runningMean!.data[k]).toBeCloseTo(0.1 * mu, 12);
      expect(bn.runningVar!.data[k]).toBeCloseTo(0.9 + 0.1 * vb * (4 / 3), 12);
    }
  });

  it('eval uses the running stats and does not update them', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    const rng = new Rng(7);
    for (let i = 0; i < 3; i++) bn.call(randn(rng, [8, 3, 5], { dtype: 'float64' }));
    bn.eval();
    const rm = Array.from(bn.runningMean!.data), rv = Array.from(bn.runningVar!.data);
    const x = randn(rng, [2, 3, 5], { dtype: 'float64' });
    const y = bn.call(x);
    expect(Array.from(bn.runningMean!.data)).toEqual(rm);
    for (let i = 0; i < x.size; i++) {
      const c = Math.floor(i / 5) % 3;
      expect(y.data[i]).toBeCloseTo((x.data[i]! - rm[c]!) / Math.sqrt(rv[c]! + 1e-5), 12);
    }
    bn.train();
    bn.call(x);
    expect(Array.from(bn.runningMean!.data)).not.toEqual(rm);
  });

  it('BatchNorm2d normalises per channel over N, H, W; gradients reach γ and β', () => {
    const bn = new BatchNorm2d(3, { dtype: 'float64' });
    const x = randn(new Rng(8), [4, 3, 5, 5], { dtype: 'float64' }).mul(3).add(2);
    const y = bn.call(x);
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let k = 0; k < 25; k++) vals.push(y.data[n * 75 + c * 25 + k]!);
      expect(vals.reduce((a, b) => a + b) / 100).toBeCloseTo(0, 10);
    }
    y.mul(randn(new Rng(9), [4, 3, 5, 5], { dtype: 'float64' })).sum().backward();
    expect(bn.weight!.grad!.shape).toEqual([3]);
    expect(bn.bias!.grad!.shape).toEqual([3]);
    expect(() => bn.call(randn(new Rng(0), [4, 3, 5], { dtype: 'float64' }))).toThrow(ShapeError);
    expect(() => new BatchNorm1d(3).call(randn(new Rng(0), [4, 2]))).toThrow(/\[N,3\] or \[N,3,L\]/);
  });

  it('without running stats it always uses batch statistics', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
    expect(bn.buffers()).toHaveLength(0);
    expect(bn.parameters()).toHaveLength(0);
    bn.eval();
    const y = bn.call(tensor([[1, 2], [3, 4]]));
    close(y.data, [-1, -1, 1, 1], 4);
  });
});

describe('Embedding', () => {
  it('looks up rows for any index shape and accumulates gradients', () => {
    const emb = new Embedding(5, 3, { rng: new Rng(10), dtype: 'float64' });
    const idx = indices([1, 4, 1, 0], [2, 2]);
    const y = emb.call(idx);
    expect(y.shape).toEqual([2, 2, 3]);
    close(y.data.slice(3, 6), emb.weight.data.slice(12, 15), 15);
    y.sum().backward();
    const g = emb.weight.grad!.data;
    close(g, [1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1], 15);
    expect(emb.call([2, 3]).shape).toEqual([2, 3]);
  });

  it('out-of-range, negative and non-integer indices raise IndexError; float tensors DTypeError', () => {
    const emb = new Embedding(5, 3, { rng: new Rng(11) });
    expect(() => emb.call([5])).toThrow(IndexError);
    expect(() => emb.call(indices([0, -1]))).toThrow(/index -1 at flat position 1 of indices \[2\] is out of range \[0, 5\)/);
    expect(() => emb.call([1.5])).toThrow(IndexError);
    expect(() => emb.call(tensor([1]) as Tensor)).toThrow(DTypeError);
  });
});
