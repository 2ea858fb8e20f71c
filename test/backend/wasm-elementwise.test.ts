/**
 * The wasm SIMD elementwise maps and reductions (src/backend/wasm/elementwise.ts, wasm/kernels.ts
 * `mapF32`, `binF32`, `whereF32`, `reducePartsF32`, `reduceRowsF32`, `argRowsF32` and their float64
 * forms) against the JS reference on 1, 2 and 4 threads: elementwise ops bit for bit (every special
 * value: ±0, ±∞, NaN, subnormals, the largest finite values, in every pair), for same shapes, a
 * scalar on either side, row and per-row broadcasts; reductions within rounding (sums) or exactly
 * (max, min, argmax, argmin), at sizes around the vector widths and the reduction chunk; and the
 * provider's accepts rule (the calls it leaves to the reference).
 */
import { describe, expect, it } from 'vitest';
import { cpuBackend, jsBackend, setBackend, type DType, type Kernel, type KernelTensor, type TypedArray } from '../../src/backend/index.js';
import { wasmProvider } from '../../src/backend/wasm/kernels.js';
import { BINARY_CODES, MAX_SUM_F64, MIN_BINARY, MIN_REDUCE, MIN_UNARY, REDUCE_CHUNK, TRANSCENDENTAL_CODES, UNARY_CODES, operandForm } from '../../src/backend/wasm/elementwise.js';
import { wasmRuntime } from '../../src/backend/wasm/runtime.js';
import { Rng } from '../../src/util/rng.js';
import { firstDiff, threadTables } from './wasm-test-helpers.js';
import { add, argmax, backward, fromData, gt, maximum, mul, randn, relu, sum, tanh, where } from '../../src/index.js';

const kt = (data: TypedArray, shape: number[], dtype: DType): KernelTensor => ({ data, shape, dtype });
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const alloc = (dtype: DType, n: number): TypedArray => (dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Int32Array(n));

const tables = threadTables();
const runtimes = tables.map(([, , r]) => r);

/** Run `op` on a kernel table into a fresh output of `shape` (dtype `od`). */
function run(kernels: Readonly<Record<string, Kernel>>, op: string, inputs: KernelTensor[], shape: number[], od: DType, attrs: object = {}): TypedArray {
  const o = alloc(od, size(shape));
  o.fill(7); // not a plausible result: a kernel that skipped an element shows
  kernels[op]!(inputs, [kt(o, shape, od)], attrs);
  return o;
}


/** Special values of a dtype: zeros, ones, halves, extremes, subnormals, infinities, NaN. */
function specials(dtype: DType): number[] {
  const big = dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const tiny = dtype === 'float32' ? 1.401298464324817e-45 : Number.MIN_VALUE;
  const minNormal = dtype === 'float32' ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  return [0, -0, 1, -1, 0.5, -2, 3, 1 / 3, -7.25, 1e10, -1e-10, big, -big, tiny, -tiny, minNormal, -minNormal, 4, Infinity, -Infinity, NaN, -NaN];
}

function floats(rng: Rng, n: number, dtype: DType, scale = 3): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}
const arr = (dtype: DType, v: number[]): Float32Array | Float64Array => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));

const dtypes = ['float32', 'float64'] as const;
const unaryOps = Object.keys(UNARY_CODES), binaryOps = Object.keys(BINARY_CODES);

describe('wasm elementwise: the comparison helper', () => {
  it('fails on a corrupted output (one bit, a sign of zero, a NaN for a number, a wrong sum)', () => {
    const ref = Float32Array.from([1, -0, NaN, 2.5, Infinity]);
    expect(firstDiff(ref.slice(), ref, true)).toBeNull();
    const flip = ref.slice();
    new Uint32Array(flip.buffer)[3]! ^= 1; // last mantissa bit of 2.5
    expect(firstDiff(flip, ref, true)).toMatch(/\[3\]/);
    const zero = ref.slice(); zero[1] = 0;
    expect(firstDiff(zero, ref, true)).toMatch(/\[1\]/);
    const nan = ref.slice(); nan[0] = NaN;
    expect(firstDiff(nan, ref, true)).toMatch(/\[0\]/);
    const num = ref.slice(); num[2] = 0;
    expect(firstDiff(num, ref, true)).toMatch(/\[2\]/);
    const inf = ref.slice(); inf[4] = -Infinity;
    expect(firstDiff(inf, ref, false, 1e-6)).toMatch(/\[4\]/);
    expect(firstDiff(Float64Array.from([1000.001]), Float64Array.from([1000]), false, 1e-7)).toMatch(/\[0\]/);
    expect(firstDiff(Float64Array.from([1000.00001]), Float64Array.from([1000]), false, 1e-7)).toBeNull();
    expect(firstDiff(Float64Array.from([0.5 + 2e-9]), Float64Array.from([0.5]), false, 0, 1e-9)).toMatch(/\[0\]/);
    expect(firstDiff(Float64Array.from([0.5 + 5e-10]), Float64Array.from([0.5]), false, 0, 1e-9)).toBeNull();
    expect(firstDiff(ref.subarray(1), ref, true)).toMatch(/length/);
  });
});

