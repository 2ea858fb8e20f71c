/**
 * Steerable E(2)-equivariant convolutions on pixel grids (Weiler & Cesa, "General E(2)-Equivariant
 * Steerable CNNs", NeurIPS 2019, arXiv:1911.08251): kernel bases solved from the equivariance
 * constraint, `R2Conv`, equivariant nonlinearities, batch norm and pooling. See
 * docs/design/steerable.md.
 * @module
 */
export { angularRep, isPlanarGroup, resolveRings, sampleRing, pairKernelBasis, steerableKernelBasis, expandFilter, denseBasis, MAX_DENSE_BASIS, SteerableBasisCache } from './basis.js';
export type { KernelBasisOptions, RingSpec, BasisLabel, SteerablePair, SteerableKernelBasis } from './basis.js';
export { R2Conv, fieldType } from './r2conv.js';
export type { FieldType, R2ConvOptions, ExportedConv } from './r2conv.js';
export {
  PointwiseNonlinearity, NormNonlinearity2d, GatedNonlinearity2d, InvariantPooling, EquivariantBatchNorm, AntialiasedAvgPool, isTrivialField, isPointwiseField,
} from './nonlinear.js';
export type { PointwiseOptions, NormNonlinearity2dOptions, InvariantPoolingOptions, EquivariantBatchNormOptions, AntialiasedAvgPoolOptions } from './nonlinear.js';
