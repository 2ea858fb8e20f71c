/**
 * softmax, logSoftmax, layerNorm, clamp, variance and logsumexp as single-kernel primitives: values against scalar references
 * written here (float32 bit for bit, float64 to 1e-15), special values, both backward paths of
 * layerNorm, errors. Gradients are checked numerically in gradcheck / double-backward tests.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';
import { DTypeError, ShapeError, ValueError } from '../../src/util/errors.js';
import { clamp, grad, layerNorm, logSoftmax, logsumexp, normal, randn, softmax, sum, mul, tensor, variance, type Tensor } from '../../src/tensor/index.js';

const f32 = Math.fround;

/** Indices of `a` and `b` whose bits differ (NaN equals NaN); empty when identical. */
function bitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const bad: number[] = [];
  if (a.length !== b.length) return [-1];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) bad.push(i);
  return bad;
}

/** The float32 softmax of one slice, op by op: every stored value rounded, sums in float64 in order. */
function softmaxRef(v: number[], log: boolean): number[] {
  let m = v.some(Number.isNaN) ? NaN : Math.max(...v);
  if (log && (m === Infinity || m === -Infinity)) m = 0;
  const e = v.map((x) => f32(Math.exp(f32(x - m))));
  const s = f32(e.reduce((a, b) => a + b, 0));
  if (!log) return e.map((x) => f32(x / s));
  const r = f32(f32(Math.log(s)) + m);
  return v.map((x) => f32(x - r));
}

/** Apply a slice function along `axis` of a [A, B, C] array. */
function alongAxis(data: ArrayLike<number>, shape: number[], axis: number, f: (v: number[]) => number[]): number[] {
  const out = new Array<number>(data.length);
  const [A, B, C] = shape as [number, number, number];
  const stride = [B * C, C, 1][axis]!, L = shape[axis]!;
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const coord = [a, b, c];
    if (coord[axis] !== 0) continue;
    const base = a * B * C + b * C + c;
    const idx = Array.from({ length: L }, (_, k) => base + k * stride);
    const r = f(idx.map((i) => data[i]!));
    idx.forEach((i, k) => { out[i] = r[k]!; });
  }
  return out;
}

describe('bit comparison helper', () => {
  it('finds a one-ulp change and a length mismatch, accepts NaN = NaN', () => {
    const a = new Float32Array([1, 2, NaN]);
    const b = Float32Array.from(a);
    expect(bitDiff(a, b)).toEqual([]);
    b[1] = f32(2 + 2 ** -22);
    expect(bitDiff(a, b)).toEqual([1]);
    expect(bitDiff(a, [1, 2])).toEqual([-1]);
    expect(bitDiff([0], [-0])).toEqual([0]);
  });
});