describe('wasm elementwise: special values, bit for bit', () => {
  for (const dtype of dtypes) {
    const v = specials(dtype), V = v.length;
    // every value at every position of a vector block (and in a tail): V copies rotated
    const rot: number[] = [];
    for (let s = 0; s < 5; s++) for (let i = 0; i < V; i++) rot.push(v[(i + s) % V]!);
    it(`unary ops (${dtype})`, () => {
      const x = kt(arr(dtype, rot), [rot.length], dtype);
      for (const op of unaryOps) {
        const ref = run(jsBackend.kernels, op, [x], [rot.length], dtype);
        for (const [T, k] of tables) {
          const d = firstDiff(run(k, op, [x], [rot.length], dtype), ref, true);
          if (d) throw new Error(`${op} ${dtype} on ${T} threads: ${d}`);
        }
      }
    });
    it(`binary ops, every pair, same shape / scalar / row / per-row broadcasts (${dtype})`, () => {
      const a: number[] = [], b: number[] = [];
      for (const p of v) for (const q of v) { a.push(p); b.push(q); }
      const A = kt(arr(dtype, a), [V, V], dtype), B = kt(arr(dtype, b), [V, V], dtype);
      const row = kt(arr(dtype, v), [V], dtype), row1 = kt(arr(dtype, v), [1, V], dtype), col = kt(arr(dtype, v), [V, 1], dtype);
      const forms: [string, KernelTensor, KernelTensor][] = [['same', A, B], ['row b', A, row], ['row a', row1, B], ['col b', A, col], ['col a', col, B]];
      const A3 = kt(arr(dtype, [...a, ...a]), [2, V, V], dtype), mid = kt(arr(dtype, v), [V, 1], dtype); // a middle block: [V, 1] against [2, V, V]
      const forms3: [string, KernelTensor, KernelTensor][] = [['middle b', A3, mid], ['middle a', mid, A3]];
      for (const s of v) {
        const sc = kt(arr(dtype, [s]), [], dtype);
        forms.push([`scalar b ${s}`, A, sc], [`scalar a ${s}`, kt(arr(dtype, [s]), [1, 1], dtype), B]);
      }
      for (const op of binaryOps) {
        for (const [label, x, y] of [...forms, ...forms3]) {
          const shape = label.startsWith('middle') ? [2, V, V] : [V, V];
          const ref = run(jsBackend.kernels, op, [x, y], shape, dtype);
          for (const [T, k] of tables) {
            const d = firstDiff(run(k, op, [x, y], shape, dtype), ref, true);
            if (d) throw new Error(`${op} ${label} ${dtype} on ${T} threads: ${d}`);
          }
        }
      }
    });
    it(`where (${dtype})`, () => {
      const c = kt(arr(dtype, rot), [rot.length], dtype);
      const x = kt(arr(dtype, rot.map((_, i) => i + 0.5)), [rot.length], dtype), y = kt(arr(dtype, rot.map((_, i) => -i)), [rot.length], dtype);
      const s0 = kt(arr(dtype, [-0]), [], dtype), sn = kt(arr(dtype, [NaN]), [1], dtype);
      for (const [label, a, b] of [['same', x, y], ['scalar b', x, s0], ['scalar a', sn, y], ['both scalar', s0, sn]] as const) {
        const ref = run(jsBackend.kernels, 'where', [c, a, b], [rot.length], dtype);
        for (const [T, k] of tables) expect(firstDiff(run(k, 'where', [c, a, b], [rot.length], dtype), ref, true), `${label} on ${T} threads`).toBeNull();
      }
    });
    it(`reductions of special values (${dtype})`, () => {
      // ±∞ together (sum NaN), one NaN late in a long row, −∞ only, zeros of both signs
      const rows = [rot, [...rot.filter((u) => !Number.isNaN(u))], v.filter((u) => u === -Infinity || u === 1), [-0, -0, 0, -0, -0, -0, -0, -0, -0]];
      for (const r of rows) {
        const x = kt(arr(dtype, r), [r.length], dtype);
        for (const op of ['sum', 'max', 'min']) {
          const ref = run(jsBackend.kernels, op, [x], [], dtype, { axes: [0] });
          for (const [T, k] of tables) {
            const got = run(k, op, [x], [], dtype, { axes: [0] });
            // sums: rounding; max / min: the value (the sign of a zero extreme may differ, see the module doc)
            expect(firstDiff(got, ref, false, dtype === 'float32' ? 1e-6 : 1e-14), `${op} of [${r.join(', ')}] on ${T} threads`).toBeNull();
          }
        }
        for (const op of ['argmax', 'argmin']) {
          const ref = run(jsBackend.kernels, op, [x], [], 'int32', { axis: 0 });
          for (const [, k] of tables) expect(Array.from(run(k, op, [x], [], 'int32', { axis: 0 }))).toEqual(Array.from(ref));
        }
      }
    });
  }
});

/** Largest distance in float32 steps (ulp) between same-signed finite values of two arrays. */
function maxUlp(got: Float32Array, ref: Float32Array): number {
  const g = new Int32Array(got.buffer, got.byteOffset, got.length), r = new Int32Array(ref.buffer, ref.byteOffset, ref.length);
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, (g[i]! ^ r[i]!) < 0 ? Infinity : Math.abs(g[i]! - r[i]!));
  return m;
}

