/**
 * The gpu.js kernels of the SO(2) transport ops (src/backend/gpu, kinds `so2gather` / `so2segsum`;
 * gpu.js in Node runs its CPU mode): equal to the JS reference to 1e-5 in float32 on random
 * graphs with unsorted ids and empty segments, L = 0…3; bad input declines to the reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGpuBackend } from '../../src/backend/gpu/index.js';
import { jsBackend, type DType, type KernelTensor, type TypedArray } from '../../src/backend/index.js';
import { IndexError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const gpu = createGpuBackend({ mode: 'cpu', minWork: 0 });
afterAll(() => gpu.dispose());
const kt = (data: TypedArray, shape: number[], dtype: DType): KernelTensor => ({ data, shape, dtype });
function run(kernels: typeof jsBackend.kernels, op: string, inputs: KernelTensor[], shape: number[], attrs: object): Float32Array {
  const o = new Float32Array(shape[0]! * shape[1]!);
  kernels[op]!(inputs, [kt(o, shape, 'float32')], attrs);
  return o;
}
const normals = (rng: Rng, n: number): Float32Array => new Float32Array(n).map(() => rng.normal());

/** max |got − want| / max(1, |want|): the comparison of these tests. */
function maxRelDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let d = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!));
    d = e > d || e !== e ? (e !== e ? Infinity : e) : d;
  }
  return d;
}

describe('so2 gpu.js kernels', () => {
  it('the comparison detects a wrong value, a NaN and a length mismatch', () => {
    expect(maxRelDiff([1, 2], [1, 2])).toBe(0);
    expect(maxRelDiff([1, 2.001], [1, 2])).toBeGreaterThan(1e-5);
    expect(maxRelDiff([1, NaN], [1, 2])).toBe(Infinity);
    expect(maxRelDiff([1], [1, 2])).toBe(Infinity);
  });

  it('equal the JS reference to 1e-5 (float32; L = 0…3; C = 1, 3, 8)', () => {
    const rng = new Rng(17);
    for (const L of [0, 1, 2, 3]) {
      for (const C of [1, 3, 8]) {
        const B = 2 * L + 1, F = C * B, R = 23, S = 19, E = 157;
        const g = new Int32Array(E).map(() => rng.int(R)), s = new Int32Array(E).map(() => rng.int(S - 1));
        const x = kt(normals(rng, R * F), [R, F], 'float32'), m = kt(normals(rng, E * F), [E, F], 'float32');
        const t = kt(normals(rng, E * B), [E, B], 'float32');
        const gIn = [x, kt(g, [E], 'int32'), t], sIn = [m, t, kt(s, [E], 'int32')];
        expect(maxRelDiff(run(gpu.kernels, 'so2Gather', gIn, [E, F], { maxOrder: L }), run(jsBackend.kernels, 'so2Gather', gIn, [E, F], { maxOrder: L }))).toBeLessThanOrEqual(1e-5);
        const at = { maxOrder: L, numSegments: S };
        expect(maxRelDiff(run(gpu.kernels, 'so2SegmentSum', sIn, [S, F], at), run(jsBackend.kernels, 'so2SegmentSum', sIn, [S, F], at))).toBeLessThanOrEqual(1e-5);
      }
    }
    expect(gpu.stats.so2Gather!.gpu).toBe(12);
    expect(gpu.stats.so2SegmentSum!.gpu).toBe(12);
  });

  it('bad indices decline to the reference, which throws', () => {
    const x = kt(new Float32Array(4 * 10), [4, 10], 'float32'), t = kt(new Float32Array(2 * 5), [2, 5], 'float32');
    expect(() => run(gpu.kernels, 'so2Gather', [x, kt(new Int32Array([0, 4]), [2], 'int32'), t], [2, 10], { maxOrder: 2 })).toThrow(IndexError);
    expect(() => run(gpu.kernels, 'so2SegmentSum', [kt(new Float32Array(20), [2, 10], 'float32'), t, kt(new Int32Array([0, 3]), [2], 'int32')], [3, 10], { maxOrder: 2, numSegments: 3 })).toThrow(IndexError);
  });
});
