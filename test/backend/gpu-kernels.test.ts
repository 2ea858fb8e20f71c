import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createGpuBackend } from '../../src/backend/gpu/index.js';
import { jsBackend, type Kernel, type KernelTensor, type DType } from '../../src/backend/index.js';
import { csrKernels, segmentCsr } from '../../src/backend/js/segment-csr.js';
import { BackendError, IndexError, ValueError } from '../../src/util/errors.js';

const kt = (shape: number[], data: Float32Array | Float64Array | Int32Array, dtype: DType): KernelTensor => ({ shape, data, dtype });
const f32 = (n: number, seed: number): Float32Array => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(seed * 12.9898 + i * 78.233) * 4;
  return a;
};

/** Run `op` on a kernel and on the reference; return [got, want] outputs. */
function both(op: string, k: Kernel, inputs: KernelTensor[], outShapes: [number[], DType][], attrs: object): [KernelTensor[], KernelTensor[]] {
  const mk = () => outShapes.map(([s, d]) => kt(s, jsBackend.alloc(d, s.reduce((a, b) => a * b, 1)) as Float32Array, d));
  const got = mk(), want = mk();
  k(inputs, got, attrs);
  jsBackend.kernels[op]!(inputs, want, attrs);
  return [got, want];
}

function expectClose(got: KernelTensor, want: KernelTensor, tol = 1e-5): void {
  expect(got.data.length).toBe(want.data.length);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i]!, w = want.data[i]!;
    if (Number.isNaN(w)) { expect(Number.isNaN(g)).toBe(true); continue; }
    if (Math.abs(g - w) > tol * Math.max(1, Math.abs(w))) expect.fail(`element ${i}: got ${g}, want ${w}`);
  }
}

/** A random graph-ish case: N rows into S segments, some segments empty (isolated nodes). */
const caseArb = fc.record({
  N: fc.integer({ min: 1, max: 120 }),
  S: fc.integer({ min: 1, max: 40 }),
  F: fc.constantFrom(1, 3, 4, 64),
  seed: fc.integer({ min: 1, max: 1000 }),
  skew: fc.boolean(),
  sortIds: fc.boolean(),
}).map(({ N, S, F, seed, skew, sortIds }) => {
  const ids = new Int32Array(N);
  // only even segments are used when skewed: odd ones stay empty
  for (let i = 0; i < N; i++) ids[i] = skew ? (2 * ((i * 7 + seed) % Math.ceil(S / 2))) % S : (i * 31 + seed * 17) % S;
  if (sortIds) ids.sort();
  return { N, S, F, seed, ids, x: f32(N * F, seed) };
});

const paths: [string, Readonly<Record<string, Kernel>>][] = [
  ['gpujs-webasm', createGpuBackend({ mode: 'webasm', minWork: 0 }).kernels],
  ['gpujs-cpu', createGpuBackend({ mode: 'cpu', minWork: 0 }).kernels],
  ['js-csr', csrKernels],
];

