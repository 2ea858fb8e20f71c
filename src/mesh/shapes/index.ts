/**
 * Mesh shapes: pure constructors (icosphere, UV sphere, torus, capsule, cylinder, box, plane
 * grid), refinement (midpoint and Loop subdivision, edge splitting, flips, a light remesher) and
 * transformations (Haar rotations, affine maps, random smooth deformations). See docs/design/mesh-data.md.
 * @module
 */
export { icosphere, uvSphere, torus, capsule, cylinder, box, planeGrid } from './primitives.js';
export type { IcosphereOptions, BoxOptions } from './primitives.js';
export { subdivide, splitLongEdges } from './subdivide.js';
export type { SubdivideOptions, SplitEdgesOptions } from './subdivide.js';
export { randomRotation, transformMesh, rotateMesh, randomDeformation, deformMesh } from './transform.js';
export type { DeformationOptions, Deformation } from './transform.js';
export { remesh, flipEdges } from './remesh.js';
export type { RemeshOptions } from './remesh.js';
