/**
 * Stated lifetimes: `Tensor.dispose()` and `using`. A disposed op output's storage goes back to
 * the engine (the wasm heap for a resident array, the buffer pool for a plain one) and the next
 * output of its size reuses it; a disposed tensor cannot be read or passed to an op (named errors);
 * storage that anything else refers to — a view, `detach`, an autograd node, the user's own array,
 * a creation function's — is never handed back, so later ops cannot overwrite it. Every "kept"
 * case checks both that the next output of the size got other storage and that the holder's
 * values are intact after ops that would have reused it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { add, backward, compile, fromData, isResident, mul, noGrad, randn, relu, reshape, residentLimit, Rng, setResidentLimit, sum, type Tensor } from '../../src/index.js';
import { clearBufferPool, disposedSize } from '../../src/tensor/buffer-pool.js';

const N = 1 << 16; // 256 KiB of float32: above the pool's and resident storage's 64 KiB minimum

/** Whether two arrays are the same storage (the same array, or views of the same bytes). */
function sameStorage(a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number }, b: typeof a): boolean {
  return a === b || (a.buffer === b.buffer && a.byteOffset === b.byteOffset);
}

/** The next few eager outputs of x's size and dtype, all alive at once: they take whatever storage of that size is free. */
function nextOutputs(x: Tensor, count = 3): Tensor[] {
  return Array.from({ length: count }, () => noGrad(() => relu(x)));
}

/**
 * Dispose two outputs of x's size: the first teaches the size (outputs of it are tracked from then
 * on), so the tensors a test makes afterwards are ones `dispose` could hand back.
 */
function learn(x: Tensor): void {
  for (let k = 0; k < 2; k++) noGrad(() => relu(x)).dispose();
}

/** Run `f` with resident storage on (the default in Node) or off (plain arrays and the buffer pool only). */
function withResident<T>(on: boolean, f: () => T): T {
  const limit = residentLimit();
  if (!on) setResidentLimit(0);
  try {
    return f();
  } finally {
    setResidentLimit(limit);
  }
}

