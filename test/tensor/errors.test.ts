/**
 * Bad input raises a named error class whose message names the op and the offending shapes or
 * values — one test per op family — and anomaly mode names the first op that produced NaN/Inf.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, add, mul, exp, log, neg, sqrt, sum, matmul, reshape, permute, expand, concat, stack, split, slice, pad, squeeze,
  conv2d, conv1d, convTranspose2d, maxPool2d, softmax, indexSelect, indexAdd, takeAlongAxis, scatterAdd, segmentSum,
  segmentMax, einsum, dropout, crossEntropy, nllLoss, mseLoss, layerNorm, batchNorm, max, argmax, tensor, ones, zeros,
  indices, detectAnomaly, backward, where, cast, clamp, arange, linspace, uniform, eye, full,
} from '../../src/tensor/index.js';
import {
  AnomalyError, DTypeError, ErlangenError, GradError, IndexError, ParseError, ShapeError, ValueError,
} from '../../src/util/index.js';
import { Rng } from '../../src/util/index.js';
import { throwsNamed } from '../helpers/named-errors.js';

const f32 = (shape: number[]): Tensor => ones(shape);
const f64 = (shape: number[]): Tensor => ones(shape, { dtype: 'float64' });

describe('error classes', () => {
  it('have stable names and share the ErlangenError base', () => {
    for (const C of [ShapeError, DTypeError, IndexError, ValueError, GradError, AnomalyError, ParseError]) {
      const e = new C('x');
      expect(e).toBeInstanceOf(ErlangenError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(C.name);
    }
  });
});

describe('broadcasting', () => {
  it('add names the op and both shapes', () => {
    throwsNamed(() => add(f32([2, 3]), f32([4, 3])), ShapeError, 'add', '[2,3]', '[4,3]');
  });
  it('mul and where too', () => {
    throwsNamed(() => mul(f32([2, 3]), f32([2])), ShapeError, 'mul', '[2,3]', '[2]');
    throwsNamed(() => where(f32([3]), f32([2, 3]), f32([4, 1])), ShapeError, 'where', '[2,3]', '[4,1]');
  });
  it('expand to an incompatible shape', () => {
    throwsNamed(() => expand(f32([2, 3]), [2, 4]), ShapeError, 'expand', '[2,3]', '[2,4]');
  });
  it('mseLoss shape mismatch', () => {
    throwsNamed(() => mseLoss(f32([2, 3]), f32([3, 2])), ShapeError, 'mseLoss', '[2,3]', '[3,2]');
  });
});

describe('matmul', () => {
  it('inner dimensions', () => {
    throwsNamed(() => matmul(f32([2, 3]), f32([4, 5])), ShapeError, 'matmul', '[2,3]', '[4,5]', /3 ≠ 4/);
  });
  it('batch dimensions', () => {
    throwsNamed(() => matmul(f32([2, 2, 3]), f32([3, 3, 5])), ShapeError, 'matmul', '[2,2,3]', '[3,3,5]');
  });
  it('scalars', () => {
    throwsNamed(() => matmul(f32([]), f32([3])), ShapeError, 'matmul', '[]', '[3]');
  });
  it('einsum size mismatch of a shared index', () => {
    throwsNamed(() => einsum('ij,jk->ik', [f32([2, 3]), f32([4, 2])]), ShapeError, 'einsum', "'j'", '3', '4');
  });
});

describe('shape ops', () => {
  it('reshape sizes', () => {
    throwsNamed(() => reshape(f32([2, 3]), [4, 2]), ShapeError, 'reshape', '[2,3]', '[4,2]', '6 elements', '8 elements');
    throwsNamed(() => reshape(f32([2, 3]), [4, -1]), ShapeError, 'reshape', '[2,3]', '[4,-1]');
    throwsNamed(() => reshape(f32([2, 3]), [-1, -1]), ShapeError, 'reshape', '-1');
  });
  it('permute with a non-permutation', () => {
    throwsNamed(() => permute(f32([2, 3]), [0, 0]), ShapeError, 'permute', '[2,3]');
  });
  it('concat mismatch', () => {
    throwsNamed(() => concat([f32([2, 3]), f32([2, 4])], 0), ShapeError, 'concat', '[2,3]', '[2,4]', 'axis 0');
    throwsNamed(() => concat([f32([2, 3]), f32([2, 3, 1])], 0), ShapeError, 'concat', '[2,3]', '[2,3,1]');
  });
  it('stack mismatch', () => {
    throwsNamed(() => stack([f32([2, 3]), f32([3, 2])]), ShapeError, 'stack', '[2,3]', '[3,2]');
  });
  it('split sizes', () => {
    throwsNamed(() => split(f32([5, 2]), [2, 2]), ShapeError, 'split', '[5,2]', '[2,2]');
  });
  it('squeeze of a non-unit axis', () => {
    throwsNamed(() => squeeze(f32([2, 3]), 1), ShapeError, 'squeeze', '[2,3]');
  });
  it('slice: out-of-range index, too many specs, zero step', () => {
    throwsNamed(() => slice(f32([2, 3]), [2]), IndexError, 'slice', 'index 2', 'size 2');
    throwsNamed(() => slice(f32([2, 3]), [null, null, null]), IndexError, 'slice', '[2,3]');
    throwsNamed(() => slice(f32([2, 3]), [[0, 2, 0]]), ValueError, 'slice', 'step');
  });
  it('pad with negative pads', () => {
    throwsNamed(() => pad(f32([2, 3]), [[-1, 0]]), ValueError, 'pad', '-1');
  });
});

describe('bad axis (IndexError)', () => {
  it('reductions, softmax, concat, argmax name the op, the axis and the rank', () => {
    throwsNamed(() => sum(f32([2, 3]), 2), IndexError, 'sum', 'axis 2', 'rank 2');
    throwsNamed(() => max(f32([2, 3]), -3), IndexError, 'max', 'axis -3');
    throwsNamed(() => softmax(f32([2, 3]), 5), IndexError, 'softmax', 'axis 5');
    throwsNamed(() => concat([f32([2]), f32([2])], 1), IndexError, 'concat', 'axis 1', 'rank 1');
    throwsNamed(() => argmax(f32([2, 3]), 2), IndexError, 'argmax', 'axis 2');
    throwsNamed(() => sum(f32([2, 3]), [0, 0]), IndexError, 'sum', 'repeated axis');
  });
});

describe('convolution and pooling', () => {
  it('conv2d channel mismatch', () => {
    throwsNamed(() => conv2d(f32([1, 3, 5, 5]), f32([2, 2, 3, 3])), ShapeError, 'conv2d', '[1,3,5,5]', '[2,2,3,3]');
  });
  it('conv2d groups, rank and kernel larger than the input', () => {
    throwsNamed(() => conv2d(f32([1, 3, 5, 5]), f32([2, 1, 3, 3]), null, { groups: 2 }), ShapeError, 'conv2d', 'groups=2');
    throwsNamed(() => conv2d(f32([3, 5, 5]), f32([2, 3, 3, 3])), ShapeError, 'conv2d', '[3,5,5]');
    throwsNamed(() => conv2d(f32([1, 1, 2, 2]), f32([1, 1, 3, 3])), ShapeError, 'conv2d', '3×3', '2×2');
    throwsNamed(() => conv2d(f32([1, 1, 4, 4]), f32([1, 1, 3, 3]), null, { stride: 0 }), ValueError, 'conv2d', 'stride');
  });
  it('conv2d bias shape', () => {
    throwsNamed(() => conv2d(f32([1, 1, 4, 4]), f32([2, 1, 3, 3]), f32([3])), ShapeError, 'conv2d', 'bias', '[3]', '[2]');
  });
  it('conv1d and convTranspose2d', () => {
    throwsNamed(() => conv1d(f32([1, 2, 5, 1]), f32([1, 2, 3])), ShapeError, 'conv1d', '[1,2,5,1]');
    throwsNamed(() => convTranspose2d(f32([1, 3, 4, 4]), f32([2, 1, 3, 3])), ShapeError, 'convTranspose2d', '[1,3,4,4]', '[2,1,3,3]');
    throwsNamed(() => convTranspose2d(f32([1, 2, 4, 4]), f32([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }), ValueError, 'convTranspose2d', 'outputPadding');
  });
  it('maxPool2d on a non-4-D input and bad padding', () => {
    throwsNamed(() => maxPool2d(f32([2, 4, 4]), 2), ShapeError, 'maxPool2d', '[2,4,4]');
    throwsNamed(() => maxPool2d(f32([1, 1, 4, 4]), 2, { padding: 2 }), ValueError, 'maxPool2d', 'padding');
  });
});

describe('indexing (IndexError / DTypeError / ShapeError)', () => {
  it('indexSelect out of range', () => {
    throwsNamed(() => indexSelect(f32([3, 2]), 0, [0, 3]), IndexError, 'indexSelect', 'index 3', 'size 3', '[3,2]');
    throwsNamed(() => indexSelect(f32([3, 2]), 1, [-3]), IndexError, 'indexSelect', 'index -3', 'axis 1', '[3,2]');
  });
  it('indexAdd out of range and source shape', () => {
    throwsNamed(() => indexAdd(f32([3, 2]), 0, [4], f32([1, 2])), IndexError, 'indexAdd', 'index 4', '[3,2]');
    throwsNamed(() => indexAdd(f32([3, 2]), 0, [1], f32([2, 2])), ShapeError, 'indexAdd', '[2,2]', '[1,2]');
  });
  it('takeAlongAxis out of range and rank mismatch', () => {
    throwsNamed(() => takeAlongAxis(f32([3, 2]), 0, indices([0, 5], [1, 2])), IndexError, 'takeAlongAxis', 'index 5', 'size 3', '[3,2]');
    throwsNamed(() => takeAlongAxis(f32([3, 2]), 0, indices([0, 1])), ShapeError, 'takeAlongAxis', '[2]', '[3,2]');
  });
  it('scatterAdd out of range', () => {
    throwsNamed(() => scatterAdd(f32([3, 2]), 0, indices([0, 3], [1, 2]), f32([1, 2])), IndexError, 'scatterAdd', 'index 3', '[3,2]');
  });
  it('segment ops: id out of range, ids length, bad numSegments', () => {
    throwsNamed(() => segmentSum(f32([3, 2]), [0, 4, 1], 3), IndexError, 'segmentSum', 'segment id 4', '[0, 3)', '[3,2]');
    throwsNamed(() => segmentMax(f32([3, 2]), [0, -1, 1], 3), IndexError, 'segmentMax', 'segment id -1');
    throwsNamed(() => segmentSum(f32([3, 2]), [0, 1], 3), ShapeError, 'segmentSum', '[2]', '[3,2]');
    throwsNamed(() => segmentSum(f32([3, 2]), [0, 1, 2], -1), ValueError, 'segmentSum', 'numSegments');
    throwsNamed(() => segmentSum(f32([3, 2]), [1, 0, 2], 3, { sorted: true }), ValueError, 'segmentSum', 'sorted');
  });
  it('float indices are a DTypeError', () => {
    throwsNamed(() => indexSelect(f32([3, 2]), 0, f32([1])), DTypeError, 'indexSelect', 'int32', 'float32');
  });
});

describe('dtypes (DTypeError)', () => {
  it('float32 + float64 names the op and both dtypes and shapes', () => {
    throwsNamed(() => add(f32([2]), f64([2])), DTypeError, 'add', 'float32 [2]', 'float64 [2]');
    throwsNamed(() => matmul(f32([2, 2]), f64([2, 2])), DTypeError, 'matmul', 'float32', 'float64');
    throwsNamed(() => concat([f32([2]), f64([2])]), DTypeError, 'concat', 'float32', 'float64');
  });
  it('int32 arithmetic', () => {
    throwsNamed(() => add(indices([1, 2]), indices([1, 2])), DTypeError, 'add', 'int32 [2]');
    throwsNamed(() => exp(indices([1, 2])), DTypeError, 'exp', 'int32 [2]');
    throwsNamed(() => sum(indices([1, 2])), DTypeError, 'sum', 'int32');
    throwsNamed(() => matmul(cast(f32([2, 2]), 'int32'), f32([2, 2])), DTypeError, 'matmul', 'int32');
  });
  it('random tensors must be float, cast needs a known dtype', () => {
    throwsNamed(() => uniform(new Rng(0), [2], 0, 1, { dtype: 'int32' }), DTypeError, 'uniform', 'int32');
    throwsNamed(() => cast(f32([2]), 'float16' as 'float32'), ValueError, 'cast', 'float16');
  });
});

describe('autograd misuse (GradError)', () => {
  it('backward on a non-scalar without an upstream gradient', () => {
    const x = ones([2, 3], { requiresGrad: true });
    throwsNamed(() => mul(x, 2).backward(), GradError, 'backward', '[2,3]');
  });
  it('backward on a tensor that needs no grad', () => {
    throwsNamed(() => sum(ones([3])).backward(), GradError, 'backward', 'does not require grad');
  });
  it('upstream gradient of the wrong shape', () => {
    const x = ones([2, 3], { requiresGrad: true });
    throwsNamed(() => backward(mul(x, 2), ones([3, 2])), ShapeError, 'backward', '[3,2]', '[2,3]');
  });
});

describe('einsum parse errors (ParseError)', () => {
  it('operand count, bad characters, unknown and repeated output indices', () => {
    throwsNamed(() => einsum('ij,jk->ik', [f32([2, 2])]), ParseError, 'einsum', "'ij,jk->ik'", '2 operands', '1 tensors');
    throwsNamed(() => einsum('i1->i', [f32([2, 2])]), ParseError, 'einsum', "'i1'");
    throwsNamed(() => einsum('ij->k', [f32([2, 2])]), ParseError, 'einsum', "'k'");
    throwsNamed(() => einsum('ij->ii', [f32([2, 2])]), ParseError, 'einsum', 'repeated output index');
  });
  it('index count vs rank is a ShapeError naming the shape', () => {
    throwsNamed(() => einsum('ijk->i', [f32([2, 2])]), ShapeError, 'einsum', '[2,2]');
  });
});

describe('values out of domain (ValueError)', () => {
  it('dropout p', () => {
    throwsNamed(() => dropout(f32([2]), 1.5, new Rng(0)), ValueError, 'dropout', '1.5');
    throwsNamed(() => dropout(f32([2]), -0.1, new Rng(0)), ValueError, 'dropout', '-0.1');
    throwsNamed(() => dropout(f32([2]), 1, new Rng(0)), ValueError, 'dropout', '[0, 1)');
  });
  it('creation and reductions', () => {
    throwsNamed(() => arange(0, 5, 0), ValueError, 'arange', 'step');
    throwsNamed(() => linspace(0, 1, -2), ValueError, 'linspace', '-2');
    throwsNamed(() => full([2, -1], 0), ShapeError, 'full', '[2,-1]');
    throwsNamed(() => eye(2.5), ShapeError, 'eye', '[2.5,2.5]');
    throwsNamed(() => max(zeros([0])), ValueError, 'max', 'empty');
    throwsNamed(() => clamp(f32([2]), 1, 0), ValueError, 'clamp', '1', '0');
    throwsNamed(() => tensor([[1, 2], [3]]), ShapeError, 'tensor', 'ragged');
  });
  it('normalisation layers', () => {
    throwsNamed(() => layerNorm(f32([2, 3]), [4]), ShapeError, 'layerNorm', '[4]', '[2,3]');
    throwsNamed(() => batchNorm(f32([2, 3]), null, null, f32([4])), ShapeError, 'batchNorm', 'weight', '[4]', '[2,3]');
    throwsNamed(() => batchNorm(f32([1, 3]), null, null), ValueError, 'batchNorm', '[1,3]');
    throwsNamed(() => batchNorm(f32([2, 3]), null, null, null, null, { training: false }), ValueError, 'batchNorm', 'running');
  });
});

describe('losses: bad targets', () => {
  it('crossEntropy target out of range', () => {
    throwsNamed(() => crossEntropy(f32([2, 3]), [0, 3]), ValueError, 'crossEntropy', 'target 3', 'row 1', '[0, 3)');
    throwsNamed(() => crossEntropy(f32([2, 3]), [0, -2]), ValueError, 'crossEntropy', 'target -2');
  });
  it('crossEntropy target count, probability shape, logits rank, weight, smoothing', () => {
    throwsNamed(() => crossEntropy(f32([2, 3]), [0]), ShapeError, 'crossEntropy', '1 targets', '[2,3]');
    throwsNamed(() => crossEntropy(f32([2, 3]), f32([2, 4])), ShapeError, 'crossEntropy', '[2,3]', '[2,4]');
    throwsNamed(() => crossEntropy(f32([3]), [0]), ShapeError, 'crossEntropy', '[3]');
    throwsNamed(() => crossEntropy(f32([2, 3, 1]), [0, 1, 1]), ShapeError, 'crossEntropy', '3 targets', '[2,3,1]');
    throwsNamed(() => crossEntropy(f32([2, 3]), [0, 1], { weight: f32([2]) }), ShapeError, 'crossEntropy', 'weight', '[2]', '[3]');
    throwsNamed(() => crossEntropy(f32([2, 3]), [0, 1], { labelSmoothing: 2 }), ValueError, 'crossEntropy', 'labelSmoothing');
    throwsNamed(() => crossEntropy(f32([2, 3]), [0, 1], { reduction: 'avg' as 'mean' }), ValueError, 'avg');
  });
  it('nllLoss bad target', () => {
    throwsNamed(() => nllLoss(f32([2, 3]), [0, 7]), ValueError, 'nllLoss', 'target 7');
  });
});

describe('anomaly mode (AnomalyError)', () => {
  it('names the forward op that produced NaN', () => {
    throwsNamed(() => detectAnomaly(() => log(neg(ones([3])))), AnomalyError, "op 'log'", 'NaN', '[3]');
  });
  it('names the op for ±Inf', () => {
    throwsNamed(() => detectAnomaly(() => exp(full([2], 1000, { dtype: 'float64' }))), AnomalyError, "op 'exp'", '+Inf');
  });
  it('a NaN/Inf created in the backward pass names the backward op', () => {
    const x = zeros([2], { requiresGrad: true });
    // d sqrt(x)/dx = 1/(2 sqrt x) = +Inf at 0, computed by 'div' inside the backward of 'sqrt'
    throwsNamed(() => detectAnomaly(() => sum(sqrt(x)).backward()), AnomalyError, "op 'div'", "backward pass of 'sqrt'", '+Inf');
    expect(x.grad).toBeNull();
  });
  it('is off outside the scope and restored after an error', () => {
    expect(() => log(neg(ones([3])))).not.toThrow();
    expect(() => detectAnomaly(() => log(neg(ones([1]))))).toThrow(AnomalyError);
    expect(Number.isNaN(log(neg(ones([1]))).item())).toBe(true);
  });
});