for (const [name, kernels] of paths) {
  describe(`${name} aggregation kernels vs the JS reference`, () => {
    it('segmentSum / segmentMax / segmentMin on random CSR-ish inputs (empty segments, F = 1, 3, 4, 64)', () => {
      fc.assert(fc.property(caseArb, ({ N, S, F, ids, x }) => {
        const inputs = [kt([N, F], x, 'float32'), kt([N], ids, 'int32')];
        const attrs = { numSegments: S, sorted: false };
        const [g, w] = both('segmentSum', kernels.segmentSum!, inputs, [[[S, F], 'float32']], attrs);
        expectClose(g[0]!, w[0]!);
        for (const op of ['segmentMax', 'segmentMin']) {
          const [g2, w2] = both(op, kernels[op]!, inputs, [[[S, F], 'float32'], [[S, F], 'int32']], attrs);
          expectClose(g2[0]!, w2[0]!, 0);
          expect(Array.from(g2[1]!.data)).toEqual(Array.from(w2[1]!.data));
        }
      }), { numRuns: 12, seed: 42 });
    });

    it('gatherSegmentSum and gatherSegmentWeightedSum (one weight per edge) on random graphs', () => {
      fc.assert(fc.property(caseArb, ({ N, S, F, seed, ids }) => {
        const R = Math.max(1, Math.ceil(N / 2));
        const gather = Int32Array.from(ids, (_, i) => (i * 13 + seed) % R);
        const xr = kt([R, F], f32(R * F, seed + 1), 'float32'), w = kt([N], f32(N, seed + 2), 'float32');
        const gi = kt([N], gather, 'int32'), si = kt([N], ids, 'int32');
        if (kernels.gatherSegmentSum) {
          const [g, wt] = both('gatherSegmentSum', kernels.gatherSegmentSum, [xr, gi, si], [[[S, F], 'float32']], { numSegments: S });
          expectClose(g[0]!, wt[0]!);
        }
        if (kernels.gatherSegmentWeightedSum) {
          const [g, wt] = both('gatherSegmentWeightedSum', kernels.gatherSegmentWeightedSum, [xr, w, gi, si], [[[S, F], 'float32']], { numSegments: S, heads: 1 });
          expectClose(g[0]!, wt[0]!, 2e-5);
          if (F % 2 === 0) { // two heads of F/2 features, one weight per edge and head
            const w2 = kt([N, 2], f32(2 * N, seed + 3), 'float32'), x2 = kt([R, 2, F / 2], xr.data, 'float32');
            const [g2, wt2] = both('gatherSegmentWeightedSum', kernels.gatherSegmentWeightedSum, [x2, w2, gi, si], [[[S, 2, F / 2], 'float32']], { numSegments: S, heads: 2 });
            expectClose(g2[0]!, wt2[0]!, 2e-5);
          }
        }
      }), { numRuns: 12, seed: 43 });
    });

    it('indexSelect (with negative indices) and indexAdd along axis 0', () => {
      fc.assert(fc.property(caseArb, ({ N, S, F, ids, x }) => {
        // gather rows of an [S, F] table by ids (some negative), and the backward: indexAdd into [S, F]
        const neg = ids.map((v, i) => (i % 3 === 0 ? v - S : v));
        const table = f32(S * F, 7);
        const [g, w] = both('indexSelect', kernels.indexSelect!, [kt([S, F], table, 'float32'), kt([N], neg, 'int32')], [[[N, F], 'float32']], { axis: 0 });
        expectClose(g[0]!, w[0]!, 0);
        const [g2, w2] = both('indexAdd', kernels.indexAdd!, [kt([S, F], table, 'float32'), kt([N], neg, 'int32'), kt([N, F], x, 'float32')], [[[S, F], 'float32']], { axis: 0 });
        expectClose(g2[0]!, w2[0]!);
      }), { numRuns: 12, seed: 7 });
    });

    it('high degree (> 1000, above gpu.js\'s default loopMaxIterations) is not truncated', () => {
      for (const F of [1, 4]) {
        const N = 2600, S = 3;
        const ids = new Int32Array(N).map((_, i) => (i < 2500 ? 1 : 2)); // segment 0 empty, degree 2500
        const x = f32(N * F, 3);
        const inputs = [kt([N, F], x, 'float32'), kt([N], ids, 'int32')];
        const [g, w] = both('segmentSum', kernels.segmentSum!, inputs, [[[S, F], 'float32']], { numSegments: S, sorted: true });
        expectClose(g[0]!, w[0]!, 1e-4);
        const [g2, w2] = both('segmentMax', kernels.segmentMax!, inputs, [[[S, F], 'float32'], [[S, F], 'int32']], { numSegments: S, sorted: true });
        expect(Array.from(g2[1]!.data)).toEqual(Array.from(w2[1]!.data));
        expect(g2[1]!.data[0]).toBe(-1);
      }
    });

    it('segmentMax / segmentMin with NaN and ties follow the reference (first NaN, else first extreme row)', () => {
      const N = 12, S = 3, F = 5;
      const ids = new Int32Array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]); // segment 2 empty
      const x = new Float32Array(N * F).map((_, i) => [1, -2, 3, 3, -2][i % 5]! * ((i % 7) - 3));
      x[12] = NaN; x[27] = NaN; x[37] = NaN;
      for (const op of ['segmentMax', 'segmentMin']) {
        const [g, w] = both(op, kernels[op]!, [kt([N, F], x, 'float32'), kt([N], ids, 'int32')], [[[S, F], 'float32'], [[S, F], 'int32']], { numSegments: S, sorted: false });
        expectClose(g[0]!, w[0]!, 0);
        expect(Array.from(g[1]!.data)).toEqual(Array.from(w[1]!.data));
      }
    });

    it('invalid ids raise the reference errors', () => {
      const x = kt([3, 2], f32(6, 1), 'float32');
      const out = () => [kt([2, 2], new Float32Array(4), 'float32'), kt([2, 2], new Int32Array(4), 'int32')];
      expect(() => kernels.segmentSum!([x, kt([3], new Int32Array([0, 2, 1]), 'int32')], out(), { numSegments: 2, sorted: false })).toThrow(IndexError);
      expect(() => kernels.segmentMax!([x, kt([3], new Int32Array([1, 0, 1]), 'int32')], out(), { numSegments: 2, sorted: true })).toThrow(ValueError);
      expect(() => kernels.indexSelect!([x, kt([2], new Int32Array([0, 3]), 'int32')], [kt([2, 2], new Float32Array(4), 'float32')], { axis: 0 })).toThrow(IndexError);
    });
  });
}

