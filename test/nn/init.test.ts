import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/tensor/index.js';
import {
  calculateFans, calculateGain, constantInit, init, kaimingNormal, kaimingUniform, normalInit, onesInit, orthogonal, uniformInit,
  xavierNormal, xavierUniform, zerosInit,
} from '../../src/nn/index.js';
import { DTypeError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

function stats(d: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), min, max };
}

describe('gain and fans', () => {
  it('calculateGain follows PyTorch', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv2d')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(calculateGain('selu')).toBe(0.75);
    expect(() => calculateGain('bogus' as 'relu')).toThrow(ValueError);
  });
  it('calculateFans uses the receptive field', () => {
    expect(calculateFans([16, 8, 3, 3])).toEqual({ fanIn: 72, fanOut: 144 });
    expect(calculateFans([5, 7])).toEqual({ fanIn: 7, fanOut: 5 });
    expect(() => calculateFans([5])).toThrow(ShapeError);
  });
});

describe('random initialisers: statistics on large tensors', () => {
  const rng = new Rng(42);
  const big = (shape: number[]) => zeros(shape, { dtype: 'float64' });

  it('uniform and normal', () => {
    const u = stats(uniformInit(big([200, 250]), rng, -2, 4).data);
    expect(u.mean).toBeCloseTo(1, 1);
    expect(u.std).toBeCloseTo(6 / Math.sqrt(12), 1);
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(4);
    const n = stats(normalInit(big([200, 250]), rng, 3, 0.5).data);
    expect(Math.abs(n.mean - 3)).toBeLessThan(0.01);
    expect(Math.abs(n.std - 0.5)).toBeLessThan(0.01);
  });

  it('xavier uniform / normal', () => {
    const t = big([300, 200]);
    const gain = 2;
    const a = gain * Math.sqrt(6 / 500);
    const u = stats(xavierUniform(t, rng, { gain }).data);
    expect(u.max).toBeLessThanOrEqual(a);
    expect(u.min).toBeGreaterThanOrEqual(-a);
    expect(Math.abs(u.std / (a / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const n = stats(xavierNormal(big([300, 200]), rng).data);
    expect(Math.abs(n.std / Math.sqrt(2 / 500) - 1)).toBeLessThan(0.02);
    expect(Math.abs(n.mean)).toBeLessThan(0.002);
  });

  it('kaiming uniform / normal with a, mode and nonlinearity', () => {
    const u = stats(kaimingUniform(big([256, 64, 3]), rng, { nonlinearity: 'relu' }).data); // fan_in 192
    const b = Math.sqrt(2) * Math.sqrt(3 / 192);
    expect(u.max).toBeLessThanOrEqual(b);
    expect(Math.abs(u.std / (b / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const pt = stats(kaimingUniform(big([300, 400]), rng, { a: Math.sqrt(5) }).data); // PyTorch Linear default
    expect(pt.max).toBeLessThanOrEqual(1 / 20);
    expect(pt.min).toBeGreaterThanOrEqual(-1 / 20);
    expect(pt.max).toBeGreaterThan(0.049);
    const n = stats(kaimingNormal(big([100, 400]), rng, { mode: 'fanOut', nonlinearity: 'relu' }).data); // fan_out 100
    expect(Math.abs(n.std / (Math.sqrt(2) / 10) - 1)).toBeLessThan(0.02);
    expect(() => kaimingNormal(big([4, 4]), rng, { mode: 'sideways' as 'fanIn' })).toThrow(ValueError);
  });

  it('works in float32 and is seeded', () => {
    const a = kaimingUniform(zeros([8, 8]), new Rng(3));
    const b = kaimingUniform(zeros([8, 8]), new Rng(3));
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(() => uniformInit(tensor([1, 2], { dtype: 'int32' }), rng)).toThrow(DTypeError);
  });
});

describe('constant initialisers', () => {
  it('zeros, ones, constant', () => {
    const t = tensor([1, 2, 3]);
    expect(Array.from(zerosInit(t).data)).toEqual([0, 0, 0]);
    expect(Array.from(onesInit(t).data)).toEqual([1, 1, 1]);
    expect(Array.from(constantInit(t, 0.5).data)).toEqual([0.5, 0.5, 0.5]);
    expect(init.zeros).toBe(zerosInit);
  });
});

describe('orthogonal', () => {
  function gram(d: ArrayLike<number>, rows: number, cols: number, tall: boolean): number[][] {
    const n = tall ? cols : rows;
    const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      if (tall) for (let r = 0; r < rows; r++) s += d[r * cols + i]! * d[r * cols + j]!;
      else for (let c = 0; c < cols; c++) s += d[i * cols + c]! * d[j * cols + c]!;
      out[i]![j] = s;
    }
    return out;
  }
  const expectEye = (g: number[][], scale: number, digits: number) =>
    g.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? scale : 0, digits)));

  it('tall: WᵀW = I; wide: WWᵀ = I; gain scales', () => {
    const rng = new Rng(5);
    const tall = orthogonal(zeros([40, 12], { dtype: 'float64' }), rng);
    expectEye(gram(tall.data, 40, 12, true), 1, 12);
    const wide = orthogonal(zeros([7, 30], { dtype: 'float64' }), rng, { gain: 2 });
    expectEye(gram(wide.data, 7, 30, false), 4, 12);
    const sq = orthogonal(zeros([16, 16], { dtype: 'float64' }), rng);
    expectEye(gram(sq.data, 16, 16, true), 1, 12);
    expectEye(gram(sq.data, 16, 16, false), 1, 12);
  });

  it('flattens trailing dims like PyTorch and works in float32', () => {
    const w = orthogonal(zeros([6, 2, 3, 3]), new Rng(6)); // rows 6, cols 18: wide
    expectEye(gram(w.data, 6, 18, false), 1, 5);
    expect(() => orthogonal(zeros([5]), new Rng(0))).toThrow(ShapeError);
  });
});
