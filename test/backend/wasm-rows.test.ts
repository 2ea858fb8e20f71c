/**
 * The wasm float32 row kernels — softmax / log-softmax and log-softmax's gradient (wasm/kernels.ts
 * `softmaxRowsF32`, `logSoftmaxGradRowsF32`), layer norm and its gradient (`layerNormRowsF32`,
 * `layerNormGradRowsF32`) — against the JS reference on 1, 2 and 4 threads. Softmax: within
 * 2 ulp-scale tolerance (the SIMD exp polynomial and the sum order differ from the reference's
 * Math.exp and ascending sum), identical bits for every thread count, special values (NaN, ±∞ rows)
 * handled as the reference handles them, row lengths around the vector width; and the provider's
 * accepts rule (float32, last axis only).
 */
import { describe, expect, it } from 'vitest';
import { jsBackend, type Kernel, type KernelTensor } from '../../src/backend/index.js';
import { wasmProvider } from '../../src/backend/wasm/kernels.js';
import { wasmRuntime } from '../../src/backend/wasm/runtime.js';
import { Rng } from '../../src/util/rng.js';
import { firstDiff as diff, threadTables } from './wasm-test-helpers.js';

/** {@link diff} relative to each value (softmax probabilities go down to underflow). */
const firstDiff = (got: Float32Array, ref: Float32Array, exact: boolean, rtol = 0, atol = 0): string | null => diff(got, ref, exact, rtol, atol, true);


const tables = threadTables();

const kt = (data: Float32Array, shape: number[]): KernelTensor => ({ data, shape, dtype: 'float32' });

/** Call float32 kernel `k` with fresh outputs of `outShapes` (filled with 7: every element must be written). */
function callRows(k: Kernel, ins: Float32Array[], shapes: number[][], outShapes: number[][], attrs: object): Float32Array[] {
  const outs = outShapes.map((sh) => new Float32Array(sh.reduce((p, d) => p * d, 1)).fill(7));
  k(ins.map((d, i) => kt(d, shapes[i]!)), outs.map((d, i) => kt(d, outShapes[i]!)), attrs);
  return outs;
}

/**
 * Kernel `op` of the reference and of the wasm tables on 1, 2 and 4 threads on the same inputs:
 * every output of the one-thread run within `tol` (relative and absolute) of the reference's, the
 * other thread counts' the same bits; returns the reference's outputs.
 */
function versusReference(op: string, ins: Float32Array[], shapes: number[][], outShapes: number[][], attrs: object, tol: number, what: string): Float32Array[] {
  const ref = callRows(jsBackend.kernels[op]!, ins, shapes, outShapes, attrs);
  const got = tables.map(([, t]) => callRows(t[op]!, ins, shapes, outShapes, attrs));
  for (let k = 0; k < outShapes.length; k++) {
    expect(firstDiff(got[0]![k]!, ref[k]!, false, tol, tol), `${what} output ${k}`).toBeNull();
    for (const o of got.slice(1)) expect(firstDiff(o[k]!, got[0]![k]!, true), `${what} output ${k} threads`).toBeNull();
  }
  return ref;
}

function run(k: Kernel, inputs: Float32Array[], shape: number[]): Float32Array {
  const o = new Float32Array(inputs[0]!.length).fill(7);
  k(inputs.map((d) => kt(d, shape)), [kt(o, shape)], { axis: shape.length - 1 });
  return o;
}

function data(rng: Rng, n: number, scale: number): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = (rng.uniform() * 2 - 1) * scale;
  return d;
}