describe('softmax and logSoftmax kernels', () => {
  const rng = new Rng(7);
  for (const log of [false, true]) {
    const name = log ? 'logSoftmax' : 'softmax';
    const f = log ? logSoftmax : softmax;
    it(`${name} float32 equals the op-by-op float32 formula bit for bit, on every axis`, () => {
      const x = normal(rng, [4, 5, 6], 0, 3, { dtype: 'float32' });
      for (const axis of [0, 1, 2]) {
        const want = alongAxis(x.data, [4, 5, 6], axis, (v) => softmaxRef(v, log));
        expect(bitDiff(f(x, axis).data, want)).toEqual([]);
        expect(bitDiff(f(x, axis - 3).data, want)).toEqual([]);
      }
    });
    it(`${name} float64 matches the formula to 1e-15 and sums to one (softmax)`, () => {
      const x = normal(rng, [3, 7, 2], 0, 4, { dtype: 'float64' });
      const y = f(x, 1);
      const want = alongAxis(x.data, [3, 7, 2], 1, (v) => {
        const m = Math.max(...v);
        const s = v.reduce((a, b) => a + Math.exp(b - m), 0);
        return v.map((b) => (log ? b - m - Math.log(s) : Math.exp(b - m) / s));
      });
      for (let i = 0; i < want.length; i++) expect(Math.abs(y.data[i]! - want[i]!)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want[i]!)));
      if (!log) {
        const s = sum(y, 1).data;
        for (const v of s) expect(Math.abs(v - 1)).toBeLessThan(1e-15);
      }
    });
  }

  it('special values: NaN, +∞ and all −∞ slices give NaN (softmax); large values do not overflow', () => {
    const x = tensor([[1, NaN, 2], [Infinity, 0, 1], [-Infinity, -Infinity, -Infinity], [1000, 1001, -Infinity]], { dtype: 'float32' });
    const y = Array.from(softmax(x).data);
    expect(y.slice(0, 9).every(Number.isNaN)).toBe(true);
    expect(Math.abs(y[9]! - 1 / (1 + Math.E))).toBeLessThan(1e-7);
    expect(y[11]).toBe(0);
    const z = Array.from(logSoftmax(x).data);
    expect(z.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(z[3])).toBe(true); // ∞ − ∞, as torch.log_softmax
    expect(z[4]).toBe(-Infinity);
    expect(z.slice(6, 9).every(Number.isNaN)).toBe(true);
    expect(z[11]).toBe(-Infinity);
    expect(Math.abs(z[10]! + Math.log1p(Math.exp(-1)))).toBeLessThan(1e-4); // logsumexp ≈ 1001.3 rounded to float32 (ulp 6e-5)
  });

  it('named errors: int32 input, axis out of range', () => {
    expect(() => softmax(tensor([1, 2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => softmax(tensor([1, 2], { dtype: 'int32' }))).toThrow(/softmax/);
    expect(() => logSoftmax(tensor([[1, 2]]), 2)).toThrow(/logSoftmax/);
  });
});

describe('layerNorm kernel', () => {
  const rng = new Rng(11);
  /** layerNorm of one row in float64 (two-pass biased variance). */
  const rowRef = (v: number[], w: ArrayLike<number> | null, b: ArrayLike<number> | null, eps: number): number[] => {
    const m = v.reduce((a, c) => a + c, 0) / v.length;
    const s2 = v.reduce((a, c) => a + (c - m) ** 2, 0) / v.length;
    return v.map((c, j) => ((c - m) / Math.sqrt(s2 + eps)) * (w ? w[j]! : 1) + (b ? b[j]! : 0));
  };

  it('float64 matches the formula to 1e-14 with and without weight and bias, over two axes', () => {
    const x = normal(rng, [5, 3, 4], 1, 2, { dtype: 'float64' });
    const w = randn(rng, [3, 4], { dtype: 'float64' }), b = randn(rng, [3, 4], { dtype: 'float64' });
    for (const [ww, bb] of [[null, null], [w, null], [null, b], [w, b]] as const) {
      const y = layerNorm(x, [3, 4], ww, bb, 1e-3).data;
      for (let r = 0; r < 5; r++) {
        const want = rowRef(Array.from(x.data.subarray(r * 12, r * 12 + 12)), ww?.data ?? null, bb?.data ?? null, 1e-3);
        for (let j = 0; j < 12; j++) expect(Math.abs(y[r * 12 + j]! - want[j]!)).toBeLessThan(1e-14 * Math.max(1, Math.abs(want[j]!)));
      }
    }
  });

  it('float32 is the float64 result rounded once (statistics in float64)', () => {
    const x = normal(rng, [6, 33], 100, 5, { dtype: 'float32' });
    const w = randn(rng, [33], { dtype: 'float32' }), b = randn(rng, [33], { dtype: 'float32' });
    const y = layerNorm(x, [33], w, b).data;
    const want: number[] = [];
    for (let r = 0; r < 6; r++) want.push(...rowRef(Array.from(x.data.subarray(r * 33, r * 33 + 33)), w.data, b.data, 1e-5).map(f32));
    // (x − μ)·r·γ + β is evaluated in float64 in that order and rounded once: equal bits
    expect(bitDiff(y, want)).toEqual([]);
  });

  it('the backward kernel (no graph recorded) and the ops rule (createGraph) agree to 1e-13 in float64', () => {
    const x = normal(rng, [4, 2, 5], 0, 2, { dtype: 'float64', requiresGrad: true });
    const w = randn(rng, [2, 5], { dtype: 'float64', requiresGrad: true }), b = randn(rng, [2, 5], { dtype: 'float64', requiresGrad: true });
    const g = randn(rng, [4, 2, 5], { dtype: 'float64' });
    const loss = (): Tensor => sum(mul(layerNorm(x, [2, 5], w, b), g));
    const fast = grad(loss(), [x, w, b]);
    const ops = grad(loss(), [x, w, b], { createGraph: true });
    for (let k = 0; k < 3; k++) {
      const a = fast[k]!.data, c = ops[k]!.data;
      expect(fast[k]!.shape).toEqual(ops[k]!.shape);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - c[i]!)).toBeLessThan(1e-13 * Math.max(1, Math.abs(c[i]!)));
    }
    expect(ops[0]!.node).not.toBeNull(); // the recorded rule is differentiable again
  });

  it('named errors: mismatched normalizedShape, weight or bias shape, bad eps, int32, mixed dtypes', () => {
    const x = randn(rng, [2, 3], { dtype: 'float32' });
    expect(() => layerNorm(x, [2])).toThrow(ShapeError);
    expect(() => layerNorm(x, [])).toThrow(/layerNorm/);
    expect(() => layerNorm(x, [3], randn(rng, [2], { dtype: 'float32' }))).toThrow(/weight \[2\]/);
    expect(() => layerNorm(x, [3], null, randn(rng, [3, 1], { dtype: 'float32' }))).toThrow(/bias \[3, ?1\]/);
    expect(() => layerNorm(x, [3], null, null, -1)).toThrow(ValueError);
    expect(() => layerNorm(x, [3], null, null, NaN)).toThrow(/eps/);
    expect(() => layerNorm(tensor([[1, 2]], { dtype: 'int32' }), [2])).toThrow(DTypeError);
    expect(() => layerNorm(x, [3], randn(rng, [3], { dtype: 'float64' }))).toThrow(/layerNorm: dtypes differ/);
  });
});

