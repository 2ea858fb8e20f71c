/**
 * Pixel grids: the action of planar rotations, reflections and circular translations on square
 * images with a fibre representation on the channels (used by grid CNNs and by the equivariance
 * harness in erlangen/testing). See docs/design/harness.md.
 * @module
 */
export { gridLayout, isLatticeSymmetry, actOnChannels, resampleGrid, shiftGrid, actOnGrid, smoothImage } from './action.js';
export type { GridLayout, GridMoveOptions } from './action.js';
// G-CNNs on the lattice (Cohen & Welling 2016): p4/p4m feature maps, lifting and group convolutions, pooling.
export { latticePointGroup, latticeMatrixGroup, checkLatticeGroup, regularPermutation, latticeRegularRep, latticeFibre, actOnLatticeFeatures, filterTransformIndex } from './lattice-group.js';
export type { LatticeGroupName, LatticePointGroup, LatticeActionOptions } from './lattice-group.js';
export { LiftingConv2d, GroupConv2d, stackedFilterIndex, circularPad2d } from './gconv.js';
export type { GroupConvOptions } from './gconv.js';
export { groupPool, GroupPool, latticePool2d } from './group-pooling.js';
export type { PoolKind } from './group-pooling.js';
// steerable E(2) convolutions (Weiler & Cesa 2019, arXiv:1911.08251): docs/design/steerable.md
export {
  angularRep, isPlanarGroup, resolveRings, sampleRing, pairKernelBasis, steerableKernelBasis, expandFilter, denseBasis, MAX_DENSE_BASIS, SteerableBasisCache, R2Conv, fieldType,
  PointwiseNonlinearity, NormNonlinearity2d, GatedNonlinearity2d, InvariantPooling, EquivariantBatchNorm, AntialiasedAvgPool, isTrivialField, isPointwiseField,
} from './steerable/index.js';
export type {
  KernelBasisOptions, RingSpec, BasisLabel, SteerablePair, SteerableKernelBasis, FieldType, R2ConvOptions, ExportedConv,
  PointwiseOptions, NormNonlinearity2dOptions, InvariantPoolingOptions, EquivariantBatchNormOptions, AntialiasedAvgPoolOptions,
} from './steerable/index.js';