describe('wasm softmax rows (float32, last axis)', () => {
  const rng = new Rng(5);
  for (const L of [1, 3, 4, 5, 8, 17, 64, 1000]) {
    it(`softmax, logSoftmax and their gradients, rows of ${L}: close to the reference, same bits on 1, 2, 4 threads`, () => {
      const rows = 37, shape = [rows, L], n = rows * L;
      const x = data(rng, n, 20), g = data(rng, n, 1);
      for (const op of ['softmax', 'logSoftmax', 'logSoftmaxGrad', 'softmaxGrad'] as const) {
        const ins = op === 'logSoftmaxGrad' ? [run(jsBackend.kernels.logSoftmax!, [x], shape), g]
          : op === 'softmaxGrad' ? [run(jsBackend.kernels.softmax!, [x], shape), g] : [x];
        const ref = run(jsBackend.kernels[op]!, ins, shape);
        const outs = tables.map(([, t]) => run(t[op]!, ins, shape));
        // the gradient subtracts two terms: an absolute tolerance on the scale of g
        // relative to each value (softmax: down to underflow); the gradient subtracts two terms, so
        // also an absolute tolerance on the scale of Σ|g|
        expect(firstDiff(outs[0]!, ref, false, 3e-6, op.endsWith('Grad') ? 3e-7 * L : 1e-37), op).toBeNull();
        for (const o of outs.slice(1)) expect(firstDiff(o, outs[0]!, true), `${op} threads`).toBeNull();
      }
    });
  }

  it('special rows: NaN anywhere, +∞, all −∞, huge values — as the reference', () => {
    const rows = [
      [1, NaN, 2, 3, 4], [Infinity, 0, 1, 2, 3], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [3e38, 3.1e38, -3e38, 0, 1], [-Infinity, 0, -Infinity, 1, -Infinity], [Infinity, Infinity, 1, 2, 3],
    ];
    const x = Float32Array.from(rows.flat()), shape = [rows.length, 5];
    for (const op of ['softmax', 'logSoftmax'] as const) {
      const ref = run(jsBackend.kernels[op]!, [x], shape);
      for (const [T, t] of tables) expect(firstDiff(run(t[op]!, [x], shape), ref, false, 3e-6, 1e-37), `${op} on ${T} threads`).toBeNull();
    }
  });

  it('the tolerance check fails on a value off by 1e-5 relative', () => {
    const x = data(rng, 64, 3), shape = [4, 16];
    const ref = run(jsBackend.kernels.softmax!, [x], shape), bad = run(tables[0]![1].softmax!, [x], shape);
    bad[5] = bad[5]! * (1 + 1e-5);
    expect(firstDiff(bad, ref, false, 3e-6, 1e-37)).not.toBeNull();
    expect(firstDiff(run(tables[0]![1].softmax!, [x], shape), ref, false, 3e-6, 1e-37)).toBeNull();
    // the shared helper's other modes: scaled by max(1, |ref|), and exact bits
    const one = Float32Array.of(1), near = Float32Array.of(1.001);
    expect(diff(near, one, false, 1e-4)).not.toBeNull();
    expect(diff(near, one, false, 1e-2)).toBeNull();
    expect(diff(Float32Array.of(NaN), one, false, 1)).not.toBeNull();
    expect(diff(Float32Array.of(Infinity), Float32Array.of(3e38), false, 1)).not.toBeNull();
    expect(diff(Float32Array.of(-0), Float32Array.of(0), true)).not.toBeNull();
    expect(diff(Float32Array.of(NaN), Float32Array.of(NaN), true)).toBeNull();
  });

  it('accepts float32 and float64 over any axis (the rows or the column kernels), not int32 or a bad axis', () => {
    if (!wasmRuntime()) return;
    const p = wasmProvider({ minWork: 0 });
    const f = new Float32Array(12), d = new Float64Array(12), i = new Int32Array(12);
    expect(p.accepts('softmax', [kt(f, [3, 4])], [kt(f, [3, 4])], { axis: 1 })).toBe(true);
    expect(p.accepts('logSoftmax', [kt(f, [3, 4])], [kt(f, [3, 4])], { axis: 0 })).toBe(true);
    expect(p.accepts('logSoftmax', [kt(f, [3, 4])], [kt(f, [3, 4])], { axis: 2 })).toBe(false);
    expect(p.accepts('softmax', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: d, shape: [3, 4], dtype: 'float64' }], { axis: 1 })).toBe(true);
    expect(p.accepts('logSoftmaxGrad', [{ data: d, shape: [3, 4], dtype: 'float64' }, { data: d, shape: [3, 4], dtype: 'float64' }], [{ data: d, shape: [3, 4], dtype: 'float64' }], { axis: 0 })).toBe(true);
    expect(p.accepts('softmax', [{ data: i, shape: [3, 4], dtype: 'int32' }], [{ data: i, shape: [3, 4], dtype: 'int32' }], { axis: 1 })).toBe(false);
    expect(wasmProvider({}).accepts('softmax', [kt(f, [3, 4])], [kt(f, [3, 4])], { axis: 1 })).toBe(false); // below minWork
  });
});

