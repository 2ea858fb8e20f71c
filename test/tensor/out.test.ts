/**
 * `out=` (OutOptions, `applyInto`): the elementwise ops, softmax and log-softmax writing their result into a given tensor.
 * Every op that takes it, on the cpu (wasm kernels from their thresholds on) and js backends, float32
 * and float64, small and large: the bits of the op without `out`, every element written (out is
 * poisoned first), `out` returned and its version bumped; `out` being an input itself; no output
 * allocated, and a resident `out` written in place (nothing copied); the named errors (shape, dtype,
 * not a tensor, gradients, overlap, tracing), and autograd noticing the in-place write.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allocArray, getBackend, setBackend } from '../../src/backend/index.js';
import { isResident } from '../../src/backend/wasm/resident.js';
import { wasmRuntime } from '../../src/backend/wasm/runtime.js';
import {
  abs, add, allocationStats, clamp, compile, cos, div, elu, eq, erf, exp, expm1, fromData, ge, gt, le, leakyRelu, log, log1p, lt,
  logSoftmax, maximum, minimum, mul, ne, neg, noGrad, pow, powScalar, randn, reciprocal, relu, rsqrt, sigmoid, sign, silu, sin, softmax, sqrt, square, step,
  sub, tanh, Tensor, where, type OutOptions,
} from '../../src/tensor/index.js';
import { resetAllocationStats } from '../../src/tensor/engine.js';
import { DTypeError, GradError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

type DT = 'float32' | 'float64';
type Op = [string, (ins: Tensor[], o?: OutOptions) => Tensor, number];

/** Each op: name, call, number of tensor inputs (the first is the full-size one). */
const pos = (t: Tensor): Tensor => noGrad(() => add(abs(t), 0.5));
const ops: Op[] = [
  ...([['neg', neg], ['abs', abs], ['sign', sign], ['exp', exp], ['expm1', expm1], ['sin', sin], ['cos', cos], ['tanh', tanh],
    ['sigmoid', sigmoid], ['relu', relu], ['silu', silu], ['erf', erf], ['square', square], ['step', step]] as const)
    .map(([n, f]): Op => [n, ([x], o) => f(x!, o), 1]),
  ...([['log', log], ['log1p', log1p], ['sqrt', sqrt], ['rsqrt', rsqrt], ['reciprocal', reciprocal]] as const)
    .map(([n, f]): Op => [n, ([x], o) => f(pos(x!), o), 1]),
  ['leakyRelu', ([x], o) => leakyRelu(x!, 0.1, o), 1],
  ['elu', ([x], o) => elu(x!, 0.7, o), 1],
  ['powScalar', ([x], o) => powScalar(pos(x!), 1.5, o), 1],
  ['pow (number)', ([x], o) => pow(pos(x!), 3, o), 1],
  ...([['add', add], ['sub', sub], ['mul', mul], ['div', div], ['maximum', maximum], ['minimum', minimum],
    ['eq', eq], ['ne', ne], ['lt', lt], ['le', le], ['gt', gt], ['ge', ge]] as const)
    .map(([n, f]): Op => [n, ([a, b], o) => f(a!, b!, o), 2]),
  ['pow', ([a, b], o) => pow(pos(a!), b!, o), 2],
  ['add (number)', ([a], o) => add(a!, 2.5, o), 1],
  ['where', ([c, a, b], o) => where(c!, a!, b!, o), 3],
  ['clamp', ([x], o) => clamp(x!, -0.5, 0.75, o), 1],
  // row ops: an input as out goes through a temporary
  ['softmax', ([x], o) => softmax(x!, -1, o), 1],
  ['softmax (axis 0)', ([x], o) => softmax(x!, 0, o), 1],
  ['logSoftmax', ([x], o) => logSoftmax(x!, -1, o), 1],
];

const bits = (t: Tensor): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const poisoned = (shape: number[], dtype: DT): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1), d = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  new Uint8Array(d.buffer).fill(0xa5);
  return fromData(d, shape);
};

