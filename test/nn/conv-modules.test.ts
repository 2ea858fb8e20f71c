/**
 * CNN modules (issue #12, item 1): Conv1d/Conv2d/ConvTranspose2d, MaxPool2d/AvgPool2d (ceil mode),
 * AdaptiveAvg/MaxPool2d, GroupNorm, Upsample and the pad modes, against PyTorch fixtures
 * (test/fixtures/generate_cnn_fixtures.py) in float64, gradchecked, with their named errors.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Tensor, adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, backward, groupNorm, interpolate, maxPool2d, pad, randn, roll, tensor, trace, runPlan, zeros,
} from '../../src/tensor/index.js';
import {
  AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, GroupNorm, MaxPool2d, Sequential, Upsample,
} from '../../src/nn/index.js';
import type { Module } from '../../src/nn/index.js';
import * as pkg from '../../src/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { startsWithOp, throwsNamed } from '../helpers/named-errors.js';

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; attrs: Record<string, unknown>; inputs: Record<string, Arr>; outputs: Record<string, Arr>; grads: Record<string, Arr> }
const load = (f: string): Case[] =>
  (JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/torch/${f}.json`, import.meta.url)), 'utf8')) as { cases: Case[] }).cases;

type FloatDType = 'float32' | 'float64';
const f64 = (a: Arr, requiresGrad = false, dtype: FloatDType = 'float64'): Tensor => tensor(a.data, { shape: a.shape, dtype, requiresGrad });

/** max |got − want| / max(1, |want|) */
function maxErr(got: Tensor | null, want: Arr): number {
  expect(got).not.toBeNull();
  expect(got!.shape).toEqual(want.shape);
  let worst = 0;
  const g = got!.data;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(g[i]! - want.data[i]!) / Math.max(1, Math.abs(want.data[i]!)));
  return worst;
}

const TOL = 1e-12;
const worstByFile: Record<string, number> = {};

/** Build the erlangen module a fixture case describes. */
function build(a: Record<string, unknown>, dtype: FloatDType): Module {
  const rng = new Rng(0);
  const o = { ...a } as Record<string, never>;
  switch (a.module) {
    case 'Conv2d': return new Conv2d(o.inChannels!, o.outChannels!, o.kernelSize!, { ...o, rng, dtype });
    case 'Conv1d': return new Conv1d(o.inChannels!, o.outChannels!, o.kernelSize!, { ...o, rng, dtype });
    case 'ConvTranspose2d': return new ConvTranspose2d(o.inChannels!, o.outChannels!, o.kernelSize!, { ...o, rng, dtype });
    case 'MaxPool2d': return new MaxPool2d(o.kernelSize!, o);
    case 'AvgPool2d': return new AvgPool2d(o.kernelSize!, o);
    case 'AdaptiveAvgPool2d': return new AdaptiveAvgPool2d(o.outputSize!);
    case 'AdaptiveMaxPool2d': return new AdaptiveMaxPool2d(o.outputSize!);
    case 'GroupNorm': return new GroupNorm(o.numGroups!, o.numChannels!, { ...o, dtype });
    case 'Upsample': return new Upsample(o);
    default: throw new Error(`unknown module ${String(a.module)}`);
  }
}

/** Run a module case: load the parameters, forward, backward(upstream), compare with PyTorch. */
function runModuleCase(file: string, c: Case, dtype: FloatDType = 'float64'): number {
  const m = build(c.attrs, dtype);
  for (const [name, p] of m.namedParameters()) {
    const want = c.inputs[name];
    expect(want, `${c.name}: fixture has parameter ${name}`).toBeDefined();
    expect(p.shape, `${c.name}: ${name} shape (PyTorch layout)`).toEqual(want!.shape);
    p.data.set(want!.data);
    p.markModified();
  }
  expect(m.namedParameters().length, `${c.name}: parameter count`).toBe(Object.keys(c.grads).length - 1);
  const x = f64(c.inputs.input!, true, dtype);
  const y = m.call(x);
  expect(y.dtype).toBe(dtype);
  backward(y, f64(c.inputs.upstream!, false, dtype));
  let worst = maxErr(y, c.outputs.out!);
  worst = Math.max(worst, maxErr(x.grad, c.grads.input!));
  for (const [name, p] of m.namedParameters()) worst = Math.max(worst, maxErr(p.grad, c.grads[name]!));
  return worst;
}

