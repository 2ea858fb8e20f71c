/**
 * The eager buffer pool (src/tensor/buffer-pool.ts): a backward pass returns the storage of its
 * dead temporaries; eager ops take it back. Checked: results bit-identical with the pool on and
 * off; fewer fresh arrays per step; gradients handed to the user (leaves' .grad, grad()'s results,
 * views of temporaries, tensors a hook kept) are never recycled — and the integrity check used for
 * that is shown to catch a recycled gradient; pooled outputs of accumulating kernels are zeroed;
 * the bound and its errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  add, allocationStats, backward, bufferPoolStats, clearBufferPool, grad, indexAdd, matmul, mul, randn, relu, reshape, resetAllocationStats,
  resetBufferPoolStats, setBufferPoolLimit, bufferPoolLimit, sigmoid, sum, tanh, type Tensor, noGrad, norm, groupNorm, kron, mseLoss,
} from '../../src/tensor/index.js';
import { retainStorage, trackFresh } from '../../src/tensor/engine.js';
import { releaseBuffer } from '../../src/tensor/buffer-pool.js';
import { Rng } from '../../src/util/rng.js';
import { ValueError } from '../../src/util/errors.js';

const DEFAULT = bufferPoolLimit();
beforeEach(() => { clearBufferPool(); resetBufferPoolStats(); setBufferPoolLimit(DEFAULT); });
afterEach(() => { clearBufferPool(); setBufferPoolLimit(DEFAULT); });

/** A two-layer MLP step on [256, 128] f32 activations (128 KiB arrays: poolable); returns the loss and the params' gradients. */
function mlpStep(seed: number): { loss: number; grads: Float32Array[]; params: Tensor[] } {
  const rng = new Rng(seed);
  const x = randn(rng, [256, 128], { dtype: 'float32' });
  const w1 = randn(rng, [128, 128], { dtype: 'float32', requiresGrad: true });
  const w2 = randn(rng, [128, 128], { dtype: 'float32', requiresGrad: true });
  const h = tanh(matmul(x, w1));
  const y = sigmoid(matmul(relu(h), w2));
  const loss = sum(mul(y, y));
  backward(loss);
  return { loss: loss.item(), grads: [w1, w2].map((p) => (p.grad!.data as Float32Array).slice()), params: [w1, w2] };
}

