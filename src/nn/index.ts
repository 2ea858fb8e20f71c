/**
 * Neural-network building blocks: `Module` and `Parameter`, dense layers, containers,
 * activations, dropout, normalisation, convolution, pooling and upsampling layers, embeddings, loss
 * modules and seeded initialisers.
 * @module
 */
export { Parameter } from './parameter.js';
export type { FloatDType } from './parameter.js';
export { Module } from './module.js';
export type { AnyModule, StateDict, StateEntry, LoadResult } from './module.js';
export { Linear, Bilinear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Sequential, MLP } from './container.js';
export type { MLPOptions, TensorModule } from './container.js';
export { ReLU, LeakyReLU, ELU, GELU, SiLU, Tanh, Sigmoid, Softplus, Softmax, Identity, activation } from './activation.js';
export type { ActivationName } from './activation.js';
export { Dropout } from './dropout.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d, GroupNorm } from './normalization.js';
export type { LayerNormOptions, BatchNormLayerOptions, GroupNormOptions } from './normalization.js';
export { Conv1d, Conv2d, ConvTranspose2d } from './conv.js';
export type { ConvOptions, ConvTranspose2dOptions, ConvPaddingMode, ConvSize } from './conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './pooling.js';
export type { MaxPool2dOptions, AvgPool2dOptions } from './pooling.js';
export { Upsample } from './upsample.js';
export type { UpsampleOptions } from './upsample.js';
export { Embedding } from './embedding.js';
export { MSELoss, L1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss } from './loss.js';
export type { ClassTargets } from './loss.js';
export type { EmbeddingOptions } from './embedding.js';
export {
  init,
  calculateGain,
  calculateFans,
  uniformInit,
  normalInit,
  constantInit,
  zerosInit,
  onesInit,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
} from './init.js';
export type { Nonlinearity, FanMode, KaimingOptions } from './init.js';
export { EquivariantLinear, HomStructure } from './equivariant-linear.js';
export type { EquivariantLinearOptions } from './equivariant-linear.js';
export { EquivariantBilinear } from './equivariant-bilinear.js';
export type { EquivariantBilinearOptions } from './equivariant-bilinear.js';
export { gated, numGates, GatedNonlinearity } from './gated.js';
export { NormNonlinearity } from './norm-nonlinearity.js';
export type { NormFunction, NormNonlinearityOptions } from './norm-nonlinearity.js';
export { EquivariantPointwise } from './equivariant-pointwise.js';
export type { PointwiseName } from './equivariant-pointwise.js';
export { EMLP, EMLPBlock, uniformRep, uniformRankCounts } from './emlp.js';
export type { EMLPOptions, EMLPBlockOptions } from './emlp.js';
export { actOn, isPermutationRep, fieldCopies, placedTerms } from './equivariant-common.js';
export type { EquivariantModule, FieldCopy, PlacedTerm } from './equivariant-common.js';
export { MultiheadAttention, scaledDotProductAttention } from './attention.js';
export type { AttentionMasks, AttentionResult, MultiheadAttentionOptions, MultiheadAttentionResult, ScaledDotProductOptions } from './attention.js';
export { TransformerEncoderLayer, TransformerEncoder } from './transformer.js';
export type { TransformerEncoderLayerOptions, TransformerEncoderOptions } from './transformer.js';
export { DeepSets, DeepSetsEquivariant, setPool, deepSetsSolverBasis } from './deepsets.js';
export type { SetPool, DeepSetsOptions, DeepSetsEquivariantOptions, DeepSetsBasis } from './deepsets.js';
export { MAB, SAB, ISAB, PMA, SetTransformer } from './set-transformer.js';
export type { SetBlockOptions, SetTransformerOptions, SetTransformerVariant } from './set-transformer.js';
export { softOneHotLinspace, gaussianBasis, besselBasis, polynomialCutoff, softUnitStep } from './radial.js';
export type { SoftOneHotBasis, SoftOneHotOptions } from './radial.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from './rnn/index.js';
export type {
  RNNOptions, RNNCellOptions, RNNNonlinearity, CellOptions, LSTMState, LSTMSequenceOptions, LSTMResult, RecurrentOptions, SequenceOptions, SequenceResult,
} from './rnn/index.js';
export {
  SpectralFilter, spectralFilter, spectrumShape, gaussianKernel1d, gaussianKernel2d, defaultRadius, separableOrders, GAUSSIAN_KINDS,
  GaussianFilter2d, gaussianFilter2d, separableFilter2d, hessian2d, symmetricEigenvalues2x2, blobnessSquared, FrangiVesselness,
  frangiVesselness, ParallelBeamProjector, FilteredBackprojection, rampFilter, fbpFftSize,
} from './known/index.js';
export type {
  SpectralFilterOptions, SpectralFilterModuleOptions, GaussianKind, GaussianOrder, FilterPadding, GaussianFilterOptions,
  GaussianFilter2dOptions, Hessian2d, FrangiOptions, FrangiVesselnessOptions, ScaleReduce, VesselPolarity, ParallelBeamOptions,
  FilteredBackprojectionOptions,
} from './known/index.js';
export {
  Irreps, irrepName, irrepDim, irrepProduct, sameIrrep, parseIrrep, shIrreps, cgBlock, TensorProduct, FullyConnectedTensorProduct,
  fullyConnectedInstructions, ElementwiseTensorProduct, alignIrreps, TensorSquare, IrrepsLinear, Gate, NormActivation, IrrepsBatchNorm,
  activationParity, secondMoment, resolveActivation, sphericalHarmonicsTensor, PointConvolution, InteractionBlock, gateFor,
  ReducedTensorProducts, MAX_RTP_DIM,
} from './irreps/index.js';
export type {
  Irrep, MulIrrep, IrrepsLike, CgBlock, ConnectionMode, Instruction, InstructionLike, IrrepNormalization, PathNormalization,
  TensorProductOptions, ElementwiseTensorProductOptions, IrrepsLinearOptions, LinearPath, GateOptions, NormActivationOptions,
  IrrepsBatchNormOptions, ScalarActivation, ResolvedActivation, PointConvolutionOptions,
} from './irreps/index.js';
export { squash, PrimaryCapsules, CapsuleLayer, dynamicRouting, marginLoss, capsuleLengths, CapsuleDecoder } from './capsule/index.js';
export type { SquashOptions, PrimaryCapsulesOptions, CapsuleLayerOptions, RoutingOptions, RoutingResult, MarginLossOptions, CapsuleDecoderOptions } from './capsule/index.js';
export { spike, fastSigmoid, arctanSurrogate, lifNeurons, LIF, RLIF, rateEncode, latencyEncode, spikeCountReadout, membraneReadout } from './spiking/index.js';
export type {
  Surrogate, SurrogateName, LIFReset, LIFNeuronOptions, LIFResult, LIFLayerOptions, RateEncodeOptions, LatencyEncodeOptions, MembraneReduction,
} from './spiking/index.js';
export { MemN2N, positionEncoding } from './memory/index.js';
export type { MemN2NOptions, MemN2NOutput, MemN2NTying } from './memory/index.js';
export {
  hingeEnergyLoss, logEnergyLoss, squareSquareEnergyLoss, squareExponentialEnergyLoss, nllEnergyLoss, nceLoss, DiagonalGaussian, denoisingScoreMatchingLoss, langevinSample, EnergyMLP,
} from './energy/index.js';
export type { NceInputs, LangevinOptions, EnergyActivation, EnergyMLPOptions } from './energy/index.js';