describe('wasm elementwise: float32 tanh and log by polynomials', () => {
  const n = 200_003;
  const sweeps: Record<string, [number, number, boolean][]> = {
    tanh: [[-12, 12, false], [-1e-3, 1e-3, false], [-0.7, 0.7, false], [-45, -1, true]],
    log: [[-45.2, 38.5, true], [0.5, 2, false], [0.7, 0.72, false]],
  };
  expect(Object.keys(TRANSCENDENTAL_CODES)).toEqual(['tanh', 'log', 'gelu']);
  for (const op of ['tanh', 'log']) {
    it(`${op}: within 1 ulp of Math.${op} on sweeps (subnormals included), special values exact, on 1, 2, 4 threads`, () => {
      for (const [lo, hi, exp10] of sweeps[op]!) {
        const x = new Float32Array(n);
        for (let i = 0; i < n; i++) { const t = lo + ((hi - lo) * i) / (n - 1); x[i] = exp10 ? (op === 'tanh' ? -1 : 1) * 10 ** t : t; }
        const xt = kt(x, [n], 'float32'), ref = run(jsBackend.kernels, op, [xt], [n], 'float32') as Float32Array;
        for (const [T, k] of tables) {
          const u = maxUlp(run(k, op, [xt], [n], 'float32') as Float32Array, ref);
          if (!(u <= 1)) throw new Error(`${op} on [${lo}, ${hi}]${exp10 ? ' (powers of 10)' : ''}, ${T} threads: ${u} ulp`);
        }
      }
      const sp = specials('float32'), rot: number[] = [];
      for (let s = 0; s < 4; s++) for (let i = 0; i < sp.length; i++) rot.push(sp[(i + s) % sp.length]!);
      const xt = kt(Float32Array.from(rot), [rot.length], 'float32'), ref = run(jsBackend.kernels, op, [xt], [rot.length], 'float32');
      const got = run(tables[0]![1], op, [xt], [rot.length], 'float32');
      for (let i = 0; i < rot.length; i++) {
        const r = ref[i]!, g = got[i]!;
        if (!Number.isFinite(r) || r === 0 || Math.abs(r) === 1) expect(Object.is(g, r) || (Number.isNaN(g) && Number.isNaN(r)), `${op}(${rot[i]}) = ${g}, reference ${r}`).toBe(true);
        else expect(Math.abs(g - r)).toBeLessThanOrEqual(Math.abs(r) * 2 ** -23);
      }
    });
    it(`${op}: the ulp check fails on an output one step off`, () => {
      const r = Float32Array.from([0.5, -2, 3]), g = r.slice();
      new Int32Array(g.buffer)[1]! += 2;
      expect(maxUlp(g, r)).toBe(2);
      expect(maxUlp(Float32Array.from([-0.5]), Float32Array.from([0.5]))).toBe(Infinity);
    });
  }
  it('gelu: within 1e-6 of the reference relative to max(1, |gelu|) (the conformance measure, whose tolerance is 2e-5), 1e-6 relative for |x| ≤ 3, special values exact', () => {
    const n = 200_003, x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -14 + (28 * i) / (n - 1);
    const xt = kt(x, [n], 'float32'), ref = run(jsBackend.kernels, 'gelu', [xt], [n], 'float32');
    for (const [T, k] of tables) {
      const got = run(k, 'gelu', [xt], [n], 'float32');
      expect(firstDiff(got, ref, false, 1e-6), `${T} threads`).toBeNull();
      let rel = 0;
      for (let i = 0; i < n; i++) if (Math.abs(x[i]!) <= 3 && ref[i] !== 0) rel = Math.max(rel, Math.abs(got[i]! - ref[i]!) / Math.abs(ref[i]!));
      expect(rel).toBeLessThan(1e-6);
    }
    const sp = Float32Array.from([0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3e38, -3e38, 20, -20]);
    const st = kt(sp, [sp.length], 'float32'), r = run(jsBackend.kernels, 'gelu', [st], [sp.length], 'float32');
    expect(firstDiff(run(tables[1]![1], 'gelu', [st], [sp.length], 'float32'), r, true)).toBeNull();
  });
  it('float64 gelu stays on the reference; float64 tanh and log are taken (tanhF64, logF64), not with a float32 output', () => {
    const p = wasmProvider({ runtime: runtimes[0]!, minWork: 0 });
    const t64 = kt(new Float64Array(8), [8], 'float64'), t32 = kt(new Float32Array(8), [8], 'float32');
    expect(p.accepts('tanh', [t64], [t64], {})).toBe(true);
    expect(p.accepts('log', [t64], [t64], {})).toBe(true);
    expect(p.accepts('log', [t64], [t32], {})).toBe(false);
    expect(p.accepts('gelu', [t64], [t64], {})).toBe(false);
    expect(p.accepts('log', [t32], [t32], {})).toBe(true);
  });
});

