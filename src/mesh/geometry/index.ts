/**
 * Discrete differential geometry on triangle meshes: half-edges, normals, areas, gauges, log map,
 * parallel transport, cotangent Laplacian and mass, curvature, heat-method geodesics, sampling,
 * coarsening and the GEM-CNN geometry precompute. See docs/design/mesh-geometry.md.
 * @module
 */
export { buildHalfEdges, vertexNeighbours, heNext, hePrev, heFace, heTarget } from './halfedge.js';
export type { HalfEdgeMesh } from './halfedge.js';
export { faceAreasNormals, cornerAngles, vertexAreas } from './areas.js';
export type { VertexAreaKind } from './areas.js';
export { vertexNormals } from './normals.js';
export { framesFromReference, gaugeReference } from './frames.js';
export type { GaugeChoice } from './frames.js';
export { logMap } from './log-map.js';
export { rotateBetween, transportAngles, faceTransport } from './transport.js';
export { cotanLaplacian, massMatrix } from './laplacian.js';
export { angleDefect, gaussianCurvature, meanCurvature } from './curvature.js';
export { heatGeodesic, heatGeodesicSolver, meshComponents } from './heat-geodesic.js';
export type { HeatGeodesicOptions, HeatGeodesicSolver } from './heat-geodesic.js';
export { buildSpatialHash, queryRadius, nearestPoint, pointRadiusGraph } from './spatial-hash.js';
export type { SpatialHash } from './spatial-hash.js';
export { farthestPointSampling } from './sampling.js';
export type { FpsOptions } from './sampling.js';
export { coarsen } from './coarsen.js';
export type { MeshLevel, CoarsenOptions, CoarseLevel } from './coarsen.js';
export { gemGeometry } from './gem-geometry.js';
export type { GemGeometryOptions, GemGeometry } from './gem-geometry.js';
export { subdivideMidpoint } from './subdivide.js';
export { meshHierarchy } from './hierarchy.js';
export type { HierarchyLevel, MeshHierarchy } from './hierarchy.js';