for (const file of ['cnn_conv', 'cnn_pool', 'cnn_adaptive_pool', 'cnn_upsample', 'cnn_group_norm']) {
  describe(`${file}: modules match PyTorch (float64, outputs and gradients to 1e-12)`, () => {
    const cases = load(file);
    it('has cases', () => expect(cases.length).toBeGreaterThan(4));
    for (const c of cases) {
      it(c.name, () => {
        const worst = runModuleCase(file, c);
        expect(worst, `${file}/${c.name}`).toBeLessThan(TOL);
        worstByFile[file] = Math.max(worstByFile[file] ?? 0, worst);
      });
    }
    it('float32 modules agree to float32 precision', () => {
      for (const c of cases) expect(runModuleCase(file, c, 'float32'), `${file}/${c.name} float32`).toBeLessThan(1e-4);
    });
    it('worst error', () => {
      console.log(`${file}: max relative error vs PyTorch ${worstByFile[file]?.toExponential(2)}`);
    });
  });
}

describe('cnn_pad: pad modes match F.pad', () => {
  for (const c of load('cnn_pad')) {
    it(c.name, () => {
      const x = f64(c.inputs.input!, true);
      const y = pad(x, c.attrs.pads as [number, number][], { mode: c.attrs.mode as 'reflect' });
      backward(y, f64(c.inputs.upstream!));
      expect(maxErr(y, c.outputs.out!)).toBe(0);
      expect(maxErr(x.grad, c.grads.input!)).toBeLessThan(TOL);
    });
  }
  it('small examples by hand', () => {
    const x = tensor([1, 2, 3]);
    expect(pad(x, [[2, 1]]).toFlatArray()).toEqual([0, 0, 1, 2, 3, 0]);
    expect(pad(x, [[2, 1]], 5).toFlatArray()).toEqual([5, 5, 1, 2, 3, 5]);
    expect(pad(x, [[2, 1]], { mode: 'reflect' }).toFlatArray()).toEqual([3, 2, 1, 2, 3, 2]);
    expect(pad(x, [[2, 1]], { mode: 'replicate' }).toFlatArray()).toEqual([1, 1, 1, 2, 3, 3]);
    expect(pad(x, [[3, 2]], { mode: 'circular' }).toFlatArray()).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
  });
});

describe('gradcheck (float64) of the new differentiable ops', () => {
  const rng = new Rng(7);
  const x = (shape: number[]): Tensor => randn(rng, shape, { dtype: 'float64', requiresGrad: true });
  it('pad: reflect, replicate, circular', () => {
    for (const mode of ['reflect', 'replicate', 'circular'] as const) {
      assertGradcheck((a) => pad(a, [[1, 2], [2, 1]], { mode }), [x([2, 1, 3, 4])], { label: `pad ${mode}` });
    }
  });
  it('maxPool2d / avgPool2d with ceilMode', () => {
    assertGradcheck((a) => maxPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true }), [x([1, 2, 6, 7])]);
    assertGradcheck((a) => avgPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x([1, 2, 6, 7])]);
    assertGradcheck((a) => avgPool2d(a, 2, { stride: 2, padding: 1, ceilMode: true }), [x([1, 2, 5, 5])]);
  });
  it('adaptiveAvgPool2d / adaptiveMaxPool2d (sizes that do not divide)', () => {
    assertGradcheck((a) => adaptiveAvgPool2d(a, [3, 4]), [x([2, 2, 7, 10])]);
    assertGradcheck((a) => adaptiveMaxPool2d(a, [3, 4]), [x([2, 2, 7, 10])]);
    assertGradcheck((a) => adaptiveMaxPool2d(a, [5, 4]), [x([1, 2, 3, 3])]);
  });
  it('interpolate: nearest and bilinear (alignCorners false/true)', () => {
    assertGradcheck((a) => interpolate(a, { scaleFactor: 1.5 }), [x([1, 2, 4, 5])]);
    assertGradcheck((a) => interpolate(a, { size: [5, 7], mode: 'bilinear' }), [x([1, 2, 3, 4])]);
    assertGradcheck((a) => interpolate(a, { size: [5, 3], mode: 'bilinear', alignCorners: true }), [x([1, 2, 3, 4])]);
  });
  it('groupNorm, with weight and bias', () => {
    assertGradcheck((a, w, b) => groupNorm(a, 2, w, b), [x([2, 4, 3, 2]), x([4]), x([4])]);
  });
});

