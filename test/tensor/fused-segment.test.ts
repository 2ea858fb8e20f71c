/**
 * The fused message-passing primitives: weighted gather-sum (SpMM), gatherDot (SDDMM) and the
 * segment softmax, against their unfused compositions, on every CPU backend, with edge cases and
 * named errors.
 */
import { describe, expect, it } from 'vitest';
import {
  gatherDot, gatherSegmentWeightedSum, indexSelect, indices, mul, randn, reshape, segmentMax, segmentSoftmax, segmentSum,
  sum, tensor, exp, sub, div, IndexError, ShapeError, ValueError, backward, fromData,
} from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';
import { cpuBackend, jsBackend, setBackend } from '../../src/backend/index.js';

const backends = [['js', jsBackend.name], ['cpu', cpuBackend.name]] as const;
const senders = indices([0, 2, 2, 4, 1, 3, 0]);
const receivers = indices([1, 1, 0, 3, 3, 1, 4]); // segment 2 is empty

function onBackend(name: string, f: () => void): void {
  setBackend(name);
  try { f(); } finally { setBackend('cpu'); }
}
const maxDiff = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => a.sub(b).abs().max().item();

describe('gatherSegmentWeightedSum (SpMM)', () => {
  const rng = new Rng(7);
  it.each(backends)('equals segmentSum(indexSelect(x) · w) on the %s backend (scalar and per-head weights)', (_n, name) => onBackend(name, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const tol = dtype === 'float64' ? 1e-14 : 1e-5;
      for (const F of [1, 3, 8, 17, 64]) {
        const x = randn(rng, [5, F], { dtype });
        const w = randn(rng, [7], { dtype });
        const want = segmentSum(mul(indexSelect(x, 0, senders), reshape(w, [7, 1])), receivers, 6);
        expect(maxDiff(gatherSegmentWeightedSum(x, w, senders, receivers, 6), want)).toBeLessThan(tol);
        expect(maxDiff(gatherSegmentWeightedSum(x, reshape(w, [7, 1]), senders, receivers, 6), want)).toBeLessThan(tol);
      }
      const xh = randn(rng, [5, 3, 4], { dtype }), wh = randn(rng, [7, 3], { dtype });
      const want = segmentSum(mul(indexSelect(xh, 0, senders), reshape(wh, [7, 3, 1])), receivers, 6);
      const got = gatherSegmentWeightedSum(xh, wh, senders, receivers, 6);
      expect(got.shape).toEqual([6, 3, 4]);
      expect(maxDiff(got, want)).toBeLessThan(tol);
    }
  }));
  it('gradients equal those of the unfused composition', () => {
    const x = randn(rng, [5, 2, 3], { dtype: 'float64', requiresGrad: true });
    const w = randn(rng, [7, 2], { dtype: 'float64', requiresGrad: true });
    const g = randn(rng, [6, 2, 3], { dtype: 'float64' });
    backward(sum(mul(gatherSegmentWeightedSum(x, w, senders, receivers, 6), g)));
    const gx = x.grad!, gw = w.grad!;
    x.grad = null; w.grad = null;
    backward(sum(mul(segmentSum(mul(indexSelect(x, 0, senders), reshape(w, [7, 2, 1])), receivers, 6), g)));
    expect(maxDiff(gx, x.grad!)).toBeLessThan(1e-14);
    expect(maxDiff(gw, w.grad!)).toBeLessThan(1e-14);
  });
  it('edgeless graphs give zeros', () => {
    expect(gatherSegmentWeightedSum(randn(rng, [4, 2]), fromData(new Float32Array(0), [0]), [], [], 3).toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
  });
  it('names bad shapes and indices', () => {
    const x = randn(rng, [3, 2]);
    expect(() => gatherSegmentWeightedSum(x, randn(rng, [3]), [0, 5], [0, 1], 2)).toThrow(/weights \[3\] must be \[E\] or \[E, H\] with E = 2/);
    expect(() => gatherSegmentWeightedSum(x, randn(rng, [2, 3]), [0, 1], [0, 1], 2)).toThrow(/3 heads, so x \[3,2\] must be \[R, 3, …\]/);
    expect(() => gatherSegmentWeightedSum(x, randn(rng, [2], { dtype: 'float64' }), [0, 1], [0, 1], 2)).toThrow(ShapeError);
    expect(() => gatherSegmentWeightedSum(x, randn(rng, [2]), [0, 5], [0, 1], 2)).toThrow(IndexError);
    expect(() => gatherSegmentWeightedSum(x, randn(rng, [2]), [0, 1], [0, 9], 2)).toThrow(/gatherSegmentWeightedSum: segment id 9/);
  });
});

