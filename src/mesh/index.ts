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
export { weldVertices, removeDegenerateFaces, removeDuplicateFaces, cleanMesh } from './clean.js';
export type { WeldOptions, WeldResult, DegenerateOptions, FaceFilterResult, CleanOptions, CleanResult } from './clean.js';
export { meshTopologyReport } from './topology-report.js';
export type { MeshTopologyReport } from './topology-report.js';
