/**
 * Double backward: gradgradcheck (float64 central differences of the vector–Jacobian product,
 * w.r.t. the inputs and the upstream) for every twice-differentiable primitive kernel, with a
 * coverage check over the JS backend's kernel registry; the gradgradcheck harness itself (it must
 * fail on a rule that detaches); and the notTwiceDifferentiable guard.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, apply, tensor, uniform, indices, detach, grad,
  reshape, expand, permute, sum, cast, clone,
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, silu, softplus, erf,
  reciprocal, square, powScalar, add, sub, mul, div, pow, maximum, minimum, gt, where, siluGrad, clamp,
  max, min, prod, logsumexp, norm, variance, std, slice, pad, concat, flip, matmul, einsum,
  indexSelect, indexAdd, takeAlongAxis, scatterAdd,
  segmentSum, segmentMax, segmentMin, segmentSoftmax, gatherSegmentSum, gatherSegmentWeightedSum, gatherDot,
  so2RotateGather, so2RotateSegmentMean, fft, rfft, cumsum, cumprod,
  conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveMaxPool2d,
  softmax, logSoftmax, layerNorm, batchNorm, crossEntropy,
} from '../../src/tensor/index.js';
import type { OpDef } from '../../src/tensor/index.js';
import { GradError, Rng } from '../../src/util/index.js';
import { assertGradgradcheck, formatGradcheckReport, gradcheck, gradgradcheck } from '../../src/testing/index.js';
import type { GradgradcheckOptions } from '../../src/testing/index.js';
import { jsBackend } from '../../src/backend/js/backend.js';

let seed = 1;
function rnd(shape: number[], lo = -1, hi = 1): Tensor {
  return uniform(new Rng(seed++), shape, lo, hi, { dtype: 'float64', requiresGrad: true });
}
const pos = (shape: number[], lo = 0.5, hi = 2): Tensor => rnd(shape, lo, hi);
/** |x| ∈ [0.2, 1.2) with random signs: away from kinks at 0. */
function away(shape: number[]): Tensor {
  const t = rnd(shape, 0.2, 1.2);
  const r = new Rng(seed++);
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (r.uniform() < 0.5) d[i] = -d[i]!;
  return t;
}
const v64 = (data: number[], shape?: number[]): Tensor => tensor(data, { dtype: 'float64', shape, requiresGrad: true });

/** Primitives whose backward rule was differentiated by a gradgradcheck below. */
const covered = new Set<string>();
function collectOps(root: Tensor): void {
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    if (!t.node) continue;
    covered.add(t.node.op.name);
    for (const x of t.node.inputs) if (x.requiresGrad && !seen.has(x)) { seen.add(x); stack.push(x); }
  }
}

/** gradgradcheck must pass; the forward graph's primitives count as covered. */
function gg(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradgradcheckOptions = {}): void {
  const report = gradgradcheck(fn, inputs, opts);
  expect(report.ok, formatGradcheckReport(report, 'gradgradcheck')).toBe(true);
  collectOps(fn(...inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, 'float64', t.requiresGrad))));
}

/** A node's backward rule, called directly, gives the gradient-only primitive it is built from. */
function ruleNode(y: Tensor, needs: boolean[], k: number): { op: OpDef; inputs: readonly Tensor[]; attrs: unknown } {
  const n = y.node!;
  const gin = n.op.backward!({ inputs: n.inputs, outputs: n.outputs, grad: rnd([...y.shape]), attrs: n.attrs, needs });
  return gin[k]!.node!;
}

