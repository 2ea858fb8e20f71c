/**
 * Float64 central-difference gradient checks for every differentiable primitive and composite of
 * src/tensor (plus the gradient-only primitives: conv2dGradInput/conv2dGradWeight, maxPool2dGrad,
 * avgPool2dGrad, dimMapScatter), and tests of the gradcheck harness itself.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, apply, tensor, uniform, randn, indices, zeros,
  reshape, expand, permute, sum, sumToShape, cast, clone,
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, silu, softplus, erf,
  reciprocal, square, step, powScalar, add, sub, mul, div, pow, maximum, minimum, gt, where, clamp, siluGrad,
  max, min, prod, mean, variance, std, logsumexp, norm,
  dimMap, slice, pad, concat, stack, split, flip, roll, repeat, squeeze, unsqueeze, transpose, flatten,
  matmul, outer, kron, diag, traceOf, einsum,
  indexSelect, indexAdd, takeAlongAxis, gather, scatterAdd,
  segmentSum, segmentMean, segmentMax, segmentMin, segmentSoftmax, gatherSegmentSum, gatherSegmentWeightedSum, gatherDot,
  so2RotateGather, so2RotateSegmentMean, fft, ifft, rfft, irfft, cumsum, cumprod,
  conv2d, conv1d, convTranspose2d, maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d, adaptiveMaxPool2d,
  softmax, logSoftmax, layerNorm, batchNorm, dropout,
  mseLoss, l1Loss, huberLoss, crossEntropy, nllLoss, bceWithLogits,
} from '../../src/tensor/index.js';
import type { OpDef } from '../../src/tensor/index.js';
import { DTypeError, Rng, ValueError } from '../../src/util/index.js';
import { assertGradcheck, assertParamGradcheck, formatGradcheckReport, gradcheck, paramGradcheck } from '../../src/testing/gradcheck.js';
import { Linear } from '../../src/nn/index.js';
import type { GradcheckOptions } from '../../src/testing/gradcheck.js';
import { jsBackend } from '../../src/backend/js/backend.js';

let seed = 1;
/** A float64 leaf with uniform values in [lo, hi), requiring grad. */
function rnd(shape: number[], lo = -1, hi = 1): Tensor {
  return uniform(new Rng(seed++), shape, lo, hi, { dtype: 'float64', requiresGrad: true });
}
/** Positive values in [lo, hi). */
const pos = (shape: number[], lo = 0.5, hi = 2): Tensor => rnd(shape, lo, hi);
/** Values with |x| ∈ [0.2, 1.2), random signs: away from the kinks at 0. */
function away(shape: number[]): Tensor {
  const t = rnd(shape, 0.2, 1.2);
  const r = new Rng(seed++);
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (r.uniform() < 0.5) d[i] = -d[i]!;
  return t;
}
/** A float64 constant (no grad). */
const c64 = (data: number[], shape?: number[]): Tensor => tensor(data, { dtype: 'float64', shape });
/** A float64 leaf from values. */
const v64 = (data: number[], shape?: number[]): Tensor => tensor(data, { dtype: 'float64', shape, requiresGrad: true });

/** Names of the primitives whose backward rules some gradcheck below exercised. */
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

/** gradcheck must pass; on failure the readable report is the assertion message. */
function gc(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const report = gradcheck(fn, inputs, opts);
  expect(report.ok, formatGradcheckReport(report)).toBe(true);
  expect(report.perInput.length).toBe(inputs.filter((t) => t.requiresGrad).length);
  collectOps(fn(...inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, 'float64', t.requiresGrad))));
}

describe('gradcheck harness', () => {
  it('passes a correct gradient and reports per input', () => {
    const x = v64([0.3, -1.2, 2.0]);
    const y = v64([1, 2, 3]);
    const r = gradcheck((a, b) => mul(sin(a), b), [x, y]);
    expect(r.ok).toBe(true);
    expect(r.perInput.map((p) => p.index)).toEqual([0, 1]);
    expect(r.perInput[0]!.shape).toEqual([3]);
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect(x.grad).toBeNull(); // the caller's tensors are untouched
    expect(Array.from(x.data)).toEqual([0.3, -1.2, 2.0]);
  });

  it('skips inputs without requiresGrad', () => {
    const x = v64([0.3, 0.4]);
    const k = c64([2, 5]);
    const r = gradcheck((a, b) => mul(a, b), [k, x]);
    expect(r.perInput.map((p) => p.index)).toEqual([1]);
  });

  it('detects a wrong backward rule and names the worst element', () => {
    // the kernel of 'sin' with a wrong gradient (2·g instead of cos(x)·g)
    const badSin: OpDef = { name: 'sin', infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }], backward: (c) => [mul(c.grad, 2)] };
    const x = v64([0.1, 0.2, 0.3, 0.4]);
    const r = gradcheck((a) => apply(badSin, [a]), [x]);
    expect(r.ok).toBe(false);
    expect(r.perInput[0]!.failures).toBe(4);
    expect(r.perInput[0]!.worst).not.toBeNull();
    expect(() => assertGradcheck((a) => apply(badSin, [a]), [x])).toThrow(/FAILED[\s\S]*input 0 \[4\]: 4 element\(s\) out of tolerance[\s\S]*analytic/);
  });

  it('uses an explicit upstream gradient', () => {
    const x = v64([0.5, 1.5]);
    const u = c64([1, -2]);
    expect(gradcheck((a) => exp(a), [x], { upstream: u }).ok).toBe(true);
    expect(() => gradcheck((a) => exp(a), [x], { upstream: c64([1, 2, 3]) })).toThrow(/upstream \[3\] does not match the output \[2\]/);
  });

  it('treats an output that does not depend on the inputs as a zero gradient', () => {
    const x = v64([1, 2]);
    const r = gradcheck(() => c64([3, 4]), [x]);
    expect(r.ok).toBe(true);
    expect(r.maxAbsError).toBe(0);
  });

  it('rejects non-float64 inputs, outputs and no checked input', () => {
    const f32 = tensor([1, 2], { requiresGrad: true });
    expect(() => gradcheck((a) => a, [f32])).toThrow(DTypeError);
    expect(() => gradcheck((a) => cast(a, 'float32'), [v64([1, 2])])).toThrow(DTypeError);
    expect(() => gradcheck((a) => a, [c64([1])])).toThrow(ValueError);
  });

  it('reports NaN gradients as failures', () => {
    const x = v64([-1, 2]);
    const r = gradcheck((a) => sqrt(a), [x]);
    expect(r.ok).toBe(false);
    expect(Number.isNaN(r.maxAbsError)).toBe(true);
  });
});

