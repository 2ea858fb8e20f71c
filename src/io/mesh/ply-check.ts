/**
 * Pre-validation of PLY files before three's PLYLoader parses them: the header is parsed here (so
 * a bad header names its line and a huge declared count gives a SizeError before anything is
 * allocated), then the body is walked once — token by token (ASCII) or byte by byte (binary) — to
 * check that every element is complete, that positions are finite, that faces have 3 or 4
 * vertices (PLYLoader silently drops larger polygons) and that face ids name existing vertices.
 * Errors name the line (header, ASCII body) or the byte offset (binary body).
 * @module
 */
import { FormatError, IndexError, ParseError } from '../../util/errors.js';
import { checkCount, num, uint } from './common.js';

/** A PLY scalar type name and its size in bytes. */
const TYPES: Record<string, { size: number; int: boolean; get: (d: DataView, o: number, le: boolean) => number }> = {
  char: { size: 1, int: true, get: (d, o) => d.getInt8(o) }, int8: { size: 1, int: true, get: (d, o) => d.getInt8(o) },
  uchar: { size: 1, int: true, get: (d, o) => d.getUint8(o) }, uint8: { size: 1, int: true, get: (d, o) => d.getUint8(o) },
  short: { size: 2, int: true, get: (d, o, le) => d.getInt16(o, le) }, int16: { size: 2, int: true, get: (d, o, le) => d.getInt16(o, le) },
  ushort: { size: 2, int: true, get: (d, o, le) => d.getUint16(o, le) }, uint16: { size: 2, int: true, get: (d, o, le) => d.getUint16(o, le) },
  int: { size: 4, int: true, get: (d, o, le) => d.getInt32(o, le) }, int32: { size: 4, int: true, get: (d, o, le) => d.getInt32(o, le) },
  uint: { size: 4, int: true, get: (d, o, le) => d.getUint32(o, le) }, uint32: { size: 4, int: true, get: (d, o, le) => d.getUint32(o, le) },
  float: { size: 4, int: false, get: (d, o, le) => d.getFloat32(o, le) }, float32: { size: 4, int: false, get: (d, o, le) => d.getFloat32(o, le) },
  double: { size: 8, int: false, get: (d, o, le) => d.getFloat64(o, le) }, float64: { size: 8, int: false, get: (d, o, le) => d.getFloat64(o, le) },
};

/** One property of a PLY element. */
export interface PlyProperty {
  /** Property name. */
  name: string;
  /** Scalar type, or the item type of a list. */
  type: string;
  /** Count type of a list property; undefined for scalars. */
  countType?: string;
}

/** One element of a PLY header. */
export interface PlyElement {
  /** Element name (`vertex`, `face`, …). */
  name: string;
  /** Declared instance count. */
  count: number;
  /** Properties in file order. */
  properties: PlyProperty[];
}

/** A validated PLY header. */
export interface PlyHeader {
  /** Storage format. */
  format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  /** Elements in file order. */
  elements: PlyElement[];
  /** Byte offset where the body starts (as three's PLYLoader computes it). */
  bodyOffset: number;
  /** Number of header lines (the body's first line is `headerLines + 1`). */
  headerLines: number;
}

