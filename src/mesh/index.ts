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
  so2Width, gemKernelBasis, gemClosedFormBasis, gemIntertwinerBasis, gemKernelDim, embedBasis,
  GemConv, GemLinear, RegularNonlinearity, regularSamplingMatrix, GemResNetBlock, matrixFeatures, MATRIX_FEATURE_CHANNELS,
  MATRIX_FEATURE_ORDER, GemPool, GemUnpool, poolingGauge, batchGaugeGeometry, batchMeshPooling,
} from './gem/index.js';
export type {
  GemBasisElement, GemKernelBasis, GemBasisOptions, GemConvOptions, GemConvParams, GemLinearOptions, RegularNonlinearityOptions,
  GemResNetBlockOptions, BatchedGaugeGeometry,
} from './gem/index.js';
export { icosphere, uvSphere, torus, capsule, cylinder, box, planeGrid, subdivide, splitLongEdges, remesh, flipEdges, randomRotation, transformMesh, rotateMesh, randomDeformation, deformMesh } from './shapes/index.js';
export type { IcosphereOptions, BoxOptions, SubdivideOptions, SplitEdgesOptions, RemeshOptions, DeformationOptions, Deformation } from './shapes/index.js';
export {
  buildHalfEdges, vertexNeighbours, heNext, hePrev, heFace, heTarget, faceAreasNormals, cornerAngles, vertexAreas, vertexNormals,
  framesFromReference, gaugeReference, logMap, rotateBetween, transportAngles, faceTransport, cotanLaplacian, massMatrix,
  angleDefect, gaussianCurvature, meanCurvature, heatGeodesic, heatGeodesicSolver, meshComponents, buildSpatialHash, queryRadius,
  nearestPoint, pointRadiusGraph, farthestPointSampling, coarsen, gemGeometry, subdivideMidpoint,
} from './geometry/index.js';
export type {
  HalfEdgeMesh, VertexAreaKind, GaugeChoice, HeatGeodesicOptions, HeatGeodesicSolver, SpatialHash, FpsOptions, MeshLevel,
  CoarsenOptions, CoarseLevel, GemGeometryOptions, GemGeometry,
} from './geometry/index.js';
export type { CsrMatrix } from '../linalg/index.js';
export { meshHierarchy } from './geometry/index.js';
export type { HierarchyLevel, MeshHierarchy } from './geometry/index.js';
export { weldVertices, removeDegenerateFaces, removeDuplicateFaces, cleanMesh } from './clean.js';
export type { WeldOptions, WeldResult, DegenerateOptions, FaceFilterResult, CleanOptions, CleanResult } from './clean.js';
export { meshTopologyReport } from './topology-report.js';
export type { MeshTopologyReport } from './topology-report.js';