for (const [name, kernels] of paths.filter(([, k]) => k.segmentSoftmax)) {
  describe(`${name} segment softmax kernels vs the JS reference`, () => {
    it('segmentSoftmax and segmentSoftmaxGrad on random inputs (empty segments, C = 1, 3, 4, 64; sorted and unsorted ids)', () => {
      fc.assert(fc.property(caseArb, ({ N, S, F, ids, x, seed }) => {
        const inputs = [kt([N, F], x, 'float32'), kt([N], ids, 'int32')];
        const [g, w] = both('segmentSoftmax', kernels.segmentSoftmax!, inputs, [[[N, F], 'float32']], { numSegments: S });
        expectClose(g[0]!, w[0]!, 2e-6);
        const y = w[0]!, up = kt([N, F], f32(N * F, seed + 1), 'float32');
        const [g2, w2] = both('segmentSoftmaxGrad', kernels.segmentSoftmaxGrad!, [y, up, kt([N], ids, 'int32')], [[[N, F], 'float32']], { numSegments: S });
        expectClose(g2[0]!, w2[0]!, 1e-5);
      }), { numRuns: 12, seed: 7 });
    });

    it('segmentSoftmax follows the reference on −∞, NaN, large scores and degree 2500', () => {
      const N = 2600, S = 5, C = 3;
      const ids = new Int32Array(N).map((_, i) => (i < 2500 ? 1 : 2 + (i % 3))); // segment 0 empty, degree 2500; 2–4 interleaved
      const x = f32(N * C, 9).map((v) => v * 30);
      const seg3 = [...ids.keys()].filter((i) => ids[i] === 3), seg4 = [...ids.keys()].filter((i) => ids[i] === 4);
      for (const i of seg3) x[i * C] = -Infinity; // segment 3, column 0 all −∞: NaN, as −∞ − (−∞) is
      x[seg4[5]! * C + 1] = NaN; // a NaN in segment 4, column 1: that whole column is NaN
      x[10 * C + 2] = -Infinity; // one −∞ in the big segment: exp gives 0
      x[11 * C + 2] = 1e4; // dominates its column
      const [g, w] = both('segmentSoftmax', kernels.segmentSoftmax!, [kt([N, C], x, 'float32'), kt([N], ids, 'int32')], [[[N, C], 'float32']], { numSegments: S });
      expectClose(g[0]!, w[0]!, 2e-6);
      expect(Number.isNaN(w[0]!.data[seg3[0]! * C]!)).toBe(true);
      expect(Number.isNaN(w[0]!.data[seg4[0]! * C + 1]!)).toBe(true);
      expect(w[0]!.data[11 * C + 2]).toBe(1);
      expect(w[0]!.data[10 * C + 2]).toBe(0);
    });

    it('gatherDot (SDDMM: two gathers and a per-head row dot) on random graphs, heads 1, 2, 4', () => {
      fc.assert(fc.property(fc.record({
        Ra: fc.integer({ min: 1, max: 30 }), Rb: fc.integer({ min: 1, max: 30 }), E: fc.integer({ min: 1, max: 200 }),
        heads: fc.constantFrom(1, 2, 4), D: fc.constantFrom(1, 2, 3, 16), seed: fc.integer({ min: 1, max: 1000 }),
      }), ({ Ra, Rb, E, heads, D, seed }) => {
        const F = heads * D;
        const ia = new Int32Array(E).map((_, e) => (e * 7 + seed) % Ra), ib = new Int32Array(E).map((_, e) => (e * 13 + 3 * seed) % Rb);
        const inputs = [kt([Ra, F], f32(Ra * F, seed), 'float32'), kt([Rb, F], f32(Rb * F, seed + 1), 'float32'), kt([E], ia, 'int32'), kt([E], ib, 'int32')];
        const [g, w] = both('gatherDot', kernels.gatherDot!, inputs, [[[E, heads], 'float32']], { heads });
        expectClose(g[0]!, w[0]!, 2e-6);
      }), { numRuns: 16, seed: 3 });
    });

    it('invalid or unsorted-but-declared-sorted ids raise the reference errors', () => {
      const x = kt([3, 2], f32(6, 1), 'float32');
      const out = () => [kt([3, 2], new Float32Array(6), 'float32')];
      expect(() => kernels.segmentSoftmax!([x, kt([3], new Int32Array([0, 2, 1]), 'int32')], out(), { numSegments: 2 })).toThrow(IndexError);
      expect(() => kernels.segmentSoftmax!([x, kt([3], new Int32Array([1, 0, 1]), 'int32')], out(), { numSegments: 2, sorted: true })).toThrow(ValueError);
      expect(() => kernels.segmentSoftmaxGrad!([x, x, kt([3], new Int32Array([0, 5, 1]), 'int32')], out(), { numSegments: 2 })).toThrow(IndexError);
      expect(() => kernels.gatherDot!([x, x, kt([2], new Int32Array([0, 3]), 'int32'), kt([2], new Int32Array([0, 1]), 'int32')], [kt([2, 1], new Float32Array(2), 'float32')], { heads: 1 })).toThrow(IndexError);
    });
  });
}