describe('eager buffer pool', () => {
  it('recycles a backward pass\'s temporaries; the next step reuses them; results are bit-identical with the pool off', () => {
    setBufferPoolLimit(0);
    const off = [mlpStep(1), mlpStep(2)];
    setBufferPoolLimit(DEFAULT);
    resetAllocationStats();
    const first = mlpStep(1);
    const freshFirst = allocationStats().count;
    expect(bufferPoolStats().released).toBeGreaterThan(3);
    expect(bufferPoolStats().pooledBytes).toBeGreaterThan(0);
    resetAllocationStats();
    resetBufferPoolStats();
    const second = mlpStep(2);
    expect(bufferPoolStats().reused).toBeGreaterThan(3);
    expect(allocationStats().count).toBeLessThan(freshFirst);
    for (const [a, b] of [[off[0]!, first], [off[1]!, second]] as const) {
      expect(b.loss).toBe(a.loss);
      a.grads.forEach((g, i) => expect(Buffer.from(b.grads[i]!.buffer).equals(Buffer.from(g.buffer))).toBe(true));
    }
  });

  it('recycles within a pass: a deep chain reuses its own temporaries on the first backward', () => {
    const rng = new Rng(12);
    const x = randn(rng, [256, 256], { dtype: 'float32', requiresGrad: true });
    let y = x;
    for (let k = 0; k < 8; k++) y = tanh(mul(y, 1.1));
    backward(sum(y));
    const s = bufferPoolStats();
    expect(s.reused).toBeGreaterThan(4);
    expect(s.released).toBeGreaterThan(s.reused);
  });

  it('random DAGs with fan-out, shared gradients (add), views and matmuls: gradients bit-identical with the pool on and off', () => {
    const build = (seed: number): Float32Array[] => {
      const rng = new Rng(seed);
      const leaves = [0, 1, 2].map(() => randn(rng, [128, 128], { dtype: 'float32', requiresGrad: true }));
      const pool: Tensor[] = [...leaves];
      for (let k = 0; k < 24; k++) {
        const a = pool[rng.int(pool.length)]!, b = pool[rng.int(pool.length)]!;
        const pick = rng.int(6);
        const t = pick === 0 ? add(a, b) : pick === 1 ? mul(a, b) : pick === 2 ? tanh(a) : pick === 3 ? reshape(reshape(a, [16384]), [128, 128])
          : pick === 4 ? mul(matmul(a, b), 0.01) : add(a, a);
        pool.push(t);
      }
      backward(sum(add(pool[pool.length - 1]!, pool[pool.length - 2]!)));
      return leaves.map((l) => (l.grad ? (l.grad.data as Float32Array).slice() : new Float32Array(0)));
    };
    for (const seed of [21, 22, 23, 24, 25]) {
      setBufferPoolLimit(0);
      const off = build(seed);
      setBufferPoolLimit(DEFAULT);
      const on = build(seed);
      const again = build(seed); // now with a pool filled by the previous pass
      off.forEach((g, i) => {
        expect(Buffer.from(on[i]!.buffer).equals(Buffer.from(g.buffer))).toBe(true);
        expect(Buffer.from(again[i]!.buffer).equals(Buffer.from(g.buffer))).toBe(true);
      });
    }
  });

  it('never recycles a leaf\'s .grad: it survives later ops that reuse pooled storage', () => {
    const { params } = mlpStep(3);
    const saved = params.map((p) => (p.grad!.data as Float32Array).slice());
    // churn: ops whose outputs take every pooled array of the gradients' size and overwrite it
    const rng = new Rng(9);
    for (let k = 0; k < 20; k++) add(randn(rng, [128, 128], { dtype: 'float32' }), randn(rng, [128, 128], { dtype: 'float32' }));
    mlpStep(4);
    params.forEach((p, i) => expect(p.grad!.data).toEqual(saved[i]));
  });

  it('the integrity check above fails when a gradient is (wrongly) recycled', () => {
    const { params } = mlpStep(3);
    const saved = (params[0]!.grad!.data as Float32Array).slice();
    releaseBuffer(params[0]!.grad!.data); // what a broken pool would do
    const rng = new Rng(10);
    for (let k = 0; k < 4; k++) add(randn(rng, [128, 128], { dtype: 'float32' }), randn(rng, [128, 128], { dtype: 'float32' }));
    expect(params[0]!.grad!.data).not.toEqual(saved);
  });

  it('grad(): a result that is a view of a temporary keeps its storage', () => {
    const rng = new Rng(5);
    const x = randn(rng, [256, 256], { dtype: 'float32', requiresGrad: true });
    const c = randn(rng, [65536], { dtype: 'float32' });
    const loss = sum(mul(reshape(x, [65536]), c)); // x's gradient: reshape(c · 1), a view of mul's fresh output
    const [g] = grad(loss, x);
    expect(g!.data).toEqual(c.data);
    for (let k = 0; k < 6; k++) mul(randn(rng, [65536], { dtype: 'float32' }), 3);
    expect(g!.data).toEqual(c.data);
  });

  it('a pass in which a hook ran recycles nothing (a hook may keep what it sees)', () => {
    const rng = new Rng(6);
    const x = randn(rng, [256, 128], { dtype: 'float32', requiresGrad: true });
    const h = mul(x, 2);
    const seen: Tensor[] = [];
    h.registerHook((g) => { seen.push(g); return mul(g, 1); });
    backward(sum(tanh(h)));
    expect(bufferPoolStats().released).toBe(0);
    const kept = (seen[0]!.data as Float32Array).slice();
    for (let k = 0; k < 6; k++) add(randn(rng, [256, 128], { dtype: 'float32' }), 1);
    expect(seen[0]!.data).toEqual(kept);
  });

  it('createGraph passes recycle nothing (their gradients are part of a graph)', () => {
    const rng = new Rng(7);
    const x = randn(rng, [256, 128], { dtype: 'float64', requiresGrad: true });
    const [g] = grad(sum(mul(tanh(x), x)), x, { createGraph: true });
    expect(bufferPoolStats().released).toBe(0);
    expect(g!.requiresGrad).toBe(true);
  });

  it('pooled outputs of accumulating kernels are zeroed first', () => {
    const rng = new Rng(8);
    const src = randn(rng, [100, 512], { dtype: 'float32' });
    const idx = Array.from({ length: 100 }, (_, i) => i % 64);
    const base = randn(rng, [64, 512], { dtype: 'float32' });
    setBufferPoolLimit(0);
    const want = indexAdd(base, 0, idx, src).data;
    setBufferPoolLimit(DEFAULT);
    // fill the pool with garbage arrays of the output's size
    for (let k = 0; k < 3; k++) releaseBuffer(new Float32Array(64 * 512).fill(1e30));
    resetBufferPoolStats();
    const out = indexAdd(base, 0, idx, src);
    expect(bufferPoolStats().reused).toBe(1);
    expect(out.data).toEqual(want);
    expect(Math.max(...(out.data as Float32Array).subarray(0, 512))).toBeLessThan(1e3);
  });

  it('retainStorage keeps a tensor (or the tensor a view shares storage with) out of the recycled set', () => {
    const rng = new Rng(11);
    trackFresh((fresh) => {
      const a = relu(randn(rng, [128, 128], { dtype: 'float32' }));
      expect(fresh.set.has(a)).toBe(true);
      expect(fresh.retained.has(a.data)).toBe(false);
      retainStorage(reshape(a, [16384]));
      expect(fresh.retained.has(a.data)).toBe(true);
    });
  });

  it('composites under noGrad recycle their temporaries; results (and what they view) survive; bits unchanged', () => {
    const rng = new Rng(13);
    const x = randn(rng, [256, 256], { dtype: 'float32' }), y = randn(rng, [256, 256], { dtype: 'float32' });
    const a = randn(rng, [128, 1], { dtype: 'float32' }), b = randn(rng, [1, 512], { dtype: 'float32' });
    const run = (): Float32Array[] => noGrad(() => [norm(x, 2, -1), groupNorm(x, 4), mseLoss(x, y, 'none'), kron(a, b)].map((t) => t.data as Float32Array));
    setBufferPoolLimit(0);
    const off = run().map((d) => d.slice());
    setBufferPoolLimit(DEFAULT);
    resetBufferPoolStats();
    const on = run();
    expect(bufferPoolStats().released).toBeGreaterThanOrEqual(3); // norm's squares, groupNorm's centred input, mseLoss's difference
    const kept = on.map((d) => d.slice());
    for (let k = 0; k < 12; k++) add(randn(rng, [256, 256], { dtype: 'float32' }), 1); // take every pooled array
    mul(randn(rng, [128, 512], { dtype: 'float32' }), 2);
    on.forEach((d, i) => {
      expect(Buffer.from(d.buffer, d.byteOffset, d.byteLength).equals(Buffer.from(off[i]!.buffer))).toBe(true);
      expect(d).toEqual(kept[i]); // kron's result is a view of its internal product: not recycled
    });
  });

  it('composites with gradient recording on recycle nothing (their temporaries are in the graph)', () => {
    const rng = new Rng(14);
    const x = randn(rng, [256, 256], { dtype: 'float32', requiresGrad: true });
    norm(x, 2, -1);
    groupNorm(x, 4);
    expect(bufferPoolStats().released).toBe(0);
  });

  it('stays under its bound, evicting the oldest arrays; 0 disables it; bad bounds raise a ValueError', () => {
    setBufferPoolLimit(3 * 65536 * 4);
    for (let k = 0; k < 5; k++) releaseBuffer(new Float32Array(65536));
    let s = bufferPoolStats();
    expect(s.pooledArrays).toBe(3);
    expect(s.pooledBytes).toBe(3 * 65536 * 4);
    expect(s.evicted).toBe(2);
    releaseBuffer(new Float32Array(16)); // too small to pool
    releaseBuffer(new Int32Array(65536)); // int32: never pooled
    releaseBuffer(new Float32Array(new ArrayBuffer(65536 * 8), 0, 65536)); // a view of a larger buffer
    expect(bufferPoolStats().pooledArrays).toBe(3);
    setBufferPoolLimit(0);
    s = bufferPoolStats();
    expect(s.pooledBytes).toBe(0);
    releaseBuffer(new Float32Array(65536));
    expect(bufferPoolStats().pooledArrays).toBe(0);
    expect(() => setBufferPoolLimit(-1)).toThrow(ValueError);
    expect(() => setBufferPoolLimit(Number.NaN)).toThrow(/setBufferPoolLimit/);
  });
});
