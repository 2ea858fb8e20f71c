/**
 * Meshes: plain mesh data (positions, faces, tangent frames, pooling maps), gauge geometry on
 * directed edges (log-map angles, parallel transport) and the action of gauge changes on
 * SO(2)-irrep features and on the geometry (GEM-CNN, arXiv:2003.05425). See docs/design/meshes.md
 * and docs/design/harness.md.
 * @module
 */
export { planarGauge, randomGaugeGeometry, checkGaugeGeometry } from './gauge.js';
export type { GaugeGeometry, GaugeAction } from './gauge.js';
export { meshData, checkMeshData, checkMeshPooling, meshVertexCount, meshFaceCount } from './types.js';
export type { MeshData, MeshFrames, MeshPooling } from './types.js';
export {
  so2RotateGather, so2RotateSegmentMean, so2Width, gemKernelBasis, gemClosedFormBasis, gemIntertwinerBasis, gemKernelDim, embedBasis,
  GemConv, GemLinear, RegularNonlinearity, regularSamplingMatrix, GemResNetBlock, matrixFeatures, MATRIX_FEATURE_CHANNELS,
  MATRIX_FEATURE_ORDER, GemPool, GemUnpool, poolingGauge, batchGaugeGeometry, batchMeshPooling,
} from './gem/index.js';
export type {
  GemBasisElement, GemKernelBasis, GemBasisOptions, GemConvOptions, GemConvParams, GemLinearOptions, RegularNonlinearityOptions,
  GemResNetBlockOptions, BatchedGaugeGeometry,
} from './gem/index.js';
export { icosphere, uvSphere, torus, capsule, cylinder, box, planeGrid, subdivide, splitLongEdges, remesh, flipEdges, randomRotation, transformMesh, rotateMesh, randomDeformation, deformMesh } from './shapes/index.js';
export type { IcosphereOptions, BoxOptions, SubdivideOptions, SplitEdgesOptions, RemeshOptions, DeformationOptions, Deformation } from './shapes/index.js';
