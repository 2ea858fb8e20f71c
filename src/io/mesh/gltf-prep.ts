/**
 * Pre-validation and repacking of glTF 2.0 (`.gltf` JSON with embedded `data:` buffers, or `.glb`)
 * before three's GLTFLoader parses it. The GLB header and chunk lengths, the JSON, the buffers,
 * buffer views, accessors (bounds, counts), index values, the node tree (no cycles, no shared
 * children) and the scene are checked here; then everything that is not geometry (materials,
 * textures, images, animations, skins, cameras) is dropped and the result is repacked as one GLB
 * whose BIN chunk holds all buffers. GLTFLoader then needs no DOM and no network in Node: it never
 * sees a URI or an image. Errors name the byte offset (GLB) or the JSON position/line.
 * @module
 */
import { FormatError, IndexError, ParseError, SizeError } from '../../util/errors.js';
import { MAX_MESH_ELEMENTS, checkCount } from './common.js';

type Json = Record<string, unknown>;

const COMPONENT: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const WIDTH: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };
const MAGIC_GLTF = 0x46546c67, CHUNK_JSON = 0x4e4f534a, CHUNK_BIN = 0x004e4942;

/** Where the JSON came from, for error positions. */
interface Source {
  /** The JSON text. */
  text: string;
  /** Byte offset of the JSON chunk in a GLB; undefined for .gltf text. */
  jsonOffset?: number;
  /** The GLB BIN chunk and its byte offset. */
  bin?: { bytes: Uint8Array; offset: number };
}

/** Split a GLB into its JSON text and BIN chunk, checking the header and chunk lengths. */
export function splitGlb(bytes: Uint8Array, op: string): Source {
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 20) throw new FormatError(`${op}: byte ${bytes.length}: GLB truncated inside its 12-byte header and first chunk header`);
  if (d.getUint32(0, true) !== MAGIC_GLTF) throw new FormatError(`${op}: byte 0: not a GLB (magic is not "glTF")`);
  const version = d.getUint32(4, true);
  if (version !== 2) throw new FormatError(`${op}: byte 4: GLB version ${version}, only 2 is supported`);
  const length = d.getUint32(8, true);
  if (length > bytes.length) throw new FormatError(`${op}: byte 8: GLB declares ${length} bytes, the file has ${bytes.length}`);
  if (length < 20) throw new FormatError(`${op}: byte 8: GLB declares ${length} bytes, less than its headers`);
  let o = 12;
  let text: string | undefined, jsonOffset = 0;
  let bin: Source['bin'];
  while (o < length) {
    if (o + 8 > length) throw new FormatError(`${op}: byte ${o}: GLB truncated inside a chunk header`);
    const len = d.getUint32(o, true), type = d.getUint32(o + 4, true);
    if (o + 8 + len > length) throw new FormatError(`${op}: byte ${o}: chunk of ${len} bytes runs past the end of the GLB (${length} bytes)`);
    const body = bytes.subarray(o + 8, o + 8 + len);
    if (o === 12) {
      if (type !== CHUNK_JSON) throw new FormatError(`${op}: byte ${o + 4}: the first GLB chunk must be JSON`);
      const dec = new TextDecoder('utf-8', { fatal: true });
      try {
        text = dec.decode(body);
      } catch {
        throw new FormatError(`${op}: byte ${o + 8}: the JSON chunk is not valid UTF-8`);
      }
      jsonOffset = o + 8;
    } else if (type === CHUNK_BIN) {
      if (bin) throw new FormatError(`${op}: byte ${o}: a second BIN chunk`);
      bin = { bytes: body, offset: o + 8 };
    }
    o += 8 + len;
  }
  return { text: text!, jsonOffset, ...(bin ? { bin } : {}) };
}