describe('unary elementwise', () => {
  const smooth: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ['neg', neg, () => rnd([2, 3])],
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
    ['silu', silu, () => rnd([2, 3], -3, 3)],
    ['softplus', softplus, () => rnd([2, 3], -3, 3)],
    ['erf', erf, () => rnd([2, 3], -2, 2)],
    ['reciprocal', reciprocal, () => pos([2, 3])],
    ['square', square, () => rnd([2, 3])],
    ['powScalar 3', (x) => powScalar(x, 3), () => rnd([2, 3])],
    ['powScalar -1.5', (x) => powScalar(x, -1.5), () => pos([2, 3])],
    ['pow (number exponent)', (x) => pow(x, 2.5), () => pos([2, 3])],
    ['abs', abs, () => away([2, 3])],
    ['sign', sign, () => away([2, 3])],
    ['step', step, () => away([2, 3])],
    ['relu', relu, () => away([2, 3])],
    ['leakyRelu', (x) => leakyRelu(x, 0.1), () => away([2, 3])],
    ['elu', (x) => elu(x, 0.7), () => away([2, 3])],
  ];
  for (const [name, f, make] of smooth) it(name, () => gc(f, [make()]));

  it('fluent methods', () => gc((x) => x.exp().mul(x.sin()).tanh().square(), [rnd([4])]));
  it('siluGrad, the fused SiLU backward (so SiLU has double backward), and its shape check', () => {
    gc((x, g) => siluGrad(x, g), [rnd([2, 3], -4, 4), rnd([2, 3])]);
    const x = rnd([3], -2, 2);
    const [gx] = silu(x).node!.op.backward!({ inputs: [x], outputs: [silu(x)], grad: rnd([3]), attrs: {}, needs: [true] });
    expect(gx!.node!.op.name).toBe('siluGrad');
    expect(() => siluGrad(rnd([2, 3]), rnd([3]))).toThrow(/siluGrad: x \[2, ?3\] and g \[3\]/);
  });
});

describe('binary elementwise with broadcasting', () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, boolean][] = [
    ['add', add, false],
    ['sub', sub, false],
    ['mul', mul, false],
    ['div', div, true],
    ['pow', pow, true],
    ['maximum', maximum, false],
    ['minimum', minimum, false],
  ];
  const shapes: [number[], number[]][] = [
    [[2, 3], [2, 3]],
    [[2, 3], [3]],
    [[2, 1], [1, 3]],
    [[3], [2, 2, 3]],
    [[2, 3], []],
  ];
  for (const [name, f, positive] of ops) {
    for (const [sa, sb] of shapes) {
      it(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () => {
        const a = positive ? pos(sa) : rnd(sa);
        const b = positive ? pos(sb) : rnd(sb);
        gc(f, [a, b]);
      });
    }
  }
  it('number operands on either side', () => {
    gc((a) => add(sub(2, a), mul(a, 3)), [rnd([3])]);
    gc((a) => div(1.5, a), [pos([3])]);
    gc((a) => pow(2, a), [rnd([3])]);
  });
  it('where (broadcast condition, both branches)', () => {
    const cond = c64([1, 0, 1], [3]);
    gc((a, b) => where(cond, a, b), [rnd([2, 3]), rnd([2, 1])]);
    gc((a) => where(gt(a, 0), square(a), neg(a)), [away([5])]);
  });
  it('clamp (both bounds, one bound)', () => {
    const x = v64([-2, -0.7, -0.3, 0.1, 0.45, 0.9, 1.8]);
    gc((a) => clamp(a, -0.5, 0.5), [x]);
    gc((a) => clamp(a, -0.5), [x]);
    gc((a) => clamp(a, null, 0.5), [x]);
  });
});