describe('wasm softmax family along any other axis (x as [B, L, W], columns in vector lanes; float32, float64)', () => {
  const rng = new Rng(41);
  const size = (sh: readonly number[]): number => sh.reduce((p, d) => p * d, 1);
  type Arr = Float32Array | Float64Array;
  const make = (dtype: 'float32' | 'float64', n: number, scale: number): Arr => {
    const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = (rng.uniform() * 2 - 1) * scale;
    return a;
  };
  const call = (k: Kernel, ins: Arr[], shape: number[], outShape: number[], attrs: object): Arr => {
    const dtype = ins[0] instanceof Float32Array ? 'float32' : 'float64';
    const o = (dtype === 'float32' ? new Float32Array(size(outShape)) : new Float64Array(size(outShape))).fill(7);
    k(ins.map((d) => ({ data: d, shape, dtype })), [{ data: o, shape: outShape, dtype }], attrs);
    return o;
  };
  /** Every table (1, 2, 4 threads) against the reference within tol (relative to each value, or absolute atol); the same bits across tables. */
  const check = (op: string, ins: Arr[], shape: number[], outShape: number[], attrs: object, rtol: number, atol: number, what: string): Arr => {
    const ref = call(jsBackend.kernels[op]!, ins, shape, outShape, attrs);
    const got = tables.map(([, t]) => call(t[op]!, ins, shape, outShape, attrs));
    expect(diff(got[0]!, ref, false, rtol, atol, true), what).toBeNull();
    for (const o of got.slice(1)) expect(diff(o, got[0]!, true), `${what} threads`).toBeNull();
    return ref;
  };
  for (const dtype of ['float32', 'float64'] as const) {
    const [rtol, atol] = dtype === 'float32' ? [3e-6, 1e-37] : [1e-13, 1e-300];
    for (const [shape, axis] of [[[3, 5, 7], 1], [[4, 6, 16], 0], [[4, 6, 16], 1], [[2, 37, 3], 1], [[5, 9, 8], 1], [[6, 1000], 0], [[2, 3, 4, 5], 1], [[2, 3, 4, 5], 2]] as [number[], number][]) {
      it(`softmax, log-softmax and their gradients over axis ${axis} of [${shape}] (${dtype})`, () => {
        const n = size(shape), x = make(dtype, n, 20), g = make(dtype, n, 1), attrs = { axis };
        const y = check('softmax', [x], shape, shape, attrs, rtol, atol, 'softmax');
        const ly = check('logSoftmax', [x], shape, shape, attrs, rtol, dtype === 'float32' ? 3e-6 * 40 : 1e-12, 'logSoftmax');
        const L = shape[axis]!;
        check('softmaxGrad', [y, g], shape, shape, attrs, rtol, (dtype === 'float32' ? 3e-7 : 1e-14) * L, 'softmaxGrad');
        check('logSoftmaxGrad', [ly, g], shape, shape, attrs, rtol, (dtype === 'float32' ? 3e-7 : 1e-14) * L, 'logSoftmaxGrad');
      });
    }
    for (const [shape, axes] of [[[7, 9], [0]], [[4, 6, 16], [1]], [[4, 6, 16], [0, 1]], [[2, 3, 4, 5], [1, 2]], [[5, 37, 3], [1]]] as [number[], number[]][]) {
      it(`logsumexp over axes [${axes}] of [${shape}] (${dtype})`, () => {
        const x = make(dtype, size(shape), 20), out = shape.filter((_, d) => !axes.includes(d));
        check('logsumexp', [x], shape, out, { axes }, dtype === 'float32' ? 3e-7 : 1e-14, dtype === 'float32' ? 3e-6 : 1e-13, 'logsumexp');
      });
    }
    it(`special columns: NaN, +∞, all −∞, huge values — as the reference (${dtype})`, () => {
      const cols = [[1, NaN, 2, 3, 4], [Infinity, 0, 1, 2, 3], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
        [3e38, 3.1e38, -3e38, 0, 1], [-Infinity, 0, -Infinity, 1, -Infinity], [Infinity, Infinity, 1, 2, 3]];
      // [2, 5, 6]: column j of batch b holds cols[j] (down the axis of length 5)
      const shape = [2, 5, 6], x = dtype === 'float32' ? new Float32Array(60) : new Float64Array(60);
      for (let b = 0; b < 2; b++) for (let l = 0; l < 5; l++) for (let j = 0; j < 6; j++) x[b * 30 + l * 6 + j] = cols[j]![l]!;
      for (const op of ['softmax', 'logSoftmax']) check(op, [x], shape, shape, { axis: 1 }, rtol, atol, op);
      check('logsumexp', [x], shape, [2, 6], { axes: [1] }, rtol, atol, 'logsumexp');
    });
  }
  it('the column path is taken: a kernel that skips the last partial unit fails (outputs stay 7)', () => {
    // a [2, 5, 6] float32 softmax over axis 1 through the wasm table has no 7 left; the reference agrees
    const x = make('float32', 60, 3), shape = [2, 5, 6];
    const got = call(tables[0]![1].softmax!, [x], shape, shape, { axis: 1 });
    expect(Array.from(got).includes(7)).toBe(false);
    const bad = got.slice();
    bad[5] = 7;
    expect(diff(bad, call(jsBackend.kernels.softmax!, [x], shape, shape, { axis: 1 }), false, 3e-6, 1e-37, true)).not.toBeNull();
  });
});