describe('gradgradcheck harness', () => {
  it('passes on correct second derivatives and reports the inputs and the upstream v', () => {
    const x = v64([0.3, -1.2, 2.0]);
    const r = gradgradcheck((a) => mul(sin(a), a), [x]);
    expect(r.ok).toBe(true);
    expect(r.perInput.map((p) => p.index)).toEqual([0, 1]); // x, then v
    expect(x.grad).toBeNull();
  });

  it('FAILS on a backward rule that detaches (right first derivative, wrong second)', () => {
    // square with the rule g·detach(2x): gradcheck passes, the Hessian term 2g is lost.
    const badSquare: OpDef = { name: 'square', infer: ([t]) => [{ shape: t!.shape, dtype: t!.dtype }], backward: (c) => [mul(c.grad, detach(mul(c.inputs[0]!, 2)))] };
    const x = v64([0.4, -0.7, 1.3]);
    expect(gradcheck((a) => apply(badSquare, [a]), [x]).ok).toBe(true);
    const r = gradgradcheck((a) => apply(badSquare, [a]), [x]);
    expect(r.ok).toBe(false);
    expect(r.perInput[0]!.failures).toBe(3); // w.r.t. x: analytic 0, numeric 2v
    expect(r.perInput[1]!.failures).toBe(0); // w.r.t. v the rule is still right
    expect(() => assertGradgradcheck((a) => apply(badSquare, [a]), [x])).toThrow(/gradgradcheck: FAILED[\s\S]*input 0 \[3\]: 3 element/);
  });

  it('FAILS on a wrong second derivative that is not a missing term', () => {
    // sin with the rule g·cos(x) written as g·cos(detach(x))·(1 + 0.1(x − detach(x))): a wrong Hessian.
    const badSin: OpDef = {
      name: 'sin', infer: ([t]) => [{ shape: t!.shape, dtype: t!.dtype }],
      backward: (c) => { const x = c.inputs[0]!; return [mul(mul(c.grad, cos(detach(x))), add(1, mul(x, 0.1)))] },
    };
    const x = v64([0.4, -0.7]);
    expect(gradgradcheck((a) => apply(badSin, [a]), [x]).ok).toBe(false);
  });

  it('uses an explicit upstream v and checks its shape', () => {
    const x = v64([0.5, 1.5]);
    expect(gradgradcheck((a) => exp(a), [x], { gradOutputs: tensor([1, -2], { dtype: 'float64' }) }).ok).toBe(true);
    expect(() => gradgradcheck((a) => exp(a), [x], { gradOutputs: tensor([1, 2, 3], { dtype: 'float64' }) })).toThrow(/gradOutputs \[3\] does not match the output \[2\]/);
    expect(() => gradgradcheck((a) => a, [tensor([1], { dtype: 'float64' })])).toThrow(/no input has requiresGrad/);
  });
});

describe('notTwiceDifferentiable: a second derivative through such a rule is a GradError', () => {
  const onceSquare: OpDef = {
    name: 'square', notTwiceDifferentiable: 'a fused kernel for testing',
    infer: ([t]) => [{ shape: t!.shape, dtype: t!.dtype }], backward: (c) => [mul(c.grad, mul(c.inputs[0]!, 2))],
  };
  it('first derivatives (with or without createGraph) are right; differentiating them raises', () => {
    const x = v64([0.5, -1]);
    const [g1] = grad(sum(apply(onceSquare, [x])), x);
    expect(g1!.toArray()).toEqual([1, -2]);
    const [g2] = grad(sum(apply(onceSquare, [x])), x, { createGraph: true });
    expect(g2!.toArray()).toEqual([1, -2]);
    expect(g2!.requiresGrad).toBe(true); // never a silent constant
    expect(() => grad(sum(g2!), x)).toThrow(GradError);
    expect(() => grad(sum(g2!), x)).toThrow(/backward rule of 'square' is not differentiable \(a fused kernel for testing\)/);
    expect(gradcheck((a) => apply(onceSquare, [a]), [x]).ok).toBe(true);
  });
});