describe('reductions', () => {
  it('sum over axes, keepDims', () => {
    gc((x) => sum(x), [rnd([2, 3, 4])]);
    gc((x) => sum(x, [0, 2], true), [rnd([2, 3, 4])]);
    gc((x) => sum(x, -1), [rnd([2, 3, 4])]);
    gc((x) => sum(x, 1), [rnd([2, 3, 4])]);
  });
  it('mean', () => {
    gc((x) => mean(x), [rnd([2, 3])]);
    gc((x) => mean(x, [1], true), [rnd([2, 3, 2])]);
  });
  it('max and min over axes (no ties)', () => {
    gc((x) => max(x), [rnd([3, 4])]);
    gc((x) => max(x, 1, true), [rnd([3, 4])]);
    gc((x) => min(x, [0, 2]), [rnd([2, 3, 2])]);
    gc((x) => min(x, 0), [rnd([3, 4])]);
    gc((x) => x.max(-1), [rnd([2, 5])]);
  });
  it('prod (no zero, one zero, two zeros)', () => {
    gc((x) => prod(x), [rnd([2, 3], 0.5, 1.5)]);
    gc((x) => prod(x, 1), [rnd([3, 4], -1.5, 1.5)]);
    gc((x) => prod(x, 1, true), [v64([1.5, 0, -2, 0.7, 0.3, 0.5, 2, 1.1, 0, 0, 3, 1], [3, 4])]);
    gc((x) => prod(x, [0, 1]), [v64([1.5, 0, -2, 0.7], [2, 2])]);
  });
  it('variance and std (correction 0 and 1)', () => {
    gc((x) => variance(x), [rnd([2, 4])]);
    gc((x) => variance(x, 1, true, 0), [rnd([2, 4])]);
    gc((x) => std(x, [0, 2]), [rnd([3, 2, 2])]);
    gc((x) => std(x, -1, false, 0), [rnd([2, 5])]);
  });
  it('logsumexp', () => {
    gc((x) => logsumexp(x), [rnd([2, 3], -3, 3)]);
    gc((x) => logsumexp(x, 1, true), [rnd([2, 3], -3, 3)]);
    gc((x) => logsumexp(x, [0, 2]), [rnd([2, 3, 2], -3, 3)]);
  });
  it('norm (p = 1, 2, 3, ∞)', () => {
    gc((x) => norm(x), [rnd([2, 3])]);
    gc((x) => norm(x, 2, 1), [rnd([2, 3])]);
    gc((x) => norm(x, 1, 0, true), [away([2, 3])]);
    gc((x) => norm(x, 3, [0, 1]), [away([2, 3])]);
    gc((x) => norm(x, Infinity, 1), [rnd([2, 3])]);
  });
});

describe('shape and layout', () => {
  it('reshape (incl. -1), permute, expand, sumToShape', () => {
    gc((x) => reshape(x, [3, -1]), [rnd([2, 3])]);
    gc((x) => mul(reshape(x, [6]), c64([1, 2, 3, 4, 5, 6])), [rnd([2, 3])]);
    gc((x) => permute(x, [2, 0, 1]), [rnd([2, 3, 4])]);
    gc((x) => expand(x, [2, 3, 4]), [rnd([3, 1])]);
    gc((x) => sumToShape(x, [3, 1]), [rnd([2, 3, 4])]);
  });
  it('cast (float64 → float32 → float64, loose tolerance) and clone', () => {
    gc((x) => cast(cast(x, 'float32'), 'float64'), [rnd([4])], { eps: 1e-3, atol: 1e-3, rtol: 1e-3 });
    gc((x) => mul(clone(x), x), [rnd([2, 3])]);
  });
  it('slice: indices, ranges, steps, negative indices and steps', () => {
    const x = () => rnd([4, 5, 3]);
    gc((t) => slice(t, [[1, 3], null, [0, 3, 2]]), [x()]);
    gc((t) => slice(t, [[null, null, -1], [-1, 0, -2]]), [x()]);
    gc((t) => slice(t, [-1, [1, null, 3]]), [x()]);
    gc((t) => slice(t, [null, 2, -2]), [x()]);
    gc((t) => t.slice([[3, 0, -1], [4, null, -2], [null, null, -1]]), [x()]);
  });
  it('dimMap directly (duplicated indices accumulate)', () => {
    gc((t) => dimMap(t, [Int32Array.of(0, 0, 2), Int32Array.of(1, 0)]), [rnd([3, 2])]);
  });
  it('pad (dimMapScatter)', () => {
    gc((t) => pad(t, [[1, 2], [0, 1]]), [rnd([2, 3])]);
    gc((t) => pad(t, [[2, 1]], 0.5), [rnd([2, 3])]);
  });
  it('concat, stack, split', () => {
    gc((a, b, c) => concat([a, b, c], 1), [rnd([2, 1]), rnd([2, 3]), rnd([2, 2])]);
    gc((a, b) => concat([a, b], 0), [rnd([1, 3]), rnd([2, 3])]);
    gc((a, b) => stack([a, b], 1), [rnd([2, 3]), rnd([2, 3])]);
    gc((a, b) => stack([a, b], -1), [rnd([2, 3]), rnd([2, 3])]);
    gc((x) => { const [p, q] = split(x, [1, 3], 1); return mul(p!, sum(q!, 1, true)); }, [rnd([2, 4])]);
    gc((x) => { const parts = split(x, 2, 0); return mul(parts[0]!, parts[2]!.expand([2, 3])); }, [rnd([5, 3])]);
  });
  it('flip, roll, repeat', () => {
    gc((x) => flip(x, [0, 2]), [rnd([2, 3, 2])]);
    gc((x) => flip(x, -1), [rnd([2, 3])]);
    gc((x) => roll(x, 2, 1), [rnd([2, 4])]);
    gc((x) => roll(x, [-1, 5], [0, 1]), [rnd([3, 4])]);
    gc((x) => repeat(x, [2, 1, 3]), [rnd([2, 2])]);
  });
  it('squeeze, unsqueeze, transpose, flatten, T', () => {
    gc((x) => squeeze(x), [rnd([1, 3, 1])]);
    gc((x) => squeeze(x, 0), [rnd([1, 3, 1])]);
    gc((x) => unsqueeze(x, -1), [rnd([2, 3])]);
    gc((x) => transpose(x, 0, 2), [rnd([2, 3, 4])]);
    gc((x) => flatten(x, 1), [rnd([2, 3, 2])]);
    gc((x) => x.T, [rnd([2, 3])]);
  });
});