describe('wasm layer norm rows (float32)', () => {
  const rng = new Rng(9);
  for (const [rows, L] of [[1, 1], [5, 3], [37, 8], [200, 33], [130, 1000]] as const) {
    for (const affine of [false, true]) {
      it(`forward and backward, ${rows} rows of ${L}${affine ? ', weight and bias' : ''}: close to the reference, same bits on 1, 2, 4 threads`, () => {
        const n = rows * L, x = data(rng, n, 3), w = data(rng, L, 2), b = data(rng, L, 1), g = data(rng, n, 1);
        for (let i = 0; i < n; i++) x[i] = x[i]! + 50; // an offset: the two-pass variance matters
        const attrs = { size: L, eps: 1e-5, hasWeight: affine, hasBias: affine };
        const fin = affine ? [x, w, b] : [x], fsh = affine ? [[rows, L], [L], [L]] : [[rows, L]];
        const fo = [[rows, L], [rows], [rows]];
        const ref = versusReference('layerNorm', fin, fsh, fo, attrs, 2e-6, 'forward');
        // the backward from the reference's statistics
        const bin = [x, ref[1]!, ref[2]!, g, ...(affine ? [w] : [])], bsh = [[rows, L], [rows], [rows], [rows, L], [L]];
        const bo = [[rows, L], [L], [L]];
        // gx is computed in the reference's order (same bits up to float32 rounding of the result);
        // gγ, gβ add the rows' terms in chunks: within rounding of a float64 sum over `rows` terms
        versusReference('layerNormGrad', bin, bsh, bo, attrs, 1e-6, 'backward');
      });
    }
  }
  it('accepts float32 and float64, not int32', () => {
    if (!wasmRuntime()) return;
    const p = wasmProvider({ minWork: 0 });
    const f = new Float32Array(12), d = new Float64Array(12), i = new Int32Array(12);
    const attrs = { size: 4, eps: 1e-5, hasWeight: false, hasBias: false };
    expect(p.accepts('layerNorm', [kt(f, [3, 4])], [kt(f, [3, 4])], attrs)).toBe(true);
    expect(p.accepts('layerNorm', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: d, shape: [3, 4], dtype: 'float64' }], attrs)).toBe(true);
    expect(p.accepts('layerNorm', [{ data: i, shape: [3, 4], dtype: 'int32' }], [{ data: i, shape: [3, 4], dtype: 'int32' }], attrs)).toBe(false);
  });
});

describe('wasm clamp and logsumexp rows', () => {
  const rng = new Rng(13);
  it('clamp gives the reference bits (NaN, ±0, ±∞, subnormals, the bounds themselves) on 1, 2, 4 threads, float32 and float64', () => {
    const specials = [NaN, -NaN, 0, -0, 1, -1, 0.5, -0.5, Infinity, -Infinity, 1e-45, -1e-45, 3e38, -3e38, 0.25, -0.25, 0.3, -0.3];
    for (const dtype of ['float32', 'float64'] as const) {
      const C = dtype === 'float32' ? Float32Array : Float64Array;
      const x = C.from([...specials, ...Array.from({ length: 301 }, () => rng.uniform() * 2 - 1)]);
      for (const [lo, hi] of [[-0.3, 0.25], [0, Infinity], [-Infinity, -0], [0.1, 0.1]] as const) {
        const run2 = (k: Kernel): Float64Array | Float32Array => {
          const o = new C(x.length).fill(7);
          k([{ data: x, shape: [x.length], dtype }], [{ data: o, shape: [x.length], dtype }], { lo, hi });
          return o;
        };
        const ref = run2(jsBackend.kernels.clamp!);
        for (const [T, t] of tables) {
          const got = run2(t.clamp!);
          for (let i = 0; i < x.length; i++) {
            const ok = Object.is(got[i], ref[i]) || (Number.isNaN(got[i]) && Number.isNaN(ref[i]));
            if (!ok) expect.fail(`${dtype} clamp(${x[i]}, ${lo}, ${hi}) on ${T} threads: ${got[i]} vs ${ref[i]}`);
          }
        }
      }
    }
  });

  for (const L of [1, 3, 8, 33, 1000]) {
    it(`logsumexp over rows of ${L} (and two trailing axes): close to the reference, same bits on 1, 2, 4 threads`, () => {
      const rows = 29, n = rows * L, x = data(rng, n, 30);
      x[0] = NaN;
      if (L > 1) { x[L] = Infinity; for (let j = 0; j < L; j++) x[2 * L + j] = -Infinity; }
      for (const [shape, axes] of [[[rows, L], [1]], [[rows, 1, L], [1, 2]]] as const) {
        const call = (k: Kernel): Float32Array => {
          const o = new Float32Array(rows).fill(7);
          k([kt(x, [...shape])], [kt(o, [rows])], { axes: [...axes] });
          return o;
        };
        const ref = call(jsBackend.kernels.logsumexp!);
        const outs = tables.map(([, t]) => call(t.logsumexp!));
        expect(firstDiff(outs[0]!, ref, false, 3e-7, 3e-6)).toBeNull();
        for (const o of outs.slice(1)) expect(firstDiff(o, outs[0]!, true)).toBeNull();
      }
    });
  }

  it('logsumexp over any non-empty set of axes is taken (float32, float64)', () => {
    if (!wasmRuntime()) return;
    const p = wasmProvider({ minWork: 0 });
    const f = new Float32Array(12), d = new Float64Array(12);
    expect(p.accepts('logsumexp', [kt(f, [3, 4])], [kt(new Float32Array(4), [4])], { axes: [0] })).toBe(true);
    expect(p.accepts('logsumexp', [kt(new Float32Array(24), [2, 3, 4])], [kt(new Float32Array(3), [3])], { axes: [0, 2] })).toBe(true); // a permuted copy, then rows
    expect(p.accepts('logsumexp', [kt(f, [3, 4])], [kt(f, [3, 4])], { axes: [] })).toBe(false);
    expect(p.accepts('logsumexp', [kt(f, [3, 4])], [kt(new Float32Array(3), [3])], { axes: [1] })).toBe(true);
    expect(p.accepts('logsumexp', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: new Float64Array(3), shape: [3], dtype: 'float64' }], { axes: [1] })).toBe(true);
    expect(p.accepts('clamp', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: d, shape: [3, 4], dtype: 'float64' }], { lo: 0, hi: 1 })).toBe(true);
  });
});

