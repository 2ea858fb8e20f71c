/**
 * The backend conformance suite: a factory that registers, with the caller's test framework,
 * one test per case comparing a backend against the JS reference backend. Each case is a small
 * tensor function; it is traced once into a plan, and the plan is replayed on both backends, so
 * the suite exercises exactly the kernels (and only the kernels) a backend provides.
 * @module
 */
import type { Backend, DType, FloatArray } from '../backend/index.js';
import { jsBackend } from '../backend/index.js';
import { Rng } from '../util/rng.js';
import {
  type Tensor, type InputSpec, type Conv2dOptions, trace, runPlan, randn, indices,
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, cast, abs,
  neg, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, silu, softplus, erf,
  reciprocal, square, step, powScalar, sum, prod, max, min, argmax, argmin, permute, expand, slice, pad, concat, clone,
  matmul, indexSelect, indexAdd, takeAlongAxis, scatterAdd, segmentSum, segmentMax, segmentMin, gatherSegmentSum, gatherSegmentWeightedSum, gatherDot, segmentSoftmax,
  so2RotateGather, so2RotateSegmentMean, fft, rfft, irfft, cumsum, cumprod,
  conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveMaxPool2d, backward, reshape, softmax, logSoftmax, layerNorm, clamp, variance, logsumexp, batchNorm,
} from '../tensor/index.js';

/** One conformance case: a tensor function and the shapes of its inputs. */
export interface ConformanceCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor[];
  /** Make inputs positive (for log, sqrt, …). */
  positive?: boolean;
}

/** Minimal test-framework surface (vitest, jest, mocha+chai all fit). */
export interface TestApi {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => void | Promise<void>) => void;
}

/** Options of the suite. */
export interface ConformanceOptions {
  /** Relative tolerance per dtype (defaults: float32 2e-5, float64 1e-12). */
  rtol?: Partial<Record<DType, number>>;
  /** dtypes to test (default both float types, or only those the backend supports). */
  dtypes?: ('float32' | 'float64')[];
  /** Seed of the input generator. */
  seed?: number;
}

const UNARY: [string, (x: Tensor) => Tensor, boolean?][] = [
  ['neg', neg], ['abs', abs], ['sign', sign], ['exp', exp], ['log', log, true], ['log1p', log1p, true], ['expm1', expm1],
  ['sqrt', sqrt, true], ['rsqrt', rsqrt, true], ['sin', sin], ['cos', cos], ['tanh', tanh], ['sigmoid', sigmoid], ['relu', relu],
  ['leakyRelu', (x) => leakyRelu(x, 0.1)], ['elu', (x) => elu(x, 0.7)], ['gelu', gelu], ['silu', silu], ['softplus', softplus],
  ['erf', erf], ['reciprocal', reciprocal, true], ['square', square], ['step', step], ['powScalar', (x) => powScalar(x, 1.5), true],
];
const BINARY: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', add], ['sub', sub], ['mul', mul], ['div', div], ['maximum', maximum], ['minimum', minimum],
  ['eq', eq], ['ne', ne], ['lt', lt], ['le', le], ['gt', gt], ['ge', ge],
];

