/**
 * Tensors (float32 / float64, int32 indices), ops, reverse-mode autograd, tracing.
 * @module
 */
import './methods.js';

export { Tensor } from './tensor.js';
export type { VersionCell } from './tensor.js';
export type { GradHook, GradNode, NestedArray } from './tensor.js';
export type { OpDef, Meta, BackwardCtx } from './op-def.js';
export { dispatch, apply, applyInto, executeOp, noGrad, enableGrad, isGradEnabled, detectAnomaly, setAnomalyMode } from './engine.js';
export type { OutOptions, TraceStep } from './engine.js';
export { backward, grad } from './autograd.js';
export type { BackwardOptions, GradOptions } from './autograd.js';
export { trace, runPlan } from './trace.js';
export type { Plan, InputSpec } from './trace.js';
export { tensor, fromData, scalar, full, zeros, ones, zerosLike, onesLike, arange, linspace, eye, uniform, rand, normal, randn, indices } from './creation.js';
export type { CreateOptions, TensorLike } from './creation.js';
export { broadcastShapes, checkedSize, MAX_ELEMENTS } from './shape-util.js';
export { reshape, expand, permute, sum, sumToShape, cast, clone, detach } from './ops/base.js';
export {
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, silu, softplus, erf,
  reciprocal, square, step, powScalar, add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp, siluGrad,
} from './ops/elementwise.js';
export { max, min, prod, argmax, argmin, mean, variance, std, logsumexp, norm } from './ops/reduce.js';
export { dimMap, slice, pad, concat, stack, split, flip, roll, repeat, squeeze, unsqueeze, transpose, flatten } from './ops/layout.js';
export type { SliceSpec, PadMode, PadOptions } from './ops/layout.js';
export { matmul, outer, kron, diag, trace as traceOf } from './ops/matmul.js';
export { einsum } from './ops/einsum.js';
export { indexSelect, indexAdd, takeAlongAxis, gather, scatterAdd, toIndex } from './ops/indexing.js';
export type { IndexLike } from './ops/indexing.js';
export { segmentSum, segmentMean, segmentMax, segmentMin, segmentSoftmax, gatherSegmentSum, gatherSegmentWeightedSum, gatherDot } from './ops/segment.js';
export type { SegmentOptions } from './ops/segment.js';
export { conv2d, conv1d, convTranspose2d } from './ops/conv.js';
export type { Conv2dOptions } from './ops/conv.js';
export { maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d } from './ops/pool.js';
export type { Pool2dOptions, AdaptiveSize } from './ops/pool.js';
export { interpolate } from './ops/interpolate.js';
export type { InterpolateMode, InterpolateOptions } from './ops/interpolate.js';
export { groupNorm } from './ops/group-norm.js';
export { softmax, logSoftmax, layerNorm, batchNorm, dropout } from './ops/functional.js';
export type { BatchNormOptions } from './ops/functional.js';
export { mseLoss, l1Loss, huberLoss, crossEntropy, nllLoss, bceWithLogits } from './ops/loss.js';
export type { Reduction, CrossEntropyOptions } from './ops/loss.js';
// the backend's one CSR cache, for GraphsTuple.csr() / csc() (graph may import tensor, not backend)
export { edgeCsr } from '../backend/csr-cache.js';
export type { EdgeCsr } from '../backend/csr-cache.js';
export { so2RotateGather, so2RotateSegmentMean, so2Coefficients } from './ops/so2.js';
export type { So2SegmentOptions, So2Values } from './ops/so2.js';
export { fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2 } from './ops/fft.js';
export type { FftNorm, FftOptions, Fft2Options } from './ops/fft.js';
export { cumsum, cumprod } from './ops/scan.js';
export { normalize, cosineSimilarity } from './ops/similarity.js';
export { smoothL1Loss, klDiv } from './ops/loss.js';
export type { KlDivOptions } from './ops/loss.js';
export type { GeluApproximate } from './ops/elementwise.js';
export { compile } from './compile.js';
export type { CompileOptions, CompiledStep, BufferPlanStats, StepUpdater } from './compile.js';
export { allocationStats, resetAllocationStats } from './engine.js';
export { bufferPoolLimit, bufferPoolStats, clearBufferPool, resetBufferPoolStats, setBufferPoolLimit, type BufferPoolStats } from './buffer-pool.js';
export type { AllocationStats } from './engine.js';
