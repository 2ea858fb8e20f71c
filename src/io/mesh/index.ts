/**
 * Mesh I/O (reached through `erlangen/three`; three.js is an optional peer): `parseMesh` on bytes
 * (OBJ, PLY, STL, glTF/GLB through three's loaders; OFF by hand), `readMesh` / `writeMesh` on
 * files (Node), OBJ/PLY writers. See docs/design/mesh-io.md.
 * @module
 */
export { parseMesh } from './parse.js';
export type { ParseMeshOptions } from './parse.js';
export { readMesh, writeMesh, meshFormatOf, MAX_MESH_FILE_BYTES } from './files.js';
export type { ReadMeshOptions, WriteMeshOptions } from './files.js';
export { formatObj, formatPly } from './write.js';
export type { ObjWriteOptions, PlyWriteOptions } from './write.js';
export { MESH_FORMATS, MAX_MESH_ELEMENTS } from './common.js';
export type { MeshFormat } from './common.js';