describe('unary elementwise', () => {
  const cases: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ['neg', (x) => mul(neg(x), x), () => rnd([2, 3])],
    ['exp', exp, () => rnd([2, 3])],
    ['log', log, () => pos([2, 3])],
    ['log1p', log1p, () => rnd([2, 3], -0.5, 2)],
    ['expm1', expm1, () => rnd([2, 3])],
    ['sqrt', sqrt, () => pos([2, 3])],
    ['rsqrt', rsqrt, () => pos([2, 3])],
    ['sin', sin, () => rnd([2, 3], -3, 3)],
    ['cos', cos, () => rnd([2, 3], -3, 3)],
    ['tanh', tanh, () => rnd([2, 3], -2, 2)],
    ['sigmoid', sigmoid, () => rnd([2, 3], -4, 4)],
    ['gelu', gelu, () => rnd([2, 3], -3, 3)],
    ['silu (its rule is the fused siluGrad)', silu, () => rnd([2, 3], -3, 3)],
    ['softplus', softplus, () => rnd([2, 3], -3, 3)],
    ['erf', erf, () => rnd([2, 3], -2, 2)],
    ['reciprocal', reciprocal, () => pos([2, 3])],
    ['square', square, () => rnd([2, 3])],
    ['powScalar 3', (x) => powScalar(x, 3), () => rnd([2, 3])],
    ['powScalar -1.5', (x) => powScalar(x, -1.5), () => pos([2, 3])],
    ['abs', (x) => mul(abs(x), x), () => away([2, 3])],
    ['sign', (x) => mul(sign(x), square(x)), () => away([2, 3])],
    ['relu', (x) => mul(relu(x), x), () => away([2, 3])],
    ['leakyRelu', (x) => mul(leakyRelu(x, 0.1), x), () => away([2, 3])],
    ['elu', (x) => elu(x, 0.7), () => away([2, 3])],
  ];
  for (const [name, f, make] of cases) it(name, () => gg(f, [make()]));
  it('siluGrad directly (x and the upstream g)', () => gg((x, g) => siluGrad(x, g), [rnd([2, 3], -3, 3), rnd([2, 3])]));
});

describe('binary elementwise (broadcasting), where, cast, copy', () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, boolean][] = [
    ['add', (a, b) => square(add(a, b)), false], ['sub', (a, b) => square(sub(a, b)), false], ['mul', mul, false], ['div', div, true], ['pow', pow, true],
    ['maximum', (a, b) => square(maximum(a, b)), false], ['minimum', (a, b) => square(minimum(a, b)), false],
  ];
  for (const [name, f, positive] of ops) {
    for (const [sa, sb] of [[[2, 3], [2, 3]], [[2, 1], [1, 3]], [[2, 3], []]] as [number[], number[]][]) {
      it(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () => gg(f, positive ? [pos(sa), pos(sb)] : [rnd(sa), rnd(sb)]));
    }
  }
  it('where (both branches, broadcast)', () => gg((a, b) => where(gt(a, 0), square(a), mul(b, a)), [away([2, 3]), rnd([3])]));
  it('cast (float64 → float32 → float64; loose tolerance) and copy', () => {
    gg((x) => mul(cast(cast(x, 'float32'), 'float64'), x), [rnd([4])], { eps: 1e-3, atol: 1e-3, rtol: 1e-3 });
    gg((x) => mul(clone(x), x), [rnd([2, 3])]);
  });
});

