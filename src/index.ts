/**
 * erlangen — geometric deep learning for TypeScript.
 *
 * The package entry re-exports the curated public names of each module: the tensor engine
 * (float32/float64 tensors, autograd, tracing), the backend registry, and the named errors and
 * seeded RNG. The equivariance harness lives in the `erlangen/testing` subpath.
 * @module erlangen
 */
export { Rng } from './util/rng.js';
export {
  ErlangenError, ShapeError, DTypeError, IndexError, ValueError, GradError, AnomalyError, BackendError, ParseError, ContractError, SizeError, FormatError,
} from './util/errors.js';
export { registerBackend, setBackend, getBackend, listBackends, jsBackend, cpuBackend, createWasmBackend, wasmAvailable, wasmReady, wasmThreads } from './backend/index.js';
export type { WasmKernelOptions } from './backend/index.js';
export { isResident, residentLimit, residentStats, resetResidentStats, setResidentLimit, type ResidentStats } from './backend/index.js';
export type { Backend, BackendInfo, DType, FloatDType, Kernel, KernelTensor, TypedArray } from './backend/index.js';
export {
  Tensor, noGrad, enableGrad, isGradEnabled, detectAnomaly, setAnomalyMode, backward, trace, runPlan,
  tensor, fromData, scalar, full, zeros, ones, zerosLike, onesLike, arange, linspace, eye, uniform, rand, normal, randn, indices,
  broadcastShapes, reshape, expand, permute, sum, cast, clone, detach,
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, silu, softplus, erf,
  reciprocal, square, add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp,
  max, min, prod, argmax, argmin, mean, variance, std, logsumexp, norm,
  slice, pad, concat, stack, split, flip, roll, repeat, squeeze, unsqueeze, transpose, flatten,
  matmul, outer, kron, diag, traceOf, einsum,
  indexSelect, indexAdd, takeAlongAxis, gather, scatterAdd,
  segmentSum, segmentMean, segmentMax, segmentMin, segmentSoftmax, gatherSegmentSum, gatherSegmentWeightedSum, gatherDot,
  conv2d, conv1d, convTranspose2d, maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d,
  adaptiveAvgPool2d, adaptiveMaxPool2d, interpolate, groupNorm,
  softmax, logSoftmax, layerNorm, batchNorm, dropout,
  mseLoss, l1Loss, huberLoss, crossEntropy, nllLoss, bceWithLogits,
} from './tensor/index.js';
export type {
  Plan, InputSpec, CreateOptions, TensorLike, SliceSpec, IndexLike, SegmentOptions, Conv2dOptions, Pool2dOptions, BatchNormOptions,
  PadMode, PadOptions, AdaptiveSize, InterpolateMode, InterpolateOptions,
  Reduction, CrossEntropyOptions, NestedArray, GradHook, OutOptions,
} from './tensor/index.js';
export {
  Parameter, Module, Linear, Bilinear, Sequential, MLP, ReLU, LeakyReLU, ELU, GELU, SiLU, Tanh, Sigmoid, Softplus, Softmax, Identity,
  activation, Dropout, LayerNorm, BatchNorm1d, BatchNorm2d, Embedding, MSELoss, L1Loss, HuberLoss, CrossEntropyLoss, NLLLoss,
  BCEWithLogitsLoss, init, calculateGain, calculateFans, uniformInit, normalInit, constantInit, zerosInit, onesInit, xavierUniform,
  xavierNormal, kaimingUniform, kaimingNormal, orthogonal,
  Conv1d, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, GroupNorm, Upsample,
} from './nn/index.js';
export type { StateDict, StateEntry, LoadResult, LinearOptions, MLPOptions, ActivationName, LayerNormOptions, BatchNormLayerOptions, EmbeddingOptions } from './nn/index.js';
export type {
  GroupNormOptions, ConvOptions, ConvTranspose2dOptions, ConvPaddingMode, ConvSize, MaxPool2dOptions, AvgPool2dOptions, UpsampleOptions,
} from './nn/index.js';
export {
  Optimizer, SGD, Adam, AdamW, RMSProp, Adagrad, LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
  LinearWarmup, LambdaLR, SequentialLR, clipGradNorm, clipGradValue, ExponentialMovingAverage,
} from './optim/index.js';
export type { SGDOptions, AdamOptions, RMSPropOptions, AdagradOptions, ParamGroupInput, EMAOptions, EMAState } from './optim/index.js';
export { serializeSafetensors, parseSafetensors, save, load, saveCheckpoint, loadCheckpoint } from './io/index.js';
export type {
  SafetensorsDType, TensorData, TensorMap, SafetensorsMetadata, SafetensorsContents, HasStateDict, SaveOptions, CheckpointModel,
  CheckpointOptimizer, CheckpointOptimizerState, CheckpointScheduler, CheckpointEMA, CheckpointEMAState, CheckpointRng, CheckpointTargets,
  CheckpointContents, LoadedCheckpoint, PlainValue,
} from './io/index.js';
export type { RngState } from './util/rng.js';
export {
  SO, O, SO2, O2, SO3, O3, SO13p, SO13, O13, Sp, SL, S, A, C, D, Z, Trivial, Tetrahedral, FullTetrahedral, Octahedral, FullOctahedral,
  Icosahedral, FullIcosahedral, P4, P4M, product, embed, customGroup, parseGroup, isFinite,
} from './group/index.js';
export type { Group, FiniteGroup } from './group/index.js';
export {
  Rep, V, Scalar, T, hom, directSum, tensorProduct, dualRep, regular, quotient, irrep, parseRep, sphericalHarmonics, realCG, character,
  finiteIrreps, decomposeFinite,
} from './rep/index.js';
export { equivariantBasis, EquivariantBasis, BasisCache } from './solver/index.js';
export type { SolverOptions } from './solver/index.js';
export {
  EquivariantLinear, EquivariantBilinear, gated, GatedNonlinearity, NormNonlinearity, EquivariantPointwise, EMLP, EMLPBlock, uniformRep,
} from './nn/index.js';
export type { EquivariantModule, EquivariantLinearOptions, EMLPOptions } from './nn/index.js';
export { o5Synthetic, inertia, particleInteraction, EMLP_DATASETS } from './data/index.js';
export {
  GraphsTuple, graphsTuple, batch, unbatch, fromGraphology, toGraphology, addSelfLoops, removeSelfLoops, inDegree, outDegree, gcnNorm,
  knnGraph, radiusGraph, fullyConnected, aggregation, MessagePassing, bipartite, globalSumPool, globalMeanPool, globalMaxPool,
  GlobalAttentionPool,
} from './graph/index.js';
export type { GraphsTupleInit, ExtraField, Aggregation, AggregationName, AggregationSpec, MessageContext, WeightedMessage, EdgeSet, Flow, EdgeIndex } from './graph/index.js';
export {
  MultiheadAttention, scaledDotProductAttention, TransformerEncoderLayer, TransformerEncoder, DeepSets, DeepSetsEquivariant, MAB, SAB,
  ISAB, PMA, SetTransformer,
} from './nn/index.js';
export {
  GCNConv, SAGEConv, GINConv, GINEConv, EdgeConv, GATConv, GATv2Conv, TransformerConv, CFConv, IGNLayer, IGNReadout, ignBasisFrom,
  TopKPooling, graclus, graclusPool,
} from './graph/index.js';
export { EGNN, EGNNLayer } from './graph/index.js';
export {
  checkGraphData, inversePermutation, permuteRows, transformPoints, permuteGraph, moveGeometricGraph, toGraphsTuple, graphDataOf,
  declaresGraphSymmetry, permutationSymmetry,
} from './graph/index.js';
export type { GraphData, GeometricGraph, PermutationSymmetry, EuclideanGraphSymmetry, GraphSymmetry } from './graph/index.js';
export { gridLayout, isLatticeSymmetry, actOnChannels, resampleGrid, shiftGrid, actOnGrid, smoothImage } from './grid/index.js';
export type { GridLayout, GridMoveOptions } from './grid/index.js';
// G-CNNs on the lattice (Cohen & Welling 2016): p4/p4m feature maps, lifting and group convolutions, pooling.
export {
  latticePointGroup, latticeMatrixGroup, checkLatticeGroup, regularPermutation, latticeRegularRep, latticeFibre, actOnLatticeFeatures, filterTransformIndex,
  LiftingConv2d, GroupConv2d, stackedFilterIndex, circularPad2d, groupPool, GroupPool, latticePool2d,
} from './grid/index.js';
export type { LatticeGroupName, LatticePointGroup, LatticeActionOptions, GroupConvOptions, PoolKind } from './grid/index.js';
export {
  angularRep, isPlanarGroup, resolveRings, sampleRing, pairKernelBasis, steerableKernelBasis, expandFilter, denseBasis, MAX_DENSE_BASIS, SteerableBasisCache, R2Conv, fieldType,
  PointwiseNonlinearity, NormNonlinearity2d, GatedNonlinearity2d, InvariantPooling, EquivariantBatchNorm, AntialiasedAvgPool, isTrivialField, isPointwiseField,
} from './grid/index.js';
export type {
  KernelBasisOptions, RingSpec, BasisLabel, SteerablePair, SteerableKernelBasis, FieldType, R2ConvOptions, ExportedConv,
  PointwiseOptions, NormNonlinearity2dOptions, InvariantPoolingOptions, EquivariantBatchNormOptions, AntialiasedAvgPoolOptions,
} from './grid/index.js';
export { planarGauge, randomGaugeGeometry, checkGaugeGeometry } from './mesh/index.js';
export type { GaugeGeometry, GaugeAction } from './mesh/index.js';
export { meshData, checkMeshData, checkMeshPooling, meshVertexCount, meshFaceCount } from './mesh/index.js';
export type { MeshData, MeshFrames, MeshPooling } from './mesh/index.js';
export {
  so2Width, gemKernelBasis, gemClosedFormBasis, gemIntertwinerBasis, gemKernelDim, embedBasis,
  GemConv, GemLinear, RegularNonlinearity, regularSamplingMatrix, GemResNetBlock, matrixFeatures, MATRIX_FEATURE_CHANNELS,
  MATRIX_FEATURE_ORDER, GemPool, GemUnpool, poolingGauge, batchGaugeGeometry, batchMeshPooling,
} from './mesh/index.js';
export type {
  GemBasisElement, GemKernelBasis, GemBasisOptions, GemConvOptions, GemConvParams, GemLinearOptions, RegularNonlinearityOptions,
  GemResNetBlockOptions, BatchedGaugeGeometry,
} from './mesh/index.js';
export {
  icosphere, uvSphere, torus, capsule, cylinder, box, planeGrid, subdivide, splitLongEdges, remesh, flipEdges, randomRotation, transformMesh, rotateMesh, randomDeformation, deformMesh,
} from './mesh/index.js';
export type { IcosphereOptions, BoxOptions, SubdivideOptions, SplitEdgesOptions, RemeshOptions, DeformationOptions, Deformation } from './mesh/index.js';
export {
  buildHalfEdges, vertexNeighbours, faceAreasNormals, cornerAngles, vertexAreas, vertexNormals, framesFromReference, gaugeReference,
  logMap, transportAngles, faceTransport, cotanLaplacian, massMatrix, angleDefect, gaussianCurvature, meanCurvature, heatGeodesic,
  heatGeodesicSolver, pointRadiusGraph, farthestPointSampling, coarsen, gemGeometry, subdivideMidpoint,
} from './mesh/index.js';
export type {
  HalfEdgeMesh, VertexAreaKind, GaugeChoice, HeatGeodesicOptions, HeatGeodesicSolver, FpsOptions, MeshLevel, CoarsenOptions, CoarseLevel,
  GemGeometryOptions, GemGeometry, CsrMatrix,
} from './mesh/index.js';
export { meshHierarchy } from './mesh/index.js';
export type { HierarchyLevel, MeshHierarchy } from './mesh/index.js';
export { weldVertices, removeDegenerateFaces, removeDuplicateFaces, cleanMesh, meshTopologyReport } from './mesh/index.js';
export type { WeldOptions, WeldResult, DegenerateOptions, FaceFilterResult, CleanOptions, CleanResult, MeshTopologyReport } from './mesh/index.js';
export { generateNBody, nbodySplits, nbodyGraphs } from './data/index.js';
export { rotatedDigits, rotatedDigitChunks, renderDigits, ROTATED_DIGITS, tetrominoes, renderTetromino, TETROMINO_NAMES } from './data/index.js';
export type { DatasetSplit, GlyphSplitData, RotatedDigitsOptions, TetrominoesOptions } from './data/index.js';
export { bunnyMesh, shapeFamily, SHAPE_KINDS, SHAPE_PARTS, meshDigits, paintImage, MESH_DIGITS } from './data/index.js';
export type { BunnyOptions, ShapeKind, ShapeSample, ShapeFamilyOptions, MeshDigitsOptions, MeshDigitSample, PaintPlacement, PaintResult } from './data/index.js';
export { so2RotateGather, so2RotateSegmentMean, so2Coefficients } from './tensor/index.js';
export type { So2SegmentOptions, So2Values } from './tensor/index.js';
export {
  checkRotation, checkQuaternion, ROTATION_TOLERANCE, quaternionToMatrix, matrixToQuaternion, composeQuaternions, inverseQuaternion,
  randomQuaternion, axisAngleToMatrix, axisAngleToQuaternion, quaternionToAxisAngle, matrixToAxisAngle, rotationX, rotationY, rotationZ,
  anglesToMatrix, matrixToAngles, anglesToQuaternion, quaternionToAngles, composeRotations, inverseRotation,
} from './group/index.js';
export type { Mat3Like, Quaternion, AxisAngle } from './group/index.js';
export { wignerDFromAngles, wignerDY, shNormalizationFactor } from './rep/index.js';
export type { ShNormalization, ShOptions } from './rep/index.js';
export { softOneHotLinspace, gaussianBasis, besselBasis, polynomialCutoff, softUnitStep } from './nn/index.js';
export type { SoftOneHotBasis, SoftOneHotOptions } from './nn/index.js';
export { fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2 } from './tensor/index.js';
export type { FftNorm, FftOptions, Fft2Options } from './tensor/index.js';
export { cumsum, cumprod, normalize, cosineSimilarity, smoothL1Loss, klDiv } from './tensor/index.js';
export type { KlDivOptions, GeluApproximate } from './tensor/index.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from './nn/index.js';
export type {
  RNNOptions, RNNCellOptions, RNNNonlinearity, CellOptions, LSTMState, LSTMSequenceOptions, LSTMResult, RecurrentOptions, SequenceOptions, SequenceResult,
} from './nn/index.js';
export { grad } from './tensor/index.js';
export type { BackwardOptions, GradOptions } from './tensor/index.js';
export {
  SpectralFilter, spectralFilter, gaussianKernel1d, gaussianKernel2d, GaussianFilter2d, gaussianFilter2d, hessian2d, symmetricEigenvalues2x2,
  FrangiVesselness, frangiVesselness, ParallelBeamProjector, FilteredBackprojection, rampFilter,
} from './nn/index.js';
export type {
  SpectralFilterModuleOptions, GaussianKind, FilterPadding, GaussianFilter2dOptions, FrangiVesselnessOptions, ParallelBeamOptions,
  FilteredBackprojectionOptions,
} from './nn/index.js';
export { sheppLogan, randomEllipsePhantoms, renderEllipses, SHEPP_LOGAN, vesselImages } from './data/index.js';
export type { Ellipse, RandomPhantomOptions, VesselImageOptions, VesselBatch } from './data/index.js';
export {
  Irreps, irrepName, irrepDim, irrepProduct, sameIrrep, parseIrrep, shIrreps, cgBlock, TensorProduct, FullyConnectedTensorProduct,
  fullyConnectedInstructions, ElementwiseTensorProduct, alignIrreps, TensorSquare, IrrepsLinear, Gate, NormActivation, IrrepsBatchNorm,
  activationParity, secondMoment, resolveActivation, sphericalHarmonicsTensor, PointConvolution, InteractionBlock, gateFor,
  ReducedTensorProducts, MAX_RTP_DIM,
} from './nn/index.js';
export type {
  Irrep, MulIrrep, IrrepsLike, CgBlock, ConnectionMode, Instruction, InstructionLike, IrrepNormalization, PathNormalization,
  TensorProductOptions, ElementwiseTensorProductOptions, IrrepsLinearOptions, LinearPath, GateOptions, NormActivationOptions,
  IrrepsBatchNormOptions, ScalarActivation, ResolvedActivation, PointConvolutionOptions,
} from './nn/index.js';
export { TETRIS3D_NAMES, TETRIS3D_SHAPES, TETRIS3D_IRREPS, tetris3d, tetris3dBatch, tetris3dTarget } from './data/index.js';
export type { Tetris3dSample, Tetris3dOptions, Tetris3dBatch } from './data/index.js';
export { squash, PrimaryCapsules, CapsuleLayer, dynamicRouting, marginLoss, capsuleLengths, CapsuleDecoder } from './nn/index.js';
export type { SquashOptions, PrimaryCapsulesOptions, CapsuleLayerOptions, RoutingOptions, RoutingResult, MarginLossOptions, CapsuleDecoderOptions } from './nn/index.js';
export { spike, fastSigmoid, arctanSurrogate, lifNeurons, LIF, RLIF, rateEncode, latencyEncode, spikeCountReadout, membraneReadout } from './nn/index.js';
export type {
  Surrogate, SurrogateName, LIFReset, LIFNeuronOptions, LIFResult, LIFLayerOptions, RateEncodeOptions, LatencyEncodeOptions, MembraneReduction,
} from './nn/index.js';
export { rhythms, RHYTHMS } from './data/index.js';
export type { RhythmOptions, RhythmData } from './data/index.js';
export { MemN2N, positionEncoding } from './nn/index.js';
export type { MemN2NOptions, MemN2NOutput, MemN2NTying } from './nn/index.js';
export { generateBabi, babiVocab, babiTensors, BabiVocab } from './data/index.js';
export type { BabiTask, BabiExample, BabiOptions, BabiTensors } from './data/index.js';
export {
  hingeEnergyLoss, logEnergyLoss, squareSquareEnergyLoss, squareExponentialEnergyLoss, nllEnergyLoss, nceLoss, DiagonalGaussian, denoisingScoreMatchingLoss, langevinSample, EnergyMLP,
} from './nn/index.js';
export type { NceInputs, LangevinOptions, EnergyActivation, EnergyMLPOptions } from './nn/index.js';
// compiled training steps (static buffer plan) and the engine's allocation counter
export { compile, allocationStats, resetAllocationStats } from './tensor/index.js';
export { bufferPoolLimit, bufferPoolStats, clearBufferPool, resetBufferPoolStats, setBufferPoolLimit, type BufferPoolStats } from './tensor/index.js';
export type { CompileOptions, CompiledStep, BufferPlanStats, StepUpdater, AllocationStats } from './tensor/index.js';