describe('wasm variance rows (float32, trailing axes)', () => {
  const rng = new Rng(17);
  for (const L of [1, 2, 7, 8, 33, 1000]) {
    it(`variance over rows of ${L} (and two trailing axes), corrections 0, 1 and 2.5: close to the reference, same bits on 1, 2, 4 threads`, () => {
      const rows = 31, n = rows * L, x = data(rng, n, 3);
      for (let i = 0; i < n; i++) x[i] = x[i]! + 100; // an offset: the two passes matter
      x[0] = NaN;
      if (L > 1) x[L + 1] = Infinity;
      for (const correction of [0, 1, 2.5]) {
        for (const [shape, axes] of [[[rows, L], [1]], [[rows, 1, L], [1, 2]]] as const) {
          const call = (k: Kernel): Float32Array => {
            const o = new Float32Array(rows).fill(7);
            k([kt(x, [...shape])], [kt(o, [rows])], { axes: [...axes], correction });
            return o;
          };
          const ref = call(jsBackend.kernels.variance!);
          const outs = tables.map(([, t]) => call(t.variance!));
          // NaN where the reference gives NaN (a NaN or ∞ in the row, or 0/0), ∞ where it does
          expect(firstDiff(outs[0]!, ref, false, 1e-6, 1e-6), `correction ${correction}`).toBeNull();
          for (const o of outs.slice(1)) expect(firstDiff(o, outs[0]!, true)).toBeNull();
        }
      }
    });
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`variance over leading and trailing axes together (${dtype}): close to the reference, same bits on 1, 2, 4 threads`, () => {
      for (const [shape, axes] of [[[2, 3, 4], [0, 2]], [[8, 16, 33], [0, 2]], [[3, 4, 6, 5], [0, 2, 3]], [[9, 2, 1000], [0, 2]]] as const) {
        const n = shape.reduce((p, d) => p * d, 1), C = dtype === 'float32' ? Float32Array : Float64Array;
        const vals = Array.from({ length: n }, () => 30 + (rng.uniform() * 2 - 1) * 3);
        const x = dtype === 'float32' ? Float32Array.from(vals) : Float64Array.from(vals);
        const oshape = shape.filter((_, d) => !(axes as readonly number[]).includes(d)), on = oshape.reduce((p, d) => p * d, 1);
        for (const correction of [0, 1]) {
          const call = (k: Kernel): Float32Array | Float64Array => {
            const o = new C(on).fill(7);
            k([{ data: x, shape: [...shape], dtype }], [{ data: o, shape: oshape, dtype }], { axes: [...axes], correction });
            return o;
          };
          const ref = call(jsBackend.kernels.variance!);
          const outs = tables.map(([, t]) => call(t.variance!));
          expect(diff(outs[0]!, ref, false, dtype === 'float32' ? 1e-6 : 1e-12, dtype === 'float32' ? 1e-6 : 1e-12), `[${shape}] axes [${axes}]`).toBeNull();
          for (const o of outs.slice(1)) expect(diff(o, outs[0]!, true)).toBeNull();
        }
      }
    });
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`variance over a block of leading or middle axes (the column kernel): the reference's bits, every thread count (${dtype})`, () => {
      const rng2 = new Rng(dtype === 'float32' ? 61 : 62);
      for (const [shape, axes] of [[[300, 7], [0]], [[40, 64], [0]], [[4, 33, 9], [1]], [[4, 33, 9], [0, 1]], [[3, 5, 6, 17], [1, 2]], [[2, 1000, 2], [1]]] as [number[], number[]][]) {
        const n = shape.reduce((p, q) => p * q, 1), x = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = 40 + (rng2.uniform() * 2 - 1) * 3;
        x[5] = NaN; // one column NaN, the rest finite
        const out = shape.filter((_, d) => !axes.includes(d)), m = out.reduce((p, q) => p * q, 1);
        for (const correction of [0, 1, 2.5]) {
          const call = (k: Kernel): Float32Array | Float64Array => {
            const o = (dtype === 'float32' ? new Float32Array(m) : new Float64Array(m)).fill(7);
            k([{ data: x, shape, dtype }], [{ data: o, shape: out, dtype }], { axes, correction });
            return o;
          };
          const ref = call(jsBackend.kernels.variance!);
          for (const [T, t] of tables) expect(diff(call(t.variance!), ref, true), `[${shape}] axes [${axes}] correction ${correction} on ${T} threads`).toBeNull();
        }
      }
    });
  }
  for (const dtype of ['float32', 'float64'] as const) {
    it(`variance and logsumexp over axis sets with a kept axis between reduced ones (a permuted copy, then rows) (${dtype})`, () => {
      const rng3 = new Rng(dtype === 'float32' ? 63 : 64);
      for (const [shape, axes] of [[[2, 3, 4, 5], [0, 2]], [[2, 3, 4, 5], [1, 3]], [[3, 4, 5, 6, 7], [0, 2, 4]], [[5, 7, 300], [0, 2]]] as [number[], number[]][]) {
        const n = shape.reduce((p, q) => p * q, 1), x = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = 40 + (rng3.uniform() * 2 - 1) * 3;
        const out = shape.filter((_, d) => !axes.includes(d)), m = out.reduce((p, q) => p * q, 1);
        const call = (k: Kernel, op: string, attrs: object): Float32Array | Float64Array => {
          const o = (dtype === 'float32' ? new Float32Array(m) : new Float64Array(m)).fill(7);
          k([{ data: x, shape, dtype }], [{ data: o, shape: out, dtype }], attrs);
          return o;
        };
        // variance: the rows kernel on the permuted copy runs the reference's operations but adds in lanes (rounding); logsumexp: the wasm exp
        for (const [op, attrs, tol] of [['variance', { axes, correction: 1 }, dtype === 'float32' ? 1e-6 : 1e-13], ['logsumexp', { axes }, dtype === 'float32' ? 3e-7 : 1e-14]] as [string, object, number][]) {
          const ref = call(jsBackend.kernels[op]!, op, attrs);
          const got = tables.map(([, t]) => call(t[op]!, op, attrs));
          expect(diff(got[0]!, ref, false, tol, 0, true), `${op} [${shape}] axes [${axes}]`).toBeNull();
          for (const o of got.slice(1)) expect(diff(o, got[0]!, true), `${op} threads`).toBeNull();
        }
      }
    });
  }
  it('variance: any non-empty set of axes, float32 and float64', () => {
    if (!wasmRuntime()) return;
    const p = wasmProvider({ minWork: 0 });
    const f = new Float32Array(12), d = new Float64Array(12);
    expect(p.accepts('variance', [kt(f, [3, 4])], [kt(new Float32Array(4), [4])], { axes: [0], correction: 1 })).toBe(true);
    expect(p.accepts('variance', [kt(new Float32Array(120), [2, 3, 4, 5])], [kt(new Float32Array(8), [2, 4])], { axes: [1, 3], correction: 1 })).toBe(true); // a permuted copy, then rows
    expect(p.accepts('variance', [kt(f, [3, 4])], [kt(new Float32Array(3), [3])], { axes: [1], correction: 1 })).toBe(true);
    expect(p.accepts('variance', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: new Float64Array(3), shape: [3], dtype: 'float64' }], { axes: [1], correction: 1 })).toBe(true);
    expect(p.accepts('variance', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: new Float64Array(4), shape: [4], dtype: 'float64' }], { axes: [0], correction: 1 })).toBe(true);
    expect(p.accepts('variance', [kt(new Float32Array(24), [2, 3, 4])], [kt(new Float32Array(3), [3])], { axes: [0, 2], correction: 1 })).toBe(true);
    expect(p.accepts('softmaxGrad', [kt(f, [3, 4]), kt(f, [3, 4])], [kt(f, [3, 4])], { axis: 0 })).toBe(true); // the column kernels
    expect(p.accepts('softmaxGrad', [kt(f, [3, 4]), kt(f, [3, 4])], [kt(f, [3, 4])], { axis: 1 })).toBe(true);
  });
});

