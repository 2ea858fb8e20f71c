/**
 * Node-only file access for meshes: `readMesh(path)` (format from the extension) and
 * `writeMesh(path, mesh)` (OBJ or PLY, written atomically). Node's `fs` is reached at call time
 * through `process.getBuiltinModule` (as src/io/files.ts does), so a browser bundle of
 * `erlangen/three` contains no `node:*` import; in a browser use `parseMesh` on bytes.
 * @module
 */
import type * as FsPromises from 'node:fs/promises';
import { BackendError, ErlangenError, FormatError, SizeError, ValueError } from '../../util/errors.js';
import type { MeshData } from '../../mesh/index.js';
import { writeFileAtomic } from '../files.js';
import { MESH_FORMATS } from './common.js';
import type { MeshFormat } from './common.js';
import { parseMesh } from './parse.js';
import type { ParseMeshOptions } from './parse.js';
import { formatObj, formatPly } from './write.js';
import type { ObjWriteOptions, PlyWriteOptions } from './write.js';

/** The largest mesh file `readMesh` reads (1 GiB). */
export const MAX_MESH_FILE_BYTES = 2 ** 30;

function fsApi(op: string): typeof FsPromises {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.getBuiltinModule) throw new BackendError(`${op}: files need Node ≥ 20.16 (process.getBuiltinModule); in a browser use parseMesh on bytes`);
  return proc.getBuiltinModule('node:fs/promises') as typeof FsPromises;
}

/** The mesh format of a file name's extension, or undefined. */
export function meshFormatOf(path: string): MeshFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  const ext = m?.[1]?.toLowerCase();
  return MESH_FORMATS.find((f) => f === ext);
}

/** Options of {@link readMesh}. */
export interface ReadMeshOptions extends ParseMeshOptions {
  /** The format, when the extension does not say it. */
  format?: MeshFormat;
}

/**
 * Read a mesh file (Node only): the format comes from the extension (`.obj .ply .stl .gltf .glb
 * .off`) or `options.format`; then {@link parseMesh}. glTF files must be self-contained (embedded
 * `data:` buffers). Errors name `readMesh(<format>)`.
 */
export async function readMesh(path: string, options: ReadMeshOptions = {}): Promise<MeshData> {
  const { format: fmt, ...rest } = options;
  const format = fmt ?? meshFormatOf(path);
  if (!format || !MESH_FORMATS.includes(format)) throw new ValueError(`readMesh: cannot tell the mesh format of "${path}"; pass options.format (${MESH_FORMATS.join(', ')})`);
  const op = `readMesh(${format})`;
  const fs = fsApi(op);
  let bytes: Uint8Array;
  try {
    const st = await fs.stat(path);
    if (st.size > MAX_MESH_FILE_BYTES) throw new SizeError(`${op}: "${path}" has ${st.size} bytes, more than ${MAX_MESH_FILE_BYTES}`);
    bytes = await fs.readFile(path);
  } catch (e) {
    if (e instanceof ErlangenError) throw e;
    throw new FormatError(`${op}: cannot read "${path}": ${(e as Error).message}`);
  }
  try {
    return await parseMesh(bytes, format, rest);
  } catch (e) {
    if (e instanceof ErlangenError) {
      const E = e.constructor as new (m: string) => ErlangenError;
      throw new E(e.message.replace(/^parseMesh\([a-z]+\)/, `${op}`) + ` (in "${path}")`);
    }
    throw e;
  }
}

/** Options of {@link writeMesh}. */
export interface WriteMeshOptions extends ObjWriteOptions, Omit<PlyWriteOptions, 'format'> {
  /** `obj` or `ply` (default from the extension). */
  format?: 'obj' | 'ply';
  /** PLY storage: `ascii` (default) or `binary_little_endian`. */
  plyFormat?: PlyWriteOptions['format'];
}

/** Write a mesh as OBJ or PLY (Node only), atomically (temporary file, fsync, rename). */
export async function writeMesh(path: string, mesh: MeshData, options: WriteMeshOptions = {}): Promise<void> {
  const format = options.format ?? meshFormatOf(path);
  if (format !== 'obj' && format !== 'ply') throw new ValueError(`writeMesh: can write obj or ply, not "${String(format)}" (from "${path}")`);
  const op = `writeMesh(${format})`;
  const bytes = format === 'obj'
    ? new TextEncoder().encode(formatObj(mesh, options, op))
    : formatPly(mesh, { ...options, format: options.plyFormat ?? 'ascii' }, op);
  await writeFileAtomic(path, bytes, op);
}