/** The standard cases: every kernel of the JS reference backend, several shapes each. */
export function conformanceCases(): ConformanceCase[] {
  const c: ConformanceCase[] = [];
  for (const [name, f, positive] of UNARY) c.push({ name: `${name} [3,17]`, inputs: [{ shape: [3, 17] }], fn: (x) => [f(x)], positive });
  for (const [name, f] of BINARY) {
    c.push({ name: `${name} same shape [4,5]`, inputs: [{ shape: [4, 5] }, { shape: [4, 5] }], fn: (a, b) => [f(a, b)] });
    c.push({ name: `${name} broadcast [2,1,5]⊕[3,1]`, inputs: [{ shape: [2, 1, 5] }, { shape: [3, 1] }], fn: (a, b) => [f(a, b)] });
  }
  c.push({ name: 'clamp (both bounds, one bound)', inputs: [{ shape: [4, 9] }], fn: (x) => [clamp(x, -0.5, 0.7), clamp(x, null, 0.2), clamp(x, -0.1)] });
  c.push({ name: 'pow positive base', inputs: [{ shape: [6] }, { shape: [6] }], fn: (a, b) => [pow(a, b)], positive: true });
  c.push({ name: 'where broadcast', inputs: [{ shape: [4, 1] }, { shape: [1, 3] }, { shape: [4, 3] }], fn: (cnd, a, b) => [where(gt(cnd, 0), a, b)] });
  c.push({ name: 'cast round trip', inputs: [{ shape: [7] }], fn: (x) => [cast(cast(x, 'float64'), 'float32'), cast(cast(mul(x, 10), 'int32'), 'float32')] });
  for (const axes of [[1], [0, 2], [0, 1, 2]]) {
    c.push({ name: `sum/prod/max/min axes [${axes}]`, inputs: [{ shape: [3, 4, 5] }], fn: (x) => [sum(x, axes), prod(x, axes), max(x, axes, true), min(x, axes)] });
    c.push({ name: `variance/logsumexp axes [${axes}]`, inputs: [{ shape: [3, 4, 5] }], fn: (x) => [variance(x, axes), variance(x, axes, true, 0), logsumexp(x, axes)] });
  }
  c.push({ name: 'argmax/argmin', inputs: [{ shape: [4, 6] }], fn: (x) => [cast(argmax(x, 1), 'float32'), cast(argmin(x, 0), 'float32'), cast(argmax(x), 'float32')] });
  c.push({ name: 'permute 3-d and transpose 2-d', inputs: [{ shape: [3, 4, 5] }, { shape: [33, 40] }], fn: (x, y) => [permute(x, [2, 0, 1]), permute(y, [1, 0])] });
  c.push({ name: 'expand', inputs: [{ shape: [3, 1] }], fn: (x) => [expand(x, [2, 3, 4])] });
  c.push({ name: 'slice with steps (dimMap)', inputs: [{ shape: [6, 7] }], fn: (x) => [slice(x, [[1, 6, 2], [null, null, -2]])] });
  c.push({ name: 'pad (dimMapScatter)', inputs: [{ shape: [2, 3] }], fn: (x) => [pad(x, [[1, 2], [0, 3]], 0.5)] });
  c.push({ name: 'concat and copy', inputs: [{ shape: [2, 3] }, { shape: [2, 5] }], fn: (a, b) => [concat([a, b], 1), clone(a)] });
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    c.push({ name: `matmul transA=${ta} transB=${tb}`, inputs: [{ shape: [2, ta ? 7 : 5, ta ? 5 : 7] }, { shape: [tb ? 9 : 7, tb ? 7 : 9] }], fn: (a, b) => [matmul(a, b, { transA: ta, transB: tb })] });
  }
  c.push({ name: 'matmul larger (blocked path)', inputs: [{ shape: [70, 65] }, { shape: [65, 67] }], fn: (a, b) => [matmul(a, b)] });
  const idx = indices([2, 0, 2, 1]);
  c.push({ name: 'indexSelect / indexAdd', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], fn: (x, s) => [indexSelect(x, 0, idx), indexAdd(x, 1, idx, s)] });
  const along = indices([0, 2, 1, 1, 0, 2], [3, 2]);
  c.push({ name: 'takeAlongAxis / scatterAdd', inputs: [{ shape: [3, 2] }, { shape: [3, 2] }], fn: (x, s) => [takeAlongAxis(x, 0, along), scatterAdd(x, 0, along, s)] });
  const seg = indices([3, 0, 3, 1, 0, 3]);
  const snd = indices([0, 2, 2, 4, 1, 3]);
  c.push({ name: 'gatherSegmentSum (fused gather + segment sum) and its gradient', inputs: [{ shape: [5, 3], requiresGrad: true }], fn: (x) => {
    const y = gatherSegmentSum(x, snd, seg, 5);
    backward(sum(mul(y, y)));
    return [y, x.grad!];
  } });
  c.push({
    name: 'gatherSegmentWeightedSum (per-head and scalar weights) and its gradients (incl. gatherDot)',
    inputs: [{ shape: [5, 2, 3], requiresGrad: true }, { shape: [6, 2], requiresGrad: true }, { shape: [5, 6] }, { shape: [6] }],
    fn: (x, w, b, w1) => {
      const y = gatherSegmentWeightedSum(x, w, snd, seg, 5);
      const d = gatherDot(b, b, seg, snd);
      const y1 = gatherSegmentWeightedSum(b, w1, snd, seg, 5); // one weight per edge
      backward(sum(mul(y, y)));
      return [y, d, y1, x.grad!, w.grad!];
    },
  });
  c.push({
    name: 'so2RotateGather / so2RotateSegmentMean (SO(2) transport, L = 2) and their gradients (incl. so2CoefGrad)',
    inputs: [{ shape: [5, 10], requiresGrad: true }, { shape: [6], requiresGrad: true }, { shape: [6, 10], requiresGrad: true }, { shape: [6], requiresGrad: true }],
    fn: (x, ang, m, w) => {
      const y = so2RotateGather(x, snd, ang, 2);
      const z = so2RotateSegmentMean(m, ang, seg, 5, 2, { weights: w });
      backward(add(sum(mul(y, y)), sum(mul(z, z))));
      return [y, z, x.grad!, ang.grad!, m.grad!, w.grad!];
    },
  });
  c.push({
    name: 'fft (radix-2, n = 8) / rfft + irfft (Bluestein, n = 7) and their gradients (fftC2C)',
    inputs: [{ shape: [3, 8, 2], requiresGrad: true }, { shape: [2, 7], requiresGrad: true }],
    fn: (x, r) => {
      const y = fft(x, { norm: 'ortho' });
      const z = irfft(rfft(r), { n: 7 });
      backward(add(sum(mul(y, y)), sum(mul(z, r))));
      return [y, z, x.grad!, r.grad!];
    },
  });
  c.push({
    name: 'cumsum / cumprod along a middle and the last axis, and their gradients',
    inputs: [{ shape: [3, 5, 4], requiresGrad: true }],
    fn: (x) => {
      const a = cumsum(x, 1), b = cumprod(x, -1);
      backward(add(sum(mul(a, a)), sum(mul(b, b))));
      return [a, b, x.grad!];
    },
  });
  c.push({
    name: 'silu and its fused gradient (siluGrad), [3,17]',
    inputs: [{ shape: [3, 17], requiresGrad: true }, { shape: [3, 17] }],
    fn: (x, g) => {
      const y = silu(x);
      backward(sum(mul(y, g)));
      return [y, x.grad!];
    },
  });
  c.push({
    name: 'softmax / logSoftmax (last and middle axis) and their gradients (softmaxGrad, logSoftmaxGrad)',
    inputs: [{ shape: [3, 4, 5], requiresGrad: true }, { shape: [3, 4, 5] }],
    fn: (x, g) => {
      const y = softmax(x, -1), z = logSoftmax(x, 1);
      backward(add(sum(mul(y, g)), sum(mul(z, g))));
      return [y, z, x.grad!];
    },
  });
  c.push({
    name: 'layerNorm over two axes with weight and bias, and its gradients (layerNormGrad)',
    inputs: [{ shape: [4, 3, 5], requiresGrad: true }, { shape: [3, 5], requiresGrad: true }, { shape: [3, 5], requiresGrad: true }, { shape: [4, 3, 5] }],
    fn: (x, w, b, g) => {
      const y = layerNorm(x, [3, 5], w, b);
      backward(sum(mul(y, g)));
      return [y, x.grad!, w.grad!, b.grad!];
    },
  });
  c.push({
    name: 'batchNorm in training with weight and bias, and its gradients (batchNormGrad)',
    inputs: [{ shape: [3, 4, 2, 3], requiresGrad: true }, { shape: [4], requiresGrad: true }, { shape: [4], requiresGrad: true }, { shape: [3, 4, 2, 3] }],
    fn: (x, w, b, g) => {
      const y = batchNorm(x, null, null, w, b);
      backward(sum(mul(y, g)));
      return [y, x.grad!, w.grad!, b.grad!];
    },
  });
  c.push({
    name: 'segmentSoftmax and its gradient (unsorted, empty segment)',
    inputs: [{ shape: [6, 3], requiresGrad: true }, { shape: [6, 3] }],
    fn: (x, g) => {
      const y = segmentSoftmax(x, seg, 5);
      backward(sum(mul(y, g)));
      return [y, x.grad!];
    },
  });
  c.push({ name: 'segment sum/max/min (unsorted, empty segment)', inputs: [{ shape: [6, 3] }], fn: (x) => [segmentSum(x, seg, 5), segmentMax(x, seg, 5), segmentMin(x, seg, 5)] });
  c.push({
    name: 'conv2d forward and both gradients (stride, padding, dilation, groups)',
    inputs: [{ shape: [2, 4, 7, 6], requiresGrad: true }, { shape: [6, 2, 3, 2], requiresGrad: true }],
    fn: (x, w) => {
      const y = conv2d(x, w, null, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
      backward(sum(mul(y, y)));
      return [y, x.grad!, w.grad!];
    },
  });
  // more convolution geometries (the wasm kernels pack im2col per column block and take
  // vectorised paths for stride-1 rows: edges, odd widths, batch 1, groups, strides, dilation)
  const convGeos: [string, number[], number[], Conv2dOptions][] = [
    ['3×3 p1, batch 1, odd width', [1, 3, 9, 13], [4, 3, 3, 3], { padding: 1 }],
    ['1×1, stride 2', [3, 5, 8, 7], [6, 5, 1, 1], { stride: 2 }],
    ['5×3 kernel, padding [2, 0], dilation [1, 2]', [2, 2, 11, 17], [3, 2, 5, 3], { padding: [2, 0], dilation: [1, 2] }],
    ['depthwise (groups = channels), stride 3', [2, 4, 10, 19], [8, 1, 3, 3], { stride: 3, padding: 1, groups: 4 }],
    ['wide row (several 8-column slivers), padding 2', [2, 3, 5, 41], [2, 3, 3, 4], { padding: 2 }],
    // the forward packs the weight once, per 256-deep block and 64-row block: depth 11·25 = 275,
    // 67 outputs (the last 4-row sliver part empty); then 5 outputs per group
    ['5×5 p2, depth 275 > 256, 67 outputs', [2, 11, 9, 10], [67, 11, 5, 5], { padding: 2 }],
    ['5×5 p2, groups 2 of 5 outputs', [2, 12, 7, 9], [10, 6, 5, 5], { padding: 2, groups: 2 }],
  ];
  for (const [label, xs, ws, opts] of convGeos) {
    c.push({
      name: `conv2d and both gradients: ${label}`,
      inputs: [{ shape: xs, requiresGrad: true }, { shape: ws, requiresGrad: true }],
      fn: (x, w) => {
        const y = conv2d(x, w, null, opts);
        backward(sum(mul(y, y)));
        return [y, x.grad!, w.grad!];
      },
    });
  }
  c.push({ name: 'convTranspose2d', inputs: [{ shape: [1, 4, 3, 3] }, { shape: [4, 3, 3, 3] }], fn: (x, w) => [convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 })] });
  c.push({
    name: 'maxPool2d / avgPool2d and gradients',
    inputs: [{ shape: [2, 3, 6, 5], requiresGrad: true }],
    fn: (x) => {
      const a = maxPool2d(x, 3, { stride: 2, padding: 1 });
      const b = avgPool2d(x, 2, { countIncludePad: false });
      backward(add(sum(mul(a, a)), sum(mul(b, b))));
      return [a, b, x.grad!];
    },
  });
  c.push({
    name: 'adaptiveMaxPool2d (windows that do not divide) and gradient',
    inputs: [{ shape: [2, 3, 7, 5], requiresGrad: true }],
    fn: (x) => {
      const a = adaptiveMaxPool2d(x, [3, 2]);
      backward(sum(mul(a, a)));
      return [a, x.grad!];
    },
  });
  c.push({ name: 'reshape alias', inputs: [{ shape: [2, 6] }], fn: (x) => [reshape(x, [3, 4])] });
  return c;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1, err = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    scale = Math.max(scale, Math.abs(y));
    err = Math.max(err, Math.abs(x - y));
  }
  return err / scale;
}

