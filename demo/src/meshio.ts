/**
 * Reading the user's mesh in the page: OBJ, PLY (ASCII and binary), STL (ASCII and binary), OFF
 * and glTF / GLB. Errors are erlangen's named errors (`ParseError`, `FormatError`) with the file
 * name and the problem, which the page shows in its error box.
 *
 * erlangen's mesh I/O (`parseMesh` from `erlangen/three`) was not yet on main when the demo was
 * written; this module is the stand-in with the same contract (bytes + format → MeshData) and is
 * meant to be replaced by it. glTF goes through three.js's GLTFLoader (three is the page's renderer).
 * @module
 */
import { FormatError, ParseError, checkMeshData } from '../../src/index.js';
import type { MeshData } from '../../src/index.js';

/** The formats the page reads, by file extension. */
export const MESH_FORMATS = ['obj', 'ply', 'stl', 'off', 'gltf', 'glb'] as const;
/** One of {@link MESH_FORMATS}. */
export type MeshFormat = (typeof MESH_FORMATS)[number];

/** The format of a file name, or a FormatError. */
export function formatOf(name: string): MeshFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (!ext || !(MESH_FORMATS as readonly string[]).includes(ext)) {
    throw new FormatError(`${name}: unsupported mesh format '${ext ?? ''}' (the demo reads ${MESH_FORMATS.join(', ')})`);
  }
  return ext as MeshFormat;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Weld vertices with identical coordinates (STL and glTF store corners, not shared vertices). */
export function weld(positions: ArrayLike<number>, faces: ArrayLike<number>): MeshData {
  const map = new Map<string, number>(), pos: number[] = [], remap = new Int32Array(positions.length / 3);
  for (let v = 0; v < remap.length; v++) {
    const k = `${positions[3 * v]},${positions[3 * v + 1]},${positions[3 * v + 2]}`;
    let id = map.get(k);
    if (id === undefined) {
      id = pos.length / 3;
      map.set(k, id);
      pos.push(positions[3 * v]!, positions[3 * v + 1]!, positions[3 * v + 2]!);
    }
    remap[v] = id;
  }
  const f: number[] = [];
  for (let i = 0; i < faces.length; i += 3) {
    const a = remap[faces[i]!]!, b = remap[faces[i + 1]!]!, c = remap[faces[i + 2]!]!;
    if (a !== b && b !== c && a !== c) f.push(a, b, c);
  }
  return { positions: Float64Array.from(pos), faces: Int32Array.from(f) };
}

function num(s: string | undefined, where: string): number {
  const v = Number(s);
  if (s === undefined || s === '' || !Number.isFinite(v)) throw new ParseError(`${where}: expected a number, got '${s ?? 'end of line'}'`);
  return v;
}

function parseObj(src: string, name: string): MeshData {
  const pos: number[] = [], faces: number[] = [];
  src.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim().split(/\s+/), where = `${name} (OBJ), line ${i + 1}`;
    if (t[0] === 'v') pos.push(num(t[1], where), num(t[2], where), num(t[3], where));
    else if (t[0] === 'f') {
      const V = pos.length / 3;
      const ids = t.slice(1).map((w) => {
        const k = Number.parseInt(w.split('/')[0]!, 10);
        if (!Number.isInteger(k) || k === 0) throw new ParseError(`${where}: bad face index '${w}'`);
        const id = k < 0 ? V + k : k - 1;
        if (id < 0 || id >= V) throw new ParseError(`${where}: face index ${k} outside the ${V} vertices read so far`);
        return id;
      });
      if (ids.length < 3) throw new ParseError(`${where}: a face needs at least 3 vertices`);
      for (let j = 1; j + 1 < ids.length; j++) faces.push(ids[0]!, ids[j]!, ids[j + 1]!);
    }
  });
  return { positions: Float64Array.from(pos), faces: Int32Array.from(faces) };
}

function parseOff(src: string, name: string): MeshData {
  const lines = src.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l);
  if (!/^C?N?OFF/.test(lines[0] ?? '')) throw new ParseError(`${name} (OFF): the file does not start with 'OFF'`);
  let head = lines[0]!.replace(/^C?N?OFF/, '').trim(), li = 1;
  if (!head) head = lines[li++] ?? '';
  const [nv, nf] = head.split(/\s+/).map((s) => num(s, `${name} (OFF), counts`));
  const pos: number[] = [], faces: number[] = [];
  for (let v = 0; v < nv!; v++) {
    const t = (lines[li++] ?? '').split(/\s+/), where = `${name} (OFF), vertex ${v}`;
    pos.push(num(t[0], where), num(t[1], where), num(t[2], where));
  }
  for (let f = 0; f < nf!; f++) {
    const t = (lines[li++] ?? '').split(/\s+/).map((s) => num(s, `${name} (OFF), face ${f}`));
    const n = t[0]!;
    if (n < 3 || t.length < n + 1) throw new ParseError(`${name} (OFF), face ${f}: expected ${n} vertex ids`);
    for (let j = 2; j < n; j++) faces.push(t[1]!, t[j]!, t[j + 1]!);
  }
  return { positions: Float64Array.from(pos), faces: Int32Array.from(faces) };
}

