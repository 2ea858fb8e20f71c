/**
 * Reading the user's mesh in the page with erlangen's mesh I/O (`parseMesh` from the
 * `erlangen/three` face: OBJ, PLY, STL, glTF / GLB, OFF). Errors are erlangen's named errors
 * (`FormatError`, `ParseError`, `SizeError`, `ValueError`) whose message names the format and the
 * place; the page shows them in its error box.
 * @module
 */
import { FormatError } from '../../src/index.js';
import type { MeshData } from '../../src/index.js';
import { MESH_FORMATS, meshFormatOf, parseMesh } from '../../src/three/index.js';

/** The formats the page reads (erlangen's MESH_FORMATS). */
export { MESH_FORMATS };

/**
 * Parse a mesh file (format from the file name's extension), clean it (exact weld, degenerate and
 * duplicate faces and unreferenced vertices dropped) and normalise it (centred, unit RMS radius).
 * @throws FormatError on an unsupported extension; whatever parseMesh throws on malformed content
 */
export async function readMesh(bytes: Uint8Array, fileName: string): Promise<MeshData> {
  const format = meshFormatOf(fileName);
  if (!format) throw new FormatError(`${fileName}: unsupported mesh format (the demo reads ${MESH_FORMATS.join(', ')})`);
  const mesh = await parseMesh(bytes, format, { normals: false, colors: false, clean: true });
  return normaliseMesh(mesh);
}

/** Centre a mesh at its vertex mean and scale it to unit RMS radius (copies; drops normals and colours). */
export function normaliseMesh(mesh: MeshData): MeshData {
  const P = mesh.positions, V = P.length / 3, c = [0, 0, 0];
  for (let v = 0; v < V; v++) for (let i = 0; i < 3; i++) c[i]! += P[3 * v + i]! / V;
  let r = 0;
  for (let v = 0; v < V; v++) for (let i = 0; i < 3; i++) r += (P[3 * v + i]! - c[i]!) ** 2;
  r = Math.sqrt(r / V) || 1;
  return { positions: P.map((x, k) => (x - c[k % 3]!) / r), faces: mesh.faces };
}