describe('matmul and friends', () => {
  const mm = (a: Tensor, b: Tensor): Tensor => matmul(a, b);
  it('matmul 1-D and 2-D', () => {
    gc(mm, [rnd([3]), rnd([3])]);
    gc(mm, [rnd([3]), rnd([3, 2])]);
    gc(mm, [rnd([2, 3]), rnd([3])]);
    gc(mm, [rnd([2, 3]), rnd([3, 4])]);
  });
  it('batched matmul with broadcasting', () => {
    gc(mm, [rnd([2, 1, 2, 3]), rnd([3, 3, 2])]);
    gc(mm, [rnd([2, 3]), rnd([2, 3, 2])]);
    gc(mm, [rnd([2, 2, 3]), rnd([3])]);
  });
  it('transA / transB options', () => {
    gc((a, b) => matmul(a, b, { transA: true }), [rnd([3, 2]), rnd([3, 4])]);
    gc((a, b) => matmul(a, b, { transB: true }), [rnd([2, 3]), rnd([4, 3])]);
    gc((a, b) => matmul(a, b, { transA: true, transB: true }), [rnd([3, 2]), rnd([4, 3])]);
    gc((a, b) => matmul(a, b, { transA: true, transB: true }), [rnd([2, 3, 2]), rnd([1, 4, 3])]);
  });
  it('einsum: diagonal, trace, batched, three operands, implicit, ellipsis', () => {
    gc((a) => einsum('ii->i', [a]), [rnd([3, 3])]);
    gc((a) => einsum('ii->', [a]), [rnd([3, 3])]);
    gc((a, b) => einsum('bij,bjk->bik', [a, b]), [rnd([2, 2, 3]), rnd([2, 3, 2])]);
    gc((a, b, c) => einsum('ij,jk,kl->il', [a, b, c]), [rnd([2, 3]), rnd([3, 2]), rnd([2, 2])]);
    gc((a, b, c) => einsum('i,ij,j->', [a, b, c]), [rnd([2]), rnd([2, 3]), rnd([3])]);
    gc((a) => einsum('ij->ji', [a]), [rnd([2, 3])]);
    gc((a, b) => einsum('i,j->ij', [a, b]), [rnd([2]), rnd([3])]);
    gc((a, b) => einsum('ij,ij->', [a, b]), [rnd([2, 3]), rnd([2, 3])]);
    gc((a, b) => einsum('ij,jk', [a, b]), [rnd([2, 3]), rnd([3, 2])]);
    gc((a) => einsum('...ij->...ji', [a]), [rnd([2, 2, 3])]);
    gc((a) => einsum('iij->j', [a]), [rnd([2, 2, 3])]);
    gc((a, b) => einsum('bii,bi->b', [a, b]), [rnd([2, 3, 3]), rnd([2, 3])]);
  });
  it('outer, kron, diag, traceOf', () => {
    gc(outer, [rnd([2]), rnd([3])]);
    gc(kron, [rnd([2, 2]), rnd([2, 3])]);
    gc((a) => diag(a), [rnd([3])]);
    gc((a) => diag(a), [rnd([3, 3])]);
    gc((a) => diag(a), [rnd([2, 4])]);
    gc((a) => traceOf(a), [rnd([3, 3])]);
  });
});

describe('indexing', () => {
  it('indexSelect (duplicates, negative indices)', () => {
    gc((x) => indexSelect(x, 0, [2, 0, 2, -1]), [rnd([3, 2])]);
    gc((x) => x.indexSelect(1, indices([1, 1, 0])), [rnd([2, 3, 2])]);
  });
  it('indexAdd (target and source)', () => {
    gc((x, s) => indexAdd(x, 1, [0, 2, 0], s), [rnd([2, 3]), rnd([2, 3])]);
  });
  it('takeAlongAxis / gather', () => {
    const idx = indices([0, 2, 2, 1, 0, 0], [2, 3]);
    gc((x) => takeAlongAxis(x, 1, idx), [rnd([2, 4])]);
    gc((x) => gather(x, 0, indices([1, 0, 1, 1], [2, 2])), [rnd([2, 3])]);
  });
  it('scatterAdd (target and source, index smaller than source)', () => {
    const idx = indices([0, 2, 2, 1], [2, 2]);
    gc((x, s) => scatterAdd(x, 0, idx, s), [rnd([3, 2]), rnd([2, 2])]);
    gc((x, s) => scatterAdd(x, 1, idx, s), [rnd([2, 3]), rnd([3, 4])]);
  });
});