describe('reductions', () => {
  it('sum', () => gg((x) => square(sum(x, [0, 2], true)), [rnd([2, 3, 2])]));
  it('prod without zeros', () => gg((x) => prod(x, 1), [rnd([3, 4], 0.5, 1.5)]));
  it('prod with one and two zeros in a group (exact Hessian at zeros)', () => {
    gg((x) => prod(x, 1), [v64([1.5, 0, -2, 0.7, 0.3, 0.5, 2, 1.1, 0, 0, 3, 1], [3, 4])]);
    gg((x) => prod(x), [v64([0, 0, 0.5, 2])]);
  });
  it('clamp (its second derivative is 0 inside and outside the bounds)', () => {
    gg((x) => square(clamp(x, -0.5, 0.5)), [rnd([2, 5])]);
    gg((x) => mul(clamp(x, null, 0.3), x), [rnd([6])]);
  });
  it('max and min (no ties)', () => {
    gg((x) => square(max(x, 1)), [rnd([3, 4])]);
    gg((x) => mul(min(x, [0, 2]), min(x, [0, 2])), [rnd([2, 3, 2])]);
  });
  it('softmaxGrad and logSoftmaxGrad directly (the rules of softmax and logSoftmax)', () => {
    for (const [f, name] of [[softmax, 'softmaxGrad'], [logSoftmax, 'logSoftmaxGrad']] as const) {
      const n = ruleNode(f(rnd([3, 4], -2, 2), 1), [true], 0);
      expect(n.op.name).toBe(name);
      gg((y, g) => apply(n.op, [y, g], n.attrs), [rnd([3, 4], name === 'softmaxGrad' ? 0.05 : -3, name === 'softmaxGrad' ? 0.9 : -0.1), rnd([3, 4])]);
    }
  });
  it('batchNorm in training (with and without weight and bias, spatial axes)', () => {
    gg((x, w, b) => batchNorm(x, null, null, w, b), [rnd([4, 3]), rnd([3]), rnd([3])]);
    gg((x) => square(batchNorm(x, null, null)), [rnd([2, 2, 3])]);
  });
  it('layerNorm without affine parameters, with one, over two axes', () => {
    gg((x) => layerNorm(x, [4]), [rnd([2, 4])]);
    gg((x, w) => layerNorm(x, [2, 2], w), [rnd([2, 2, 2]), rnd([2, 2])]);
    gg((x, b) => layerNorm(x, [3], null, b), [rnd([2, 3]), rnd([3])]);
  });
  it('variance (unbiased, biased, over two axes, keepDims) and std', () => {
    gg((x) => variance(x, 1), [rnd([2, 4])]);
    gg((x) => variance(x, [0, 2], true, 0), [rnd([2, 3, 2])]);
    gg((x) => std(x, 0), [rnd([4, 2])]);
  });
  it('composites and primitives of nn: logsumexp, norm, softmax, logSoftmax, layerNorm, crossEntropy', () => {
    gg((x) => logsumexp(x, 1), [rnd([2, 4], -2, 2)]);
    gg((x) => norm(x, 2, 1), [rnd([2, 3])]);
    gg((x) => softmax(x), [rnd([2, 4], -2, 2)]);
    gg((x) => logSoftmax(x, 0), [rnd([3, 2], -2, 2)]);
    gg((x, w, b) => layerNorm(x, [3], w, b), [rnd([2, 3]), rnd([3]), rnd([3])]);
    gg((x) => crossEntropy(x, [2, 0, 1]), [rnd([3, 4], -2, 2)]);
  });
});

describe('layout', () => {
  it('reshape, permute, expand', () => {
    gg((x) => square(reshape(x, [3, 2])), [rnd([2, 3])]);
    gg((x) => square(permute(x, [2, 0, 1])), [rnd([2, 3, 2])]);
    gg((x) => square(expand(x, [2, 3, 2])), [rnd([3, 1])]);
  });
  it('dimMap (slice, flip) and dimMapScatter (pad)', () => {
    gg((x) => square(slice(x, [[1, 3], [null, null, -2]])), [rnd([4, 5])]);
    gg((x) => mul(flip(x, 0), x), [rnd([3, 2])]);
    gg((x) => square(pad(x, [[1, 2], [0, 1]], 0.5)), [rnd([2, 3])]);
  });
  it('concat', () => gg((a, b) => square(concat([a, b], 1)), [rnd([2, 1]), rnd([2, 3])]));
});

