/**
 * Regression: the float32 conv2d weight gradient handed its per-batch chunks to the worker pool with
 * per-thread scratch for one thread when the call was below the threading threshold; a worker then
 * wrote past the arena and trapped in about half of the calls of a fresh process. Its own file, so
 * it runs in a fresh process with a small arena, where the bug showed.
 */
import { describe, expect, it } from 'vitest';
import { cpuBackend, jsBackend, type KernelTensor } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';
describe('conv2d weight gradient below the threading threshold', () => {
  it('runs its per-batch chunks on this thread only (scratch for one thread), call after call', () => {
    // regression: several chunks handed to the pool with scratch for one thread made a worker trap
    // in about half of these calls (N = 2 images → 2 chunks, work far below the threshold)
    const be = cpuBackend; // the default backend, with the worker pool
    const rng = new Rng(11);
    const x: KernelTensor = { data: Float32Array.from({ length: 2 * 3 * 5 * 41 }, () => rng.normal()), shape: [2, 3, 5, 41], dtype: 'float32' };
    const gy: KernelTensor = { data: Float32Array.from({ length: 2 * 2 * 7 * 42 }, () => rng.normal()), shape: [2, 2, 7, 42], dtype: 'float32' };
    const attrs = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };
    const ref = new Float32Array(2 * 3 * 3 * 4), out = new Float32Array(ref.length);
    jsBackend.kernels.conv2dGradWeight!([x, gy], [{ data: ref, shape: [2, 3, 3, 4], dtype: 'float32' }], attrs);
    for (let i = 0; i < 40; i++) {
      out.fill(NaN);
      be.kernels.conv2dGradWeight!([x, gy], [{ data: out, shape: [2, 3, 3, 4], dtype: 'float32' }], attrs);
      for (let k = 0; k < ref.length; k++) expect(Math.abs(out[k]! - ref[k]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[k]!)));
    }
  });
});