describe('segment ops (unsorted ids, an empty segment)', () => {
  const ids = [2, 0, 2, 3, 0, 2]; // segment 1 is empty
  it('segmentSum', () => gc((x) => segmentSum(x, ids, 4), [rnd([6, 2])]));
  it('segmentSum sorted', () => gc((x) => segmentSum(x, [0, 0, 1, 3], 4, { sorted: true }), [rnd([4, 3])]));
  it('gatherSegmentSum (fused gather + sum; empty segment)', () => gc((x) => gatherSegmentSum(x, [0, 2, 2, 4, 1], ids.slice(0, 5), 4), [rnd([5, 3])]));
  it('segmentMean', () => gc((x) => segmentMean(x, ids, 4), [rnd([6, 2])]));
  it('segmentMax', () => gc((x) => segmentMax(x, ids, 4), [rnd([6, 2])]));
  it('segmentMin', () => gc((x) => segmentMin(x, ids, 4), [rnd([6, 3])]));
  it('segmentSoftmax', () => gc((x) => segmentSoftmax(x, ids, 4), [rnd([6, 2], -2, 2)]));
  it('segmentSoftmax on 3-D data, sorted ids, and its gradient (double backward)', () => {
    gc((x) => segmentSoftmax(x, [0, 0, 1, 3], 4, { sorted: true }), [rnd([4, 2, 2], -2, 2)]);
    const y0 = rnd([6, 2], 0.05, 0.9);
    const g0 = rnd([6, 2]);
    const node = segmentSoftmax(rnd([6, 2], -2, 2), ids, 4);
    const [gx] = node.node!.op.backward!({ inputs: node.node!.inputs, outputs: node.node!.outputs, grad: g0, attrs: node.node!.attrs, needs: [true, false] });
    expect(gx!.node!.op.name).toBe('segmentSoftmaxGrad');
    gc((y, g) => apply(gx!.node!.op, [y, g, gx!.node!.inputs[2]!], gx!.node!.attrs), [y0, g0]);
  });
  it('fft / ifft / rfft / irfft (the fftC2C primitive, radix-2 and Bluestein lengths; test/tensor/fft.test.ts has the rest)', () => {
    gc((x) => fft(x), [rnd([2, 8, 2])]);
    gc((x) => ifft(x, { norm: 'ortho' }), [rnd([3, 5, 2])]);
    gc((x) => rfft(x, { n: 7 }), [rnd([2, 6])]);
    gc((x) => irfft(x, { n: 6, norm: 'forward' }), [rnd([4, 2])]);
  });
  it('cumsum / cumprod (the scan primitives; test/tensor/ops16.test.ts has zeros, every axis and fixtures)', () => {
    gc((x) => cumsum(x, 1), [rnd([3, 4, 2])]);
    gc((x) => cumprod(x, -1), [rnd([3, 5])]);
  });
  it('so2RotateGather / so2RotateSegmentMean (features, angles, weights) and the coefficient gradient (double backward)', () => {
    gc((x, a) => so2RotateGather(x, [0, 2, 2, 1, 0], a, 1), [rnd([3, 6]), rnd([5], -3, 3)]);
    gc((m, a, w) => so2RotateSegmentMean(m, a, [1, 0, 1, 3, 1], 4, 2, { weights: w }), [rnd([5, 5]), rnd([5], -3, 3), pos([5])]);
    const y = so2RotateGather(rnd([3, 6]), [0, 2, 2, 1, 0], rnd([5], -3, 3), 1);
    const [, , gt] = y.node!.op.backward!({ inputs: y.node!.inputs, outputs: y.node!.outputs, grad: rnd([5, 6]), attrs: y.node!.attrs, needs: [false, false, true] });
    expect(gt!.node!.op.name).toBe('so2CoefGrad');
    const [, , ia, ib] = gt!.node!.inputs;
    gc((a, b) => apply(gt!.node!.op, [a, b, ia!, ib!], gt!.node!.attrs), [rnd([5, 6]), rnd([3, 6])]);
  });
  it('gatherSegmentWeightedSum (scalar and per-head weights; empty segment)', () => {
    gc((x, w) => gatherSegmentWeightedSum(x, w, [0, 2, 2, 4, 1], ids.slice(0, 5), 4), [rnd([5, 3]), rnd([5])]);
    gc((x, w) => gatherSegmentWeightedSum(x, w, [0, 2, 2, 4, 1], ids.slice(0, 5), 4), [rnd([5, 3]), rnd([5, 1])]);
    gc((x, w) => gatherSegmentWeightedSum(x, w, [0, 2, 2, 4, 1, 3], ids, 4), [rnd([5, 2, 3]), rnd([6, 2])]);
  });
  it('gatherDot (whole rows and per head)', () => {
    gc((a, b) => gatherDot(a, b, [0, 2, 2, 1], [1, 1, 0, 3]), [rnd([3, 4]), rnd([4, 4])]);
    gc((a, b) => gatherDot(a, b, [0, 2, 2, 1], [1, 1, 0, 3], { heads: 2 }), [rnd([3, 2, 3]), rnd([4, 2, 3])]);
  });
  it('segmentMax on 3-D data', () => gc((x) => segmentMax(x, [1, 0, 1], 3), [rnd([3, 2, 2])]));
});