describe('wasm elementwise: random data at odd sizes and shapes', () => {
  const rng = new Rng(77);
  const sizes = [1, 3, 17, 4095, 4097, REDUCE_CHUNK - 1, REDUCE_CHUNK + 1, 3 * REDUCE_CHUNK + 5];
  for (const dtype of dtypes) {
    it(`unary and binary ops, same shape and scalars, sizes 0 … 3·chunk + 5 (${dtype})`, () => {
      for (const n of [0, ...sizes]) {
        const x = kt(floats(rng, n, dtype), [n], dtype), y = kt(floats(rng, n, dtype), [n], dtype), s = kt(arr(dtype, [rng.normal()]), [1], dtype);
        const cases: [string, KernelTensor[]][] = [
          ...unaryOps.map((op): [string, KernelTensor[]] => [op, [x]]),
          ...binaryOps.flatMap((op): [string, KernelTensor[]][] => [[op, [x, y]], [op, [x, s]], [op, [s, y]]]),
          ['where', [kt(arr(dtype, Array.from(x.data, (u) => (u > 0 ? u : 0))), [n], dtype), x, y]],
          ['where', [kt(arr(dtype, Array.from(x.data, (u) => (u > 0 ? u : 0))), [n], dtype), x, s]],
          ['where', [kt(arr(dtype, Array.from(x.data, (u) => (u > 0 ? u : 0))), [n], dtype), s, y]],
        ];
        for (const [op, ins] of cases) {
          const ref = run(jsBackend.kernels, op, ins, [n], dtype);
          for (const [T, k] of tables) {
            const d = firstDiff(run(k, op, ins, [n], dtype), ref, true);
            if (d) throw new Error(`${op} n=${n} ${ins.map((t) => `[${t.shape}]`).join(' ')} ${dtype} on ${T} threads: ${d}`);
          }
        }
      }
    });
    it(`binary broadcasts: rows, [1, N], per-row [M, 1], middle blocks [1, C, 1, 1], higher ranks (${dtype})`, () => {
      const shapes: [number[], number[], number[]][] = [
        [[5, 7], [7], [5, 7]], [[5, 7], [1, 7], [5, 7]], [[5, 7], [5, 1], [5, 7]], [[7], [5, 7], [5, 7]], [[5, 1], [5, 7], [5, 7]],
        [[2, 3, 9], [9], [2, 3, 9]], [[2, 3, 9], [3, 9], [2, 3, 9]], [[2, 3, 9], [2, 3, 1], [2, 3, 9]], [[2, 3, 9], [2, 1, 1], [2, 3, 9]],
        [[1, 9], [301, 9], [301, 9]], [[301, 1], [301, 33], [301, 33]], [[64, 1000], [1000], [64, 1000]], [[4, 3], [4, 1], [4, 3]],
        [[0, 5], [5], [0, 5]],
        [[2, 3, 4, 5], [1, 3, 1, 1], [2, 3, 4, 5]], [[3, 1, 1], [2, 3, 4, 5], [2, 3, 4, 5]], [[2, 3, 9], [3, 1], [2, 3, 9]], [[4, 6, 5], [6, 1], [4, 6, 5]],
        [[8, 16, 13, 11], [16, 1, 1], [8, 16, 13, 11]],
      ];
      for (const [sa, sb, so] of shapes) {
        const x = kt(floats(rng, size(sa), dtype), sa, dtype), y = kt(floats(rng, size(sb), dtype), sb, dtype);
        for (const op of binaryOps) {
          const ref = run(jsBackend.kernels, op, [x, y], so, dtype);
          for (const [T, k] of tables) {
            const d = firstDiff(run(k, op, [x, y], so, dtype), ref, true);
            if (d) throw new Error(`${op} [${sa}] with [${sb}] ${dtype} on ${T} threads: ${d}`);
          }
        }
      }
    });
    it(`sum, max, min over all elements and trailing axes; argmax / argmin over the last (${dtype})`, () => {
      const shapes: [number[], number[]][] = [
        ...[0, 1, 3, 17, ...sizes].map((n): [number[], number[]] => [[n], [0]]),
        [[7, 33], [1]], [[7, 33], [0, 1]], [[2, 3, 4], [1, 2]], [[2, 3, 4], [2]], [[5, 3], [1]], [[3, REDUCE_CHUNK + 3], [1]],
        [[2, 2 * REDUCE_CHUNK], [1]], [[1000, 1], [1]],
      ];
      for (const [shape, axes] of shapes) {
        const n = size(shape), data = floats(rng, n, dtype);
        if (n > 40) { data[n - 3] = 50; data[7] = 50; data[n >> 1] = -50; } // ties: the first wins
        const x = kt(data, shape, dtype), out = shape.filter((_, d) => !axes.includes(d));
        // a sum's rounding error scales with Σ|x| (its condition), not with the result: float32 sums
        // add blocks of four elements in float32 (two roundings each, ≤ (2u + u²)·Σ|x|, u = 2⁻²⁴),
        // then in float64, and both results are rounded once (2 · 2⁻²⁴ of the result); float64 ones
        // get 2e-15 · Σ|x| (the grouping of ~n additions differs from the reference's)
        let sumAbs = 0;
        for (const v of data) sumAbs += Math.abs(v);
        const [rtol, atol] = dtype === 'float32' ? [2 ** -23, (2 ** -23 + 2 ** -48) * sumAbs] : [0, 2e-15 * sumAbs];
        for (const op of ['sum', 'max', 'min']) {
          const ref = run(jsBackend.kernels, op, [x], out, dtype, { axes });
          for (const [T, k] of tables) {
            const d = firstDiff(run(k, op, [x], out, dtype, { axes }), ref, op !== 'sum', rtol, atol);
            if (d) throw new Error(`${op} [${shape}] axes [${axes}] ${dtype} on ${T} threads: ${d}`);
          }
        }
        if (n === 0) continue;
        const axis = shape.length - 1, ao = shape.slice(0, -1);
        for (const op of ['argmax', 'argmin']) {
          const ref = run(jsBackend.kernels, op, [x], ao, 'int32', { axis });
          for (const [T, k] of tables) expect(Array.from(run(k, op, [x], ao, 'int32', { axis })), `${op} [${shape}] on ${T} threads`).toEqual(Array.from(ref));
        }
      }
    });
    it(`sums over leading axes: the reference's bits (same order, same rounding) (${dtype})`, () => {
      const shapes: [number[], number[]][] = [
        [[7, 33], [0]], [[2, 3, 4], [0, 1]], [[2, 3, 4], [0]], [[3001, 5], [0]], [[5, 1001], [0]], [[300, 600], [0]], [[1, 9], [0]], [[4, 1], [0]],
      ];
      for (const [shape, axes] of shapes) {
        const n = size(shape), data = floats(rng, n, dtype);
        if (n > 40) { data[3] = Infinity; data[n - 1] = NaN; data[10] = -0; } // specials in the columns
        const x = kt(data, shape, dtype), out = shape.slice(axes.length);
        const ref = run(jsBackend.kernels, 'sum', [x], out, dtype, { axes });
        for (const [T, k] of tables) {
          const d = firstDiff(run(k, 'sum', [x], out, dtype, { axes }), ref, true);
          if (d) throw new Error(`sum [${shape}] axes [${axes}] ${dtype} on ${T} threads: ${d}`);
        }
      }
      // a column of −0 only sums to +0 (0 + −0), as the reference's zero-filled output does
      const z = kt(arr(dtype, [-0, -0, -0, -0, -0, -0]), [3, 2], dtype);
      for (const [, k] of tables) expect(Object.is(run(k, 'sum', [z], [2], dtype, { axes: [0] })[0], 0)).toBe(true);
    });
    it(`sums over a middle block of axes: within one rounding of the reference (rows added in order, float32 in float64) (${dtype})`, () => {
      const shapes: [number[], number[]][] = [[[2, 3, 4], [1]], [[3, 50, 7], [1]], [[2, 3, 4, 5], [1, 2]], [[5, 300, 33], [1]], [[2, 3, 4, 5], [1]], [[7, 1, 9], [1]]];
      for (const [shape, axes] of shapes) {
        const x = kt(floats(rng, size(shape), dtype), shape, dtype), out = shape.filter((_, d) => !axes.includes(d));
        const ref = run(jsBackend.kernels, 'sum', [x], out, dtype, { axes });
        for (const [T, k] of tables) {
          const d = firstDiff(run(k, 'sum', [x], out, dtype, { axes }), ref, false, dtype === 'float32' ? 2.5e-7 : 1e-13); // float32: one rounding
          if (d) throw new Error(`sum [${shape}] axes [${axes}] ${dtype} on ${T} threads: ${d}`);
        }
      }
    });
    it(`sums over leading and trailing axes together (a channel statistic): within one rounding of the reference (${dtype})`, () => {
      const shapes: [number[], number[]][] = [[[2, 3, 4], [0, 2]], [[8, 16, 33], [0, 2]], [[3, 4, 6, 5], [0, 2, 3]], [[2, 3, 4, 5], [0, 1, 3]], [[5, 7, 1], [0, 2]], [[9, 2, 1000], [0, 2]]];
      for (const [shape, axes] of shapes) {
        const x = kt(floats(rng, size(shape), dtype), shape, dtype), out = shape.filter((_, d) => !axes.includes(d));
        const ref = run(jsBackend.kernels, 'sum', [x], out, dtype, { axes });
        const outs = tables.map(([, k]) => run(k, 'sum', [x], out, dtype, { axes }));
        for (const [i, [T]] of tables.entries()) {
          const d = firstDiff(outs[i]!, ref, false, dtype === 'float32' ? 2.5e-7 : 1e-13); // float32: one rounding
          if (d) throw new Error(`sum [${shape}] axes [${axes}] ${dtype} on ${T} threads: ${d}`);
          expect(firstDiff(outs[i]!, outs[0]!, true), `${T} threads`).toBeNull();
        }
      }
    });
    it(`max / min over leading, middle, and leading and trailing axes: the reference's values, NaN wins (${dtype})`, () => {
      const shapes: [number[], number[]][] = [[[7, 33], [0]], [[300, 600], [0]], [[2, 3, 4], [0, 1]], [[2, 3, 4], [1]], [[5, 300, 33], [1]], [[2, 3, 4, 5], [1, 2]], [[4, 1], [0]], [[7, 1, 9], [1]],
        [[2, 3, 4], [0, 2]], [[8, 16, 33], [0, 2]], [[3, 4, 6, 5], [0, 2, 3]], [[5, 7, 1], [0, 2]]]; // the last four: outer and inner axes together
      for (const [shape, axes] of shapes) {
        const n = size(shape), data = floats(rng, n, dtype);
        if (n > 40) { data[3] = NaN; data[n - 2] = Infinity; data[n - 5] = -Infinity; data[11] = NaN; }
        const x = kt(data, shape, dtype), out = shape.filter((_, d) => !axes.includes(d));
        for (const op of ['max', 'min']) {
          const ref = run(jsBackend.kernels, op, [x], out, dtype, { axes });
          for (const [T, k] of tables) {
            const d = firstDiff(run(k, op, [x], out, dtype, { axes }), ref, false, 0); // equal values (a zero's sign aside)
            if (d) throw new Error(`${op} [${shape}] axes [${axes}] ${dtype} on ${T} threads: ${d}`);
          }
        }
      }
    });
    it(`sum, max, min over axis sets with a kept axis between reduced ones (a permuted copy, then rows) (${dtype})`, () => {
      for (const [shape, axes] of [[[2, 3, 4, 5], [0, 2]], [[2, 3, 4, 5], [1, 3]], [[3, 4, 5, 6, 7], [0, 2, 4]], [[5, 7, 300], [0, 2]], [[4, 9, 5, 11], [1, 3]], [[2, 3, 2 * REDUCE_CHUNK + 3], [0, 2]]] as [number[], number[]][]) {
        const n = size(shape), data = floats(rng, n, dtype);
        if (n > 40) { data[17] = NaN; data[n - 5] = Infinity; }
        const x = kt(data, shape, dtype), out = shape.filter((_, d) => !axes.includes(d));
        const rowsOf = size(out), len = n / rowsOf;
        // per output element Σ|x| over its group, for the sum's bound (float32: 2⁻²⁴·|s| + (2u + u²)·Σ|x|; float64 2e-15·Σ|x|)
        const absRef = run(jsBackend.kernels, 'sum', [kt(Float64Array.from(data, Math.abs), shape, 'float64')], out, 'float64', { axes });
        for (const op of ['sum', 'max', 'min']) {
          const ref = run(jsBackend.kernels, op, [x], out, dtype, { axes });
          const got = tables.map(([, k]) => run(k, op, [x], out, dtype, { axes }));
          for (let i = 0; i < rowsOf; i++) {
            const g = got[0]![i]!, r = ref[i]!;
            if (Number.isNaN(r) || !Number.isFinite(r)) { expect(Object.is(g, r) || (Number.isNaN(g) && Number.isNaN(r)), `${op} [${shape}] axes [${axes}] at ${i}`).toBe(true); continue; }
            const tol = op !== 'sum' ? 0 : dtype === 'float32' ? 2 ** -23 * Math.abs(r) + (2 ** -23 + 2 ** -48 + len * 2 ** -53) * absRef[i]! : 2e-15 * absRef[i]!;
            if (Math.abs(g - r) > tol) throw new Error(`${op} [${shape}] axes [${axes}] ${dtype} at ${i}: ${g} vs ${r}`);
          }
          for (const o of got.slice(1)) expect(firstDiff(o, got[0]!, true), `${op} threads`).toBeNull();
        }
      }
    });
    it(`argmax / argmin along any other axis (the column kernel): the reference's index, ties, NaN, ±∞ (${dtype})`, () => {
      for (const [shape, axis] of [[[7, 9], 0], [[300, 5], 0], [[4, 33, 9], 1], [[4, 33, 9], 0], [[3, 5, 6, 17], 2], [[2, 40, 3], 1], [[5, 64], 0]] as [number[], number][]) {
        const n = size(shape), data = floats(rng, n, dtype);
        for (let i = 0; i < n; i += 7) data[i] = Math.round(data[i]!); // ties
        for (let i = 3; i < n; i += 29) data[i] = [NaN, Infinity, -Infinity, 2, -2][i % 5]!;
        const x = kt(data, shape, dtype), out = shape.filter((_, d) => d !== axis);
        for (const op of ['argmax', 'argmin']) {
          const ref = run(jsBackend.kernels, op, [x], out, 'int32', { axis });
          for (const [T, k] of tables) expect(Array.from(run(k, op, [x], out, 'int32', { axis })), `${op} [${shape}] axis ${axis} on ${T} threads`).toEqual(Array.from(ref));
        }
      }
    });
    it(`a NaN anywhere in a long row wins max, min, argmax, argmin (${dtype})`, () => {
      const n = 3 * REDUCE_CHUNK + 5;
      for (const at of [0, 5, REDUCE_CHUNK, 2 * REDUCE_CHUNK + 7, n - 1]) {
        const data = floats(rng, n, dtype);
        data[at] = NaN;
        data[n - 2] = NaN; // a later NaN: the first one is argmax
        const x = kt(data, [n], dtype);
        for (const [, k] of tables) {
          expect(run(k, 'max', [x], [], dtype, { axes: [0] })[0]).toBeNaN();
          expect(run(k, 'min', [x], [], dtype, { axes: [0] })[0]).toBeNaN();
          expect(run(k, 'argmax', [x], [], 'int32', { axis: 0 })[0]).toBe(Math.min(at, n - 2));
          expect(run(k, 'argmin', [x], [], 'int32', { axis: 0 })[0]).toBe(Math.min(at, n - 2));
        }
      }
    });
  }
  it('a float32 sum of 10⁶ elements is within the documented bound of the exact sum (2⁻²⁴·|s| + (2u + u²)·Σ|x|)', () => {
    const n = 1_000_003, x32 = floats(rng, n, 'float32', 1) as Float32Array;
    for (let i = 0; i < n; i++) x32[i]! += 0.25; // a mean: the sum grows, errors would too
    const ref = run(jsBackend.kernels, 'sum', [kt(Float64Array.from(x32), [n], 'float64')], [], 'float64', { axes: [0] })[0]!;
    let sumAbs = 0;
    for (const v of x32) sumAbs += Math.abs(v);
    for (const [, k] of tables) {
      const got = run(k, 'sum', [kt(x32, [n], 'float32')], [], 'float32', { axes: [0] })[0]!;
      expect(Math.abs(got - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -24 + (2 ** -23 + 2 ** -48 + n * 2 ** -53) * sumAbs);
      expect(Math.abs(got - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -22); // random data: the bound is far from reached
    }
  });

  /**
   * The float32 sum of x[i0, i1) in the kernel's documented order (wasm/kernels.ts, `reduceRangeOp`),
   * modelled with Math.fround: blocks of 32 as two float32 trees of four lanes, widened into eight
   * float64 accumulators a[0…7] (q₀…q₃ → a₀…a₃, r₀…r₃ → a₄…a₇), blocks of 8 widened (element j →
   * a_j), then ((a₀ + a₂) + (a₄ + a₆)) + ((a₁ + a₃) + (a₅ + a₇)) and the tail in order. A sum of two
   * float32 rounded to float64 first and then to float32 is the correctly rounded float32 sum.
   */
  function modelSumF32(x: Float32Array, i0: number, i1: number): number {
    const f = Math.fround, acc = new Float64Array(8);
    let i = i0;
    for (; i + 32 <= i1; i += 32) {
      for (let h = 0; h < 2; h++) {
        const b = i + 16 * h;
        for (let j = 0; j < 4; j++) acc[4 * h + j]! += f(f(x[b + j]! + x[b + 4 + j]!) + f(x[b + 8 + j]! + x[b + 12 + j]!));
      }
    }
    for (; i + 8 <= i1; i += 8) for (let j = 0; j < 8; j++) acc[j]! += x[i + j]!;
    let t = ((acc[0]! + acc[2]!) + (acc[4]! + acc[6]!)) + ((acc[1]! + acc[3]!) + (acc[5]! + acc[7]!));
    for (; i < i1; i++) t += x[i]!;
    return t;
  }
  /** Rows of `len`: one range per row, or chunks of REDUCE_CHUNK added in order in float64; rounded to float32. */
  function modelRowSumsF32(x: Float32Array, len: number): Float32Array {
    const rows = x.length / len, out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c * REDUCE_CHUNK < len || c === 0; c++) s += modelSumF32(x, r * len + c * REDUCE_CHUNK, r * len + Math.min(len, (c + 1) * REDUCE_CHUNK));
      out[r] = s;
    }
    return out;
  }
  it('float32 sums: the bits of the documented order (float32 blocks of four, then float64), on 1, 2 and 4 threads', () => {
    // magnitudes spread over 2⁻¹²…2¹²: every float32 block addition rounds
    const spread = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * 2 ** Math.floor(rng.uniform() * 24 - 12));
    let differsFromWidening = 0;
    for (const [shape, axes] of [[[37], [0]], [[1000], [0]], [[REDUCE_CHUNK - 1], [0]], [[3 * REDUCE_CHUNK + 45], [0]], [[300, 77], [1]], [[40, 96], [1]], [[3, REDUCE_CHUNK + 33], [1]], [[2, 3, 50], [1, 2]]] as [number[], number[]][]) {
      const x = spread(size(shape)), len = shape.slice(axes[0]).reduce((p, q) => p * q, 1), out = shape.slice(0, axes[0]);
      const want = modelRowSumsF32(x, len);
      for (let r = 0; r < want.length; r++) { // the old order (every element widened to float64, eight lanes) gives other bits
        let w = 0;
        for (let i = r * len; i < (r + 1) * len; i++) w += x[i]!;
        if (Math.fround(w) !== want[r]) differsFromWidening++;
      }
      for (const [T, k] of tables) {
        const d = firstDiff(run(k, 'sum', [kt(x, shape, 'float32')], out, 'float32', { axes }), want, true);
        if (d) throw new Error(`sum [${shape}] axes [${axes}] on ${T} threads: ${d}`);
      }
    }
    expect(differsFromWidening).toBeGreaterThan(10); // the model is not the widened sum under another name
  });
});

