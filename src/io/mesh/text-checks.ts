/**
 * Pre-validation of the text formats read through three.js (OBJ, ASCII STL): the lines are walked
 * the way three's loaders walk them, so that anything the loader would misread (a missing number,
 * a face naming a vertex that does not exist yet, an unknown keyword it would only warn about)
 * becomes a named error with its line before the loader runs.
 * @module
 */
import { FormatError, IndexError, ParseError } from '../../util/errors.js';
import { num } from './common.js';

/** Check OBJ text (see the module comment); throws the first problem with its line. */
export function checkObjText(text: string, op: string): void {
  const raw = text.replace(/\r\n/g, '\n').split('\n');
  let nv = 0, nn = 0, nt = 0;
  let coloured: boolean | undefined, withNormals: boolean | undefined;
  const ref = (tok: string, count: number, what: string, line: number): void => {
    if (tok === '') return;
    if (!/^[+-]?\d+$/.test(tok)) throw new ParseError(`${op}: line ${line}: "${tok.slice(0, 40)}" is not a ${what} index`);
    const i = Number(tok);
    const r = i >= 0 ? i - 1 : i + count;
    if (i === 0 || r < 0 || r >= count) throw new IndexError(`${op}: line ${line}: ${what} index ${tok.slice(0, 20)} refers outside the ${count} ${what}s defined so far`);
  };
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let s = raw[i]!;
    while (s.endsWith('\\') && i + 1 < raw.length) s = s.slice(0, -1) + raw[++i]!; // three joins "\\\n"
    const line = s.trimStart();
    if (line.length === 0 || line[0] === '#' || line === '\0') continue;
    const data = line.split(/\s+/);
    const kw = data[0]!;
    const numbers = (from: number, n: number, what: string): void => {
      for (let k = from; k < from + n; k++) {
        if (!Number.isFinite(num(data[k]))) throw new ParseError(`${op}: line ${lineNo}: ${what}: "${(data[k] ?? '').slice(0, 40)}" is not a finite number`);
      }
    };
    switch (line[0]) {
      case 'v':
        if (kw === 'v') {
          numbers(1, 3, `vertex ${nv + 1}`);
          const c = data.length >= 7;
          if (c) {
            numbers(4, 3, `colour of vertex ${nv + 1}`);
            for (let k = 4; k < 7; k++) {
              const x = num(data[k]);
              if (x < 0 || x > 1) throw new ParseError(`${op}: line ${lineNo}: colour of vertex ${nv + 1}: ${data[k]!.slice(0, 40)} is outside [0, 1]`);
            }
          }
          // three's OBJLoader gives uncoloured vertices NaN colours when others have colours
          if (coloured !== undefined && c !== coloured) throw new FormatError(`${op}: line ${lineNo}: vertex ${nv + 1} ${c ? 'has' : 'lacks'} a colour, unlike vertex 1`);
          coloured = c;
          nv++;
        } else if (kw === 'vn') {
          numbers(1, 3, `normal ${nn + 1}`);
          nn++;
        } else if (kw === 'vt') {
          numbers(1, 2, `texture coordinate ${nt + 1}`);
          nt++;
        } else if (kw !== 'vp') throw new FormatError(`${op}: line ${lineNo}: unknown keyword "${kw.slice(0, 40)}"`);
        break;
      case 'f':
      case 'l':
      case 'p': {
        if (kw !== 'f' && kw !== 'l' && kw !== 'p') throw new FormatError(`${op}: line ${lineNo}: unknown keyword "${kw.slice(0, 40)}"`);
        const corners = line.slice(1).trim().split(/\s+/).filter((t) => t.length > 0);
        const min = kw === 'f' ? 3 : kw === 'l' ? 2 : 1;
        if (corners.length < min) throw new FormatError(`${op}: line ${lineNo}: "${kw}" needs at least ${min} vertices, got ${corners.length}`);
        for (const c of corners) {
          const parts = c.split('/');
          if (parts.length > 3 || parts[0] === '') throw new ParseError(`${op}: line ${lineNo}: bad vertex reference "${c.slice(0, 40)}"`);
          ref(parts[0]!, nv, 'vertex', lineNo);
          if (kw === 'f') {
            if (parts[1] !== undefined) ref(parts[1], nt, 'texture coordinate', lineNo);
            if (parts[2] !== undefined) ref(parts[2], nn, 'normal', lineNo);
            // three's OBJLoader fills missing normals with NaN when other corners have them
            const n = parts[2] !== undefined && parts[2] !== '';
            if (withNormals !== undefined && n !== withNormals) throw new FormatError(`${op}: line ${lineNo}: corner "${c.slice(0, 40)}" ${n ? 'has' : 'lacks'} a normal, unlike the first face corner`);
            withNormals = n;
          }
        }
        break;
      }
      case 'o':
      case 'g':
      case 's':
        if (kw !== line[0]) throw new FormatError(`${op}: line ${lineNo}: unknown keyword "${kw.slice(0, 40)}"`);
        break;
      default:
        if (kw !== 'usemtl' && kw !== 'mtllib') throw new FormatError(`${op}: line ${lineNo}: unknown keyword "${kw.slice(0, 40)}"`);
    }
  }
}