describe('convolution', () => {
  it('conv2d plain, with bias', () => {
    gc((x, w) => conv2d(x, w), [rnd([1, 2, 4, 4]), rnd([3, 2, 2, 2])]);
    gc((x, w, b) => conv2d(x, w, b), [rnd([2, 1, 3, 3]), rnd([2, 1, 2, 2]), rnd([2])]);
  });
  it('conv2d stride, padding, dilation', () => {
    gc((x, w) => conv2d(x, w, null, { stride: 2, padding: 1 }), [rnd([1, 2, 5, 5]), rnd([2, 2, 3, 3])]);
    gc((x, w) => conv2d(x, w, null, { stride: [1, 2], padding: [2, 0], dilation: 2 }), [rnd([1, 1, 5, 6]), rnd([2, 1, 2, 2])]);
  });
  it('conv2d groups', () => {
    gc((x, w, b) => conv2d(x, w, b, { groups: 2, padding: 1 }), [rnd([1, 4, 3, 3]), rnd([4, 2, 2, 2]), rnd([4])]);
  });
  it('conv1d', () => {
    gc((x, w, b) => conv1d(x, w, b, { stride: 2, padding: 1, dilation: 1 }), [rnd([2, 2, 6]), rnd([3, 2, 3]), rnd([3])]);
    gc((x, w) => conv1d(x, w, null, { groups: 2, dilation: 2 }), [rnd([1, 4, 6]), rnd([2, 2, 2])]);
  });
  it('convTranspose2d (stride 2, outputPadding, groups, bias)', () => {
    gc((x, w) => convTranspose2d(x, w), [rnd([1, 2, 3, 3]), rnd([2, 3, 2, 2])]);
    gc((x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [rnd([1, 2, 3, 3]), rnd([2, 2, 3, 3]), rnd([2])]);
    gc((x, w) => convTranspose2d(x, w, null, { stride: 2, groups: 2, dilation: [1, 2] }), [rnd([1, 4, 2, 2]), rnd([4, 1, 2, 2])]);
  });
  it('conv2dGradInput and conv2dGradWeight backward rules (gradient-only primitives)', () => {
    // Build the gradient-only ops from a conv2d node's backward rule, then check them directly.
    const attrs = { stride: 2, padding: 1, dilation: 1 };
    const x0 = rnd([1, 2, 4, 4]), w0 = rnd([2, 2, 3, 3]);
    const y = conv2d(x0, w0, null, attrs);
    const node = y.node!;
    const g0 = rnd(y.shape as number[]);
    const [gx, gw] = node.op.backward!({ inputs: node.inputs, outputs: node.outputs, grad: g0, attrs: node.attrs, needs: [true, true] });
    const gradInput = gx!.node!, gradWeight = gw!.node!;
    expect(gradInput.op.name).toBe('conv2dGradInput');
    expect(gradWeight.op.name).toBe('conv2dGradWeight');
    gc((g, w) => apply(gradInput.op, [g, w], gradInput.attrs), [rnd(y.shape as number[]), rnd([2, 2, 3, 3])]);
    gc((x, g) => apply(gradWeight.op, [x, g], gradWeight.attrs), [rnd([1, 2, 4, 4]), rnd(y.shape as number[])]);
  });
});

describe('pooling', () => {
  it('maxPool2d (stride, padding, dilation)', () => {
    gc((x) => maxPool2d(x, 2), [rnd([1, 2, 4, 4])]);
    gc((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [rnd([2, 1, 5, 5])]);
    gc((x) => maxPool2d(x, [2, 2], { stride: 1, dilation: 2 }), [rnd([1, 1, 4, 5])]);
  });
  it('avgPool2d (countIncludePad true and false)', () => {
    gc((x) => avgPool2d(x, 2), [rnd([1, 2, 4, 4])]);
    gc((x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), [rnd([1, 2, 5, 5])]);
    gc((x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [rnd([1, 2, 5, 5])]);
    gc((x) => avgPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1], countIncludePad: false }), [rnd([1, 1, 4, 5])]);
  });
  it('global pooling', () => {
    gc((x) => globalAvgPool2d(x), [rnd([2, 3, 2, 3])]);
    gc((x) => globalMaxPool2d(x), [rnd([2, 3, 2, 3])]);
  });
  it('adaptiveMaxPool2d (overlapping windows; more test/nn/conv-modules.test.ts)', () => {
    gc((x) => adaptiveMaxPool2d(x, [3, 2]), [rnd([1, 2, 5, 5])]);
  });
  it('maxPool2dGrad and avgPool2dGrad backward rules (gradient-only primitives)', () => {
    const x0 = rnd([1, 2, 4, 4]);
    const ym = maxPool2d(x0, 2, { stride: 1 });
    const nm = ym.node!;
    const [gm] = nm.op.backward!({ inputs: nm.inputs, outputs: nm.outputs, grad: rnd(ym.shape as number[]), attrs: nm.attrs, needs: [true] });
    const mg = gm!.node!;
    expect(mg.op.name).toBe('maxPool2dGrad');
    const arg = mg.inputs[1]!;
    gc((g) => apply(mg.op, [g, arg], mg.attrs), [rnd(ym.shape as number[])]);

    const ya = avgPool2d(x0, 3, { stride: 2, padding: 1, countIncludePad: false });
    const na = ya.node!;
    const [ga] = na.op.backward!({ inputs: na.inputs, outputs: na.outputs, grad: rnd(ya.shape as number[]), attrs: na.attrs, needs: [true] });
    const ag = ga!.node!;
    expect(ag.op.name).toBe('avgPool2dGrad');
    gc((g) => apply(ag.op, [g], ag.attrs), [rnd(ya.shape as number[])]);
  });
});