describe('wasm batch norm (float32, training, x as [N, C, S])', () => {
  const rng = new Rng(23);
  const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
  for (const xs of [[5, 3], [4, 5, 7], [3, 4, 6, 5], [8, 16, 33]]) {
    for (const affine of [false, true]) {
      it(`forward and backward, x ${JSON.stringify(xs)}${affine ? ', weight and bias' : ''}: close to the reference, same bits on 1, 2, 4 threads`, () => {
        const C = xs[1]!, n = size(xs), x = data(rng, n, 3), g = data(rng, n, 1), w = data(rng, C, 2), b = data(rng, C, 1);
        for (let i = 0; i < n; i++) x[i] = x[i]! + 20; // an offset: the two passes matter
        const attrs = { eps: 1e-5, hasWeight: affine, hasBias: affine };
        const fin = affine ? [x, w, b] : [x], fsh = affine ? [xs, [C], [C]] : [xs];
        const fo = [xs, [C], [C]];
        const ref = versusReference('batchNorm', fin, fsh, fo, attrs, 2e-6, 'forward');
        const bin = [x, ref[1]!, ref[2]!, g, ...(affine ? [w] : [])], bsh = [xs, [C], [C], xs, [C]];
        // gx, and the channel sums gγ, gβ: float64 sums in another order, rounded once
        versusReference('batchNormGrad', bin, bsh, fo, attrs, 2e-6, 'backward');
      });
    }
  }

  it('accepts float32 and float64 with a channel axis only', () => {
    if (!wasmRuntime()) return;
    const p = wasmProvider({ minWork: 0 });
    const f = new Float32Array(12), d = new Float64Array(12), attrs = { eps: 1e-5, hasWeight: false, hasBias: false };
    expect(p.accepts('batchNorm', [kt(f, [3, 4])], [kt(f, [3, 4])], attrs)).toBe(true);
    expect(p.accepts('batchNorm', [kt(f, [12])], [kt(f, [12])], attrs)).toBe(false);
    expect(p.accepts('batchNormGrad', [{ data: d, shape: [3, 4], dtype: 'float64' }], [{ data: d, shape: [3, 4], dtype: 'float64' }], attrs)).toBe(true);
  });
});

