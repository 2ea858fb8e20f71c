import { describe, it, expect, afterAll } from 'vitest';
import { createAsyncGpuKernels, installWebGpuPolyfill } from '../../src/backend/gpu/index.js';
import { jsBackend, type DType, type KernelTensor } from '../../src/backend/index.js';

// WebGPU in Node needs the `webgpu` package ≥ 0.3 (Dawn; gpu.js's own webgpu@0.2.9 needs glibc 2.38)
// and a Vulkan driver Dawn accepts (Mesa ≥ 25 lavapipe on Debian 12, from bookworm-backports).
// ERLANGEN_WEBGPU names the package (a specifier or a path to its index.js); without an adapter
// the suite is skipped with the reason in its name. See docs/design/gpu-backend.md.
const status = await installWebGpuPolyfill(process.env.ERLANGEN_WEBGPU ?? 'webgpu');
if (!status.available) console.warn(`[gpu-webgpu] skipped: ${status.detail}`);

const kt = (shape: number[], data: Float32Array | Int32Array, dtype: DType): KernelTensor => ({ shape, data, dtype });
const f32 = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 4);

describe.skipIf(!status.available)(`gpu.js webgpu (${status.available ? status.detail : `skipped: ${status.detail}`})`, () => {
  const gk = createAsyncGpuKernels({ mode: 'webgpu', minWork: 0 });
  afterAll(() => gk.dispose());

  it('segmentSum / segmentMax / indexSelect / indexAdd match the JS reference (empty segments, F = 1 and 8, degree 1500)', async () => {
    for (const [N, S, F] of [[40, 9, 8], [3000, 3, 1]] as const) {
      const ids = new Int32Array(N).map((_, i) => (N > 1000 ? (i < 1500 ? 1 : 2) : (2 * i) % S)); // odd / first segments empty
      const x = f32(N * F, N);
      const seg = [kt([N, F], x, 'float32'), kt([N], ids, 'int32')];
      const attrs = { numSegments: S, sorted: false };
      for (const op of ['segmentSum', 'segmentMax'] as const) {
        const got = [kt([S, F], new Float32Array(S * F), 'float32'), kt([S, F], new Int32Array(S * F), 'int32')];
        const want = [kt([S, F], new Float32Array(S * F), 'float32'), kt([S, F], new Int32Array(S * F), 'int32')];
        expect(await gk.run(op, seg, got, attrs)).toBe('gpu');
        jsBackend.kernels[op]!(seg, want, attrs);
        for (let i = 0; i < S * F; i++) expect(got[0]!.data[i]).toBeCloseTo(want[0]!.data[i]!, 3);
        if (op === 'segmentMax') expect(Array.from(got[1]!.data)).toEqual(Array.from(want[1]!.data));
      }
      const table = f32(S * F, 3);
      const sel = [kt([S, F], table, 'float32'), kt([N], ids, 'int32')];
      const g1 = kt([N, F], new Float32Array(N * F), 'float32'), w1 = kt([N, F], new Float32Array(N * F), 'float32');
      expect(await gk.run('indexSelect', sel, [g1], { axis: 0 })).toBe('gpu');
      jsBackend.kernels.indexSelect!(sel, [w1], { axis: 0 });
      expect(Array.from(g1.data)).toEqual(Array.from(w1.data));
      const add = [kt([S, F], table, 'float32'), kt([N], ids, 'int32'), kt([N, F], x, 'float32')];
      const g2 = kt([S, F], new Float32Array(S * F), 'float32'), w2 = kt([S, F], new Float32Array(S * F), 'float32');
      expect(await gk.run('indexAdd', add, [g2], { axis: 0 })).toBe('gpu');
      jsBackend.kernels.indexAdd!(add, [w2], { axis: 0 });
      for (let i = 0; i < S * F; i++) expect(g2.data[i]).toBeCloseTo(w2.data[i]!, 3);
    }
  });

  it('the fused gatherSegmentSum and gatherSegmentWeightedSum (one weight per edge, and per head) match the JS reference', async () => {
    const R = 30, S = 9, E = 200, F = 8;
    const gather = Int32Array.from({ length: E }, (_, i) => (i * 7) % R), ids = Int32Array.from({ length: E }, (_, i) => (i * 5) % (S - 1));
    const x = kt([R, F], f32(R * F, 5), 'float32'), w = kt([E], f32(E, 6), 'float32');
    const gi = kt([E], gather, 'int32'), si = kt([E], ids, 'int32');
    for (const [op, inputs, attrs] of [
      ['gatherSegmentSum', [x, gi, si], { numSegments: S }],
      ['gatherSegmentWeightedSum', [x, w, gi, si], { numSegments: S, heads: 1 }],
      ['gatherSegmentWeightedSum', [kt([R, 4, 2], x.data as Float32Array, 'float32'), kt([E, 4], f32(4 * E, 9), 'float32'), gi, si], { numSegments: S, heads: 4 }],
    ] as const) {
      const got = kt([S, F], new Float32Array(S * F), 'float32'), want = kt([S, F], new Float32Array(S * F), 'float32');
      expect(await gk.run(op, inputs as unknown as KernelTensor[], [got], attrs)).toBe('gpu');
      jsBackend.kernels[op]!(inputs as unknown as KernelTensor[], [want], attrs);
      for (let i = 0; i < S * F; i++) expect(got.data[i]).toBeCloseTo(want.data[i]!, 3);
    }
  });

  it('segmentSoftmax (three passes) and segmentSoftmaxGrad (two) match the JS reference (C = 1 and 4, degree 1500)', async () => {
    for (const [N, S, C] of [[60, 7, 4], [2000, 3, 1]] as const) {
      const ids = new Int32Array(N).map((_, i) => (N > 1000 ? (i < 1500 ? 1 : 2) : (3 * i) % (S - 1))); // a segment stays empty
      const x = kt([N, C], f32(N * C, N).map((v) => v * 5), 'float32'), si = kt([N], ids, 'int32');
      const got = kt([N, C], new Float32Array(N * C), 'float32'), want = kt([N, C], new Float32Array(N * C), 'float32');
      expect(await gk.run('segmentSoftmax', [x, si], [got], { numSegments: S })).toBe('gpu');
      jsBackend.kernels.segmentSoftmax!([x, si], [want], { numSegments: S });
      for (let i = 0; i < N * C; i++) expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want.data[i]!)));
      const g = kt([N, C], f32(N * C, 2), 'float32');
      const gg = kt([N, C], new Float32Array(N * C), 'float32'), wg = kt([N, C], new Float32Array(N * C), 'float32');
      expect(await gk.run('segmentSoftmaxGrad', [want, g, si], [gg], { numSegments: S })).toBe('gpu');
      jsBackend.kernels.segmentSoftmaxGrad!([want, g, si], [wg], { numSegments: S });
      for (let i = 0; i < N * C; i++) expect(Math.abs(gg.data[i]! - wg.data[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(wg.data[i]!)));
    }
  });

  it('gatherDot (two gathers and a per-head row dot) matches the JS reference (heads 1 and 4)', async () => {
    const Ra = 30, Rb = 20, E = 300;
    const ia = Int32Array.from({ length: E }, (_, e) => (e * 7) % Ra), ib = Int32Array.from({ length: E }, (_, e) => (e * 3 + 1) % Rb);
    for (const [H, D] of [[1, 8], [4, 4]] as const) {
      const F = H * D;
      const inputs = [kt([Ra, F], f32(Ra * F, 7), 'float32'), kt([Rb, F], f32(Rb * F, 8), 'float32'), kt([E], ia, 'int32'), kt([E], ib, 'int32')];
      const got = kt([E, H], new Float32Array(E * H), 'float32'), want = kt([E, H], new Float32Array(E * H), 'float32');
      expect(await gk.run('gatherDot', inputs, [got], { heads: H })).toBe('gpu');
      jsBackend.kernels.gatherDot!(inputs, [want], { heads: H });
      for (let i = 0; i < E * H; i++) expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want.data[i]!)));
    }
  });
});