describe('gatherDot (SDDMM)', () => {
  const rng = new Rng(8);
  it.each(backends)('equals sum(a[ia] · b[ib]) on the %s backend', (_n, name) => onBackend(name, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const tol = dtype === 'float64' ? 1e-13 : 1e-5;
      for (const F of [1, 4, 7, 64]) {
        const a = randn(rng, [6, F], { dtype }), b = randn(rng, [5, F], { dtype });
        const want = sum(mul(indexSelect(a, 0, receivers), indexSelect(b, 0, senders)), [1], true);
        const got = gatherDot(a, b, receivers, senders);
        expect(got.shape).toEqual([7, 1]);
        expect(maxDiff(got, want)).toBeLessThan(tol * Math.sqrt(F));
      }
      const a = randn(rng, [6, 2, 5], { dtype }), b = randn(rng, [5, 2, 5], { dtype });
      const want = sum(mul(indexSelect(a, 0, receivers), indexSelect(b, 0, senders)), [2]);
      expect(maxDiff(gatherDot(a, b, receivers, senders, { heads: 2 }), want)).toBeLessThan(tol * 3);
    }
  }));
  it('names bad shapes, heads and indices', () => {
    const a = randn(rng, [3, 4]), b = randn(rng, [3, 5]);
    expect(() => gatherDot(a, b, [0], [0])).toThrow(/rows of a \[3,4\] and b \[3,5\]/);
    expect(() => gatherDot(a, a, [0], [0, 1])).toThrow(/ia \[1\] and ib \[2\]/);
    expect(() => gatherDot(a, a, [0], [0], { heads: 0 })).toThrow(ValueError);
    expect(() => gatherDot(a, a, [0], [0], { heads: 2 })).toThrow(/2 heads/);
    expect(() => gatherDot(a, a, [0], [7])).toThrow(IndexError);
  });
});

describe('segmentSoftmax (fused primitive)', () => {
  const rng = new Rng(9);
  it.each(backends)('equals exp(x − max) / Σ exp on the %s backend, per column, unsorted ids', (_n, name) => onBackend(name, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const tol = dtype === 'float64' ? 1e-15 : 1e-6;
      for (const shape of [[7], [7, 1], [7, 3], [7, 2, 9]]) {
        const x = randn(rng, shape, { dtype }).mul(4);
        const m = indexSelect(segmentMax(x, receivers, 6), 0, receivers);
        const e = exp(sub(x, m));
        const want = div(e, indexSelect(segmentSum(e, receivers, 6), 0, receivers));
        expect(maxDiff(segmentSoftmax(x, receivers, 6), want)).toBeLessThan(tol);
      }
    }
  }));
  it.each(backends)('−∞ scores get weight 0, large scores do not overflow, NaN stays in its segment (%s)', (_n, name) => onBackend(name, () => {
    const x = tensor([-Infinity, 0, 1000, 999, NaN, 2, -Infinity]);
    const ids = [0, 0, 1, 1, 2, 3, 3];
    const y = segmentSoftmax(x, ids, 4).toArray() as number[];
    expect(y[0]).toBe(0);
    expect(y[1]).toBe(1);
    expect(y[2]! + y[3]!).toBeCloseTo(1, 6);
    expect(y[2]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(Number.isNaN(y[4]!)).toBe(true);
    expect([y[5], y[6]]).toEqual([1, 0]);
  }));
  it('names bad ids and unsorted ids declared sorted', () => {
    expect(() => segmentSoftmax(tensor([1, 2]), [0, 3], 2)).toThrow(IndexError);
    expect(() => segmentSoftmax(tensor([1, 2]), [1, 0], 2, { sorted: true })).toThrow(ValueError);
    expect(() => segmentSoftmax(tensor([1, 2]), [0], 2)).toThrow(/segmentSoftmax: ids \[1\] must be 1-D with one id per row of data \[2\]/);
  });
});