/** Parse and check a PLY header (see the module comment). */
export function checkPlyHeader(bytes: Uint8Array, op: string): PlyHeader {
  // the header ends at the first line "end_header"; find it the way three's PLYLoader does
  const lines: string[] = [];
  let i = 0, line = '', done = false;
  const limit = Math.min(bytes.length, 1 << 20);
  while (!done && i < limit) {
    const c = bytes[i++]!;
    if (c !== 10 && c !== 13) line += String.fromCharCode(c);
    else {
      lines.push(line);
      if (line === 'end_header') done = true;
      line = '';
    }
  }
  if (!done) {
    throw new FormatError(`${op}: byte ${i}: no "end_header" line ${i >= 1 << 20 ? 'in the first MiB' : 'before the end of the file'}`);
  }
  // three skips one more byte when the file starts with "ply\r\n"
  const crlf = bytes[3] === 13 && bytes[4] === 10;
  const bodyOffset = i + (crlf ? 1 : 0);
  const nonEmpty = lines.map((l, k) => ({ l: l.trim(), n: k + 1 })).filter((x) => x.l !== '');
  // line numbers: count LF/CR pairs as one line when the file uses CRLF
  const lineNo = (k: number): number => (crlf ? Math.ceil(k / 2) : k);
  if (nonEmpty[0]?.l !== 'ply' || lines[0] !== 'ply') throw new FormatError(`${op}: line 1: expected the magic line "ply"`);
  let format: PlyHeader['format'] | undefined;
  const elements: PlyElement[] = [];
  for (const { l, n } of nonEmpty.slice(1)) {
    const t = l.split(/\s+/);
    const at = `line ${lineNo(n)}`;
    // three's ASCII reader starts the body after the first "end_header" anywhere in the text
    if (n !== lines.length && l.includes('end_header')) throw new FormatError(`${op}: ${at}: "end_header" inside another header line`);
    switch (t[0]) {
      case 'format':
        if (format) throw new FormatError(`${op}: ${at}: a second "format" line`);
        if (t[1] !== 'ascii' && t[1] !== 'binary_little_endian' && t[1] !== 'binary_big_endian') {
          throw new FormatError(`${op}: ${at}: unknown format "${(t[1] ?? '').slice(0, 40)}"`);
        }
        if (t[2] !== '1.0') throw new FormatError(`${op}: ${at}: unsupported PLY version "${(t[2] ?? '').slice(0, 20)}" (expected 1.0)`);
        format = t[1];
        break;
      case 'comment':
      case 'obj_info':
        break;
      case 'element': {
        const count = uint(t[2]);
        if (t.length !== 3 || !t[1] || count < 0) throw new ParseError(`${op}: ${at}: expected "element <name> <count>"`);
        if (elements.some((e) => e.name === t[1])) throw new FormatError(`${op}: ${at}: element "${t[1].slice(0, 40)}" declared twice`);
        elements.push({ name: t[1], count, properties: [] });
        break;
      }
      case 'property': {
        const el = elements[elements.length - 1];
        if (!el) throw new FormatError(`${op}: ${at}: "property" before any "element"`);
        let p: PlyProperty;
        if (t[1] === 'list') {
          if (t.length !== 5) throw new ParseError(`${op}: ${at}: expected "property list <count type> <item type> <name>"`);
          p = { name: t[4]!, type: t[3]!, countType: t[2]! };
          const ct = TYPES[p.countType!];
          if (!ct || !ct.int) throw new FormatError(`${op}: ${at}: list count type "${p.countType!.slice(0, 20)}" is not an integer type`);
        } else {
          if (t.length !== 3) throw new ParseError(`${op}: ${at}: expected "property <type> <name>"`);
          p = { name: t[2]!, type: t[1]! };
        }
        if (!Object.hasOwn(TYPES, p.type)) throw new FormatError(`${op}: ${at}: unknown property type "${p.type.slice(0, 20)}"`);
        if (el.properties.some((q) => q.name === p.name)) throw new FormatError(`${op}: ${at}: property "${p.name.slice(0, 40)}" declared twice`);
        el.properties.push(p);
        break;
      }
      case 'end_header':
        break;
      default:
        throw new FormatError(`${op}: ${at}: unknown header keyword "${(t[0] ?? '').slice(0, 40)}"`);
    }
  }
  if (!format) throw new FormatError(`${op}: line 2: missing the "format" line`);
  for (const el of elements) {
    if (el.properties.length === 0) throw new FormatError(`${op}: header: element "${el.name.slice(0, 40)}" has no properties`);
  }
  const vertex = elements.find((e) => e.name === 'vertex');
  if (!vertex) throw new FormatError(`${op}: header: no "vertex" element`);
  for (const c of ['x', 'y', 'z']) {
    const p = vertex.properties.find((q) => q.name === c);
    if (!p || p.countType) throw new FormatError(`${op}: header: the vertex element has no scalar property "${c}"`);
  }
  const face = elements.find((e) => e.name === 'face');
  if (face && !face.properties.some((q) => (q.name === 'vertex_indices' || q.name === 'vertex_index') && q.countType)) {
    throw new FormatError(`${op}: header: the face element has no list property "vertex_indices"`);
  }
  return { format, elements, bodyOffset, headerLines: lineNo(lines.length) };
}

/** The property of `face` that PLYLoader reads as the polygon (vertex_indices before vertex_index). */
function faceListName(el: PlyElement): string {
  return el.properties.some((q) => q.name === 'vertex_indices' && q.countType) ? 'vertex_indices' : 'vertex_index';
}

/** Walk the body of a PLY file (see the module comment). Returns the header. */
export function checkPly(bytes: Uint8Array, op: string): PlyHeader {
  const h = checkPlyHeader(bytes, op);
  const V = h.elements.find((e) => e.name === 'vertex')!.count;
  if (h.format === 'ascii') checkAsciiBody(bytes, h, V, op);
  else checkBinaryBody(bytes, h, V, op);
  return h;
}