describe('gpu.js backend fallbacks and caches', () => {
  it('float64 and small inputs go to the JS reference (bit-identical), float32 above minWork to gpu.js', () => {
    const b = createGpuBackend({ mode: 'webasm', minWork: 64 });
    const N = 50, S = 10, F = 8;
    const ids = new Int32Array(N).map((_, i) => (i * 3) % S);
    const x64 = Float64Array.from(f32(N * F, 5));
    const [g, w] = both('segmentSum', b.kernels.segmentSum!, [kt([N, F], x64, 'float64'), kt([N], ids, 'int32')], [[[S, F], 'float64']], { numSegments: S, sorted: false });
    expect(Array.from(g[0]!.data)).toEqual(Array.from(w[0]!.data));
    expect(b.stats.segmentSum).toEqual({ gpu: 0, fallback: 1 });
    both('segmentSum', b.kernels.segmentSum!, [kt([N, 1], f32(N, 1), 'float32'), kt([N], ids, 'int32')], [[[S, 1], 'float32']], { numSegments: S, sorted: false });
    expect(b.stats.segmentSum).toEqual({ gpu: 0, fallback: 2 }); // S·F = 10 < minWork
    both('segmentSum', b.kernels.segmentSum!, [kt([N, F], f32(N * F, 1), 'float32'), kt([N], ids, 'int32')], [[[S, F], 'float32']], { numSegments: S, sorted: false });
    expect(b.stats.segmentSum).toEqual({ gpu: 1, fallback: 2 });
  });

  it('the fused message-passing ops run on gpu.js (sums with scalar and per-head weights, gatherDot)', () => {
    const b = createGpuBackend({ mode: 'webasm', minWork: 0 });
    const x = kt([3, 4], f32(12, 1), 'float32'), gi = kt([4], Int32Array.from([0, 2, 2, 1]), 'int32'), si = kt([4], Int32Array.from([1, 0, 1, 1]), 'int32');
    const out = () => [kt([2, 4], new Float32Array(8), 'float32')];
    b.kernels.gatherSegmentSum!([x, gi, si], out(), { numSegments: 2 });
    b.kernels.gatherSegmentWeightedSum!([x, kt([4], f32(4, 2), 'float32'), gi, si], out(), { numSegments: 2, heads: 1 });
    b.kernels.gatherSegmentWeightedSum!([kt([3, 2, 2], f32(12, 1), 'float32'), kt([4, 2], f32(8, 2), 'float32'), gi, si], [kt([2, 2, 2], new Float32Array(8), 'float32')], { numSegments: 2, heads: 2 });
    expect(b.stats.gatherSegmentSum).toEqual({ gpu: 1, fallback: 0 });
    expect(b.stats.gatherSegmentWeightedSum).toEqual({ gpu: 2, fallback: 0 });
    b.kernels.gatherDot!([x, x, gi, si], [kt([4, 2], new Float32Array(8), 'float32')], { heads: 2 });
    expect(b.stats.gatherDot).toEqual({ gpu: 1, fallback: 0 });
  });

  it('compiled kernels are reused across calls and sizes with the same loop cap', () => {
    const b = createGpuBackend({ mode: 'webasm', minWork: 0 });
    for (const N of [20, 40, 80]) {
      const ids = new Int32Array(N).map((_, i) => i % (N / 4)); // degree 4 everywhere
      both('segmentSum', b.kernels.segmentSum!, [kt([N, 4], f32(N * 4, N), 'float32'), kt([N], ids, 'int32')], [[[N / 4, 4], 'float32']], { numSegments: N / 4, sorted: false });
    }
    expect(b.compiledKernels()).toBe(1);
  });

  it('the CSR cache notices an ids array mutated in place', () => {
    const ids = new Int32Array([0, 1, 1, 2]);
    const a = segmentCsr(ids, 3)!;
    expect(segmentCsr(ids, 3)).toBe(a);
    ids[0] = 2;
    const b = segmentCsr(ids, 3)!;
    expect(b).not.toBe(a);
    expect(Array.from(b.rowptr)).toEqual([0, 0, 2, 4]);
    expect(Array.from(b.perm)).toEqual([1, 2, 0, 3]);
  });

  it('webgpu is rejected for eager use with a pointer to the async path; webgl2 without a WebGL2 context is a BackendError', () => {
    expect(() => createGpuBackend({ mode: 'webgpu' })).toThrow(/asynchronous/);
    // Node has no WebGL2 (the browser test runs the webgl2 backend in Chromium: test/browser/demo.test.ts)
    expect(() => createGpuBackend({ mode: 'webgl2' })).toThrow(BackendError);
    expect(() => createGpuBackend({ mode: 'webgl2' })).toThrow(/needs a WebGL2 context/);
    expect(() => createGpuBackend({ mode: 'cpu', flatten2d: true })).toThrow(/flatten2d is not supported/);
  });

  it('fallback: calls gpu.js does not take run on the given backend, and the stats count them there', () => {
    const calls: string[] = [];
    const spy = { name: 'spy', alloc: jsBackend.alloc, kernels: new Proxy(jsBackend.kernels, { get: (t, k: string) => { const f = t[k]; return f && ((...a: Parameters<NonNullable<typeof f>>) => { calls.push(k); return f(...a); }); } }) };
    const b = createGpuBackend({ mode: 'cpu', minWork: 1 << 30, fallback: spy as typeof jsBackend, name: 'gpujs-fallback-test' });
    const x: KernelTensor = { shape: [4, 2], dtype: 'float32', data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    const ids: KernelTensor = { shape: [4], dtype: 'int32', data: new Int32Array([0, 0, 1, 1]) };
    const out: KernelTensor = { shape: [2, 2], dtype: 'float32', data: new Float32Array(4) };
    b.kernels.segmentSum!([x, ids], [out], { numSegments: 2, sorted: true });
    expect(Array.from(out.data)).toEqual([4, 6, 12, 14]);
    expect(calls).toEqual(['segmentSum']); // below minWork: declined by gpu.js, run by the fallback
    expect(b.stats.segmentSum).toEqual({ gpu: 0, fallback: 1 });
  });
});
