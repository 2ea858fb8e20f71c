/**
 * The wasm SIMD kernels of the SO(2) transport ops (wasm/kernels.ts `so2GatherF32/F64`,
 * `so2SegSumF32/F64`): bit-identical to the JS reference kernels (src/backend/js/so2.ts — same
 * per-operation rounding, same ascending edge order per segment) for both dtypes, every L up to 3,
 * channel counts that leave vector and scalar tails, unsorted ids and empty segments, on 1, 2 and 4
 * threads; bad indices decline to the reference, which throws; the default `cpu` backend runs them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, createWasmRuntime, cpuBackend, jsBackend, type DType, type KernelTensor, type TypedArray } from '../../src/backend/index.js';
import type { WasmArena } from '../../src/backend/wasm/runtime.js';
import { IndexError, ShapeError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { setBackend } from '../../src/backend/index.js';
import { so2RotateGather, so2RotateSegmentMean, randn, backward, sum, mul, fromData } from '../../src/index.js';

const kt = (data: TypedArray, shape: number[], dtype: DType): KernelTensor => ({ data, shape, dtype });
const runtimes: WasmArena[] = [];
const backends = [1, 2, 4].map((T) => {
  const runtime = createWasmRuntime(T)!;
  runtimes.push(runtime);
  return createWasmBackend({ minWork: 0, parallelMinWork: 0, runtime, name: `wasm${T}` });
});
afterAll(() => { for (const r of runtimes) r.dispose(); });

function floats(rng: Rng, n: number, dtype: DType, scale = 3): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}
function run(kernels: typeof jsBackend.kernels, op: string, inputs: KernelTensor[], shape: number[], dtype: DType, attrs: object): TypedArray {
  const o = dtype === 'float32' ? new Float32Array(shape[0]! * shape[1]!) : new Float64Array(shape[0]! * shape[1]!);
  kernels[op]!(inputs, [kt(o, shape, dtype)], attrs);
  return o;
}
const bits = (a: TypedArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
/** Byte equality (vitest's deep equality is slow on large byte arrays). */
const same = (a: TypedArray, b: TypedArray): boolean => Buffer.from(bits(a)).equals(Buffer.from(bits(b)));

describe('so2 wasm kernels', () => {
  const rng = new Rng(41);
  it('equal the JS reference bit for bit (f32, f64; L = 0…3; C = 1, 3, 5, 16; 1, 2, 4 threads)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const L of [0, 1, 2, 3]) {
        for (const C of [1, 3, 5, 16]) {
          const B = 2 * L + 1, F = C * B, R = 37, S = 29, E = 611;
          const g = new Int32Array(E).map(() => rng.int(R)), s = new Int32Array(E).map(() => rng.int(S - 1));
          const x = kt(floats(rng, R * F, dtype), [R, F], dtype), m = kt(floats(rng, E * F, dtype), [E, F], dtype);
          const t = kt(floats(rng, E * B, dtype, 1), [E, B], dtype);
          const refG = run(jsBackend.kernels, 'so2Gather', [x, kt(g, [E], 'int32'), t], [E, F], dtype, { maxOrder: L });
          const refS = run(jsBackend.kernels, 'so2SegmentSum', [m, t, kt(s, [E], 'int32')], [S, F], dtype, { maxOrder: L, numSegments: S });
          for (const b of backends) {
            const before = { ...b.counts.so2Gather }, beforeS = { ...b.counts.so2SegmentSum };
            expect(same(run(b.kernels, 'so2Gather', [x, kt(g, [E], 'int32'), t], [E, F], dtype, { maxOrder: L }), refG)).toBe(true);
            expect(same(run(b.kernels, 'so2SegmentSum', [m, t, kt(s, [E], 'int32')], [S, F], dtype, { maxOrder: L, numSegments: S }), refS)).toBe(true);
            expect(b.counts.so2Gather!.wasm).toBe(before.wasm! + 1);
            expect(b.counts.so2SegmentSum!.wasm).toBe(beforeS.wasm! + 1);
          }
        }
      }
    }
  });

  it('decline on bad indices or a bad row width, and the reference throws the named error', () => {
    const b = backends[1]!, d = 'float32' as const;
    const x = kt(new Float32Array(4 * 10), [4, 10], d), t = kt(new Float32Array(2 * 5), [2, 5], d);
    expect(() => run(b.kernels, 'so2Gather', [x, kt(new Int32Array([0, 4]), [2], 'int32'), t], [2, 10], d, { maxOrder: 2 })).toThrow(IndexError);
    expect(() => run(b.kernels, 'so2SegmentSum', [kt(new Float32Array(20), [2, 10], d), t, kt(new Int32Array([0, 9]), [2], 'int32')], [3, 10], d, { maxOrder: 2, numSegments: 3 })).toThrow(IndexError);
    expect(() => run(b.kernels, 'so2Gather', [x, kt(new Int32Array([0, 1]), [2], 'int32'), kt(new Float32Array(6), [2, 3], d)], [2, 10], d, { maxOrder: 1 })).toThrow(ShapeError);
  });

  it('the default cpu backend runs the ops (forward and backward) in wasm above the threshold, with the reference\'s values', () => {
    const rng2 = new Rng(9), V = 300, E = 2100, L = 2, F = 16 * 5;
    const idx = new Int32Array(E).map(() => rng2.int(V)), seg = new Int32Array(E).map(() => rng2.int(V));
    const ang = new Float64Array(E).map(() => rng2.uniform() * 6);
    const results: Record<string, TypedArray[]> = {};
    for (const name of ['js', 'cpu']) {
      setBackend(name);
      try {
        const x = fromData(Float32Array.from(randn(new Rng(1), [V, F]).data), [V, F], { requiresGrad: true });
        const gm = randn(new Rng(2), [V, F]);
        const y = so2RotateSegmentMean(so2RotateGather(x, idx, ang, L), ang.map((a) => -a), seg, V, L);
        backward(sum(mul(y, gm)));
        results[name] = [y.data, x.grad!.data];
      } finally { setBackend('cpu'); }
    }
    expect(same(results.cpu![0]!, results.js![0]!) && same(results.cpu![1]!, results.js![1]!)).toBe(true);
    expect(cpuBackend.counts.so2Gather!.wasm).toBeGreaterThan(0);
    expect(cpuBackend.counts.so2SegmentSum!.wasm).toBeGreaterThan(0);
  });
});