describe('clamp kernel', () => {
  it('NaN stays NaN, −0 stays −0, bounds are compared and returned in the dtype', () => {
    const y = clamp(tensor([NaN, -0, -3, 3, 0.05, 0.2], { dtype: 'float32' }), 0.1, 1).data;
    expect(Number.isNaN(y[0])).toBe(true);
    expect(Array.from(y.slice(1))).toEqual([0.1, 0.1, 1, 0.1, 0.2].map(f32));
    const z = clamp(tensor([-0, 2, -2], { dtype: 'float64' }), -1).data;
    expect(Object.is(z[0], -0)).toBe(true);
    expect(Array.from(z.slice(1))).toEqual([2, -1]);
    expect(Object.is(clamp(tensor([-0], { dtype: 'float64' }), -1, 1).data[0], -0)).toBe(true);
  });
  it('gradient: 1 inside and on the bounds, 0 outside', () => {
    const x = tensor([-2, -1, 0, 1, 2], { dtype: 'float64', requiresGrad: true });
    const [g] = grad(sum(clamp(x, -1, 1)), [x]);
    expect(Array.from(g!.data)).toEqual([0, 1, 1, 1, 0]);
  });
  it('named errors: int32, NaN bound, lo > hi', () => {
    expect(() => clamp(tensor([1], { dtype: 'int32' }), 0)).toThrow(DTypeError);
    expect(() => clamp(tensor([1]), NaN)).toThrow(/clamp: lower bound/);
    expect(() => clamp(tensor([1]), 2, 1)).toThrow(ValueError);
  });
});

describe('variance and logsumexp kernels', () => {
  const rng = new Rng(21);
  /** Reduce a [3, 4, 5] array over axes 0 and 2 with `f` (groups in the order of axis 1). */
  const over02 = (d: ArrayLike<number>, f: (v: number[]) => number): number[] =>
    [0, 1, 2, 3].map((j) => f([0, 1, 2].flatMap((i) => [0, 1, 2, 3, 4].map((k) => d[i * 20 + j * 5 + k]!))));

  it('variance float64 over non-trailing axes matches the two-pass formula to 1e-15', () => {
    const x = normal(rng, [3, 4, 5], 2, 3, { dtype: 'float64' });
    for (const c of [0, 1]) {
      const want = over02(x.data, (v) => {
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - c);
      });
      const got = variance(x, [0, 2], false, c).data;
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThan(1e-15 * w));
    }
  });

  it('float32 variance of data far from zero keeps its digits (statistics in float64)', () => {
    const x = normal(rng, [1, 4096], 1e4, 1, { dtype: 'float32' });
    const v = Array.from(x.data);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const want = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
    expect(Math.abs(variance(x, 1).data[0]! - want) / want).toBeLessThan(1e-6);
  });

  it('variance edge cases: one element (NaN unbiased, 0 biased)', () => {
    expect(Number.isNaN(variance(tensor([3]), 0).data[0])).toBe(true);
    expect(variance(tensor([3]), 0, false, 0).data[0]).toBe(0);
    expect(() => variance(tensor([1, 2]), 0, false, NaN)).toThrow(/variance: correction/);
    expect(() => variance(tensor([1, 2], { dtype: 'int32' }), 0)).toThrow(DTypeError);
  });

  it('logsumexp float32 equals the op-by-op float32 formula bit for bit; special groups', () => {
    const x = normal(rng, [3, 4, 5], 0, 4, { dtype: 'float32' });
    const want = over02(x.data, (v) => {
      const m = Math.max(...v);
      const s = f32(v.map((b) => f32(Math.exp(f32(b - m)))).reduce((a, b) => a + b, 0));
      return f32(f32(Math.log(s)) + m);
    });
    expect(bitDiff(logsumexp(x, [0, 2]).data, want)).toEqual([]);
    const y = logsumexp(tensor([[-Infinity, -Infinity], [Infinity, 1], [NaN, 1], [1000, 1000]], { dtype: 'float64' }), 1).data;
    expect(y[0]).toBe(-Infinity);
    expect(y[1]).toBe(Infinity);
    expect(Number.isNaN(y[2])).toBe(true);
    expect(Math.abs(y[3]! - (1000 + Math.LN2))).toBeLessThan(1e-12);
  });
});