describe('wasm elementwise: which calls the provider takes', () => {
  const runtime = runtimes[0]!;
  const p = wasmProvider({ runtime }), all = wasmProvider({ runtime, minWork: 0 });
  const t = (shape: number[], dtype: DType = 'float32'): KernelTensor => kt(alloc(dtype, size(shape)), shape, dtype);
  it('the broadcast forms', () => {
    expect(operandForm([5, 7], [5, 7], 35)).toEqual({ kind: 'full', N: 35, mid: 1 });
    expect(operandForm([], [5, 7], 35)).toEqual({ kind: 'scalar', N: 1, mid: 1 });
    expect(operandForm([1, 7], [5, 7], 35)).toEqual({ kind: 'row', N: 7, mid: 1 });
    expect(operandForm([3, 7], [2, 3, 7], 42)).toEqual({ kind: 'row', N: 21, mid: 1 });
    expect(operandForm([5, 1], [5, 7], 35)).toEqual({ kind: 'block', N: 7, mid: 5 });
    expect(operandForm([2, 1, 1], [2, 3, 7], 42)).toEqual({ kind: 'block', N: 21, mid: 2 });
    expect(operandForm([3, 1], [2, 3, 7], 42)).toEqual({ kind: 'block', N: 7, mid: 3 });
    expect(operandForm([1, 3, 1, 1], [2, 3, 4, 5], 120)).toEqual({ kind: 'block', N: 20, mid: 3 });
    expect(operandForm([2, 1, 7], [2, 3, 7], 42)).toBeNull();
    expect(operandForm([2, 1, 1, 5], [2, 3, 4, 5], 120)).toBeNull();
  });
  it('sizes from the measured thresholds; every size with minWork 0', () => {
    expect(p.accepts('add', [t([MIN_BINARY]), t([MIN_BINARY])], [t([MIN_BINARY])], {})).toBe(true);
    expect(p.accepts('add', [t([MIN_BINARY - 1]), t([MIN_BINARY - 1])], [t([MIN_BINARY - 1])], {})).toBe(false);
    expect(p.accepts('relu', [t([MIN_UNARY])], [t([MIN_UNARY])], {})).toBe(true);
    expect(p.accepts('relu', [t([MIN_UNARY - 1])], [t([MIN_UNARY - 1])], {})).toBe(false);
    expect(p.accepts('sum', [t([MIN_REDUCE])], [t([])], { axes: [0] })).toBe(true);
    expect(p.accepts('sum', [t([MIN_REDUCE - 1])], [t([])], { axes: [0] })).toBe(false);
    expect(all.accepts('add', [t([3]), t([3])], [t([3])], {})).toBe(true);
    // a long float64 sum stays on JS (the copy into wasm costs more than the JS sum)
    expect(p.accepts('sum', [t([MAX_SUM_F64 + 1], 'float64')], [t([], 'float64')], { axes: [0] })).toBe(false);
    expect(p.accepts('sum', [t([MAX_SUM_F64], 'float64')], [t([], 'float64')], { axes: [0] })).toBe(true);
    expect(p.accepts('max', [t([MAX_SUM_F64 + 1], 'float64')], [t([], 'float64')], { axes: [0] })).toBe(true);
    expect(p.accepts('sum', [t([MAX_SUM_F64 + 1])], [t([])], { axes: [0] })).toBe(true);
    expect(all.accepts('add', [t([0]), t([0])], [t([0])], {})).toBe(false); // empty: the reference
  });
  it('leaves other dtypes, broadcasts and axes to the reference', () => {
    expect(all.accepts('add', [t([4, 3], 'float64'), t([4, 3])], [t([4, 3], 'float64')], {})).toBe(false);
    expect(all.accepts('add', [t([2, 1, 7]), t([2, 3, 7])], [t([2, 3, 7])], {})).toBe(false);
    expect(all.accepts('add', [t([3, 1]), t([1, 7])], [t([3, 7])], {})).toBe(false);
    expect(all.accepts('add', [t([2, 3, 4, 5]), t([1, 3, 1, 1])], [t([2, 3, 4, 5])], {})).toBe(true);
    expect(all.accepts('sum', [t([4, 3])], [t([3])], { axes: [0] })).toBe(true); // leading axes: column sums
    expect(all.accepts('max', [t([4, 3])], [t([3])], { axes: [0] })).toBe(true); // column extremes
    expect(all.accepts('sum', [t([2, 3, 4])], [t([2, 4])], { axes: [1] })).toBe(true); // a middle axis
    expect(all.accepts('sum', [t([2, 3, 4])], [t([3])], { axes: [0, 2] })).toBe(true); // outer and inner axes: per kept index
    expect(all.accepts('sum', [t([2, 3, 4, 5])], [t([3, 5])], { axes: [0, 2] })).toBe(true); // a kept axis between reduced ones: a permuted copy
    expect(all.accepts('min', [t([2, 3, 4])], [t([2, 4])], { axes: [1] })).toBe(true);
    expect(all.accepts('max', [t([2, 3, 4])], [t([3])], { axes: [0, 2] })).toBe(true); // outer and inner axes: rows' then columns' extremes
    expect(all.accepts('min', [t([2, 3, 4, 5])], [t([3, 5])], { axes: [0, 2] })).toBe(true);
    expect(all.accepts('sum', [t([2, 3])], [t([2, 3])], { axes: [] })).toBe(false);
    expect(all.accepts('argmax', [t([4, 3])], [t([3], 'int32')], { axis: 0 })).toBe(true); // the column kernel
    expect(all.accepts('argmax', [t([4, 3])], [t([3], 'int32')], { axis: 2 })).toBe(false);
    expect(all.accepts('where', [t([4, 3]), t([4, 3]), t([3])], [t([4, 3])], {})).toBe(false);
    expect(all.accepts('where', [t([4, 3]), t([4, 3]), t([])], [t([4, 3])], {})).toBe(true);
    expect(all.accepts('where', [t([3]), t([4, 3]), t([4, 3])], [t([4, 3])], {})).toBe(false);
    expect(all.accepts('neg', [t([4], 'int32')], [t([4], 'int32')], {})).toBe(false);
    expect(all.accepts('sum', [t([4, 3], 'float64')], [t([4], 'float64')], { axes: [1] })).toBe(true);
  });
  it('threaded calls really run on the pool', () => {
    const rt = runtimes[2]!, seen: string[] = [];
    const orig = rt.parallelChunks.bind(rt), origOut = rt.parallelChunksOut.bind(rt);
    rt.parallelChunks = (name, args, pos, chunks, ...rest) => { if (chunks.length > 4) seen.push(name); orig(name, args, pos, chunks, ...rest); };
    // (an output outside the wasm memory: chunks copied out as they finish, without parallelChunks)
    rt.parallelChunksOut = (name, args, pos, chunks, ...rest) => { if (chunks.length > 4) seen.push(name); origOut(name, args, pos, chunks, ...rest); };
    try {
      const k = tables[2]![1], x = t([100_000]), y = t([100_000]);
      run(k, 'add', [x, y], [100_000], 'float32');
      run(k, 'sqrt', [x], [100_000], 'float32');
      run(k, 'sum', [t([300_000])], [], 'float32', { axes: [0] }); // 10 chunks of REDUCE_CHUNK
      run(k, 'argmax', [t([1000, 100])], [1000], 'int32', { axis: 1 });
    } finally {
      rt.parallelChunks = orig;
      rt.parallelChunksOut = origOut;
    }
    expect(seen).toEqual(['binF32', 'mapF32', 'reducePartsF32', 'argRowsF32']);
  });
});