describe('neural-network functions', () => {
  it('softmax and logSoftmax on several axes', () => {
    gc((x) => softmax(x), [rnd([2, 4], -2, 2)]);
    gc((x) => softmax(x, 0), [rnd([3, 2], -2, 2)]);
    gc((x) => logSoftmax(x), [rnd([2, 4], -2, 2)]);
    gc((x) => x.logSoftmax(1), [rnd([2, 3, 2], -2, 2)]);
  });
  it('softmaxGrad and logSoftmaxGrad directly (the rules of softmax and logSoftmax), on a middle axis', () => {
    for (const [f, name] of [[softmax, 'softmaxGrad'], [logSoftmax, 'logSoftmaxGrad']] as const) {
      const y = f(rnd([2, 3, 2], -2, 2), 1);
      const [gx] = y.node!.op.backward!({ inputs: y.node!.inputs, outputs: y.node!.outputs, grad: rnd([2, 3, 2]), attrs: y.node!.attrs, needs: [true] });
      expect(gx!.node!.op.name).toBe(name);
      gc((yy, g) => apply(gx!.node!.op, [yy, g], gx!.node!.attrs), [rnd([2, 3, 2], name === 'softmaxGrad' ? 0.05 : -3, name === 'softmaxGrad' ? 0.9 : -0.1), rnd([2, 3, 2])]);
    }
  });
  it('layerNorm (with and without affine parameters)', () => {
    gc((x) => layerNorm(x, [4]), [rnd([2, 4])]);
    gc((x, b) => layerNorm(x, [4], null, b), [rnd([3, 4]), rnd([4])]);
    gc((x, w) => layerNorm(x, [4], w, null, 0), [rnd([3, 4]), rnd([4])]);
    gc((x, w, b) => layerNorm(x, [2, 3], w, b), [rnd([2, 2, 3]), rnd([2, 3]), rnd([2, 3])]);
  });
  it('batchNorm training (x, weight, bias) and eval', () => {
    gc((x, w, b) => batchNorm(x, null, null, w, b), [rnd([4, 3]), rnd([3]), rnd([3])]);
    gc((x) => batchNorm(x, null, null), [rnd([3, 2, 3])]);
    gc((x, b) => batchNorm(x, null, null, null, b), [rnd([2, 3, 2, 2]), rnd([3])]);
    gc((x, w, b) => batchNorm(x, zeros([2], { dtype: 'float64' }), zeros([2], { dtype: 'float64' }), w, b), [rnd([2, 2, 2, 2]), rnd([2]), rnd([2])]);
    const rm = c64([0.1, -0.2]), rv = c64([0.5, 1.5]);
    gc((x, w, b) => batchNorm(x, rm, rv, w, b, { training: false }), [rnd([3, 2, 2]), rnd([2]), rnd([2])]);
  });
  it('dropout (fixed rng → fixed mask)', () => {
    gc((x) => dropout(x, 0.4, new Rng(7)), [rnd([3, 4])]);
    gc((x) => dropout(x, 0.4, new Rng(7), false), [rnd([3, 4])]);
  });
});