describe('Conv modules: layout, init, shapes', () => {
  it('Conv2d: PyTorch weight layout and kaiming-uniform(a=√5) bounds through the Rng; seeded = reproducible', () => {
    const c = new Conv2d(6, 8, [3, 5], { rng: new Rng(1), groups: 2 });
    expect(c.weight.shape).toEqual([8, 3, 3, 5]);
    expect(c.bias!.shape).toEqual([8]);
    const bound = 1 / Math.sqrt(3 * 3 * 5);
    expect(Math.max(...c.weight.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...c.weight.data.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(Math.max(...c.bias!.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(new Conv2d(6, 8, [3, 5], { rng: new Rng(1), groups: 2 }).weight.toFlatArray()).toEqual(c.weight.toFlatArray());
    expect(new Conv2d(2, 2, 1, { rng: new Rng(0), bias: false }).bias).toBeNull();
    expect(c.weight.dtype).toBe('float32');
  });
  it('ConvTranspose2d: weight [in, out/groups, kh, kw], fan from axis 1', () => {
    const c = new ConvTranspose2d(4, 6, 3, { rng: new Rng(2), groups: 2 });
    expect(c.weight.shape).toEqual([4, 3, 3, 3]);
    expect(Math.max(...c.weight.data.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(c.call(zeros([1, 4, 5, 5])).shape).toEqual([1, 6, 7, 7]);
  });
  it('ConvTranspose2d outputSize picks the output padding (as PyTorch), and sits in a Sequential', () => {
    const rng = new Rng(4);
    const down = new Conv2d(2, 3, 3, { rng, stride: 2, padding: 1, dtype: 'float64' });
    const up = new ConvTranspose2d(3, 2, 3, { rng, stride: 2, padding: 1, dtype: 'float64' });
    const upPadded = new ConvTranspose2d(3, 2, 3, { rng, stride: 2, padding: 1, outputPadding: [1, 0], dtype: 'float64' });
    upPadded.weight.data.set(up.weight.data);
    upPadded.bias!.data.set(up.bias!.data);
    const x = randn(rng, [1, 2, 8, 7], { dtype: 'float64' });
    const h = down.call(x); // [1, 3, 4, 4]: inputs of size 7 and 8 both give 4
    expect(up.call(h).shape).toEqual([1, 2, 7, 7]);
    const y = up.call(h, x.shape);
    expect(y.shape).toEqual([1, 2, 8, 7]);
    expect(y.toFlatArray()).toEqual(upPadded.call(h).toFlatArray());
    startsWithOp(() => up.call(h, [9, 7]), ShapeError, 'ConvTranspose2d', 'unreachable', '7…8');
    startsWithOp(() => up.call(h, [8.5, 7]), ValueError, 'ConvTranspose2d', 'outputSize');
    expect(new Sequential(down, up).call(x).shape).toEqual([1, 2, 7, 7]);
  });
  it("padding 'same' keeps the size for odd and even kernels, with every padding mode", () => {
    for (const mode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      for (const k of [1, 2, 3, 4]) {
        const c = new Conv2d(2, 3, k, { rng: new Rng(0), padding: 'same', paddingMode: mode, dilation: k === 2 ? 2 : 1 });
        expect(c.call(zeros([1, 2, 6, 5])).shape).toEqual([1, 3, 6, 5]);
      }
      expect(new Conv1d(2, 3, 4, { rng: new Rng(0), padding: 'same', paddingMode: mode }).call(zeros([1, 2, 9])).shape).toEqual([1, 3, 9]);
    }
  });
  it("circular 'same' convolution commutes with cyclic shifts (translation equivariance on the torus)", () => {
    const rng = new Rng(5);
    const c2 = new Conv2d(2, 3, [3, 4], { rng, padding: 'same', paddingMode: 'circular', dtype: 'float64' });
    const x = randn(rng, [2, 2, 6, 7], { dtype: 'float64' });
    const a = c2.call(roll(x, [2, -3], [2, 3])), b = roll(c2.call(x), [2, -3], [2, 3]);
    a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThan(1e-12));
    const c1 = new Conv1d(2, 2, 4, { rng, padding: 'same', paddingMode: 'circular', dtype: 'float64' });
    const z = randn(rng, [1, 2, 9], { dtype: 'float64' });
    const p = c1.call(roll(z, 4, 2)), q = roll(c1.call(z), 4, 2);
    p.data.forEach((v, i) => expect(Math.abs(v - q.data[i]!)).toBeLessThan(1e-12));
  });
  it('unbatched inputs, as PyTorch', () => {
    expect(new Conv2d(2, 3, 3, { rng: new Rng(0) }).call(zeros([2, 5, 6])).shape).toEqual([3, 3, 4]);
    expect(new Conv1d(2, 3, 3, { rng: new Rng(0) }).call(zeros([2, 5])).shape).toEqual([3, 3]);
    expect(new MaxPool2d(2).call(zeros([2, 5, 6])).shape).toEqual([2, 2, 3]);
    expect(new Upsample({ scaleFactor: 2 }).call(zeros([2, 2, 3])).shape).toEqual([2, 4, 6]);
    expect(new AdaptiveAvgPool2d([3, null]).call(zeros([2, 7, 5])).shape).toEqual([2, 3, 5]);
  });
  it('float32 modules run and a Conv2d net traces and replays', () => {
    const rng = new Rng(3);
    const conv = new Conv2d(2, 4, 3, { rng, padding: 'same', paddingMode: 'reflect' });
    const pool = new MaxPool2d(2, { ceilMode: true });
    const gn = new GroupNorm(2, 4);
    const up = new Upsample({ scaleFactor: 2, mode: 'bilinear' });
    const f = (a: Tensor): Tensor => up.call(gn.call(pool.call(conv.call(a))));
    const xin = randn(rng, [2, 2, 5, 5]);
    const eager = f(xin);
    expect(eager.shape).toEqual([2, 4, 6, 6]);
    const plan = trace(f, [{ shape: [2, 2, 5, 5], dtype: 'float32' }]);
    const replay = runPlan(plan, [xin]) as Tensor[];
    expect(Array.from(replay[0]!.data)).toEqual(Array.from(eager.data));
  });
  it('modules are exported from the package entry', () => {
    for (const n of ['Conv1d', 'Conv2d', 'ConvTranspose2d', 'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool2d', 'GroupNorm', 'Upsample',
      'adaptiveAvgPool2d', 'adaptiveMaxPool2d', 'interpolate', 'groupNorm']) {
      expect(typeof (pkg as Record<string, unknown>)[n], n).toBe('function');
    }
  });
});

describe('named errors', () => {
  const rng = new Rng(0);
  it('Conv2d / Conv1d constructor arguments', () => {
    startsWithOp(() => new Conv2d(3, 4, 3, { rng, groups: 2 }), ValueError, 'Conv2d', 'divisible by groups 2');
    startsWithOp(() => new Conv2d(4, 3, 3, { rng, groups: 2 }), ValueError, 'Conv2d', 'outChannels 3');
    startsWithOp(() => new Conv2d(2.5, 4, 3, { rng }), ValueError, 'Conv2d', 'inChannels');
    startsWithOp(() => new Conv2d(2, 4, [3, 0], { rng }), ValueError, 'Conv2d', 'kernelSize');
    startsWithOp(() => new Conv2d(2, 4, 3, { rng, stride: 1.5 }), ValueError, 'Conv2d', 'stride');
    startsWithOp(() => new Conv2d(2, 4, 3, { rng, padding: -1 }), ValueError, 'Conv2d', 'padding');
    startsWithOp(() => new Conv2d(2, 4, 3, { rng, padding: 'same', stride: 2 }), ValueError, 'Conv2d', "'same' needs stride 1");
    startsWithOp(() => new Conv2d(2, 4, 3, { rng, paddingMode: 'mirror' as never }), ValueError, 'Conv2d', 'paddingMode');
    startsWithOp(() => new Conv2d(2, 4, 3, {} as never), ValueError, 'Conv2d', 'rng is required');
    startsWithOp(() => new Conv1d(2, 4, 3, { rng, groups: 0 }), ValueError, 'Conv1d', 'groups');
  });
  it('Conv2d / Conv1d inputs: channel count, rank, kernel larger than the padded input, reflect/circular pads too large', () => {
    const c = new Conv2d(3, 4, 3, { rng });
    startsWithOp(() => c.call(zeros([1, 2, 5, 5])), ShapeError, 'Conv2d', '[1,2,5,5]', '3');
    startsWithOp(() => c.call(zeros([5, 5])), ShapeError, 'Conv2d', '[5,5]');
    startsWithOp(() => c.call(zeros([1, 3, 2, 5])), ShapeError, 'Conv2d', 'padded input 2', '[1,3,2,5]');
    startsWithOp(() => new Conv2d(3, 4, 3, { rng, dilation: 3 }).call(zeros([1, 3, 5, 5])), ShapeError, 'Conv2d', 'spans 7');
    startsWithOp(() => new Conv2d(1, 1, 5, { rng, padding: 2, paddingMode: 'reflect' }).call(zeros([1, 1, 2, 6])), ShapeError, 'Conv2d', 'reflect padding [2, 2]', '[1,1,2,6]');
    startsWithOp(() => new Conv2d(1, 1, 7, { rng, padding: 3, paddingMode: 'circular' }).call(zeros([1, 1, 2, 6])), ShapeError, 'Conv2d', 'circular padding [3, 3]');
    startsWithOp(() => new Conv1d(2, 2, 3, { rng }).call(zeros([1, 3, 8])), ShapeError, 'Conv1d', '[1,3,8]');
  });
  it('ConvTranspose2d', () => {
    startsWithOp(() => new ConvTranspose2d(3, 4, 3, { rng, groups: 2 }), ValueError, 'ConvTranspose2d', 'divisible by groups');
    startsWithOp(() => new ConvTranspose2d(3, 4, 3, { rng, stride: 2, outputPadding: 2 }), ValueError, 'ConvTranspose2d', 'outputPadding');
    startsWithOp(() => new ConvTranspose2d(3, 4, 3, { rng, paddingMode: 'reflect' as never }), ValueError, 'ConvTranspose2d', "'zeros'");
    const c = new ConvTranspose2d(3, 4, 3, { rng, padding: 3 });
    startsWithOp(() => c.call(zeros([1, 2, 4, 4])), ShapeError, 'ConvTranspose2d', '[1,2,4,4]');
    startsWithOp(() => c.call(zeros([1, 3, 2, 2])), ShapeError, 'ConvTranspose2d', 'empty output');
  });
  it('pooling modules and ops', () => {
    startsWithOp(() => new MaxPool2d(2, { padding: 2 }), ValueError, 'MaxPool2d', 'at most half');
    startsWithOp(() => new AvgPool2d(0), ValueError, 'AvgPool2d', 'kernelSize');
    startsWithOp(() => new MaxPool2d(3).call(zeros([1, 1, 2, 5])), ShapeError, 'MaxPool2d', '[1,1,2,5]');
    startsWithOp(() => new AvgPool2d(3).call(zeros([1, 1, 5, 2])), ShapeError, 'AvgPool2d', '[1,1,5,2]');
    startsWithOp(() => new MaxPool2d(2).call(zeros([1, 5])), ShapeError, 'MaxPool2d', '[1,5]');
    startsWithOp(() => maxPool2d(zeros([1, 1, 4, 4]), 2, { ceilMode: 'yes' as never }), ValueError, 'maxPool2d', 'ceilMode');
    startsWithOp(() => new AdaptiveAvgPool2d(0), ValueError, 'AdaptiveAvgPool2d', 'outputSize');
    startsWithOp(() => new AdaptiveMaxPool2d([2, 1.5]), ValueError, 'AdaptiveMaxPool2d', 'outputSize');
    startsWithOp(() => adaptiveAvgPool2d(zeros([2, 3, 4]), 2), ShapeError, 'adaptiveAvgPool2d', '[2,3,4]');
    startsWithOp(() => adaptiveMaxPool2d(zeros([1, 1, 0, 4]), 2), ShapeError, 'adaptiveMaxPool2d', '[1,1,0,4]');
    startsWithOp(() => adaptiveMaxPool2d(zeros([1, 1, 4, 4]), [2.5, 2]), ValueError, 'adaptiveMaxPool2d', 'outputSize');
    startsWithOp(() => new AdaptiveMaxPool2d(2).call(zeros([4, 4])), ShapeError, 'AdaptiveMaxPool2d', '[4,4]');
  });
  it('GroupNorm / groupNorm', () => {
    startsWithOp(() => new GroupNorm(3, 4), ValueError, 'GroupNorm', 'numChannels 4', 'numGroups 3');
    startsWithOp(() => new GroupNorm(0, 4), ValueError, 'GroupNorm', 'numGroups');
    startsWithOp(() => new GroupNorm(2, 4).call(zeros([2, 6, 3])), ShapeError, 'GroupNorm', '[2,6,3]');
    startsWithOp(() => groupNorm(zeros([2, 6, 3]), 4), ShapeError, 'groupNorm', '6 channels', '[2,6,3]', '4 groups');
    startsWithOp(() => groupNorm(zeros([2, 6]), 2, zeros([5])), ShapeError, 'groupNorm', 'weight [5]');
    startsWithOp(() => groupNorm(zeros([6]), 2), ShapeError, 'groupNorm', '[6]');
  });
  it('Upsample / interpolate', () => {
    startsWithOp(() => new Upsample({}), ValueError, 'Upsample', 'exactly one');
    startsWithOp(() => new Upsample({ size: 2, scaleFactor: 2 }), ValueError, 'Upsample', 'exactly one');
    startsWithOp(() => new Upsample({ size: 2.5 }), ValueError, 'Upsample', 'size');
    startsWithOp(() => new Upsample({ scaleFactor: -1 }), ValueError, 'Upsample', 'scaleFactor');
    startsWithOp(() => new Upsample({ scaleFactor: 2, alignCorners: true }), ValueError, 'Upsample', 'alignCorners');
    startsWithOp(() => new Upsample({ scaleFactor: 2, mode: 'bicubic' as never }), ValueError, 'Upsample', 'mode');
    startsWithOp(() => new Upsample({ scaleFactor: 0.1 }).call(zeros([1, 1, 4, 4])), ShapeError, 'Upsample', 'empty');
    startsWithOp(() => new Upsample({ scaleFactor: 2 }).call(zeros([4, 4])), ShapeError, 'Upsample', '[4,4]');
    startsWithOp(() => interpolate(zeros([1, 4, 4]), { scaleFactor: 2 }), ShapeError, 'interpolate', '[1,4,4]');
    startsWithOp(() => interpolate(zeros([1, 1, 4, 4]), { size: [0, 2] }), ValueError, 'interpolate', 'size');
  });
  it('pad modes', () => {
    startsWithOp(() => pad(zeros([1, 3]), [[3, 0]], { mode: 'reflect' }), ShapeError, 'pad', 'reflect', '[1,3]');
    startsWithOp(() => pad(zeros([1, 3]), [[4, 0]], { mode: 'circular' }), ShapeError, 'pad', 'circular', '[1,3]');
    startsWithOp(() => pad(zeros([1, 0]), [[1, 0]], { mode: 'replicate' }), ShapeError, 'pad', 'replicate');
    startsWithOp(() => pad(zeros([1, 3]), [[1, 0]], { mode: 'wrap' as never }), ValueError, 'pad', 'mode');
    startsWithOp(() => pad(zeros([1, 3]), [[1, 0]], { mode: 'reflect', value: 2 }), ValueError, 'pad', "only to mode 'constant'");
    throwsNamed(() => pad(zeros([1, 3]), [[1.5, 0]], { mode: 'reflect' }), ValueError, 'non-negative integers');
    startsWithOp(() => pad(zeros([1, 3]), [[1] as never]), ValueError, 'pad', '[before, after] pairs');
    startsWithOp(() => pad(zeros([1, 3]), [[1, 1]], 'x' as never), ValueError, 'pad', 'value');
  });
});