describe('wasm elementwise: the default cpu backend', () => {
  const f = (shape: number[], dtype: DType = 'float32'): KernelTensor => kt(alloc(dtype, size(shape)), shape, dtype);
  it('chooses wasm from the thresholds on, the reference below', () => {
    const w = wasmRuntime() ? 'wasm' : 'js';
    expect(cpuBackend.explain('add', [f([64, 64]), f([64])], [f([64, 64])], {})).toBe(w);
    expect(cpuBackend.explain('add', [f([16, 64]), f([64])], [f([16, 64])], {})).toBe('js');
    expect(cpuBackend.explain('add', [f([64, 64]), f([64, 1, 1])], [f([64, 64, 64])], {})).toBe('js'); // an outer product
    expect(cpuBackend.explain('tanh', [f([300])], [f([300])], {})).toBe(w);
    expect(cpuBackend.explain('tanh', [f([300], 'float64')], [f([300], 'float64')], {})).toBe(w); // tanhF64
    expect(cpuBackend.explain('gelu', [f([300], 'float64')], [f([300], 'float64')], {})).toBe('js');
    expect(cpuBackend.explain('sum', [f([2000, 3])], [f([2000])], { axes: [1] })).toBe(w);
    expect(cpuBackend.explain('sum', [f([2000, 3])], [f([3])], { axes: [0] })).toBe(w);
    expect(cpuBackend.explain('sum', [f([20, 3])], [f([3])], { axes: [0] })).toBe('js');
    expect(cpuBackend.explain('max', [f([2000, 3])], [f([3])], { axes: [0] })).toBe(w);
    expect(cpuBackend.explain('max', [f([20, 3])], [f([3])], { axes: [0] })).toBe('js');
  });
  it('forward and backward through the public ops: the reference\'s values, wasm kernels used', () => {
    const results: Record<string, number[][]> = {};
    const before = { ...cpuBackend.counts.add }, beforeSum = { ...cpuBackend.counts.sum };
    for (const name of ['js', 'cpu']) {
      setBackend(name);
      try {
        const x = fromData(Float32Array.from(randn(new Rng(5), [300, 64]).data), [300, 64], { requiresGrad: true });
        const b = fromData(Float32Array.from(randn(new Rng(6), [64]).data), [64], { requiresGrad: true });
        const h = tanh(relu(add(mul(x, 1.5), b)));
        const y = where(gt(h, 0.3), h, maximum(h, mul(x, -0.25)));
        const loss = sum(mul(y, y));
        backward(loss);
        results[name] = [Array.from(y.data), Array.from(loss.data), Array.from(x.grad!.data), Array.from(b.grad!.data), Array.from(argmax(y, 1).data)];
      } finally { setBackend('cpu'); }
    }
    const [c, j] = [results.cpu!, results.js!];
    // tanh is within 1 ulp (not bit-identical); the rest follows within float32 rounding
    for (let i = 0; i < c.length; i++) expect(firstDiff(Float64Array.from(c[i]!), Float64Array.from(j[i]!), false, 1e-5), `output ${i}`).toBeNull();
    if (wasmRuntime()) {
      expect(cpuBackend.counts.add!.wasm).toBeGreaterThan(before.wasm!);
      expect(cpuBackend.counts.sum!.wasm).toBeGreaterThan(beforeSum.wasm!);
    }
  });
});