describe('losses', () => {
  it('mseLoss, l1Loss (all reductions)', () => {
    const t = c64([0.5, -0.5, 1, 2, 0, -1], [2, 3]);
    for (const r of ['mean', 'sum', 'none'] as const) {
      gc((x) => mseLoss(x, t, r), [rnd([2, 3])]);
      gc((x) => l1Loss(x, t, r), [v64([0.1, -0.9, 1.4, 2.6, -0.3, 0.2], [2, 3])]);
    }
    gc((x, y) => mseLoss(x, y), [rnd([2, 3]), rnd([2, 3])]);
  });
  it('huberLoss (both branches)', () => {
    const t = c64([0, 0, 0, 0, 0, 0]);
    gc((x) => huberLoss(x, t, 1), [v64([0.3, -0.6, 1.5, -2.2, 0.9, 3])]);
    gc((x) => huberLoss(x, t, 0.5, 'sum'), [v64([0.3, -0.2, 1.5, -2.2, 0.4, 3])]);
  });
  it('crossEntropy with class indices, weight, ignoreIndex', () => {
    gc((x) => crossEntropy(x, [2, 0, 1]), [rnd([3, 4], -2, 2)]);
    gc((x) => crossEntropy(x, indices([2, 0, 1]), { reduction: 'sum' }), [rnd([3, 4], -2, 2)]);
    gc((x) => crossEntropy(x, [2, 0, 1], { weight: c64([0.5, 2, 1, 3]) }), [rnd([3, 4], -2, 2)]);
    gc((x) => crossEntropy(x, [2, -100, 1], { reduction: 'none' }), [rnd([3, 4], -2, 2)]);
  });
  it('crossEntropy with label smoothing (with and without weight)', () => {
    gc((x) => crossEntropy(x, [2, 0, 1], { labelSmoothing: 0.1 }), [rnd([3, 4], -2, 2)]);
    gc((x) => crossEntropy(x, [2, 0, 1], { labelSmoothing: 0.2, weight: c64([0.5, 2, 1, 3]) }), [rnd([3, 4], -2, 2)]);
  });
  it('crossEntropy with class probabilities (and smoothing)', () => {
    const q = c64([0.2, 0.3, 0.5, 0, 0.1, 0.1, 0.4, 0.4], [2, 4]);
    gc((x) => crossEntropy(x, q), [rnd([2, 4], -2, 2)]);
    gc((x) => crossEntropy(x, q, { labelSmoothing: 0.1 }), [rnd([2, 4], -2, 2)]);
    gc((x, p) => crossEntropy(x, softmax(p)), [rnd([2, 4], -2, 2), rnd([2, 4])]);
  });
  it('nllLoss', () => {
    gc((x) => nllLoss(logSoftmax(x), [1, 0, 3]), [rnd([3, 4], -2, 2)]);
    gc((x) => nllLoss(x, [1, 0, 3], 'sum'), [rnd([3, 4])]);
  });
  it('bceWithLogits (plain, posWeight number and tensor)', () => {
    const y = c64([1, 0, 0.3, 1, 0, 0.8], [2, 3]);
    gc((x) => bceWithLogits(x, y), [rnd([2, 3], -3, 3)]);
    gc((x) => bceWithLogits(x, y, { posWeight: 2.5, reduction: 'sum' }), [rnd([2, 3], -3, 3)]);
    gc((x, pw) => bceWithLogits(x, y, { posWeight: pw }), [rnd([2, 3], -3, 3), pos([3])]);
    gc((x, t) => bceWithLogits(x, t), [rnd([2, 3], -3, 3), rnd([2, 3], 0, 1)]);
  });
});

describe('coverage', () => {
  it('every differentiable primitive kernel of the JS backend was gradchecked above', () => {
    // Kernels without a gradient: comparisons, arg-reductions and the Heaviside step.
    // layerNormGrad / batchNormGrad are layerNorm's / batchNorm's backward kernels, run only by a
    // pass that records no graph (a recording pass's rule is written with ops): the layerNorm and
    // batchNorm cases above check their values.
    const nonDifferentiable = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'argmax', 'argmin', 'step', 'layerNormGrad', 'batchNormGrad']);
    const missing = Object.keys(jsBackend.kernels).filter((k) => !nonDifferentiable.has(k) && !covered.has(k));
    expect(missing).toEqual([]);
  });
});

describe('paramGradcheck (gradients w.r.t. tensors the loss reads, e.g. module parameters)', () => {
  const setup = () => {
    const rng = new Rng(3);
    const lin = new Linear(3, 2, { rng, dtype: 'float64' });
    const x = randn(rng, [4, 3], { dtype: 'float64' }), y = randn(rng, [4, 2], { dtype: 'float64' });
    return { lin, x, y };
  };

  it('passes on a module and leaves the parameters (bits) and their .grad untouched', () => {
    const { lin, x, y } = setup();
    const before = lin.parameters().map((p) => Float64Array.from(p.data));
    const r = assertParamGradcheck(lin.parameters(), () => mseLoss(tanh(lin.call(x)), y));
    expect(r.perInput).toHaveLength(2);
    expect(r.maxAbsError).toBeLessThan(1e-8);
    lin.parameters().forEach((p, i) => {
      expect(Array.from(p.data)).toEqual(Array.from(before[i]!));
      expect(p.grad).toBeNull();
    });
  });

  it('FAILS when the analytic gradient misses a term (a detached use of the weight)', () => {
    const { lin, x, y } = setup();
    const w = lin.parameters()[0]!;
    const r = paramGradcheck(lin.parameters(), () => add(mseLoss(lin.call(x), y), sum(square(w.detach()))));
    expect(r.ok).toBe(false);
    expect(r.perInput[0]!.failures).toBe(w.size);
    expect(r.perInput[1]!.failures).toBe(0);
    expect(() => assertParamGradcheck(lin.parameters(), () => add(mseLoss(lin.call(x), y), sum(square(w.detach()))))).toThrow(/paramGradcheck: FAILED/);
  });

  it('named errors: no parameters, float32, no requiresGrad, non-scalar loss', () => {
    const { lin, x } = setup();
    expect(() => paramGradcheck([], () => sum(x))).toThrow(ValueError);
    const p32 = tensor([1, 2], { requiresGrad: true });
    expect(() => paramGradcheck([p32], () => sum(p32))).toThrow(DTypeError);
    const c = tensor([1, 2], { dtype: 'float64' });
    expect(() => paramGradcheck([c], () => sum(c))).toThrow(/does not require grad/);
    expect(() => paramGradcheck(lin.parameters(), () => lin.call(x))).toThrow(/must be a scalar/);
  });
});
