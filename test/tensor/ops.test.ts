/**
 * Values of each op family against hand-computed results: broadcasting, slicing semantics,
 * roll/flip/repeat, einsum (incl. implicit mode), argmax ties, segment ops with empty segments,
 * NaN propagation, dtype preservation and the creation functions.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, tensor, fromData, scalar, full, zeros, ones, zerosLike, onesLike, arange, linspace, eye, uniform, rand, normal, randn, indices,
  broadcastShapes, reshape, expand, permute, sum, sumToShape, cast, clone, detach,
  neg, abs, sign, exp, log, sqrt, relu, leakyRelu, elu, gelu, sigmoid, softplus, erf, step, powScalar, add, sub, mul, div, pow,
  maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp,
  max, min, prod, argmax, argmin, mean, variance, std, logsumexp, norm,
  slice, pad, concat, stack, split, flip, roll, repeat, squeeze, unsqueeze, transpose, flatten,
  matmul, outer, kron, diag, traceOf, einsum, indexSelect, indexAdd, takeAlongAxis, scatterAdd,
  segmentSum, segmentMean, segmentMax, segmentMin, segmentSoftmax,
  conv2d, conv1d, convTranspose2d, maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d,
  softmax, logSoftmax, layerNorm, batchNorm, dropout, mseLoss, l1Loss, huberLoss, crossEntropy, nllLoss, bceWithLogits,
} from '../../src/tensor/index.js';
import type { TensorLike } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/index.js';

const f64 = (data: TensorLike, shape?: number[]): Tensor => tensor(data, { dtype: 'float64', shape });
const flat = (t: Tensor): number[] => Array.from(t.data);
const close = (t: Tensor, want: number[], digits = 12): void => {
  expect(t.size).toBe(want.length);
  flat(t).forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(want[i]!, digits));
};
/** x = 0, 1, …, n−1 reshaped (float64). */
const iota = (shape: number[]): Tensor => reshape(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype: 'float64' }), shape);