const STL_WORDS = /solid|facet|vertex|normal|loop/i;

/** Check ASCII STL text line by line: solid / facet normal / outer loop / 3 × vertex / endloop / endfacet / endsolid. */
export function checkStlText(text: string, op: string): void {
  const raw = text.split(/\r\n|\r|\n/);
  type State = 'top' | 'solid' | 'facet' | 'loop' | 'endloop' | 'endfacet';
  let state: State = 'top';
  let verts = 0, solids = 0, lastLine = 1;
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let s = raw[i]!;
    if (i === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    const t = s.trim().split(/\s+/).filter((x) => x.length > 0);
    if (t.length === 0) continue;
    lastLine = lineNo;
    const bad = (want: string): never => {
      throw new FormatError(`${op}: line ${lineNo}: expected ${want}, got "${s.trim().slice(0, 40)}"`);
    };
    const nums = (from: number, what: string): void => {
      if (t.length !== from + 3) bad(`"${t.slice(0, from).join(' ')}" and 3 numbers`);
      for (let k = from; k < from + 3; k++) {
        if (!Number.isFinite(num(t[k]))) throw new ParseError(`${op}: line ${lineNo}: ${what}: "${t[k]!.slice(0, 40)}" is not a finite number`);
      }
    };
    const name = (): void => {
      // three's loader finds its keywords with regexes anywhere in the text, so a name may not contain them
      if (t.slice(1).some((w) => STL_WORDS.test(w))) throw new FormatError(`${op}: line ${lineNo}: a solid name may not contain the words solid, facet, vertex, normal or loop`);
    };
    switch (state) {
      case 'top':
        if (t[0] !== 'solid') bad('"solid"');
        name();
        solids++;
        state = 'solid';
        break;
      case 'solid':
        if (t[0] === 'endsolid') {
          name();
          state = 'top';
        } else if (t[0] === 'facet' && t[1] === 'normal') {
          nums(2, 'facet normal');
          state = 'facet';
        } else bad('"facet normal" or "endsolid"');
        break;
      case 'facet':
        if (t[0] !== 'outer' || t[1] !== 'loop' || t.length !== 2) bad('"outer loop"');
        state = 'loop';
        verts = 0;
        break;
      case 'loop':
        if (t[0] === 'vertex') {
          nums(1, 'vertex');
          if (++verts === 3) state = 'endloop';
        } else bad(`"vertex" (a facet needs 3 vertices, got ${verts})`);
        break;
      case 'endloop':
        if (t[0] !== 'endloop' || t.length !== 1) bad('"endloop" after 3 vertices');
        state = 'endfacet';
        break;
      case 'endfacet':
        if (t[0] !== 'endfacet' || t.length !== 1) bad('"endfacet"');
        state = 'solid';
        break;
    }
  }
  if (state !== 'top') throw new FormatError(`${op}: line ${lastLine}: file ends inside a solid (expected "endsolid")`);
  if (solids === 0) throw new FormatError(`${op}: line 1: no "solid"`);
}