function parseJson(src: Source, op: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(src.text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const pos = m ? Number(m[1]) : undefined;
    const where = pos === undefined
      ? (src.jsonOffset !== undefined ? `byte ${src.jsonOffset}` : 'line 1')
      : src.jsonOffset !== undefined
        ? `byte ${src.jsonOffset + new TextEncoder().encode(src.text.slice(0, pos)).length}`
        : `line ${src.text.slice(0, pos).split('\n').length}`;
    throw new ParseError(`${op}: ${where}: invalid JSON: ${(e as Error).message.slice(0, 120)}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new FormatError(`${op}: the glTF JSON is not an object`);
  return doc as Json;
}

function decodeDataUri(uri: string, what: string, op: string): Uint8Array {
  const m = /^data:[^,]*;base64,([A-Za-z0-9+/]*={0,2})$/.exec(uri);
  if (!m) {
    if (uri.startsWith('data:')) throw new FormatError(`${op}: ${what}: only base64 data: URIs are supported`);
    throw new FormatError(`${op}: ${what}: external URI "${uri.slice(0, 60)}" — parseMesh reads self-contained files only (embed buffers as data: URIs or use GLB)`);
  }
  const b64 = m[1]!;
  if (b64.length % 4 === 1) throw new FormatError(`${op}: ${what}: malformed base64`);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const isIndex = (v: unknown, n: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n;
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const arr = (doc: Json, key: string, op: string): Json[] => {
  const a = doc[key];
  if (a === undefined) return [];
  if (!Array.isArray(a) || a.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) throw new FormatError(`${op}: glTF "${key}" must be an array of objects`);
  return a as Json[];
};

/**
 * Validate a glTF document (from .gltf text or a GLB) and repack it as a geometry-only GLB
 * (see the module comment).
 */
export function prepareGltf(bytes: Uint8Array, isGlb: boolean, op: string): ArrayBuffer {
  let src: Source;
  if (isGlb) src = splitGlb(bytes, op);
  else {
    try {
      src = { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      throw new FormatError(`${op}: the glTF file is not valid UTF-8 text`);
    }
  }
  const doc = parseJson(src, op);
  const asset = doc.asset as Json | undefined;
  if (!asset || typeof asset !== 'object' || typeof asset.version !== 'string' || !asset.version.startsWith('2.')) {
    throw new FormatError(`${op}: glTF asset.version must be "2.x"`);
  }
  const required = doc.extensionsRequired;
  if (required !== undefined && (!Array.isArray(required) || required.length > 0)) {
    throw new FormatError(`${op}: glTF requires extensions ${JSON.stringify(required).slice(0, 80)}, which parseMesh does not support`);
  }
  // buffers → one BIN, each buffer 4-aligned
  const buffers = arr(doc, 'buffers', op);
  const parts: Uint8Array[] = [];
  const base: number[] = [];
  const fileBase: (number | undefined)[] = [];
  let total = 0;
  buffers.forEach((b, i) => {
    if (!isUint(b.byteLength)) throw new FormatError(`${op}: buffers[${i}].byteLength must be a non-negative integer`);
    let data: Uint8Array;
    if (b.uri === undefined) {
      if (i !== 0 || !src.bin) throw new FormatError(`${op}: buffers[${i}] has no uri and is not the GLB BIN chunk`);
      data = src.bin.bytes;
      fileBase[i] = src.bin.offset;
    } else if (typeof b.uri === 'string') data = decodeDataUri(b.uri, `buffers[${i}]`, op);
    else throw new FormatError(`${op}: buffers[${i}].uri must be a string`);
    if (data.length < b.byteLength) throw new FormatError(`${op}: buffers[${i}] declares ${b.byteLength} bytes, holds ${data.length}`);
    base.push(total);
    parts.push(data.subarray(0, b.byteLength));
    total += (b.byteLength + 3) & ~3;
  });
  const bin = new Uint8Array(total);
  parts.forEach((p, i) => bin.set(p, base[i]!));
  const where = (buffer: number, off: number): string =>
    fileBase[buffer] !== undefined ? `byte ${fileBase[buffer]! + off}` : `buffers[${buffer}] byte ${off}`;
  // buffer views
  const views = arr(doc, 'bufferViews', op).map((v, i) => {
    if (!isIndex(v.buffer, buffers.length)) throw new IndexError(`${op}: bufferViews[${i}].buffer ${String(v.buffer)} is not a buffer`);
    const off = v.byteOffset ?? 0;
    if (!isUint(off) || !isUint(v.byteLength)) throw new FormatError(`${op}: bufferViews[${i}] byteOffset/byteLength must be non-negative integers`);
    if (off + v.byteLength > (buffers[v.buffer]!.byteLength as number)) throw new FormatError(`${op}: bufferViews[${i}] (${off} + ${v.byteLength} bytes) runs past buffers[${v.buffer}] (${String(buffers[v.buffer]!.byteLength)} bytes)`);
    if (v.byteStride !== undefined && (!isUint(v.byteStride) || v.byteStride < 4 || v.byteStride > 252 || v.byteStride % 4 !== 0)) throw new FormatError(`${op}: bufferViews[${i}].byteStride must be a multiple of 4 in [4, 252]`);
    return { buffer: v.buffer, off, len: v.byteLength, stride: v.byteStride as number | undefined };
  });
  // accessors
  const accessors = arr(doc, 'accessors', op).map((a, i) => {
    const comp = COMPONENT[a.componentType as number];
    const width = WIDTH[a.type as string];
    if (!comp) throw new FormatError(`${op}: accessors[${i}].componentType ${String(a.componentType)} is not a glTF component type`);
    if (!width) throw new FormatError(`${op}: accessors[${i}].type ${String(a.type).slice(0, 20)} is not a glTF accessor type`);
    if (!isUint(a.count) || a.count < 1) throw new FormatError(`${op}: accessors[${i}].count must be an integer ≥ 1`);
    checkCount(a.count, 'element', MAX_MESH_ELEMENTS, '', op, `accessors[${i}]`);
    if (a.sparse !== undefined) throw new FormatError(`${op}: accessors[${i}] is sparse; parseMesh does not read sparse accessors`);
    const elem = comp * width;
    if (a.bufferView === undefined) {
      if (a.count * elem > 1 << 26) throw new SizeError(`${op}: accessors[${i}] without a bufferView would allocate ${a.count * elem} bytes of zeros`);
      return { count: a.count, comp, width, view: undefined, off: 0, stride: elem, type: a.componentType as number };
    }
    if (!isIndex(a.bufferView, views.length)) throw new IndexError(`${op}: accessors[${i}].bufferView ${String(a.bufferView)} is not a buffer view`);
    const view = views[a.bufferView]!;
    const off = a.byteOffset ?? 0;
    if (!isUint(off) || off % comp !== 0) throw new FormatError(`${op}: accessors[${i}].byteOffset must be a non-negative multiple of ${comp}`);
    if ((view.off + off) % comp !== 0) throw new FormatError(`${op}: accessors[${i}] data is not aligned to ${comp} bytes`);
    const stride = view.stride ?? elem;
    const need = off + stride * (a.count - 1) + elem;
    if (need > view.len) throw new FormatError(`${op}: ${where(view.buffer, view.off + off)}: accessors[${i}] needs ${need} bytes of bufferViews[${a.bufferView}], which has ${view.len}`);
    return { count: a.count, comp, width, view, off, stride, type: a.componentType as number };
  });
  // POSITION bounds, computed from the data (three warns without them and trusts them for culling)
  const bounds = new Map<number, { min: number[]; max: number[] }>();
  const positionBounds = (a: (typeof accessors)[number]): { min: number[]; max: number[] } => {
    const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    if (!a.view) return { min: [0, 0, 0], max: [0, 0, 0] };
    const dv = new DataView(bin.buffer, base[a.view.buffer]! + a.view.off + a.off);
    for (let k = 0; k < a.count; k++) {
      for (let c = 0; c < 3; c++) {
        const x = dv.getFloat32(k * a.stride + 4 * c, true);
        if (!Number.isFinite(x)) throw new FormatError(`${op}: ${where(a.view.buffer, a.view.off + a.off + k * a.stride + 4 * c)}: a POSITION value is not finite`);
        if (x < min[c]!) min[c] = x;
        if (x > max[c]!) max[c] = x;
      }
    }
    return { min, max };
  };
  // meshes: keep triangle primitives with their POSITION / NORMAL / COLOR_0 and indices
  const meshes = arr(doc, 'meshes', op).map((m, i) => {
    const prims = m.primitives;
    if (!Array.isArray(prims) || prims.length === 0) throw new FormatError(`${op}: meshes[${i}].primitives must be a non-empty array`);
    const kept: Json[] = [];
    prims.forEach((p: Json, j: number) => {
      const at = `meshes[${i}].primitives[${j}]`;
      if (!p || typeof p !== 'object') throw new FormatError(`${op}: ${at} is not an object`);
      const mode = p.mode ?? 4;
      if (!isUint(mode) || mode > 6) throw new FormatError(`${op}: ${at}.mode ${String(mode)} is not a glTF primitive mode`);
      if (mode < 4) return; // points and lines carry no triangles
      const attrs = p.attributes as Json | undefined;
      if (!attrs || typeof attrs !== 'object') throw new FormatError(`${op}: ${at}.attributes missing`);
      const out: Json = {};
      for (const name of ['POSITION', 'NORMAL', 'COLOR_0']) {
        const id = attrs[name];
        if (id === undefined) continue;
        if (!isIndex(id, accessors.length)) throw new IndexError(`${op}: ${at}.attributes.${name} ${String(id)} is not an accessor`);
        const a = accessors[id]!;
        const ok = name === 'COLOR_0' ? (a.width === 3 || a.width === 4) && (a.type === 5126 || a.type === 5121 || a.type === 5123) : a.width === 3 && a.type === 5126;
        if (!ok) throw new FormatError(`${op}: ${at}.attributes.${name}: accessors[${id}] has the wrong type for ${name}`);
        out[name] = id;
      }
      if (out.POSITION === undefined) throw new FormatError(`${op}: ${at} has no POSITION`);
      bounds.set(out.POSITION as number, positionBounds(accessors[out.POSITION as number]!));
      const nv = accessors[out.POSITION as number]!.count;
      for (const name of ['NORMAL', 'COLOR_0']) {
        if (out[name] !== undefined && accessors[out[name] as number]!.count !== nv) throw new FormatError(`${op}: ${at}.attributes.${name} has a different count than POSITION`);
      }
      const prim: Json = { attributes: out, mode };
      if (p.indices !== undefined) {
        if (!isIndex(p.indices, accessors.length)) throw new IndexError(`${op}: ${at}.indices ${String(p.indices)} is not an accessor`);
        const a = accessors[p.indices]!;
        if (a.width !== 1 || (a.type !== 5121 && a.type !== 5123 && a.type !== 5125)) throw new FormatError(`${op}: ${at}.indices must be an unsigned integer SCALAR accessor`);
        if (a.view) {
          const dv = new DataView(bin.buffer, base[a.view.buffer]! + a.view.off + a.off);
          for (let k = 0; k < a.count; k++) {
            const o = k * a.stride;
            const v = a.comp === 1 ? dv.getUint8(o) : a.comp === 2 ? dv.getUint16(o, true) : dv.getUint32(o, true);
            if (v >= nv) throw new IndexError(`${op}: ${where(a.view.buffer, a.view.off + a.off + o)}: ${at} index ${k} is ${v}, outside [0, ${nv})`);
          }
        }
        prim.indices = p.indices;
      }
      const corners = p.indices !== undefined ? accessors[p.indices as number]!.count : nv;
      if (mode === 4 ? corners % 3 !== 0 : corners < 3) throw new FormatError(`${op}: ${at}: ${corners} ${p.indices !== undefined ? 'indices' : 'vertices'} do not make ${mode === 4 ? 'whole triangles' : 'a strip or fan'}`);
      kept.push(prim);
    });
    return { primitives: kept };
  });
  // nodes: a forest (no cycles, no node with two parents), mesh ids in range
  const nodes = arr(doc, 'nodes', op);
  const parent = new Int32Array(nodes.length).fill(-1);
  const outNodes = nodes.map((n, i) => {
    const o: Json = {};
    if (n.mesh !== undefined) {
      if (!isIndex(n.mesh, meshes.length)) throw new IndexError(`${op}: nodes[${i}].mesh ${String(n.mesh)} is not a mesh`);
      o.mesh = n.mesh;
    }
    if (n.children !== undefined) {
      if (!Array.isArray(n.children)) throw new FormatError(`${op}: nodes[${i}].children must be an array`);
      for (const c of n.children) {
        if (!isIndex(c, nodes.length)) throw new IndexError(`${op}: nodes[${i}].children has ${String(c)}, not a node`);
        if (parent[c] !== -1 || c === i) throw new FormatError(`${op}: node ${c} has two parents or is its own child`);
        parent[c] = i;
      }
      o.children = n.children;
    }
    for (const [k, len] of [['matrix', 16], ['translation', 3], ['rotation', 4], ['scale', 3]] as const) {
      const v = n[k];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.length !== len || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new FormatError(`${op}: nodes[${i}].${k} must be ${len} finite numbers`);
      o[k] = v;
    }
    return o;
  });
  // each node has at most one parent, so a node is in (or below) a cycle iff no root reaches it
  const seen = new Uint8Array(nodes.length);
  const stack: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (parent[i] === -1) stack.push(i);
  while (stack.length) {
    const i = stack.pop()!;
    seen[i] = 1;
    for (const c of (outNodes[i]!.children as number[] | undefined) ?? []) stack.push(c);
  }
  const cyc = seen.indexOf(0);
  if (cyc >= 0) throw new FormatError(`${op}: the node hierarchy has a cycle through node ${cyc}`);
  const scenes = arr(doc, 'scenes', op).map((s, i) => {
    const list = s.nodes ?? [];
    if (!Array.isArray(list) || list.some((n) => !isIndex(n, nodes.length))) throw new IndexError(`${op}: scenes[${i}].nodes must list existing nodes`);
    if (new Set(list).size !== list.length || list.some((n) => parent[n] !== -1)) throw new FormatError(`${op}: scenes[${i}].nodes must be distinct root nodes`);
    return { nodes: list };
  });
  if (scenes.length === 0) throw new FormatError(`${op}: the glTF has no scene`);
  const scene = doc.scene ?? 0;
  if (!isIndex(scene, scenes.length)) throw new IndexError(`${op}: scene ${String(doc.scene)} is not a scene`);
  const out: Json = {
    asset: { version: '2.0' },
    scene,
    scenes,
    nodes: outNodes,
    meshes,
    accessors: arr(doc, 'accessors', op).map((a, i) => {
      const o: Json = { componentType: a.componentType, count: a.count, type: a.type };
      if (a.bufferView !== undefined) o.bufferView = a.bufferView;
      if (a.byteOffset !== undefined) o.byteOffset = a.byteOffset;
      if (a.normalized !== undefined) o.normalized = a.normalized === true;
      const b = bounds.get(i);
      if (b) {
        o.min = b.min;
        o.max = b.max;
      }
      return o;
    }),
    bufferViews: views.map((v) => ({ buffer: 0, byteOffset: base[v.buffer]! + v.off, byteLength: v.len, ...(v.stride ? { byteStride: v.stride } : {}) })),
    buffers: [{ byteLength: total }],
  };
  if (total === 0) delete out.buffers;
  return packGlb(out, bin);
}

/** Pack a glTF JSON object and a BIN chunk as GLB bytes. */
export function packGlb(json: unknown, bin: Uint8Array): ArrayBuffer {
  const js = new TextEncoder().encode(JSON.stringify(json));
  const jl = (js.length + 3) & ~3;
  const bl = (bin.length + 3) & ~3;
  const totalLen = 12 + 8 + jl + (bl ? 8 + bl : 0);
  const outBuf = new ArrayBuffer(totalLen);
  const o = new Uint8Array(outBuf);
  const d = new DataView(outBuf);
  d.setUint32(0, MAGIC_GLTF, true);
  d.setUint32(4, 2, true);
  d.setUint32(8, totalLen, true);
  d.setUint32(12, jl, true);
  d.setUint32(16, CHUNK_JSON, true);
  o.fill(0x20, 20, 20 + jl);
  o.set(js, 20);
  if (bl) {
    d.setUint32(20 + jl, bl, true);
    d.setUint32(24 + jl, CHUNK_BIN, true);
    o.set(bin, 28 + jl);
  }
  return outBuf;
}