describe('wasm float64 rows: softmax, log-softmax, their gradients, logsumexp, variance, layer norm, batch norm (f64x2)', () => {
  const rng = new Rng(29);
  const size = (sh: readonly number[]): number => sh.reduce((p, d) => p * d, 1);
  const f64 = (n: number, scale: number, offset = 0): Float64Array => Float64Array.from({ length: n }, () => offset + (rng.uniform() * 2 - 1) * scale);
  const k64 = (data: Float64Array, shape: readonly number[]): KernelTensor => ({ data, shape: [...shape], dtype: 'float64' });
  const call = (k: Kernel, ins: [Float64Array, readonly number[]][], outShapes: readonly (readonly number[])[], attrs: object): Float64Array[] => {
    const outs = outShapes.map((sh) => new Float64Array(size(sh)).fill(7));
    k(ins.map(([d, sh]) => k64(d, sh)), outs.map((d, i) => k64(d, outShapes[i]!)), attrs);
    return outs;
  };
  /** Against the reference within float64 rounding of sums in another order; the same bits on every thread count. */
  const check = (op: string, ins: [Float64Array, readonly number[]][], outShapes: readonly (readonly number[])[], attrs: object, tol = 1e-12): Float64Array[] => {
    const ref = call(jsBackend.kernels[op]!, ins, outShapes, attrs);
    const got = tables.map(([, t]) => call(t[op]!, ins, outShapes, attrs));
    for (let k = 0; k < outShapes.length; k++) {
      expect(diff(got[0]![k]!, ref[k]!, false, tol, tol), `${op} output ${k}`).toBeNull();
      for (const o of got.slice(1)) expect(diff(o[k]!, got[0]![k]!, true), `${op} output ${k} threads`).toBeNull();
    }
    return ref;
  };
  for (const L of [1, 2, 3, 8, 9, 17, 1000]) {
    it(`softmax, log-softmax, their gradients and logsumexp over rows of ${L}`, () => {
      const rows = 23, n = rows * L, x = f64(n, 20), g = f64(n, 1), sh = [rows, L];
      // softmax: every probability within 1e-14 of itself (the exps are within an ulp of Math.exp, the sums differ in order)
      const sref = call(jsBackend.kernels.softmax!, [[x, sh]], [sh], { axis: 1 })[0]!;
      const sgot = tables.map(([, t]) => call(t.softmax!, [[x, sh]], [sh], { axis: 1 })[0]!);
      expect(diff(sgot[0]!, sref, false, 1e-14, 0, true), 'softmax').toBeNull();
      for (const o of sgot.slice(1)) expect(diff(o, sgot[0]!, true), 'softmax threads').toBeNull();
      const lref = check('logSoftmax', [[x, sh]], [sh], { axis: 1 });
      check('softmaxGrad', [[sref, sh], [g, sh]], [sh], { axis: 1 });
      check('logSoftmaxGrad', [[lref[0]!, sh], [g, sh]], [sh], { axis: 1 });
      check('logsumexp', [[x, sh]], [[rows]], { axes: [1] });
    });
  }
  it('softmax, log-softmax and logsumexp of special rows (NaN, +∞, all −∞, ±1e308, subnormal results) as the reference', () => {
    const rowsV = [
      [1, NaN, 2, 3, 4], [Infinity, 0, 1, 2, 3], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [1e308, -1e308, 0, 1, 2], [-Infinity, 0, -Infinity, 1, -Infinity], [Infinity, Infinity, 1, 2, 3], [0, -720, -740, -800, 1],
    ];
    const x = Float64Array.from(rowsV.flat()), sh = [rowsV.length, 5];
    for (const op of ['softmax', 'logSoftmax'] as const) {
      const ref = call(jsBackend.kernels[op]!, [[x, sh]], [sh], { axis: 1 })[0]!;
      for (const [T, t] of tables) expect(diff(call(t[op]!, [[x, sh]], [sh], { axis: 1 })[0]!, ref, false, 1e-14, 4 * 5e-324, true), `${op} on ${T} threads`).toBeNull();
    }
    const ref = call(jsBackend.kernels.logsumexp!, [[x, sh]], [[rowsV.length]], { axes: [1] })[0]!;
    for (const [T, t] of tables) expect(diff(call(t.logsumexp!, [[x, sh]], [[rowsV.length]], { axes: [1] })[0]!, ref, false, 1e-14, 0, true), `logsumexp on ${T} threads`).toBeNull();
  });
  for (const L of [1, 3, 8, 17, 1000]) {
    it(`variance and layer norm (forward and backward) over rows of ${L}`, () => {
      const rows = 23, n = rows * L, x = f64(n, 3, 40), g = f64(n, 1), w = f64(L, 2), b = f64(L, 1);
      x[1] = NaN;
      for (const correction of [0, 1]) check('variance', [[x, [rows, L]]], [[rows]], { axes: [1], correction });
      for (const affine of [false, true]) {
        const attrs = { size: L, eps: 1e-5, hasWeight: affine, hasBias: affine };
        const ref = check('layerNorm', [[x, [rows, L]], ...(affine ? [[w, [L]], [b, [L]]] as [Float64Array, number[]][] : [])], [[rows, L], [rows], [rows]], attrs);
        check('layerNormGrad', [[x, [rows, L]], [ref[1]!, [rows]], [ref[2]!, [rows]], [g, [rows, L]], ...(affine ? [[w, [L]]] as [Float64Array, number[]][] : [])], [[rows, L], [L], [L]], attrs);
      }
    });
  }
  for (const xs of [[5, 3], [4, 5, 7], [3, 4, 6, 5], [8, 16, 33]]) {
    it(`batch norm forward and backward, x ${JSON.stringify(xs)}`, () => {
      const C = xs[1]!, n = size(xs), x = f64(n, 3, 20), g = f64(n, 1), w = f64(C, 2), b = f64(C, 1);
      for (const affine of [false, true]) {
        const attrs = { eps: 1e-5, hasWeight: affine, hasBias: affine };
        const ref = check('batchNorm', [[x, xs], ...(affine ? [[w, [C]], [b, [C]]] as [Float64Array, number[]][] : [])], [xs, [C], [C]], attrs);
        check('batchNormGrad', [[x, xs], [ref[1]!, [C]], [ref[2]!, [C]], [g, xs], ...(affine ? [[w, [C]]] as [Float64Array, number[]][] : [])], [xs, [C], [C]], attrs);
      }
    });
  }
});