function checkBinaryBody(bytes: Uint8Array, h: PlyHeader, V: number, op: string): void {
  const le = h.format === 'binary_little_endian';
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = h.bodyOffset;
  for (const el of h.elements) {
    const min = el.properties.reduce((s, p) => s + TYPES[p.countType ?? p.type]!.size, 0);
    const left = bytes.length - o;
    checkCount(el.count, `"${el.name.slice(0, 40)}"`, Math.floor(left / min), `each needs at least ${min} bytes and only ${left} remain (byte ${o})`, op, `header, element "${el.name.slice(0, 40)}"`);
    const isVertex = el.name === 'vertex', isFace = el.name === 'face';
    const polygon = isFace ? faceListName(el) : '';
    for (let k = 0; k < el.count; k++) {
      for (const p of el.properties) {
        if (p.countType) {
          const ct = TYPES[p.countType]!, it = TYPES[p.type]!;
          if (o + ct.size > bytes.length) throw new FormatError(`${op}: byte ${o}: file ends inside ${el.name} ${k} (list count of "${p.name}")`);
          const n = ct.get(d, o, le);
          if (n < 0) throw new FormatError(`${op}: byte ${o}: ${el.name} ${k}: negative list length ${n}`);
          const isPoly = p.name === polygon;
          if (isPoly && n !== 3 && n !== 4) throw new FormatError(`${op}: byte ${o}: face ${k} has ${n} vertices; three's PLYLoader reads only triangles and quads`);
          o += ct.size;
          if (o + n * it.size > bytes.length) throw new FormatError(`${op}: byte ${o}: file ends inside ${el.name} ${k} (list "${p.name}" of ${n} items)`);
          if (isPoly) {
            for (let j = 0; j < n; j++) {
              const id = it.get(d, o + j * it.size, le);
              if (!Number.isInteger(id) || id < 0 || id >= V) throw new IndexError(`${op}: byte ${o + j * it.size}: face ${k} uses vertex ${id}, outside [0, ${V})`);
            }
          }
          o += n * it.size;
        } else {
          const t = TYPES[p.type]!;
          if (o + t.size > bytes.length) throw new FormatError(`${op}: byte ${o}: file ends inside ${el.name} ${k} (property "${p.name}")`);
          if (isVertex && (p.name === 'x' || p.name === 'y' || p.name === 'z') && !Number.isFinite(t.get(d, o, le))) {
            throw new FormatError(`${op}: byte ${o}: vertex ${k} has a non-finite coordinate ${p.name}`);
          }
          o += t.size;
        }
      }
    }
  }
}

function checkAsciiBody(bytes: Uint8Array, h: PlyHeader, V: number, op: string): void {
  // three's PLYLoader reads the ASCII body as one whitespace-separated token stream
  const text = new TextDecoder('utf-8').decode(bytes.subarray(h.bodyOffset));
  const toks: string[] = [];
  const lineOf: number[] = [];
  let lineNo = h.headerLines + 1;
  const re = /\r\n|\r|\n|[^\s]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m[0];
    if (s === '\n' || s === '\r' || s === '\r\n') lineNo++;
    else {
      toks.push(s);
      lineOf.push(lineNo);
    }
  }
  let t = 0;
  const at = (): string => `line ${lineOf[Math.min(t, lineOf.length - 1)] ?? lineNo}`;
  for (const el of h.elements) {
    const min = el.properties.length;
    const left = toks.length - t;
    checkCount(el.count, `"${el.name.slice(0, 40)}"`, Math.floor(left / min), `each needs at least ${min} values and only ${left} remain`, op, `header, element "${el.name.slice(0, 40)}"`);
    const isVertex = el.name === 'vertex', isFace = el.name === 'face';
    const polygon = isFace ? faceListName(el) : '';
    const value = (type: string, what: string, k: number): number => {
      if (t >= toks.length) throw new FormatError(`${op}: ${at()}: file ends inside ${el.name} ${k} (${what})`);
      const tok = toks[t]!;
      const v = TYPES[type]!.int ? (/^[+-]?\d+$/.test(tok) ? Number(tok) : NaN) : num(tok);
      if (Number.isNaN(v) && !/^[+-]?(?:nan|inf(?:inity)?)$/i.test(tok)) throw new ParseError(`${op}: ${at()}: ${el.name} ${k} (${what}): "${tok.slice(0, 40)}" is not a ${type}`);
      t++;
      return v;
    };
    for (let k = 0; k < el.count; k++) {
      for (const p of el.properties) {
        if (p.countType) {
          const n = value(p.countType, `list count of "${p.name}"`, k);
          if (!(n >= 0)) throw new FormatError(`${op}: ${at()}: ${el.name} ${k}: bad list length ${n}`);
          const isPoly = p.name === polygon;
          if (isPoly && n !== 3 && n !== 4) throw new FormatError(`${op}: ${at()}: face ${k} has ${n} vertices; three's PLYLoader reads only triangles and quads`);
          if (n > toks.length - t) throw new FormatError(`${op}: ${at()}: file ends inside ${el.name} ${k} (list "${p.name}" of ${n} items)`);
          for (let j = 0; j < n; j++) {
            const line = at();
            const id = value(p.type, `item ${j} of "${p.name}"`, k);
            if (isPoly && (!Number.isInteger(id) || id < 0 || id >= V)) throw new IndexError(`${op}: ${line}: face ${k} uses vertex ${id}, outside [0, ${V})`);
          }
        } else {
          const line = at();
          const v = value(p.type, `property "${p.name}"`, k);
          if (isVertex && (p.name === 'x' || p.name === 'y' || p.name === 'z') && !Number.isFinite(v)) {
            throw new FormatError(`${op}: ${line}: vertex ${k} has a non-finite coordinate ${p.name}`);
          }
        }
      }
    }
  }
}
