/**
 * The JS reference backend: every kernel, plain TypeScript loops over typed arrays.
 * It is the specification the other backends are tested against.
 * @module
 */
import type { Backend, Kernel } from '../types.js';
import { allocArray } from '../types.js';
import { BINARY_FNS, UNARY_FNS, binaryKernel, castKernel, siluGradKernel, unaryKernel, whereKernel } from './elementwise.js';
import { argKernel, reduceKernel } from './reduce.js';
import { concatKernel, copyKernel, dimMapKernel, dimMapScatterKernel, expandKernel, permuteKernel } from './layout.js';
import { matmulKernel } from './matmul.js';
import { indexAddKernel, indexSelectKernel, scatterAddKernel, takeAlongAxisKernel } from './indexing.js';
import { gatherSegmentSumKernel, segmentExtremeKernel, segmentSumKernel } from './segment.js';
import { gatherDotKernel, gatherSegmentWeightedSumKernel, segmentSoftmaxGradKernel, segmentSoftmaxKernel } from './segment-fused.js';
import { so2CoefGradKernel, so2GatherKernel, so2SegmentSumKernel } from './so2.js';
import { conv2dGradInputKernel, conv2dGradWeightKernel, conv2dKernel } from './conv.js';
import { fftC2CKernel, rfftR2CKernel } from './fft.js';
import { cumprodKernel, cumsumKernel } from './scan.js';
import { logSoftmaxGradKernel, logSoftmaxKernel, softmaxGradKernel, softmaxKernel } from './softmax.js';
import { layerNormGradKernel, layerNormKernel } from './layer-norm.js';
import { clampKernel } from './clamp.js';
import { logsumexpKernel, varianceKernel } from './moments.js';
import { batchNormGradKernel, batchNormKernel } from './batch-norm.js';
import { adaptiveMaxPool2dKernel, avgPool2dGradKernel, avgPool2dKernel, maxPool2dGradKernel, maxPool2dKernel } from './pool.js';

const kernels: Record<string, Kernel> = {
  where: whereKernel,
  cast: castKernel,
  sum: reduceKernel('sum'),
  prod: reduceKernel('prod'),
  max: reduceKernel('max'),
  min: reduceKernel('min'),
  argmax: argKernel('argmax'),
  argmin: argKernel('argmin'),
  permute: permuteKernel,
  expand: expandKernel,
  dimMap: dimMapKernel,
  dimMapScatter: dimMapScatterKernel,
  concat: concatKernel,
  copy: copyKernel,
  matmul: matmulKernel,
  indexSelect: indexSelectKernel,
  indexAdd: indexAddKernel,
  takeAlongAxis: takeAlongAxisKernel,
  scatterAdd: scatterAddKernel,
  segmentSum: segmentSumKernel,
  segmentMax: segmentExtremeKernel('max'),
  segmentMin: segmentExtremeKernel('min'),
  gatherSegmentSum: gatherSegmentSumKernel,
  gatherSegmentWeightedSum: gatherSegmentWeightedSumKernel,
  gatherDot: gatherDotKernel,
  segmentSoftmax: segmentSoftmaxKernel,
  segmentSoftmaxGrad: segmentSoftmaxGradKernel,
  siluGrad: siluGradKernel,
  so2Gather: so2GatherKernel,
  so2SegmentSum: so2SegmentSumKernel,
  so2CoefGrad: so2CoefGradKernel,
  conv2d: conv2dKernel,
  conv2dGradInput: conv2dGradInputKernel,
  conv2dGradWeight: conv2dGradWeightKernel,
  maxPool2d: maxPool2dKernel,
  maxPool2dGrad: maxPool2dGradKernel,
  avgPool2d: avgPool2dKernel,
  avgPool2dGrad: avgPool2dGradKernel,
  adaptiveMaxPool2d: adaptiveMaxPool2dKernel,
  fftC2C: fftC2CKernel,
  rfftR2C: rfftR2CKernel,
  cumsum: cumsumKernel,
  cumprod: cumprodKernel,
  softmax: softmaxKernel,
  softmaxGrad: softmaxGradKernel,
  logSoftmax: logSoftmaxKernel,
  logSoftmaxGrad: logSoftmaxGradKernel,
  layerNorm: layerNormKernel,
  layerNormGrad: layerNormGradKernel,
  clamp: clampKernel,
  variance: varianceKernel,
  logsumexp: logsumexpKernel,
  batchNorm: batchNormKernel,
  batchNormGrad: batchNormGradKernel,
};
for (const op of Object.keys(UNARY_FNS)) kernels[op] = unaryKernel(op);
for (const op of Object.keys(BINARY_FNS)) kernels[op] = binaryKernel(op);

/** The JS reference backend. */
export const jsBackend: Backend = {
  name: 'js',
  alloc: allocArray,
  kernels,
};
