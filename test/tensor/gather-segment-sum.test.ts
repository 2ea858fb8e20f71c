import { describe, expect, it } from 'vitest';
import { gatherSegmentSum, indexSelect, indices, randn, segmentSum, tensor, IndexError } from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { Rng } from '../../src/util/rng.js';
import { cpuBackend, jsBackend, setBackend } from '../../src/backend/index.js';

describe('gatherSegmentSum (fused message-passing sum)', () => {
  const rng = new Rng(4);
  const senders = indices([0, 2, 2, 4, 1, 3, 0]);
  const receivers = indices([1, 1, 0, 3, 3, 1, 4]); // segment 2 is empty
  it.each([['js', jsBackend.name], ['cpu', cpuBackend.name]])('equals segmentSum(indexSelect(x)) on the %s backend', (_n, name) => {
    setBackend(name);
    try {
      for (const F of [1, 3, 9, 17]) {
        const x = randn(rng, [5, F], { dtype: 'float64' });
        const want = segmentSum(indexSelect(x, 0, senders), receivers, 6);
        const got = gatherSegmentSum(x, senders, receivers, 6);
        expect(got.shape).toEqual([6, F]);
        const d = got.sub(want).abs().max().item();
        expect(d).toBeLessThan(1e-14);
      }
    } finally {
      setBackend('cpu');
    }
  });
  it('float64 gradcheck; the gradient is the op with roles swapped', () => {
    const x = randn(rng, [5, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((t) => gatherSegmentSum(t, senders, receivers, 6), [x]).ok).toBe(true);
  });
  it('edgeless graphs and float32', () => {
    const x = randn(rng, [4, 2]);
    const y = gatherSegmentSum(x, [], [], 3);
    expect(y.toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(gatherSegmentSum(tensor([[1], [2]]), [1, 1, 0], [0, 0, 1], 2).toArray()).toEqual([[4], [1]]);
  });
  it('names bad indices', () => {
    const x = randn(rng, [3, 2]);
    expect(() => gatherSegmentSum(x, [0, 5], [0, 1], 2)).toThrow(IndexError);
    expect(() => gatherSegmentSum(x, [0, 1], [0, 9], 2)).toThrow(/gatherSegmentSum/);
  });
});