describe('creation', () => {
  it('tensor from nested arrays, typed arrays and scalars', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(scalar(3.5, { dtype: 'float64' }).shape).toEqual([]);
    expect(scalar(3.5).item()).toBe(3.5);
    expect(tensor([]).shape).toEqual([0]);
    const d = new Float64Array([1, 2]);
    const w = fromData(d, [2]);
    d[0] = 7;
    expect(w.data[0]).toBe(7); // fromData wraps without copying
  });
  it('full, zeros, ones and the *Like variants', () => {
    expect(flat(full([2, 2], 1.5))).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(flat(zeros([3]))).toEqual([0, 0, 0]);
    expect(flat(ones([2], { dtype: 'float64' }))).toEqual([1, 1]);
    const like = zerosLike(f64([1, 2, 3]));
    expect(like.dtype).toBe('float64');
    expect(onesLike(like).toArray()).toEqual([1, 1, 1]);
  });
  it('arange and linspace', () => {
    expect(flat(arange(5))).toEqual([0, 1, 2, 3, 4]);
    expect(flat(arange(2, 8, 2))).toEqual([2, 4, 6]);
    expect(flat(arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(arange(0, 1, 0.25, { dtype: 'float64' }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(linspace(0, 1, 5, { dtype: 'float64' }).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
  });
  it('eye', () => {
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3, { dtype: 'float64' }).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
  it('seeded random: same seed, same values; different seed, different values', () => {
    const a = rand(new Rng(42), [3, 4]);
    const b = rand(new Rng(42), [3, 4]);
    const c = rand(new Rng(43), [3, 4]);
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    expect(flat(a).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(flat(randn(new Rng(1), [5], { dtype: 'float64' }))).toEqual(flat(randn(new Rng(1), [5], { dtype: 'float64' })));
    expect(flat(normal(new Rng(1), [5], 3, 0.5))).toEqual(flat(normal(new Rng(1), [5], 3, 0.5)));
    const u = uniform(new Rng(9), [1000], -2, -1, { dtype: 'float64' });
    expect(u.dtype).toBe('float64');
    expect(flat(u).every((v) => v >= -2 && v < -1)).toBe(true);
    const z = randn(new Rng(3), [4000], { dtype: 'float64' });
    expect(Math.abs(mean(z).item())).toBeLessThan(0.06);
    expect(Math.abs(std(z).item() - 1)).toBeLessThan(0.05);
  });
  it('indices are int32', () => {
    const i = indices([3, 1, 2], [3, 1]);
    expect(i.dtype).toBe('int32');
    expect(i.shape).toEqual([3, 1]);
  });
});

describe('broadcasting and elementwise', () => {
  it('broadcast shapes', () => {
    expect(broadcastShapes('t', [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes('t', [], [3])).toEqual([3]);
    expect(broadcastShapes('t', [5, 1], [1, 0])).toEqual([5, 0]);
  });
  it('binary ops broadcast', () => {
    const a = f64([[1], [2]]); // [2,1]
    const b = f64([10, 20, 30]); // [3]
    expect(add(a, b).toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(sub(b, a).toArray()).toEqual([[9, 19, 29], [8, 18, 28]]);
    expect(mul(a, b).shape).toEqual([2, 3]);
    expect(div(b, 10).toArray()).toEqual([1, 2, 3]);
    expect(sub(1, b).toArray()).toEqual([-9, -19, -29]);
    expect(pow(f64([2, 3]), f64([3, 2])).toArray()).toEqual([8, 9]);
    expect(pow(2, f64([3, 4])).toArray()).toEqual([8, 16]);
    expect(add(f64([[[1, 2]]]), scalar(1, { dtype: 'float64' })).shape).toEqual([1, 1, 2]);
  });
  it('unary ops', () => {
    close(neg(f64([1, -2])), [-1, 2]);
    close(abs(f64([-1.5, 2])), [1.5, 2]);
    close(sign(f64([-3, 0, 2])), [-1, 0, 1]);
    close(exp(f64([0, 1])), [1, Math.E]);
    close(log(f64([1, Math.E])), [0, 1]);
    close(sqrt(f64([4, 9])), [2, 3]);
    close(relu(f64([-1, 0, 2])), [0, 0, 2]);
    close(leakyRelu(f64([-1, 2]), 0.1), [-0.1, 2]);
    close(elu(f64([-1, 2])), [Math.expm1(-1), 2]);
    close(sigmoid(f64([0, 100, -100])), [0.5, 1, 0]);
    close(softplus(f64([0, 100, -100])), [Math.LN2, 100, Math.exp(-100)]);
    close(erf(f64([0, 0.5, 1, 3, -2])), [0, 0.5204998778130465, 0.8427007929497149, 0.9999779095030014, -0.9953222650189527], 14);
    close(gelu(f64([1, -1])), [0.8413447460685429, -0.15865525393145707], 14);
    close(step(f64([-1, 0, 1])), [0, 0, 1]);
    close(powScalar(f64([2, 3]), 2), [4, 9]);
  });
  it('comparisons and where', () => {
    const a = f64([1, 2, 3]), b = f64([3, 2, 1]);
    expect(flat(eq(a, b))).toEqual([0, 1, 0]);
    expect(flat(ne(a, b))).toEqual([1, 0, 1]);
    expect(flat(lt(a, b))).toEqual([1, 0, 0]);
    expect(flat(le(a, b))).toEqual([1, 1, 0]);
    expect(flat(gt(a, b))).toEqual([0, 0, 1]);
    expect(flat(ge(a, b))).toEqual([0, 1, 1]);
    expect(gt(a, b).dtype).toBe('float64');
    expect(flat(where(gt(a, 1.5), a, 0))).toEqual([0, 2, 3]);
    expect(where(f64([1, 0]), f64([[1], [2]]), f64([7, 8])).toArray()).toEqual([[1, 8], [2, 8]]);
    expect(flat(where(indices([1, 0, 2]), f64([1, 2, 3]), f64([7, 8, 9])))).toEqual([1, 8, 3]); // int32 condition
    expect(flat(clamp(f64([-2, 0.5, 3]), -1, 1))).toEqual([-1, 0.5, 1]);
    expect(flat(clamp(f64([-2, 0.5, 3]), null, 1))).toEqual([-2, 0.5, 1]);
  });
  it('maximum / minimum propagate NaN', () => {
    const r = maximum(f64([1, NaN, 3]), f64([2, 0, NaN]));
    expect(r.data[0]).toBe(2);
    expect(Number.isNaN(r.data[1])).toBe(true);
    expect(Number.isNaN(r.data[2])).toBe(true);
    const m = minimum(f64([1, NaN]), f64([0, 5]));
    expect(m.data[0]).toBe(0);
    expect(Number.isNaN(m.data[1])).toBe(true);
    expect(Number.isNaN(relu(f64([NaN])).item())).toBe(true);
  });
});

describe('reductions', () => {
  const x = f64([[1, 5, 2], [7, 3, 7]]);
  it('sum / mean over axes with keepDims', () => {
    expect(sum(x).item()).toBe(25);
    expect(sum(x, 0).toArray()).toEqual([8, 8, 9]);
    expect(sum(x, 1, true).toArray()).toEqual([[8], [17]]);
    expect(sum(x, [0, 1], true).shape).toEqual([1, 1]);
    expect(mean(x, -1).toArray()).toEqual([8 / 3, 17 / 3]);
    expect(sum(zeros([0, 3], { dtype: 'float64' }), 0).toArray()).toEqual([0, 0, 0]);
    expect(sum(iota([2, 3, 4]), [0, 2]).toArray()).toEqual([60, 92, 124]);
  });
  it('max / min / prod', () => {
    expect(max(x).item()).toBe(7);
    expect(max(x, 1).toArray()).toEqual([5, 7]);
    expect(min(x, 0, true).toArray()).toEqual([[1, 3, 2]]);
    expect(prod(x, 1).toArray()).toEqual([10, 147]);
    expect(prod(f64([2, 0, 3])).item()).toBe(0);
  });
  it('max / min propagate NaN', () => {
    expect(Number.isNaN(max(f64([1, NaN, 3])).item())).toBe(true);
    expect(Number.isNaN(min(f64([NaN, 1])).item())).toBe(true);
    const r = max(f64([[1, 2], [NaN, 0]]), 1);
    expect(r.data[0]).toBe(2);
    expect(Number.isNaN(r.data[1])).toBe(true);
  });
  it('argmax / argmin: first index wins on ties, NaN wins, int32 output', () => {
    const a = argmax(x, 1);
    expect(a.dtype).toBe('int32');
    expect(flat(a)).toEqual([1, 0]); // row 2 has a tie 7, 7 → first
    expect(flat(argmax(x))).toEqual([3]);
    expect(flat(argmin(f64([3, 1, 1, 2])))).toEqual([1]);
    expect(flat(argmax(x, 0, true))).toEqual([1, 0, 1]);
    expect(argmax(x, 0, true).shape).toEqual([1, 3]);
    expect(flat(argmax(f64([1, NaN, 5])))).toEqual([1]);
  });
  it('variance, std (unbiased by default), logsumexp, norm', () => {
    const v = f64([1, 2, 3, 4]);
    expect(variance(v).item()).toBeCloseTo(5 / 3, 14);
    expect(variance(v, null, false, 0).item()).toBeCloseTo(1.25, 14);
    expect(std(v).item()).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(logsumexp(f64([1000, 1000])).item()).toBeCloseTo(1000 + Math.LN2, 10);
    close(logsumexp(f64([[0, 0], [1, 2]]), 1), [Math.LN2, Math.log(Math.E + Math.E ** 2)]);
    expect(logsumexp(f64([[0, 0]]), 1, true).shape).toEqual([1, 1]);
    expect(flat(logsumexp(f64([[-Infinity, -Infinity], [-Infinity, 0], [Infinity, 0]]), 1))).toEqual([-Infinity, 0, Infinity]);
    expect(norm(zeros([3], { dtype: 'float64' })).item()).toBe(0);
    expect(norm(f64([3, 4])).item()).toBe(5);
    expect(norm(f64([3, -4]), 1).item()).toBe(7);
    expect(norm(f64([3, -4]), Infinity).item()).toBe(4);
    expect(norm(f64([1, 2, 2]), 3).item()).toBeCloseTo(17 ** (1 / 3), 14);
  });
});

describe('shape ops', () => {
  it('reshape, permute, expand, squeeze, unsqueeze, transpose, flatten', () => {
    const x = iota([2, 3]);
    expect(reshape(x, [3, -1]).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(permute(x, [1, 0]).toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(transpose(iota([2, 1, 3]), 0, 2).shape).toEqual([3, 1, 2]);
    expect(x.T.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(expand(f64([1, 2]), [2, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(squeeze(iota([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(iota([1, 3, 1]), -1).shape).toEqual([1, 3]);
    expect(unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(flatten(iota([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(flatten(iota([2, 3, 4])).shape).toEqual([24]);
    expect(sumToShape(ones([2, 3, 4], { dtype: 'float64' }), [3, 1]).toArray()).toEqual([[8], [8], [8]]);
  });
  it('permute with axes that stay adjacent (merged) and long contiguous rows (block copies)', () => {
    // every element against its index formula: out[i₀, i₁, …] = x[i_{perm⁻¹}…]
    const check = (shape: number[], perm: number[]): void => {
      const x = iota(shape), y = permute(x, perm);
      const xs = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
      const ys = y.shape, n = ys.reduce((a, b) => a * b, 1), yd = y.data;
      for (let f = 0; f < n; f++) {
        let r = f, src = 0;
        for (let d = ys.length - 1; d >= 0; d--) { const i = r % ys[d]!; r = (r - i) / ys[d]!; src += i * xs[perm[d]!]!; }
        if (yd[f] !== src) throw new Error(`permute ${shape} by ${perm}: element ${f} is ${yd[f]}, expected ${src}`);
      }
    };
    check([4, 3, 2, 2, 5, 5], [0, 2, 1, 3, 4, 5]); // the steerable filter's block swap: rows of 50
    check([2, 3, 4, 70], [1, 0, 2, 3]); // rows of 280 floats: block copies
    check([3, 4, 5, 6], [2, 3, 0, 1]); // two merged pairs: a 2-D transpose
    check([2, 3, 4], [0, 1, 2]); // identity
    check([5, 2, 3, 4], [3, 1, 2, 0]); // a merged middle pair, strided rows
  });
  it('reshape shares storage; clone copies; detach shares', () => {
    const x = iota([2, 2]);
    const r = reshape(x, [4]);
    x.data[0] = 9;
    expect(r.data[0]).toBe(9);
    const c = clone(x);
    x.data[1] = 8;
    expect(c.data[1]).toBe(1);
    expect(detach(x).data).toBe(x.data);
  });
  it('slice: indices drop axes, ranges, steps, negative indices and steps (Python semantics)', () => {
    const v = iota([6]);
    const s = (spec: [number | null, number | null, number | null]): number[] => flat(slice(v, [spec]));
    expect(s([1, 4, null])).toEqual([1, 2, 3]);
    expect(s([null, null, 2])).toEqual([0, 2, 4]);
    expect(s([null, null, -1])).toEqual([5, 4, 3, 2, 1, 0]);
    expect(s([-2, null, null])).toEqual([4, 5]);
    expect(s([null, -2, null])).toEqual([0, 1, 2, 3]);
    expect(s([4, 1, -1])).toEqual([4, 3, 2]);
    expect(s([4, null, -2])).toEqual([4, 2, 0]);
    expect(s([-1, -4, -1])).toEqual([5, 4, 3]);
    expect(s([10, -10, -1])).toEqual([5, 4, 3, 2, 1, 0]);
    expect(s([-10, 10, 1])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s([3, 1, null])).toEqual([]);
    expect(s([1, 3, -1])).toEqual([]);
    expect(s([5, -1, -1])).toEqual([]); // end −1 means the last element, as in Python
    const m = iota([3, 4]);
    expect(slice(m, [1]).toArray()).toEqual([4, 5, 6, 7]);
    expect(slice(m, [-1, -1]).shape).toEqual([]);
    expect(slice(m, [-1, -1]).item()).toBe(11);
    expect(slice(m, [null, [null, null, -2]]).toArray()).toEqual([[3, 1], [7, 5], [11, 9]]);
    expect(m.slice([[0, 2], 2]).toArray()).toEqual([2, 6]);
  });
  it('pad', () => {
    expect(pad(f64([[1, 2]]), [[1, 0], [0, 2]]).toArray()).toEqual([[0, 0, 0, 0], [1, 2, 0, 0]]);
    expect(pad(f64([1, 2]), [[1, 1]], -1).toArray()).toEqual([-1, 1, 2, -1]);
  });
  it('concat, stack, split', () => {
    expect(concat([f64([[1, 2]]), f64([[3, 4], [5, 6]])]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(concat([f64([[1], [2]]), f64([[3], [4]])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([f64([1, 2]), f64([3, 4])]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(stack([f64([1, 2]), f64([3, 4])], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    const parts = split(iota([5]), 2);
    expect(parts.map((p) => flat(p))).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(iota([2, 3]), [1, 2], 1).map((p) => p.toArray())).toEqual([[[0], [3]], [[1, 2], [4, 5]]]);
  });
  it('flip and roll', () => {
    const m = iota([2, 3]);
    expect(flip(m, 1).toArray()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(flip(m, [0, 1]).toArray()).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(roll(iota([4]), 1, 0).toArray()).toEqual([3, 0, 1, 2]);
    expect(roll(iota([4]), -1, 0).toArray()).toEqual([1, 2, 3, 0]);
    expect(roll(iota([4]), 6, 0).toArray()).toEqual([2, 3, 0, 1]);
    expect(roll(m, [1, -1], [0, 1]).toArray()).toEqual([[4, 5, 3], [1, 2, 0]]);
  });
  it('repeat (torch semantics, extra leading dims)', () => {
    expect(repeat(f64([1, 2]), [2]).toArray()).toEqual([1, 2, 1, 2]);
    expect(repeat(f64([1, 2]), [2, 2]).toArray()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(repeat(f64([[1], [2]]), [1, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(repeat(f64([1, 2]), [0]).shape).toEqual([0]);
  });
});

describe('matrix products', () => {
  const a = f64([[1, 2, 3], [4, 5, 6]]);
  const b = f64([[1, 0], [0, 1], [1, 1]]);
  it('matmul 1-D/2-D, batched broadcast, transA/transB', () => {
    expect(matmul(a, b).toArray()).toEqual([[4, 5], [10, 11]]);
    expect(matmul(f64([1, 2, 3]), f64([4, 5, 6])).item()).toBe(32);
    expect(matmul(f64([1, 1]), a).toArray()).toEqual([5, 7, 9]);
    expect(matmul(a, f64([1, 0, 1])).toArray()).toEqual([4, 10]);
    expect(matmul(a, b, { transA: true, transB: true }).shape).toEqual([3, 3]);
    expect(matmul(b, a, { transA: true, transB: true }).toArray()).toEqual([[4, 10], [5, 11]]);
    expect(matmul(a, a, { transB: true }).toArray()).toEqual([[14, 32], [32, 77]]);
    expect(matmul(a, a, { transA: true }).toArray()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    const batch = stack([a, mul(a, 2)]); // [2,2,3]
    const r = matmul(batch, b); // b broadcasts
    expect(r.shape).toEqual([2, 2, 2]);
    expect(r.toArray()).toEqual([[[4, 5], [10, 11]], [[8, 10], [20, 22]]]);
    expect(matmul(ones([3, 1, 2, 4]), ones([2, 4, 5])).shape).toEqual([3, 2, 2, 5]);
    expect(matmul(a, zeros([3, 0], { dtype: 'float64' })).shape).toEqual([2, 0]);
    expect(matmul(zeros([2, 0], { dtype: 'float64' }), zeros([0, 3], { dtype: 'float64' })).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
  it('outer, kron, diag, trace', () => {
    expect(outer(f64([1, 2]), f64([3, 4, 5])).toArray()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(kron(f64([[1, 2]]), f64([[1], [10]])).toArray()).toEqual([[1, 2], [10, 20]]);
    expect(kron(eye(2, 2, { dtype: 'float64' }), f64([[1, 2], [3, 4]])).toArray()).toEqual([[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]);
    expect(diag(f64([1, 2])).toArray()).toEqual([[1, 0], [0, 2]]);
    expect(diag(iota([3, 3])).toArray()).toEqual([0, 4, 8]);
    expect(diag(iota([2, 3])).toArray()).toEqual([0, 4]);
    expect(traceOf(iota([3, 3])).item()).toBe(12);
  });
  it('einsum: explicit, implicit, diagonal, trace, ellipsis, three operands', () => {
    const m = iota([3, 3]);
    expect(einsum('ii->i', [m]).toArray()).toEqual([0, 4, 8]);
    expect(einsum('ii->', [m]).item()).toBe(12);
    expect(einsum('ii', [m]).item()).toBe(12); // implicit: repeated index summed
    expect(einsum('ij->ji', [a]).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(einsum('ba', [a]).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]); // implicit output 'ab'
    expect(einsum('ij,jk', [a, b]).toArray()).toEqual([[4, 5], [10, 11]]);
    expect(einsum('ij->', [a]).item()).toBe(21);
    expect(einsum('ij->j', [a]).toArray()).toEqual([5, 7, 9]);
    expect(einsum('i,i', [f64([1, 2]), f64([3, 4])]).item()).toBe(11);
    expect(einsum('i,j', [f64([1, 2]), f64([3, 4])]).toArray()).toEqual([[3, 4], [6, 8]]);
    expect(einsum('ij,ij->ij', [a, a]).toArray()).toEqual([[1, 4, 9], [16, 25, 36]]);
    const bt = stack([a, mul(a, 2)]);
    expect(einsum('bij,jk->bik', [bt, b]).toArray()).toEqual([[[4, 5], [10, 11]], [[8, 10], [20, 22]]]);
    expect(einsum('...ij->...ji', [bt]).shape).toEqual([2, 3, 2]);
    expect(einsum('ij,jk,kl->il', [a, b, f64([[1, 0], [0, 2]])]).toArray()).toEqual([[4, 10], [10, 22]]);
    expect(einsum('i,i,i->', [f64([1, 2]), f64([3, 4]), f64([5, 6])]).item()).toBe(63);
    expect(einsum(' i j -> j i ', [a]).shape).toEqual([3, 2]);
  });
});

describe('indexing', () => {
  const x = iota([3, 2]);
  it('indexSelect / indexAdd (duplicates accumulate, negative indices)', () => {
    expect(indexSelect(x, 0, [2, 0, -1]).toArray()).toEqual([[4, 5], [0, 1], [4, 5]]);
    expect(indexSelect(x, 1, indices([1])).toArray()).toEqual([[1], [3], [5]]);
    expect(indexAdd(zeros([3], { dtype: 'float64' }), 0, [0, 2, 0], f64([1, 2, 3])).toArray()).toEqual([4, 0, 2]);
  });
  it('takeAlongAxis / scatterAdd (torch gather / scatter_add)', () => {
    expect(takeAlongAxis(x, 1, indices([1, 0, 0, 0, 1, 1], [3, 2])).toArray()).toEqual([[1, 0], [2, 2], [5, 5]]);
    expect(takeAlongAxis(x, 0, indices([2, 0], [1, 2])).toArray()).toEqual([[4, 1]]);
    expect(scatterAdd(zeros([2, 3], { dtype: 'float64' }), 1, indices([0, 0, 2, 1], [2, 2]), f64([[1, 2], [3, 4]])).toArray()).toEqual([[3, 0, 0], [0, 4, 3]]);
  });
});

describe('segment ops (unsorted ids, empty segments)', () => {
  const data = f64([[1, 10], [2, 20], [3, 30], [4, 40]]);
  const ids = [2, 0, 2, 0]; // segment 1 empty, segment 3 empty
  it('segmentSum / segmentMean', () => {
    expect(segmentSum(data, ids, 4).toArray()).toEqual([[6, 60], [0, 0], [4, 40], [0, 0]]);
    expect(segmentMean(data, ids, 4).toArray()).toEqual([[3, 30], [0, 0], [2, 20], [0, 0]]);
    expect(segmentSum(data, [0, 0, 1, 1], 2, { sorted: true }).toArray()).toEqual([[3, 30], [7, 70]]);
    expect(segmentSum(zeros([0, 2], { dtype: 'float64' }), [], 2).toArray()).toEqual([[0, 0], [0, 0]]);
  });
  it('segmentMax / segmentMin give 0 for empty segments', () => {
    expect(segmentMax(data, ids, 4).toArray()).toEqual([[4, 40], [0, 0], [3, 30], [0, 0]]);
    expect(segmentMin(data, ids, 4).toArray()).toEqual([[2, 20], [0, 0], [1, 10], [0, 0]]);
    expect(segmentMax(f64([[-5], [-3]]), [0, 0], 1).toArray()).toEqual([[-3]]);
  });
  it('segmentSoftmax normalises within segments', () => {
    const s = segmentSoftmax(f64([0, Math.LN2, 5, 1000]), [1, 1, 0, 3], 4);
    close(s, [1 / 3, 2 / 3, 1, 1]);
  });
  it('gradients of the segment ops route to the right rows', () => {
    const x = tensor([[1], [5], [3]], { dtype: 'float64', requiresGrad: true });
    sum(segmentMax(x, [0, 0, 1], 3)).backward();
    expect(x.grad!.toArray()).toEqual([[0], [1], [1]]);
    const y = tensor([[1], [5], [3]], { dtype: 'float64', requiresGrad: true });
    sum(mul(segmentMean(y, [0, 0, 1], 3), f64([[1], [2], [3]]))).backward();
    expect(y.grad!.toArray()).toEqual([[0.5], [0.5], [2]]);
  });
});

describe('convolution and pooling', () => {
  const x = iota([1, 1, 4, 4]);
  it('conv2d: window sums, stride, padding, bias, groups', () => {
    const w = ones([1, 1, 2, 2], { dtype: 'float64' });
    expect(conv2d(x, w).toArray()).toEqual([[[[10, 14, 18], [26, 30, 34], [42, 46, 50]]]]);
    expect(conv2d(x, w, f64([1]), { stride: 2 }).toArray()).toEqual([[[[11, 19], [43, 51]]]]);
    expect(conv2d(x, w, null, { padding: 1 }).shape).toEqual([1, 1, 5, 5]);
    expect(conv2d(x, w, null, { padding: 1 }).data[0]).toBe(0);
    expect(conv2d(x, w, null, { dilation: 2 }).toArray()).toEqual([[[[20, 24], [36, 40]]]]);
    const x2 = concat([x, mul(x, 10)], 1); // [1,2,4,4]
    const wg = ones([2, 1, 1, 1], { dtype: 'float64' });
    expect(flat(conv2d(x2, wg, null, { groups: 2 }))).toEqual(flat(x2));
  });
  it('conv1d and convTranspose2d', () => {
    expect(conv1d(f64([[[1, 2, 3, 4]]]), f64([[[1, -1]]])).toArray()).toEqual([[[-1, -1, -1]]]);
    const y = convTranspose2d(f64([[[[1, 2], [3, 4]]]]), ones([1, 1, 2, 2], { dtype: 'float64' }), null, { stride: 2 });
    expect(y.toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    const z = convTranspose2d(f64([[[[1, 2], [3, 4]]]]), ones([1, 1, 2, 2], { dtype: 'float64' }));
    expect(z.toArray()).toEqual([[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]);
    expect(convTranspose2d(ones([1, 1, 3, 3]), ones([1, 2, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape).toEqual([1, 2, 6, 6]);
  });
  it('maxPool2d, avgPool2d (countIncludePad), global pooling', () => {
    expect(maxPool2d(x, 2).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(maxPool2d(x, 3, { stride: 1, padding: 1 }).shape).toEqual([1, 1, 4, 4]);
    expect(maxPool2d(neg(x), 2, { padding: 1 }).toArray()).toEqual([[[[-0, -1, -3], [-4, -5, -7], [-12, -13, -15]]]]);
    expect(avgPool2d(x, 2).toArray()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    expect(avgPool2d(x, 2, { padding: 1 }).data[0]).toBe(0 / 4);
    expect(avgPool2d(add(x, 1), 2, { padding: 1 }).data[0]).toBe(1 / 4);
    expect(avgPool2d(add(x, 1), 2, { padding: 1, countIncludePad: false }).data[0]).toBe(1);
    expect(avgPool2d(add(x, 1), 2, { padding: 1, countIncludePad: false }).data[1]).toBe(2.5);
    expect(globalAvgPool2d(x).toArray()).toEqual([[7.5]]);
    expect(globalMaxPool2d(x).toArray()).toEqual([[15]]);
  });
});

describe('nn functions and losses', () => {
  it('softmax / logSoftmax (stable for large inputs)', () => {
    close(softmax(f64([0, Math.LN2])), [1 / 3, 2 / 3]);
    close(softmax(f64([1000, 1000 + Math.LN2])), [1 / 3, 2 / 3]);
    close(softmax(f64([[0, 0], [0, Math.LN2]]), 0), [0.5, 1 / 3, 0.5, 2 / 3]);
    close(logSoftmax(f64([0, Math.LN2])), [Math.log(1 / 3), Math.log(2 / 3)]);
    close(logSoftmax(f64([-1000, 0])), [-1000, 0]);
  });
  it('layerNorm and batchNorm (running statistics)', () => {
    close(layerNorm(f64([[1, 3]]), [2], null, null, 0), [-1, 1]);
    close(layerNorm(f64([[1, 3]]), [2], f64([2, 3]), f64([1, 1]), 0), [-1, 4]);
    const rm = zeros([2], { dtype: 'float64' }), rv = ones([2], { dtype: 'float64' });
    const xb = f64([[1, 10], [3, 30]]);
    close(batchNorm(xb, rm, rv, null, null, { eps: 0 }), [-1, -1, 1, 1]);
    close(rm, [0.2, 2]); // 0.9·0 + 0.1·mean
    close(rv, [0.9 + 0.1 * 2, 0.9 + 0.1 * 200]); // unbiased variance
    close(batchNorm(f64([[0.2, 2]]), rm, rv, null, null, { training: false, eps: 0 }), [0, 0]);
  });
  it('dropout: fixed rng → fixed mask, scaled survivors; identity in eval', () => {
    const x = ones([1000], { dtype: 'float64' });
    const a = dropout(x, 0.3, new Rng(5));
    const b = dropout(x, 0.3, new Rng(5));
    expect(flat(a)).toEqual(flat(b));
    const kept = flat(a).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-15)).toBe(true);
    expect(Math.abs(kept.length / 1000 - 0.7)).toBeLessThan(0.05);
    expect(dropout(x, 0.3, new Rng(5), false)).toBe(x);
    expect(dropout(x, 0, new Rng(5))).toBe(x);
  });
  it('regression losses', () => {
    const p = f64([1, 2, 4]), t = f64([1, 0, 1]);
    expect(mseLoss(p, t).item()).toBeCloseTo(13 / 3, 14);
    expect(mseLoss(p, t, 'sum').item()).toBe(13);
    expect(mseLoss(p, t, 'none').toArray()).toEqual([0, 4, 9]);
    expect(l1Loss(p, t).item()).toBeCloseTo(5 / 3, 14);
    expect(huberLoss(f64([0.5, 3]), f64([0, 0]), 1, 'none').toArray()).toEqual([0.125, 2.5]);
  });
  it('crossEntropy / nllLoss (indices, probabilities, smoothing, weight, ignoreIndex)', () => {
    const logits = f64([[0, Math.LN2], [0, 0]]);
    // p = [1/3, 2/3] and [1/2, 1/2]
    expect(crossEntropy(logits, [1, 0]).item()).toBeCloseTo((Math.log(3 / 2) + Math.LN2) / 2, 14);
    expect(crossEntropy(logits, [1, 0], { reduction: 'none' }).data[0]).toBeCloseTo(Math.log(3 / 2), 14);
    expect(crossEntropy(logits, [1, -100], { reduction: 'mean' }).item()).toBeCloseTo(Math.log(3 / 2), 14);
    expect(crossEntropy(logits, f64([[0, 1], [1, 0]])).item()).toBeCloseTo((Math.log(3 / 2) + Math.LN2) / 2, 14);
    expect(nllLoss(logSoftmax(logits), [1, 0]).item()).toBeCloseTo((Math.log(3 / 2) + Math.LN2) / 2, 14);
    // weights: mean divides by the sum of the target weights
    expect(crossEntropy(logits, [1, 0], { weight: f64([1, 3]) }).item()).toBeCloseTo((3 * Math.log(3 / 2) + Math.LN2) / 4, 14);
  });
  it('crossEntropy with weight and label smoothing matches PyTorch 1.13', () => {
    // torch.nn.functional.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=…) in float64
    const x = f64([[0.1, 0.5, -0.3, 1.2], [1.0, -1.0, 0.2, 0.3], [0.4, 0.4, -2.0, 0.0]]);
    const w = f64([0.5, 2, 1, 3]);
    expect(crossEntropy(x, [2, 0, 1], { weight: w, labelSmoothing: 0.2 }).item()).toBeCloseTo(1.4836952404487898, 13);
    expect(crossEntropy(x, [2, 0, 1], { weight: w, labelSmoothing: 0.2, reduction: 'sum' }).item()).toBeCloseTo(5.192933341570765, 13);
    close(crossEntropy(x, [2, 0, 1], { weight: w, labelSmoothing: 0.2, reduction: 'none' }), [2.181488319441352, 0.8764021328334675, 2.1350428892959443], 13);
    expect(crossEntropy(x, [2, -100, 1], { weight: w, labelSmoothing: 0.2 }).item()).toBeCloseTo(1.4388437362457653, 13);
    expect(crossEntropy(x, [2, -100, 1], { labelSmoothing: 0.2 }).item()).toBeCloseTo(1.619853712065233, 13);
    close(crossEntropy(x, [2, -100, 1], { labelSmoothing: 0.2, reduction: 'none' }), [2.084100728392313, 0, 1.155606695738153], 13);
  });
  it('bceWithLogits (stable, posWeight)', () => {
    const sp = (v: number): number => Math.log1p(Math.exp(v));
    close(bceWithLogits(f64([0, 2]), f64([1, 0]), { reduction: 'none' }), [Math.LN2, sp(2)]);
    close(bceWithLogits(f64([-1000, 1000]), f64([0, 1]), { reduction: 'none' }), [0, 0]);
    close(bceWithLogits(f64([0.5]), f64([1]), { posWeight: 3, reduction: 'none' }), [3 * sp(-0.5)]);
  });
});

describe('dtype preservation', () => {
  it('float64 stays float64 through every op family', () => {
    const x = f64([[0.5, 1.5], [2, 3]]);
    const outs: Tensor[] = [
      add(x, 1), mul(2, x), exp(x), sum(x), mean(x, 0), max(x, 1), variance(x), logsumexp(x), norm(x), softmax(x), logSoftmax(x),
      matmul(x, x), einsum('ij,jk->ik', [x, x]), slice(x, [[null, null, -1]]), pad(x, [[1, 1]]), concat([x, x]), roll(x, 1, 0),
      indexSelect(x, 0, [1]), segmentSum(x, [0, 0], 1), where(gt(x, 1), x, 0), clamp(x, 0, 1), layerNorm(x, [2]),
      conv2d(reshape(x, [1, 1, 2, 2]), reshape(x, [1, 1, 2, 2])), maxPool2d(reshape(x, [1, 1, 2, 2]), 2), avgPool2d(reshape(x, [1, 1, 2, 2]), 2),
      mseLoss(x, x), crossEntropy(x, [0, 1]), bceWithLogits(x, x), dropout(x, 0.5, new Rng(0)), outer(f64([1]), f64([2])),
      cast(cast(x, 'float32'), 'float64'), uniform(new Rng(0), [2], 0, 1, { dtype: 'float64' }),
    ];
    for (const [i, o] of outs.entries()) {
      expect(o.dtype, `output ${i}`).toBe('float64');
      expect(o.data, `output ${i}`).toBeInstanceOf(Float64Array);
    }
    const g = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    sum(mul(g, g)).backward();
    expect(g.grad!.dtype).toBe('float64');
  });
  it('float32 stays float32; cast converts (truncating to int32)', () => {
    const x = tensor([1.7, -1.7]);
    expect(exp(x).dtype).toBe('float32');
    expect(matmul(x, x).dtype).toBe('float32');
    const i = cast(x, 'int32');
    expect(i.dtype).toBe('int32');
    expect(flat(i)).toEqual([1, -1]);
    expect(cast(x, 'float64').data[0]).toBeCloseTo(1.7, 6);
  });
});
