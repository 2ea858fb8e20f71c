/**
 * Irreps layers (e3nn's ground): `Irreps`, `TensorProduct` and its special cases, irreps `Linear`,
 * `Gate`, `NormActivation`, `BatchNorm`, `ReducedTensorProducts`, point convolutions.
 * @module
 */
export { Irreps, irrepName, irrepDim, irrepProduct, sameIrrep, parseIrrep, shIrreps } from './irreps.js';
export type { Irrep, MulIrrep, IrrepsLike } from './irreps.js';
export { cgBlock } from './cg-blocks.js';
export type { CgBlock } from './cg-blocks.js';
export { TensorProduct } from './tensor-product.js';
export type { ConnectionMode, Instruction, InstructionLike, IrrepNormalization, PathNormalization, TensorProductOptions } from './tensor-product.js';
export { FullyConnectedTensorProduct, fullyConnectedInstructions } from './fully-connected-tensor-product.js';
export { ElementwiseTensorProduct, alignIrreps } from './elementwise-tensor-product.js';
export type { ElementwiseTensorProductOptions } from './elementwise-tensor-product.js';
export { TensorSquare } from './tensor-square.js';
export { IrrepsLinear } from './linear.js';
export type { IrrepsLinearOptions, LinearPath } from './linear.js';
export { Gate } from './gate.js';
export type { GateOptions } from './gate.js';
export { NormActivation } from './norm-activation.js';
export type { NormActivationOptions } from './norm-activation.js';
export { IrrepsBatchNorm } from './batch-norm.js';
export type { IrrepsBatchNormOptions } from './batch-norm.js';
export { activationParity, secondMoment, resolveActivation } from './scalar-activation.js';
export type { ScalarActivation, ResolvedActivation } from './scalar-activation.js';
export { sphericalHarmonicsTensor } from './spherical-harmonics.js';
export { PointConvolution } from './point-convolution.js';
export type { PointConvolutionOptions } from './point-convolution.js';
export { InteractionBlock, gateFor } from './interaction-block.js';
export { ReducedTensorProducts, MAX_RTP_DIM } from './reduced-tensor-products.js';