describe('matmul and einsum', () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`matmul transA=${ta} transB=${tb} (bilinear: mixed second derivatives)`, () => {
      gg((a, b) => matmul(a, b, { transA: ta, transB: tb }), [rnd(ta ? [3, 2] : [2, 3]), rnd(tb ? [4, 3] : [3, 4])]);
    });
  }
  it('batched matmul with broadcasting, and a quadratic form', () => {
    gg((a, b) => matmul(a, b), [rnd([2, 1, 2, 3]), rnd([3, 3, 2])]);
    gg((x, A) => matmul(x, matmul(A, x)), [rnd([3]), rnd([3, 3])]);
  });
  it('einsum (three operands, diagonal)', () => {
    gg((a, b, c) => einsum('ij,jk,kl->il', [a, b, c]), [rnd([2, 3]), rnd([3, 2]), rnd([2, 2])]);
    gg((a) => square(einsum('ii->i', [a])), [rnd([3, 3])]);
  });
});

describe('indexing', () => {
  it('indexSelect and indexAdd', () => {
    gg((x) => square(indexSelect(x, 0, [2, 0, 2, -1])), [rnd([3, 2])]);
    gg((x, s) => square(indexAdd(x, 1, [0, 2, 0], s)), [rnd([2, 3]), rnd([2, 3])]);
  });
  it('takeAlongAxis and scatterAdd', () => {
    gg((x) => square(takeAlongAxis(x, 1, indices([0, 2, 2, 1, 0, 0], [2, 3]))), [rnd([2, 4])]);
    gg((x, s) => square(scatterAdd(x, 0, indices([0, 2, 2, 1], [2, 2]), s)), [rnd([3, 2]), rnd([2, 2])]);
  });
});

describe('segment and message-passing ops', () => {
  const ids = [2, 0, 2, 3, 0, 2]; // segment 1 empty
  it('segmentSum, segmentMax, segmentMin', () => {
    gg((x) => square(segmentSum(x, ids, 4)), [rnd([6, 2])]);
    gg((x) => square(segmentMax(x, ids, 4)), [rnd([6, 2])]);
    gg((x) => square(segmentMin(x, ids, 4)), [rnd([6, 3])]);
  });
  it('segmentSoftmax (its rule is segmentSoftmaxGrad) and segmentSoftmaxGrad directly', () => {
    gg((x) => segmentSoftmax(x, ids, 4), [rnd([6, 2], -2, 2)]);
    const n = ruleNode(segmentSoftmax(rnd([6, 2], -2, 2), ids, 4), [true, false], 0);
    expect(n.op.name).toBe('segmentSoftmaxGrad');
    gg((y, g) => apply(n.op, [y, g, n.inputs[2]!], n.attrs), [rnd([6, 2], 0.05, 0.9), rnd([6, 2])]);
  });
  it('gatherSegmentSum, gatherSegmentWeightedSum, gatherDot', () => {
    gg((x) => square(gatherSegmentSum(x, [0, 2, 2, 4, 1], ids.slice(0, 5), 4)), [rnd([5, 3])]);
    gg((x, w) => gatherSegmentWeightedSum(x, w, [0, 2, 2, 4, 1, 3], ids, 4), [rnd([5, 2, 3]), rnd([6, 2])]);
    gg((a, b) => gatherDot(a, b, [0, 2, 2, 1], [1, 1, 0, 3], { heads: 2 }), [rnd([3, 2, 3]), rnd([4, 2, 3])]);
  });
  it('so2Gather / so2SegmentSum (features, angles, weights) and so2CoefGrad directly', () => {
    gg((x, a) => so2RotateGather(x, [0, 2, 2, 1, 0], a, 1), [rnd([3, 6]), rnd([5], -3, 3)]);
    gg((m, a, w) => so2RotateSegmentMean(m, a, [1, 0, 1, 3, 1], 4, 2, { weights: w }), [rnd([5, 5]), rnd([5], -3, 3), pos([5])]);
    const n = ruleNode(so2RotateGather(rnd([3, 6]), [0, 2, 2, 1, 0], rnd([5], -3, 3), 1), [false, false, true], 2);
    expect(n.op.name).toBe('so2CoefGrad');
    gg((a, b) => apply(n.op, [a, b, n.inputs[2]!, n.inputs[3]!], n.attrs), [rnd([5, 6]), rnd([3, 6])]);
  });
  it('fftC2C (fft, rfft)', () => {
    gg((x) => square(fft(x)), [rnd([2, 8, 2])]);
    gg((x) => square(rfft(x, { n: 7 })), [rnd([2, 6])]);
    gg((x) => square(rfft(x)), [rnd([2, 8])]); // even length: the real-to-complex kernel
  });
  it('cumsum, cumprod (with and without zeros)', () => {
    gg((x) => square(cumsum(x, 1)), [rnd([3, 4])]);
    gg((x) => cumprod(x, 1), [rnd([3, 4], 0.5, 1.5)]);
    gg((x) => cumprod(x, 0), [v64([1.5, 0, -2, 0.7, 0.3, 0.5], [6])]);
  });
});