describe('dispose() and using', () => {
  let rng: Rng;
  beforeEach(() => { rng = new Rng(42); clearBufferPool(); });
  afterEach(() => clearBufferPool());

  it('the helper tells storages apart', () => {
    const a = new Float32Array(8), b = new Float32Array(8);
    expect(sameStorage(a, a)).toBe(true);
    expect(sameStorage(a, b)).toBe(false);
    expect(sameStorage(a.subarray(2), a.subarray(2))).toBe(true);
    expect(sameStorage(a.subarray(2), a.subarray(3))).toBe(false);
  });

  for (const resident of [true, false]) {
    it(`a disposed output's storage is reused by the next output of its size, and the results stay right (${resident ? 'resident storage: the wasm heap' : 'plain arrays: the buffer pool'})`, () => withResident(resident, () => {
      {
        const x = randn(rng, [N]);
        // the first disposal of a size teaches the allocator (outputs of that size may then grow
        // resident storage): from the second on, each output takes the storage the last one left
        for (let k = 0; k < 2; k++) noGrad(() => relu(x)).dispose();
        const y = noGrad(() => relu(x));
        expect(isResident(y.data)).toBe(resident);
        const storage = y.data;
        y.dispose();
        expect(y.isDisposed).toBe(true);
        const z = noGrad(() => add(x, x));
        expect(sameStorage(z.data, storage)).toBe(true);
        const xs = x.data;
        for (let i = 0; i < N; i += 997) expect(z.data[i]).toBe(Math.fround(xs[i]! + xs[i]!));
      }
    }));
  }

  it('`using` disposes at the end of the block: a loop of eager ops runs on one storage', () => {
    const x = randn(rng, [N]);
    const seen: (Float32Array | Float64Array)[] = [];
    let total = 0;
    for (let k = 0; k < 5; k++) {
      using y = noGrad(() => relu(x));
      seen.push(y.data as Float32Array);
      total += noGrad(() => sum(y)).item();
    }
    // the first output may be a plain array and the second a grown resident block; from then on one storage
    for (let k = 3; k < 5; k++) expect(sameStorage(seen[k]!, seen[2]!)).toBe(true);
    const want = noGrad(() => sum(relu(x))).item();
    expect(total).toBeCloseTo(5 * want, 2);
  });

  it('the first disposal of a size teaches it (its outputs are then tracked and may grow resident storage); clearBufferPool forgets it', () => {
    const x = randn(rng, [N + 3]);
    expect(disposedSize('float32', N + 3)).toBe(false);
    const y0 = noGrad(() => relu(x)), s0 = y0.data;
    y0.dispose(); // untracked: not handed back, but the size is learned
    expect(disposedSize('float32', N + 3)).toBe(true);
    expect(disposedSize('float64', N + 3)).toBe(false);
    for (const o of nextOutputs(x)) expect(sameStorage(o.data, s0)).toBe(false);
    const y1 = noGrad(() => relu(x)), s1 = y1.data;
    y1.dispose(); // tracked now: handed back
    expect(nextOutputs(x).some((o) => sameStorage(o.data, s1))).toBe(true);
    clearBufferPool();
    expect(disposedSize('float32', N + 3)).toBe(false);
  });

  it('a disposed tensor cannot be read or used: named errors, and disposing again does nothing', () => {
    const x = randn(rng, [4, 5]);
    const y = noGrad(() => relu(x));
    y.dispose();
    y.dispose();
    expect(() => y.data).toThrow(/disposed tensor \[4,5\]/);
    expect(() => y.toArray()).toThrow(/disposed/);
    expect(() => noGrad(() => add(x, y))).toThrow(/add: input 1 \[4,5\] was disposed/);
    expect(() => noGrad(() => relu(x, { out: y }))).toThrow(/relu: out \[4,5\] was disposed/);
  });

  // each case: a tensor to dispose whose storage something else still refers to (kept alive in `hold`)
  const kept: [string, (x: Tensor, hold: unknown[]) => Tensor][] = [
    ['a view of it (reshape)', (x, hold) => { const y = noGrad(() => relu(x)); hold.push(reshape(y, [N / 4, 4])); return y; }],
    ['another tensor over it (detach)', (x, hold) => { const y = noGrad(() => relu(x)); hold.push(y.detach()); return y; }],
    ['an autograd node that read it', (x, hold) => {
      const h = noGrad(() => relu(x));
      hold.push(mul(h, randn(new Rng(3), [N], { requiresGrad: true }))); // the node saved h for w's gradient
      return h;
    }],
  ];
  for (const [label, make] of kept) {
    for (const resident of [true, false]) {
      it(`storage is kept when something else refers to it: ${label} (resident storage ${resident ? 'on' : 'off'})`, () => withResident(resident, () => {
        const x = randn(rng, [N]), hold: unknown[] = [];
        learn(x);
        const t = make(x, hold);
        const storage = t.data, want = Array.from(storage.subarray(0, 64));
        t.dispose();
        for (const o of nextOutputs(x)) expect(sameStorage(o.data, storage)).toBe(false);
        expect(Array.from(storage.subarray(0, 64))).toEqual(want);
        expect(hold.length).toBe(1);
      }));
    }
  }

  it('a tensor autograd holds is not disposed at all, and the backward pass still gives the right gradient', () => {
    const x = randn(rng, [N]);
    learn(x);
    const h = noGrad(() => relu(x));
    const w = randn(new Rng(3), [N], { requiresGrad: true });
    const y = sum(mul(h, w));
    const hv = Array.from(h.data);
    h.dispose();
    y.dispose();
    w.dispose();
    expect([h.isDisposed, y.isDisposed, w.isDisposed]).toEqual([false, false, false]);
    nextOutputs(x);
    backward(y);
    expect(Array.from(w.grad!.data)).toEqual(hv);
  });

  it('a constant a compiled step reads is not disposed: the step keeps running on it', () => {
    const x = randn(rng, [N]);
    learn(x);
    const c = noGrad(() => relu(x)); // an op output the engine owns, used as a constant below
    const step = compile((u) => [add(u!, c)], { inputs: [{ shape: [N] }] });
    const want = Array.from(noGrad(() => add(x, c)).data.subarray(0, 64));
    c.dispose();
    expect(c.isDisposed).toBe(false);
    for (const o of nextOutputs(x)) expect(sameStorage(o.data, c.data)).toBe(false);
    expect(Array.from((step.run(x)[0]!.data).subarray(0, 64))).toEqual(want);
  });

  it('an output that requires grad, and an output of a recorded op, are kept', () => {
    const x = randn(rng, [N], { requiresGrad: true });
    learn(noGrad(() => x.detach()));
    const y = relu(x); // recorded: y has a node
    const storage = y.data;
    const want = Array.from(storage.subarray(0, 64));
    y.dispose();
    for (const t of nextOutputs(x)) expect(sameStorage(t.data, storage)).toBe(false);
    expect(Array.from(storage.subarray(0, 64))).toEqual(want);
  });

  for (const resident of [true, false]) it(`the user's own array (fromData) and a creation function's storage are never handed back (resident storage ${resident ? 'on' : 'off'})`, () => withResident(resident, () => {
    learn(randn(new Rng(8), [N]));
    const arr = new Float32Array(N).map((_, i) => i % 7);
    const u = fromData(arr, [N]);
    const r = randn(rng, [N]);
    const rData = r.data, rWant = Array.from(rData.subarray(0, 64));
    u.dispose();
    r.dispose();
    const x = randn(new Rng(9), [N]);
    for (const t of nextOutputs(x)) {
      expect(sameStorage(t.data, arr)).toBe(false);
      expect(sameStorage(t.data, rData)).toBe(false);
    }
    expect(Array.from(arr.subarray(0, 14))).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(rData.subarray(0, 64))).toEqual(rWant);
  }));
});