function parseStl(b: Uint8Array, name: string): MeshData {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length >= 84 ? dv.getUint32(80, true) : -1;
  if (n >= 0 && 84 + 50 * n === b.length) {
    const pos = new Float64Array(9 * n);
    for (let t = 0; t < n; t++) for (let k = 0; k < 9; k++) pos[9 * t + k] = dv.getFloat32(84 + 50 * t + 12 + 4 * k, true);
    return weld(pos, Int32Array.from({ length: 3 * n }, (_, i) => i));
  }
  const src = text(b);
  if (!/^\s*solid/.test(src)) throw new ParseError(`${name} (STL): neither binary STL (size ${b.length} ≠ 84 + 50·${n}) nor ASCII STL ('solid' missing)`);
  const pos: number[] = [];
  for (const m of src.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)) pos.push(num(m[1], `${name} (STL)`), num(m[2], `${name} (STL)`), num(m[3], `${name} (STL)`));
  if (pos.length % 9 !== 0) throw new ParseError(`${name} (STL): ${pos.length / 3} vertices do not form triangles`);
  return weld(pos, Int32Array.from({ length: pos.length / 3 }, (_, i) => i));
}

const PLY_TYPES: Record<string, [number, (dv: DataView, o: number, le: boolean) => number]> = {
  char: [1, (d, o) => d.getInt8(o)], int8: [1, (d, o) => d.getInt8(o)], uchar: [1, (d, o) => d.getUint8(o)], uint8: [1, (d, o) => d.getUint8(o)],
  short: [2, (d, o, l) => d.getInt16(o, l)], int16: [2, (d, o, l) => d.getInt16(o, l)], ushort: [2, (d, o, l) => d.getUint16(o, l)], uint16: [2, (d, o, l) => d.getUint16(o, l)],
  int: [4, (d, o, l) => d.getInt32(o, l)], int32: [4, (d, o, l) => d.getInt32(o, l)], uint: [4, (d, o, l) => d.getUint32(o, l)], uint32: [4, (d, o, l) => d.getUint32(o, l)],
  float: [4, (d, o, l) => d.getFloat32(o, l)], float32: [4, (d, o, l) => d.getFloat32(o, l)], double: [8, (d, o, l) => d.getFloat64(o, l)], float64: [8, (d, o, l) => d.getFloat64(o, l)],
};

interface PlyElement { name: string; count: number; props: { name: string; type: string; list?: string }[] }

function parsePly(b: Uint8Array, name: string): MeshData {
  const head = text(b.subarray(0, Math.min(b.length, 4096)));
  const end = head.indexOf('end_header');
  if (!head.startsWith('ply') || end < 0) throw new ParseError(`${name} (PLY): no 'ply' magic or no 'end_header'`);
  const bodyStart = end + 'end_header'.length + (head[end + 10] === '\r' ? 2 : 1);
  let format = '';
  const els: PlyElement[] = [];
  for (const line of head.slice(0, end).split(/\r?\n/)) {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'format') format = t[1] ?? '';
    else if (t[0] === 'element') els.push({ name: t[1]!, count: num(t[2], `${name} (PLY), element ${t[1]}`), props: [] });
    else if (t[0] === 'property') {
      const el = els[els.length - 1];
      if (!el) throw new ParseError(`${name} (PLY): property before any element`);
      if (t[1] === 'list') el.props.push({ name: t[4]!, type: t[3]!, list: t[2]! });
      else el.props.push({ name: t[2]!, type: t[1]! });
    }
  }
  if (!['ascii', 'binary_little_endian', 'binary_big_endian'].includes(format)) throw new ParseError(`${name} (PLY): unknown format '${format}'`);
  const pos: number[] = [], faces: number[] = [];
  const take = (el: PlyElement, row: number[][]) => {
    if (el.name === 'vertex') {
      const ix = ['x', 'y', 'z'].map((c) => el.props.findIndex((p) => p.name === c));
      if (ix.some((i) => i < 0)) throw new ParseError(`${name} (PLY): vertex element without x, y, z`);
      pos.push(row[ix[0]!]![0]!, row[ix[1]!]![0]!, row[ix[2]!]![0]!);
    } else if (el.name === 'face') {
      const ids = row[el.props.findIndex((p) => p.list !== undefined)] ?? [];
      for (let j = 1; j + 1 < ids.length; j++) faces.push(ids[0]!, ids[j]!, ids[j + 1]!);
    }
  };
  if (format === 'ascii') {
    const tokens = text(b.subarray(bodyStart)).trim().split(/\s+/);
    let k = 0;
    const next = (where: string) => num(tokens[k++], where);
    for (const el of els) {
      for (let r = 0; r < el.count; r++) {
        const where = `${name} (PLY), ${el.name} ${r}`;
        take(el, el.props.map((p) => (p.list ? Array.from({ length: next(where) }, () => next(where)) : [next(where)])));
      }
    }
  } else {
    const le = format === 'binary_little_endian', dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let o = bodyStart;
    const read = (type: string, where: string) => {
      const t = PLY_TYPES[type];
      if (!t) throw new ParseError(`${where}: unknown property type '${type}'`);
      if (o + t[0] > b.length) throw new ParseError(`${where}: the file ends early (truncated at byte ${b.length})`);
      const v = t[1](dv, o, le);
      o += t[0];
      return v;
    };
    for (const el of els) {
      for (let r = 0; r < el.count; r++) {
        const where = `${name} (PLY), ${el.name} ${r}`;
        take(el, el.props.map((p) => (p.list ? Array.from({ length: read(p.list, where) }, () => read(p.type, where)) : [read(p.type, where)])));
      }
    }
  }
  return { positions: Float64Array.from(pos), faces: Int32Array.from(faces) };
}