describe('convolution and pooling', () => {
  it('conv2d (stride, padding, groups)', () => {
    gg((x, w) => conv2d(x, w, null, { stride: 2, padding: 1 }), [rnd([1, 2, 4, 4]), rnd([2, 2, 3, 3])]);
    gg((x, w) => square(conv2d(x, w, null, { groups: 2 })), [rnd([1, 4, 3, 3]), rnd([2, 2, 2, 2])]);
  });
  it('conv2dGradInput (convTranspose2d) and conv2dGradWeight directly', () => {
    gg((x, w) => convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }), [rnd([1, 2, 2, 2]), rnd([2, 2, 3, 3])]);
    const y = conv2d(rnd([1, 2, 4, 4]), rnd([2, 2, 3, 3]), null, { stride: 2, padding: 1 });
    const n = ruleNode(y, [false, true], 1);
    expect(n.op.name).toBe('conv2dGradWeight');
    gg((x, g) => apply(n.op, [x, g], n.attrs), [rnd([1, 2, 4, 4]), rnd([...y.shape])]);
  });
  it('maxPool2d, adaptiveMaxPool2d, avgPool2d', () => {
    gg((x) => square(maxPool2d(x, 2)), [rnd([1, 2, 4, 4])]);
    gg((x) => square(adaptiveMaxPool2d(x, [3, 2])), [rnd([1, 1, 5, 5])]);
    gg((x) => square(avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })), [rnd([1, 2, 5, 5])]);
  });
  it('maxPool2dGrad and avgPool2dGrad directly', () => {
    const ym = maxPool2d(rnd([1, 2, 4, 4]), 2, { stride: 1 });
    const m = ruleNode(ym, [true], 0);
    expect(m.op.name).toBe('maxPool2dGrad');
    gg((g) => square(apply(m.op, [g, m.inputs[1]!], m.attrs)), [rnd([...ym.shape])]);
    const ya = avgPool2d(rnd([1, 2, 5, 5]), 3, { stride: 2, padding: 1 });
    const a = ruleNode(ya, [true], 0);
    expect(a.op.name).toBe('avgPool2dGrad');
    gg((g) => square(apply(a.op, [g], a.attrs)), [rnd([...ya.shape])]);
  });
});

describe('coverage', () => {
  it('every differentiable primitive kernel of the JS backend was gradgradchecked above', () => {
    // Kernels without a gradient at all: comparisons, arg-reductions and the Heaviside step.
    // layerNormGrad / batchNormGrad: the backward kernels of layerNorm / batchNorm, run only by
    // passes that record no graph (under createGraph the rules are written with ops,
    // gradgradchecked through layerNorm and batchNorm above).
    const nonDifferentiable = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'argmax', 'argmin', 'step', 'layerNormGrad', 'batchNormGrad']);
    // Kernels of ops marked notTwiceDifferentiable (raise GradError on a second derivative): none at present.
    const onceOnly = new Set<string>();
    const missing = Object.keys(jsBackend.kernels).filter((k) => !nonDifferentiable.has(k) && !onceOnly.has(k) && !covered.has(k));
    expect(missing).toEqual([]);
  });
});
