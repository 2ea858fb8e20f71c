/**
 * The OFF reader (three.js has no OFF loader, so this one is hand-written): `OFF`, `COFF`, `NOFF`
 * and `CNOFF` headers, optional counts on the header line, `#` comments, polygons fan-triangulated,
 * vertex colours as floats in [0, 1] or bytes 0–255, read as sRGB and stored linear (as three's loaders do). Every error names the line.
 * @module
 */
import { FormatError, IndexError, ParseError } from '../../util/errors.js';
import type { MeshData } from '../../mesh/index.js';
import { checkCount, num, srgbToLinear, tokenLines, uint } from './common.js';

/**
 * Parse OFF text into a {@link MeshData}. Throws ParseError (bad token), FormatError (bad header,
 * truncated file), SizeError (counts that the file cannot hold) or IndexError (a face naming a
 * missing vertex), each naming `op` and the 1-based line.
 */
export function parseOffText(text: string, op = 'parseMesh(off)'): MeshData {
  const lines = tokenLines(text, true);
  const first = lines[0];
  if (!first) throw new FormatError(`${op}: line 1: empty file, expected an OFF header`);
  const m = /^(C?)(N?)(C?)OFF$/.exec(first.tokens[0]!);
  if (!m || (m[1] && m[3])) throw new FormatError(`${op}: line ${first.line}: expected an OFF header (OFF, COFF, NOFF, CNOFF), got "${first.tokens[0]!.slice(0, 40)}"`);
  const hasColor = !!(m[1] || m[3]), hasNormal = !!m[2];
  let k = 1;
  let countLine = first;
  let counts = first.tokens.slice(1);
  if (counts.length === 0) {
    const l = lines[k++];
    if (!l) throw new FormatError(`${op}: line ${first.line + 1}: missing the vertex/face count line`);
    countLine = l;
    counts = l.tokens;
  }
  const V = uint(counts[0]), F = uint(counts[1]);
  if (V < 0 || F < 0) throw new ParseError(`${op}: line ${countLine.line}: expected "vertices faces [edges]" counts, got "${counts.join(' ').slice(0, 60)}"`);
  const left = lines.length - k;
  checkCount(V, 'vertex', left, `the file has only ${left} more non-empty lines`, op, `line ${countLine.line}`);
  checkCount(F, 'face', left - V, `the file has only ${left - V} lines after the vertices`, op, `line ${countLine.line}`);
  const positions = new Float64Array(3 * V);
  const normals = hasNormal ? new Float64Array(3 * V) : undefined;
  const colors = hasColor ? new Float32Array(3 * V) : undefined;
  const need = 3 + (hasNormal ? 3 : 0) + (hasColor ? 3 : 0);
  for (let v = 0; v < V; v++) {
    const l = lines[k++]!;
    if (l.tokens.length < need) throw new FormatError(`${op}: line ${l.line}: vertex ${v} has ${l.tokens.length} numbers, expected at least ${need}`);
    const vals = l.tokens.slice(0, need + (hasColor ? 1 : 0)).map(num);
    for (let i = 0; i < need; i++) {
      if (!Number.isFinite(vals[i]!)) throw new ParseError(`${op}: line ${l.line}: vertex ${v}: "${l.tokens[i]!.slice(0, 40)}" is not a finite number`);
    }
    positions.set(vals.slice(0, 3), 3 * v);
    if (normals) normals.set(vals.slice(3, 6), 3 * v);
    if (colors) {
      const c = vals.slice(hasNormal ? 6 : 3, hasNormal ? 9 : 6);
      const scale = c.some((x) => x > 1) ? 1 / 255 : 1;
      for (let i = 0; i < 3; i++) {
        const x = c[i]! * scale;
        if (x < 0 || x > 1) throw new ParseError(`${op}: line ${l.line}: vertex ${v}: colour component ${c[i]} outside [0, 1] and [0, 255]`);
        colors[3 * v + i] = srgbToLinear(x);
      }
    }
  }
  const faces: number[] = [];
  for (let f = 0; f < F; f++) {
    const l = lines[k++]!;
    const n = uint(l.tokens[0]);
    if (n < 3) throw new ParseError(`${op}: line ${l.line}: face ${f}: expected a vertex count ≥ 3, got "${(l.tokens[0] ?? '').slice(0, 40)}"`);
    if (l.tokens.length < n + 1) throw new FormatError(`${op}: line ${l.line}: face ${f} declares ${n} vertices but lists ${l.tokens.length - 1}`);
    const ids: number[] = [];
    for (let i = 1; i <= n; i++) {
      const id = uint(l.tokens[i]);
      if (id < 0) throw new ParseError(`${op}: line ${l.line}: face ${f}: "${l.tokens[i]!.slice(0, 40)}" is not a vertex id`);
      if (id >= V) throw new IndexError(`${op}: line ${l.line}: face ${f} uses vertex ${id}, outside [0, ${V})`);
      ids.push(id);
    }
    for (let i = 1; i + 1 < n; i++) faces.push(ids[0]!, ids[i]!, ids[i + 1]!);
  }
  const mesh: MeshData = { positions, faces: Int32Array.from(faces) };
  if (normals) mesh.normals = normals;
  if (colors) mesh.colors = colors;
  return mesh;
}
