/**
 * GEM-CNN layers (de Haan, Weiler, Cohen & Welling, "Gauge Equivariant Mesh CNNs", ICLR 2021,
 * arXiv:2003.05425): the kernel basis, the convolution, the regular nonlinearity, the residual
 * block, matrix features, pooling and batching. See docs/design/gem.md.
 * @module
 */
export { so2Width } from './transport.js';
export { gemKernelBasis, gemClosedFormBasis, gemIntertwinerBasis, gemKernelDim, embedBasis } from './basis.js';
export type { GemBasisElement, GemKernelBasis, GemBasisOptions } from './basis.js';
export { GemConv, GemLinear } from './conv.js';
export type { GemConvOptions, GemConvParams, GemLinearOptions } from './conv.js';
export { RegularNonlinearity, regularSamplingMatrix } from './nonlinearity.js';
export type { RegularNonlinearityOptions } from './nonlinearity.js';
export { GemResNetBlock } from './resnet.js';
export type { GemResNetBlockOptions } from './resnet.js';
export { matrixFeatures, MATRIX_FEATURE_CHANNELS, MATRIX_FEATURE_ORDER } from './features.js';
export { GemPool, GemUnpool, poolingGauge } from './pool.js';
export { batchGaugeGeometry, batchMeshPooling } from './batch.js';
export type { BatchedGaugeGeometry } from './batch.js';
