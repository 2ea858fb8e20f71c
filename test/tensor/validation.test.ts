/**
 * Validated inputs: bad indices, sizes, dtypes, operands and in-place mutation raise a named error
 * class whose message names the op the user called — never a RangeError, a hang or silent garbage.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_ELEMENTS, Tensor, add, arange, checkedSize, clamp, crossEntropy, eye, fromData, full, gather, gatherDot, gatherSegmentSum,
  gatherSegmentWeightedSum, indexAdd, indexSelect, indices, kron, linspace, matmul, mean, mul, nllLoss, noGrad, ones, outer, pad, rand,
  randn, repeat, scalar, scatterAdd, segmentMax, segmentMean, segmentMin, segmentSoftmax, segmentSum, slice, split, stack, sub,
  takeAlongAxis, tensor, uniform, variance, where, zeros, zerosLike, conv2d, expand, concat, mseLoss, std, einsum, globalAvgPool2d,
} from '../../src/tensor/index.js';
import { DTypeError, ErlangenError, GradError, IndexError, ShapeError, SizeError, ValueError } from '../../src/util/index.js';
import { Rng } from '../../src/util/index.js';
import * as TensorModule from '../../src/tensor/index.js';
import { SGD } from '../../src/optim/index.js';
import { startsWithOp, throwsNamed } from '../helpers/named-errors.js';

const x = (): Tensor => tensor([[1, 2], [3, 4], [5, 6]]);
const BAD = [1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1] as const;

describe('index arguments given as numbers are validated on conversion', () => {
  it('indexSelect no longer truncates 1.5 or maps NaN to row 0', () => {
    for (const v of BAD) startsWithOp(() => indexSelect(x(), 0, [0, v]), IndexError, 'indexSelect', 'indices[1]', String(v));
    // valid input (negative counts from the end) still works
    expect(indexSelect(x(), 0, [2, -1]).toArray()).toEqual([[5, 6], [5, 6]]);
  });
  it('indexAdd, takeAlongAxis/gather and scatterAdd', () => {
    for (const v of BAD) {
      startsWithOp(() => indexAdd(zeros([3, 2]), 0, [v], ones([1, 2])), IndexError, 'indexAdd', String(v));
      startsWithOp(() => takeAlongAxis(x(), 0, [v] as number[]), IndexError, 'takeAlongAxis', String(v));
      startsWithOp(() => gather(x(), 0, [v] as number[]), IndexError, 'gather', String(v));
      startsWithOp(() => scatterAdd(zeros([3]), 0, [v] as number[], ones([1])), IndexError, 'scatterAdd', String(v));
    }
  });
  it('segment ids of every segment op', () => {
    const d = ones([3, 2]);
    for (const v of BAD) {
      startsWithOp(() => segmentSum(d, [0, v, 1], 2), IndexError, 'segmentSum', 'segment ids[1]', String(v));
      startsWithOp(() => segmentMean(d, [0, v, 1], 2), IndexError, 'segmentMean', 'segment ids[1]');
      startsWithOp(() => segmentMax(d, [0, v, 1], 2), IndexError, 'segmentMax', 'segment ids[1]');
      startsWithOp(() => segmentMin(d, [0, v, 1], 2), IndexError, 'segmentMin', 'segment ids[1]');
      startsWithOp(() => segmentSoftmax(d, [0, v, 1], 2), IndexError, 'segmentSoftmax', 'segment ids[1]');
    }
  });
  it('the fused gather–segment ops (both index arguments)', () => {
    const d = ones([3, 2]);
    const w = ones([2]);
    for (const v of BAD) {
      startsWithOp(() => gatherSegmentSum(d, [0, v], [0, 1], 2), IndexError, 'gatherSegmentSum', 'gather[1]');
      startsWithOp(() => gatherSegmentSum(d, [0, 1], [v, 1], 2), IndexError, 'gatherSegmentSum', 'segment ids[0]');
      startsWithOp(() => gatherSegmentWeightedSum(d, w, [0, v], [0, 1], 2), IndexError, 'gatherSegmentWeightedSum', 'gather[1]');
      startsWithOp(() => gatherSegmentWeightedSum(d, w, [0, 1], [0, v], 2), IndexError, 'gatherSegmentWeightedSum', 'segment ids[1]');
      startsWithOp(() => gatherDot(d, d, [v, 0], [0, 1]), IndexError, 'gatherDot', 'ia[0]');
      startsWithOp(() => gatherDot(d, d, [0, 1], [0, v]), IndexError, 'gatherDot', 'ib[1]');
    }
  });
  it('crossEntropy and nllLoss targets', () => {
    const logits = zeros([2, 3]);
    for (const v of BAD) {
      startsWithOp(() => crossEntropy(logits, [0, v]), IndexError, 'crossEntropy', 'target[1]');
      startsWithOp(() => nllLoss(logits, [v, 0]), IndexError, 'nllLoss', 'target[0]');
    }
    // in-range integers and the ignore index still work
    expect(crossEntropy(logits, [0, -100]).item()).toBeCloseTo(Math.log(3), 5);
  });
  it('indices() and non-array index arguments', () => {
    startsWithOp(() => indices([1, 2.5]), IndexError, 'indices', 'values[1] = 2.5');
    startsWithOp(() => indexSelect(x(), 0, undefined as unknown as number[]), DTypeError, 'indexSelect', 'undefined');
    startsWithOp(() => indexSelect(x(), 0, ['1'] as unknown as number[]), IndexError, 'indexSelect', 'not a number');
  });
  it('float index tensors are a DTypeError; int32 tensors are range-checked by the kernels', () => {
    startsWithOp(() => indexSelect(x(), 0, tensor([1])), DTypeError, 'indexSelect', 'float32');
    throwsNamed(() => indexSelect(x(), 0, indices([3])), IndexError, 'indexSelect', 'index 3');
    throwsNamed(() => segmentSum(x(), indices([0, 1, 5]), 2), IndexError, 'segmentSum', 'segment id 5');
  });
});

describe('sizes are checked before allocating', () => {
  it('creation functions raise SizeError naming themselves', () => {
    const rng = new Rng(1);
    startsWithOp(() => zeros([1e6, 1e6]), SizeError, 'zeros', '[1000000,1000000]', String(MAX_ELEMENTS));
    startsWithOp(() => ones([1e5, 1e5]), SizeError, 'ones');
    startsWithOp(() => full([2 ** 31], 1), SizeError, 'full');
    startsWithOp(() => eye(1e6), SizeError, 'eye');
    startsWithOp(() => arange(0, 1e12), SizeError, 'arange');
    startsWithOp(() => linspace(0, 1, 2 ** 32), SizeError, 'linspace');
    startsWithOp(() => randn(rng, [1e6, 1e6]), SizeError, 'randn');
    startsWithOp(() => rand(rng, [1e6, 1e6]), SizeError, 'rand');
    startsWithOp(() => uniform(rng, [1e6, 1e6]), SizeError, 'uniform');
    startsWithOp(() => tensor(0, { shape: [1e6, 1e6] }), SizeError, 'tensor');
    expect(new SizeError('x')).toBeInstanceOf(ValueError);
  });
  it('bad dimensions are a ShapeError, bad range arguments a ValueError', () => {
    startsWithOp(() => zeros([2, -1]), ShapeError, 'zeros', '[2,-1]');
    startsWithOp(() => zeros([2.5]), ShapeError, 'zeros');
    startsWithOp(() => ones([NaN]), ShapeError, 'ones');
    startsWithOp(() => eye(1.5), ShapeError, 'eye');
    startsWithOp(() => arange(0, NaN), ValueError, 'arange', 'end');
    startsWithOp(() => arange(0, Infinity), ValueError, 'arange', 'end');
    startsWithOp(() => linspace(0, 1, -1), ValueError, 'linspace');
    startsWithOp(() => zeros(undefined as unknown as number[]), ShapeError, 'zeros');
  });
  it('ops with computed output sizes: broadcast, matmul, outer, kron, repeat, pad, expand, conv', () => {
    const long = zeros([50000]);
    startsWithOp(() => add(long.reshape([50000, 1]), long.reshape([1, 50000])), SizeError, 'add');
    startsWithOp(() => matmul(zeros([50000, 1]), zeros([1, 50000])), SizeError, 'matmul');
    startsWithOp(() => outer(long, long), SizeError, 'outer');
    startsWithOp(() => kron(zeros([50000]), zeros([50000])), SizeError, 'kron');
    startsWithOp(() => repeat(zeros([2]), [2 ** 30]), SizeError, 'repeat');
    startsWithOp(() => pad(zeros([2]), [[0, 2 ** 31]]), SizeError, 'pad');
    startsWithOp(() => expand(zeros([1, 1]), [50000, 50000]), SizeError, 'expand');
    startsWithOp(() => conv2d(zeros([1, 1, 3, 3]), zeros([1, 1, 1, 1]), null, { padding: 30000 }), SizeError, 'conv2d');
    startsWithOp(() => checkedSize('myOp', [2 ** 16, 2 ** 16]), SizeError, 'myOp');
    expect(checkedSize('myOp', [3, 4])).toBe(12);
  });
});

describe('dtypes and integer storage', () => {
  it('unknown dtypes at creation are a DTypeError naming the op', () => {
    for (const dt of ['bool', 'float16', 'int64', 'uint8']) {
      const opts = { dtype: dt as 'float32' };
      startsWithOp(() => tensor([1], opts), DTypeError, 'tensor', dt);
      startsWithOp(() => zeros([2], opts), DTypeError, 'zeros', dt);
      startsWithOp(() => full([2], 1, opts), DTypeError, 'full', dt);
      startsWithOp(() => arange(3, undefined, 1, opts), DTypeError, 'arange', dt);
      startsWithOp(() => linspace(0, 1, 3, opts), DTypeError, 'linspace', dt);
      startsWithOp(() => eye(2, 2, opts), DTypeError, 'eye', dt);
      startsWithOp(() => randn(new Rng(1), [2], opts), DTypeError, 'randn', dt);
      startsWithOp(() => new Tensor(new Float32Array(1), [1], dt as 'float32'), DTypeError, 'Tensor', dt);
    }
  });
  it('int32 storage that would wrap or truncate is an error', () => {
    startsWithOp(() => tensor([3e9], { dtype: 'int32' }), SizeError, 'tensor', '3000000000');
    startsWithOp(() => tensor([1, 2.5], { dtype: 'int32' }), ValueError, 'tensor', '2.5');
    startsWithOp(() => tensor([NaN], { dtype: 'int32' }), ValueError, 'tensor');
    startsWithOp(() => tensor(Float64Array.of(1, 4e9), { dtype: 'int32', shape: [2] }), SizeError, 'tensor');
    startsWithOp(() => full([2], 0.5, { dtype: 'int32' }), ValueError, 'full');
    startsWithOp(() => full([2], -3e9, { dtype: 'int32' }), SizeError, 'full');
    startsWithOp(() => arange(0, 3, 0.5, { dtype: 'int32' }), ValueError, 'arange');
    startsWithOp(() => linspace(0, 1, 3, { dtype: 'int32' }), ValueError, 'linspace');
    startsWithOp(() => tensor([1, 3e9]).cast('int32'), SizeError, 'cast', 'flat index 1');
    startsWithOp(() => tensor([NaN]).cast('int32'), ValueError, 'cast', 'NaN');
    expect(tensor([1.7, -2.7]).cast('int32').toArray()).toEqual([1, -2]); // truncation toward zero stays
    expect(tensor([1, -2], { dtype: 'int32' }).toArray()).toEqual([1, -2]);
    expect(arange(0, 6, 2, { dtype: 'int32' }).toArray()).toEqual([0, 2, 4]);
  });
  it('fromData rejects storage that does not match the dtype', () => {
    startsWithOp(() => fromData(new Uint8Array(4) as unknown as Float32Array, [4]), DTypeError, 'fromData', 'Uint8Array');
    startsWithOp(() => fromData(new Float64Array(2), [2], { dtype: 'float32' }), DTypeError, 'fromData', 'float32');
    startsWithOp(() => new Tensor(new Uint8Array(2) as unknown as Float32Array, [2], 'float32'), DTypeError, 'Tensor', 'Uint8Array');
    expect(fromData(new Float64Array(2), [2], { dtype: 'float64' }).dtype).toBe('float64');
  });
  it('non-numeric entries in tensor() are a DTypeError', () => {
    startsWithOp(() => tensor(['a'] as unknown as number[]), DTypeError, 'tensor', 'string');
    startsWithOp(() => tensor([[1, 2], [3, null]] as unknown as number[][]), DTypeError, 'tensor', 'null');
    startsWithOp(() => tensor(undefined as unknown as number), DTypeError, 'tensor', 'undefined');
    startsWithOp(() => tensor([[1, 2], [3]]), ShapeError, 'tensor', 'ragged');
  });
});

describe('layout and elementwise arguments', () => {
  it('split: negative or fractional sizes', () => {
    const t = zeros([4, 2]);
    startsWithOp(() => split(t, 1.5), ValueError, 'split', '1.5');
    startsWithOp(() => split(t, -1), ValueError, 'split');
    startsWithOp(() => split(t, [5, -1]), ValueError, 'split', 'sizes[1] = -1');
    startsWithOp(() => split(t, [1.5, 2.5]), ValueError, 'split', 'sizes[0] = 1.5');
    expect(split(t, [1, 3]).map((p) => p.shape[0])).toEqual([1, 3]);
  });
  it('slice: bounds that are not integers', () => {
    const t = zeros([4]);
    startsWithOp(() => slice(t, [[0.5, 2]]), IndexError, 'slice', 'start 0.5');
    startsWithOp(() => slice(t, [[0, NaN]]), IndexError, 'slice', 'end NaN');
    startsWithOp(() => slice(t, [1.5]), IndexError, 'slice', '1.5');
    startsWithOp(() => slice(t, [[0, 2, 0.5]]), ValueError, 'slice', 'step');
  });
  it('clamp: a NaN bound is a ValueError', () => {
    startsWithOp(() => clamp(zeros([2]), NaN, 1), ValueError, 'clamp', 'lower');
    startsWithOp(() => clamp(zeros([2]), 0, NaN), ValueError, 'clamp', 'upper');
    startsWithOp(() => clamp(zeros([2]), '1' as unknown as number), ValueError, 'clamp');
  });
  it('non-numeric operands are a DTypeError naming the op', () => {
    const t = ones([2]);
    startsWithOp(() => add(t, undefined as unknown as number), DTypeError, 'add', 'undefined');
    startsWithOp(() => t.add(undefined as unknown as number), DTypeError, 'add', 'undefined');
    startsWithOp(() => t.mul(null as unknown as number), DTypeError, 'mul', 'null');
    startsWithOp(() => sub('1' as unknown as number, t), DTypeError, 'sub', 'string');
    startsWithOp(() => mul(t, [1, 2] as unknown as number), DTypeError, 'mul', 'Array');
    startsWithOp(() => where(t, t, {} as unknown as number), DTypeError, 'where', 'Object');
    startsWithOp(() => concat([t, [1, 2] as unknown as Tensor]), DTypeError, 'concat', 'xs[1]');
  });
});

describe('missing or non-tensor arguments', () => {
  it('a missing tensor or shape argument is a named error naming the op', () => {
    startsWithOp(() => matmul(ones([2, 2]), undefined as unknown as Tensor), DTypeError, 'matmul', 'b must be a Tensor');
    startsWithOp(() => mean(undefined as unknown as Tensor), DTypeError, 'mean', 'undefined');
    startsWithOp(() => zerosLike(null as unknown as Tensor), DTypeError, 'zerosLike', 'null');
    startsWithOp(() => ones([2]).reshape(undefined as unknown as number[]), ValueError, 'reshape', 'shape');
    startsWithOp(() => concat([ones([2]), undefined as unknown as Tensor]), DTypeError, 'concat', 'xs[1]');
  });
  it('no exported op lets a TypeError escape for undefined / null arguments', () => {
    // low-level helpers on the hot path (not user-facing ops) are left out
    const skip = new Set(['dispatch', 'apply', 'applyInto', 'executeOp', 'noGrad', 'enableGrad', 'detectAnomaly', 'trace', 'runPlan', 'Tensor', 'broadcastShapes', 'checkedSize']);
    const escaped: string[] = [];
    for (const [name, f] of Object.entries(TensorModule)) {
      if (typeof f !== 'function' || skip.has(name)) continue;
      for (const args of [[undefined], [ones([2, 2]), undefined], [null, ones([2, 2])]]) {
        try {
          (f as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          if (!(e instanceof ErlangenError)) escaped.push(`${name}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    }
    expect(escaped).toEqual([]);
  });
});

describe('errors name the op the user called, not the op it delegates to', () => {
  it('stack (concat), segmentMean (segmentSum), mean/variance/std (sum), split (slice), losses', () => {
    startsWithOp(() => stack([ones([2]), ones([2], { dtype: 'float64' })]), DTypeError, 'stack', 'concat');
    startsWithOp(() => segmentMean(ones([3, 2]), indices([0, 1]), 2), ShapeError, 'segmentMean', 'segmentSum');
    startsWithOp(() => mean(indices([1, 2])), DTypeError, 'mean');
    startsWithOp(() => variance(indices([1, 2])), DTypeError, 'variance');
    startsWithOp(() => std(indices([1, 2])), DTypeError, 'std');
    startsWithOp(() => mseLoss(ones([2]), ones([2], { dtype: 'float64' })), DTypeError, 'mseLoss', 'sub');
    startsWithOp(() => clamp(indices([1]), 0), DTypeError, 'clamp');
    startsWithOp(() => zerosLike(ones([2]), { dtype: 'bool' as 'float32' }), DTypeError, 'zerosLike');
    startsWithOp(() => scalar(1, { dtype: 'bool' as 'float32' }), DTypeError, 'scalar');
    startsWithOp(() => gather(x(), 0, tensor([[9, 0]], { dtype: 'int32' })), IndexError, 'gather', 'index 9');
    startsWithOp(() => globalAvgPool2d(ones([1, 1, 2, 2]).cast('int32')), DTypeError, 'globalAvgPool2d');
    startsWithOp(() => einsum('ij,jk->ik', [ones([2, 3]), ones([3, 2], { dtype: 'float64' })]), DTypeError, 'einsum');
  });
});

describe('autograd: in-place mutation of a saved tensor', () => {
  it('forward, mutate an input in place, backward → GradError naming the op', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const a = tensor([4, 5, 6]);
    const y = mul(w, a).sum();
    a.assign(Float32Array.of(0, 0, 0));
    expect(a.version).toBe(1);
    startsWithOp(() => y.backward(), GradError, "backward of 'mul'", 'input 1', 'modified in place');
  });
  it('mutating a saved output (exp saves its result) is detected, and views share the counter', () => {
    const x0 = tensor([0, 1], { requiresGrad: true });
    const e = x0.exp();
    const loss = e.sum();
    e.reshape([2, 1]).assign([1, 1]); // a view: same storage, same version counter
    expect(e.version).toBe(1);
    throwsNamed(() => loss.backward(), GradError, "'exp'", 'output 0');
    const x1 = tensor([1, 2], { requiresGrad: true });
    const l1 = x1.mul(x1).sum();
    x1.detach().markModified(); // detach shares storage, hence the counter
    throwsNamed(() => l1.backward(), GradError, "'mul'");
  });
  it('the normal loop (forward, backward, in-place step, forward, …) keeps working', () => {
    const w = tensor([1, -1], { requiresGrad: true });
    const xs = tensor([[1, 2], [3, 4]]);
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      w.grad = null;
      const loss = matmul(xs, w).square().sum();
      loss.backward();
      losses.push(loss.item());
      noGrad(() => w.assign(Float32Array.from(w.data, (v, i) => v - 0.01 * w.grad!.data[i]!))); // step bumps the version
    }
    expect(w.version).toBe(5);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
  });
  it('ops whose gradient needs only shapes (add, sum) save nothing, as in PyTorch', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const y = add(w, c).sum();
    c.assign([0, 0]);
    y.backward();
    expect(w.grad!.toArray()).toEqual([1, 1]);
  });
  it('the loop with a real optimizer (SGD) works; each step marks the parameters modified', () => {
    const w = tensor([[0.5], [-0.5]], { requiresGrad: true });
    const xs = tensor([[1, 2], [3, 4]]);
    const opt = new SGD([w], { lr: 0.01 });
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      opt.zeroGrad();
      const loss = matmul(xs, w).square().sum();
      loss.backward();
      opt.step(); // bumps w.version
      losses.push(loss.item());
    }
    expect(w.version).toBe(5);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    // …and a stale graph from before a step is caught
    const stale = matmul(xs, w).square().sum();
    opt.step();
    throwsNamed(() => stale.backward(), GradError, /^backward of 'matmul': its input 1/, 'modified in place');
  });
  it('a mutation before the forward pass is fine', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.assign([3, 4]);
    const y = mul(w, w).sum();
    y.backward();
    expect(w.grad!.toArray()).toEqual([6, 8]);
  });
});
