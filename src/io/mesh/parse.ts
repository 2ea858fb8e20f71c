/**
 * `parseMesh(bytes, format)`: read a mesh file from bytes in any runtime. OBJ, PLY, STL and glTF/GLB
 * go through three.js's own loaders (`parse()` on the bytes) after a light pre-validation that
 * names the line or byte offset of anything malformed; OFF (no three loader) has its own reader.
 * Every failure is a named erlangen error whose message starts with `parseMesh(<format>)`.
 * See docs/design/mesh-io.md.
 * @module
 */
import { OBJLoader } from 'three/addons/loaders/OBJLoader.js';
import { PLYLoader } from 'three/addons/loaders/PLYLoader.js';
import { STLLoader } from 'three/addons/loaders/STLLoader.js';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import type { Object3D } from 'three';
import { ValueError } from '../../util/errors.js';
import { checkMeshData, cleanMesh } from '../../mesh/index.js';
import type { CleanOptions, MeshData } from '../../mesh/index.js';
import { MESH_FORMATS, asBytes, decodeText, exactBuffer, named, renamed } from './common.js';
import type { MeshFormat } from './common.js';
import { parseOffText } from './off.js';
import { checkPly } from './ply-check.js';
import { checkObjText, checkStlText } from './text-checks.js';
import { checkStlBinary, stlIsBinary } from './binary-checks.js';
import { meshFromGeometries, sceneGeometries } from './geometry.js';
import { prepareGltf } from './gltf-prep.js';

/** Options of {@link parseMesh} and `readMesh`. */
export interface ParseMeshOptions {
  /** Keep vertex normals when the file has them (default true; STL facet normals are never kept). */
  normals?: boolean;
  /** Keep vertex colours when the file has them (default true). */
  colors?: boolean;
  /**
   * Clean the mesh after reading: `true` runs `cleanMesh` with its defaults (exact weld, drop
   * zero-area and duplicate faces), an object passes its options. Default false.
   */
  clean?: boolean | CleanOptions;
}

function checkOptions(options: ParseMeshOptions, op: string): void {
  if (!options || typeof options !== 'object') throw new ValueError(`${op}: options must be an object`);
  for (const k of Object.keys(options)) {
    if (k !== 'normals' && k !== 'colors' && k !== 'clean') throw new ValueError(`${op}: unknown option "${k}"`);
  }
}

/** The synchronous readers (all but glTF). */
function parseSync(bytes: Uint8Array, format: Exclude<MeshFormat, 'gltf' | 'glb'>, keepN: boolean, keepC: boolean, op: string): MeshData {
  switch (format) {
    case 'off':
      return parseOffText(decodeText(bytes), op);
    case 'obj': {
      const text = decodeText(bytes);
      checkObjText(text, op);
      const group = named(() => new OBJLoader().parse(text), op, "three's OBJLoader");
      return meshFromGeometries(sceneGeometries(group), { normals: keepN, colors: keepC }, true, op);
    }
    case 'ply': {
      checkPly(bytes, op);
      const geo = named(() => new PLYLoader().parse(exactBuffer(bytes)), op, "three's PLYLoader");
      return meshFromGeometries([geo], { normals: keepN, colors: keepC }, false, op, false);
    }
    case 'stl': {
      let buf: ArrayBuffer;
      if (stlIsBinary(bytes)) {
        checkStlBinary(bytes, op);
        buf = exactBuffer(bytes);
      } else {
        checkStlText(decodeText(bytes), op);
        // three's STLLoader reads a uint32 at byte 80 even for ASCII: pad short files with spaces
        const padded = new Uint8Array(Math.max(bytes.length, 88)).fill(0x20);
        padded.set(bytes);
        buf = padded.buffer;
      }
      const geo = named(() => new STLLoader().parse(buf), op, "three's STLLoader");
      // facet normals and per-facet colours are not vertex attributes: keep positions only
      geo.deleteAttribute('normal');
      geo.deleteAttribute('color');
      return meshFromGeometries([geo], { normals: false, colors: false }, true, op);
    }
  }
}

async function parseGltf(bytes: Uint8Array, glb: boolean, keepN: boolean, keepC: boolean, op: string): Promise<MeshData> {
  const packed = prepareGltf(bytes, glb, op);
  const scene = await new Promise<Object3D>((resolve, reject) => {
    try {
      new GLTFLoader().parse(packed, '', (gltf) => resolve(gltf.scene), (e) => reject(renamed(e, op, "three's GLTFLoader")));
    } catch (e) {
      reject(renamed(e, op, "three's GLTFLoader"));
    }
  });
  if (!scene) throw renamed(new Error('no scene'), op, "three's GLTFLoader");
  return named(() => meshFromGeometries(sceneGeometries(scene), { normals: keepN, colors: keepC }, false, op), op, 'glTF conversion');
}

/**
 * Parse a mesh file from its bytes (Uint8Array or ArrayBuffer; a string is UTF-8 encoded) in any
 * runtime. `format` is one of `obj`, `ply` (ASCII or binary), `stl` (ASCII or binary), `gltf`
 * (JSON with embedded `data:` buffers), `glb`, `off`. Returns a {@link MeshData} that passes
 * `checkMeshData`. Positions read through three.js pass through Float32 (three's attribute type);
 * OBJ and STL vertices are welded on bit-equal positions (three's loaders de-index them).
 *
 * Throws (as a rejected promise) a FormatError, ParseError, SizeError or IndexError whose message
 * starts with `parseMesh(<format>):` and names the line (text) or byte offset (binary) where it can.
 * @example const mesh = await parseMesh(bytes, 'ply');
 */
export async function parseMesh(data: Uint8Array | ArrayBuffer | string, format: MeshFormat, options: ParseMeshOptions = {}): Promise<MeshData> {
  if (!MESH_FORMATS.includes(format)) throw new ValueError(`parseMesh: unknown format "${String(format).slice(0, 20)}", expected one of ${MESH_FORMATS.join(', ')}`);
  const op = `parseMesh(${format})`;
  checkOptions(options, op);
  const bytes = asBytes(data, op);
  const keepN = options.normals ?? true, keepC = options.colors ?? true;
  let mesh = format === 'gltf' || format === 'glb'
    ? await parseGltf(bytes, format === 'glb', keepN, keepC, op)
    : named(() => parseSync(bytes, format, keepN, keepC, op), op, 'reading');
  checkMeshData(mesh, op);
  if (options.clean) mesh = cleanMesh(mesh, options.clean === true ? {} : options.clean, op).mesh;
  return mesh;
}
