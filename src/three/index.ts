/**
 * `erlangen/three`: the parts of erlangen that need three.js (an optional peer dependency).
 * Importing this entry loads three. Today: mesh I/O — `parseMesh` (OBJ, PLY, STL, glTF/GLB via
 * three's loaders; OFF), `readMesh` / `writeMesh` (Node), `formatObj` / `formatPly`.
 * The three-free mesh operations (welding, cleaning, topology report) are in the package root.
 * @module
 */
export { parseMesh, readMesh, writeMesh, meshFormatOf, formatObj, formatPly, MESH_FORMATS, MAX_MESH_ELEMENTS, MAX_MESH_FILE_BYTES } from '../io/mesh/index.js';
export type { ParseMeshOptions, ReadMeshOptions, WriteMeshOptions, ObjWriteOptions, PlyWriteOptions, MeshFormat } from '../io/mesh/index.js';