describe('out=: the result written into a given tensor', () => {
  const backend = getBackend().name;
  afterAll(() => setBackend(backend));

  for (const be of ['cpu', 'js']) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [R, C] of [[3, 7], [200, 700]] as const) {
        it(`every op, ${be}, ${dtype}, [${R}, ${C}]: the bits of the op without out, out returned, version bumped, an input as out`, () => {
          setBackend(be);
          const rng = new Rng(R + C), shape = [R, C];
          for (const [name, f, k] of ops) {
            const ins = [randn(rng, shape, { dtype }), randn(rng, k === 3 ? shape : [C], { dtype }), randn(rng, shape, { dtype })];
            if (name === 'where') ins[0] = noGrad(() => gt(ins[0]!, 0));
            const args = ins.slice(0, k);
            const want = f(args);
            const out = poisoned(shape, dtype), v = out.version;
            const got = f(args, { out });
            expect(got, name).toBe(out);
            expect(out.version, name).toBe(v + 1);
            expect(bits(out).equals(bits(want)), `${name} into out`).toBe(true);
            // the first (full-size) input as out: the same bits, written over it
            const x = fromData(args[0]!.data.slice(), shape);
            const alias = [x, ...args.slice(1)];
            const wantAlias = f(alias);
            expect(f(alias, { out: x }), name).toBe(x);
            expect(bits(x).equals(bits(wantAlias)), `${name} over its input`).toBe(true);
            // … also where the input lies in the wasm memory (large: resident, written in place)
            const r = allocArray(dtype, x.size);
            r.set(args[0]!.data as never);
            const xr = fromData(r, shape), aliasR = [xr, ...args.slice(1)];
            if (R * C >= 1 << 14 && be === 'cpu' && wasmRuntime()) expect(isResident(r), name).toBe(true);
            f(aliasR, { out: xr });
            expect(bits(xr).equals(bits(wantAlias)), `${name} over its resident input`).toBe(true);
          }
        });
      }
    }
  }

  it('a check that would miss unwritten elements fails: out left half poisoned differs', () => {
    setBackend('js');
    const x = randn(new Rng(1), [4, 5]), out = poisoned([4, 5], 'float32');
    const want = relu(x);
    relu(x, { out });
    out.data.fill(Number.NaN, 10);
    expect(bits(out).equals(bits(want))).toBe(false);
  });

  it('no output allocated; a resident out is written in place by the wasm kernels, nothing copied', () => {
    setBackend('cpu');
    const rt = wasmRuntime();
    if (!rt) return;
    const rng = new Rng(3), n = 1 << 20;
    const a = randn(rng, [n], { dtype: 'float32' }), b = randn(rng, [n], { dtype: 'float32' }), out = randn(rng, [n], { dtype: 'float32' });
    expect(isResident(a.data) && isResident(out.data)).toBe(true);
    const c0 = { ...rt.copyStats() };
    resetAllocationStats();
    add(a, b, { out });
    relu(out, { out });
    exp(a, { out });
    expect(allocationStats()).toEqual({ count: 0, bytes: 0 });
    expect(rt.copyStats()).toEqual(c0);
    expect(bits(out).equals(bits(exp(a)))).toBe(true);
  });

  it('named errors: shape, dtype, not a tensor, options not an object', () => {
    const x = randn(new Rng(2), [3, 4]);
    expect(() => relu(x, { out: randn(new Rng(2), [4, 3]) })).toThrow(ShapeError);
    expect(() => relu(x, { out: randn(new Rng(2), [4, 3]) })).toThrow(/relu: out has shape \[4, ?3\] but the result of inputs \[3, ?4\] has shape \[3, ?4\]/);
    expect(() => add(x, randn(new Rng(2), [4]), { out: randn(new Rng(2), [4]) })).toThrow(/add: out has shape \[4\] but the result of inputs \[3, ?4\], \[4\] has shape \[3, ?4\]/);
    expect(() => relu(x, { out: randn(new Rng(2), [3, 4], { dtype: 'float64' }) })).toThrow(DTypeError);
    expect(() => relu(x, { out: randn(new Rng(2), [3, 4], { dtype: 'float64' }) })).toThrow(/relu: out is float64 but the result .* is float32/);
    expect(() => relu(x, { out: new Float32Array(12) as unknown as Tensor })).toThrow(/relu: out must be a Tensor/);
    expect(() => relu(x, 3 as unknown as OutOptions)).toThrow(ValueError);
    expect(relu(x, {}).data).toEqual(relu(x).data); // no out: a fresh result
    expect(relu(x, { out: null }).data).toEqual(relu(x).data);
  });

  it('gradients: inputs requiring grad need noGrad; out requiring grad only under noGrad', () => {
    const w = randn(new Rng(4), [3, 4], { requiresGrad: true }), out = randn(new Rng(5), [3, 4]);
    expect(() => relu(w, { out })).toThrow(GradError);
    expect(() => relu(w, { out })).toThrow(/relu: out= records no gradient, but input 0 \[3, ?4\] requires grad/);
    expect(noGrad(() => relu(w, { out }))).toBe(out);
    // a parameter updated in place: only under noGrad
    const g = randn(new Rng(6), [3, 4]);
    expect(() => sub(w, g, { out: w })).toThrow(GradError);
    expect(() => mul(out, g, { out: w })).toThrow(/mul: out \[3, ?4\] requires grad/);
    const before = w.data.slice();
    noGrad(() => sub(w, mul(g, 0.1), { out: w }));
    for (let i = 0; i < before.length; i++) expect(w.data[i]).toBeCloseTo(before[i]! - 0.1 * g.data[i]!, 6);
  });

  it('autograd notices the in-place write of a tensor a backward rule saved', () => {
    const x = randn(new Rng(7), [5], { requiresGrad: true });
    const y = exp(x); // exp's rule reads its output
    const loss = y.sum();
    noGrad(() => exp(randn(new Rng(8), [5]), { out: y }));
    expect(() => loss.backward()).toThrow(GradError);
  });

  it('out overlapping an input without being exactly it, and tracing, are refused', () => {
    const storage = new Float32Array(12);
    const a = fromData(storage.subarray(0, 8), [8]), o = fromData(storage.subarray(4, 12), [8]);
    expect(() => neg(a, { out: o })).toThrow(ValueError);
    expect(() => neg(a, { out: o })).toThrow(/neg: out \[8\] overlaps input 0 \[8\] without being exactly its elements/);
    const b = fromData(storage.subarray(0, 4), [4]), c = fromData(storage.subarray(4, 8), [4]);
    expect(neg(b, { out: c })).toBe(c); // adjacent, not overlapping
    const fixed = randn(new Rng(9), [4]);
    expect(() => compile((u) => [relu(u!, { out: fixed })], { inputs: [{ shape: [4] }] })).toThrow(/relu: out= cannot be traced/);
  });
});