/** Kernel names the cases exercise, per dtype (for the coverage check). */
export function coveredKernels(cases = conformanceCases()): Set<string> {
  const names = new Set<string>();
  for (const cs of cases) for (const s of trace(cs.fn, cs.inputs).steps) names.add(s.op.name);
  return names;
}

/**
 * Register the conformance tests for `backend` with the given test API.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * backendConformanceSuite(myBackend, { describe, it });
 * ```
 */
export function backendConformanceSuite(backend: Backend, api: TestApi, opts: ConformanceOptions = {}): void {
  const rtol = { float32: 2e-5, float64: 1e-12, int32: 0, ...opts.rtol };
  const dtypes = opts.dtypes ?? ['float32', 'float64'];
  api.describe(`backend conformance: ${backend.name}`, () => {
    api.it('covers every kernel of the JS reference backend', () => {
      const covered = coveredKernels();
      const missing = Object.keys(jsBackend.kernels).filter((k) => !covered.has(k));
      if (missing.length) throw new Error(`conformance cases do not exercise kernels: ${missing.join(', ')}`);
    });
    for (const dtype of dtypes) {
      for (const cs of conformanceCases()) {
        api.it(`${cs.name} (${dtype})`, () => {
          const specs = cs.inputs.map((s) => ({ ...s, dtype }));
          const plan = trace(cs.fn, specs);
          const rng = new Rng(opts.seed ?? 1234);
          const inputs = specs.map((s) => {
            const t = randn(rng, s.shape, { dtype });
            if (cs.positive) { const d = t.data as FloatArray; for (let i = 0; i < d.length; i++) d[i] = Math.abs(d[i]!) + 0.1; }
            return t;
          });
          const ref = runPlan(plan, inputs, jsBackend);
          const got = runPlan(plan, inputs, backend);
          ref.forEach((r, i) => {
            const g = got[i]!;
            if (g.shape.join() !== r.shape.join()) throw new Error(`${cs.name}: output ${i} shape [${g.shape}] ≠ reference [${r.shape}]`);
            const e = relErr(g.data, r.data);
            if (!(e <= rtol[dtype])) throw new Error(`${cs.name}: output ${i} differs from the JS reference: relative error ${e.toExponential(2)} > ${rtol[dtype]}`);
          });
        });
      }
    }
  });
}