async function parseGltf(b: Uint8Array, name: string): Promise<MeshData> {
  const { GLTFLoader } = await import('three/examples/jsm/loaders/GLTFLoader.js');
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const gltf = await new Promise<{ scene: import('three').Object3D }>((resolve, reject) =>
    new GLTFLoader().parse(buf, '', resolve, (e) => reject(new ParseError(`${name} (glTF): ${String((e as Error)?.message ?? e)}`))),
  );
  const pos: number[] = [], faces: number[] = [];
  gltf.scene.updateMatrixWorld(true);
  gltf.scene.traverse((o) => {
    const m = o as import('three').Mesh;
    if (!m.isMesh) return;
    const g = m.geometry.clone().applyMatrix4(m.matrixWorld), p = g.getAttribute('position'), base = pos.length / 3;
    for (let i = 0; i < p.count; i++) pos.push(p.getX(i), p.getY(i), p.getZ(i));
    const idx = g.getIndex();
    const n = idx ? idx.count : p.count;
    for (let i = 0; i < n; i++) faces.push(base + (idx ? idx.getX(i) : i));
  });
  return weld(pos, faces);
}

/**
 * Parse a mesh file into a normalised {@link MeshData} (centred, unit RMS radius).
 * @throws FormatError (unsupported extension), ParseError (malformed content, naming file and place),
 *   ValueError (no triangles)
 */
export async function readMesh(bytes: Uint8Array, fileName: string): Promise<MeshData> {
  const format = formatOf(fileName);
  let mesh: MeshData;
  if (format === 'obj') mesh = parseObj(text(bytes), fileName);
  else if (format === 'off') mesh = parseOff(text(bytes), fileName);
  else if (format === 'stl') mesh = parseStl(bytes, fileName);
  else if (format === 'ply') mesh = parsePly(bytes, fileName);
  else mesh = await parseGltf(bytes, fileName);
  if (format === 'obj' || format === 'off' || format === 'ply') mesh = weld(mesh.positions, mesh.faces);
  if (mesh.faces.length === 0) throw new ParseError(`${fileName}: no triangles found`);
  checkMeshData(mesh, fileName);
  return normaliseMesh(mesh);
}

/** Centre a mesh at its vertex mean and scale it to unit RMS radius (copies). */
export function normaliseMesh(mesh: MeshData): MeshData {
  const P = mesh.positions, V = P.length / 3, c = [0, 0, 0];
  for (let v = 0; v < V; v++) for (let i = 0; i < 3; i++) c[i]! += P[3 * v + i]! / V;
  let r = 0;
  for (let v = 0; v < V; v++) for (let i = 0; i < 3; i++) r += (P[3 * v + i]! - c[i]!) ** 2;
  r = Math.sqrt(r / V) || 1;
  return { positions: P.map((x, k) => (x - c[k % 3]!) / r), faces: mesh.faces };
}

/** An ASCII PLY file of a mesh (used by the tests to feed the page a user mesh). */
export function writePly(mesh: MeshData): string {
  const V = mesh.positions.length / 3, F = mesh.faces.length / 3, lines = ['ply', 'format ascii 1.0', `element vertex ${V}`, 'property float x', 'property float y', 'property float z', `element face ${F}`, 'property list uchar int vertex_indices', 'end_header'];
  for (let v = 0; v < V; v++) lines.push(`${mesh.positions[3 * v]} ${mesh.positions[3 * v + 1]} ${mesh.positions[3 * v + 2]}`);
  for (let f = 0; f < F; f++) lines.push(`3 ${mesh.faces[3 * f]} ${mesh.faces[3 * f + 1]} ${mesh.faces[3 * f + 2]}`);
  return lines.join('\n') + '\n';
}
