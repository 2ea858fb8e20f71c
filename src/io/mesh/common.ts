/**
 * Shared pieces of the mesh readers: the format names, the element limit, byte/text helpers and
 * the conversion of every unexpected failure into a named error.
 * @module
 */
import { ErlangenError, FormatError, ParseError, SizeError } from '../../util/errors.js';

/** The mesh file formats `parseMesh` reads. `ply` and `stl` cover both ASCII and binary files. */
export type MeshFormat = 'obj' | 'ply' | 'stl' | 'gltf' | 'glb' | 'off';

/** All {@link MeshFormat} names. */
export const MESH_FORMATS: readonly MeshFormat[] = ['obj', 'ply', 'stl', 'gltf', 'glb', 'off'];

/**
 * The largest vertex or face count a mesh file may declare (2^26 ≈ 67 M); larger counts give a
 * SizeError before anything is allocated.
 */
export const MAX_MESH_ELEMENTS = 2 ** 26;

/** Bytes as a Uint8Array view (no copy) from a Uint8Array, ArrayBuffer or string (UTF-8 encoded). */
export function asBytes(data: Uint8Array | ArrayBuffer | string, op: string): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new FormatError(`${op}: expected bytes (Uint8Array or ArrayBuffer) or a string`);
}

/** A fresh ArrayBuffer holding exactly `bytes` (three's loaders read whole buffers). */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}

/** Decode UTF-8 text (invalid sequences become U+FFFD; the checks then reject stray characters). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** Throw a SizeError when `count` (named `what`) exceeds {@link MAX_MESH_ELEMENTS} or `fits`. */
export function checkCount(count: number, what: string, fits: number, fitsWhy: string, op: string, where: string): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new FormatError(`${op}: ${where}: ${what} count ${count} is not a non-negative integer`);
  if (count > MAX_MESH_ELEMENTS) throw new SizeError(`${op}: ${where}: ${what} count ${count} exceeds the limit ${MAX_MESH_ELEMENTS}`);
  if (count > fits) throw new SizeError(`${op}: ${where}: ${what} count ${count} is more than the file can hold: ${fitsWhy}`);
}

/** Parse a decimal number token strictly (no empty string, no trailing junk); NaN when invalid. */
export function num(tok: string | undefined): number {
  if (tok === undefined || !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(tok)) return NaN;
  return Number(tok);
}

/** Parse a non-negative integer token strictly; -1 when invalid. */
export function uint(tok: string | undefined): number {
  if (tok === undefined || !/^\+?\d+$/.test(tok)) return -1;
  const v = Number(tok);
  return Number.isSafeInteger(v) ? v : -1;
}

/**
 * Split text into lines (LF, CRLF or CR), keeping 1-based line numbers; `#` comments are stripped
 * when `comments` is set. Returns the lines' whitespace tokens, skipping empty lines.
 */
export function tokenLines(text: string, comments: boolean): { line: number; tokens: string[] }[] {
  const out: { line: number; tokens: string[] }[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let s = lines[i]!;
    if (comments) {
      const h = s.indexOf('#');
      if (h >= 0) s = s.slice(0, h);
    }
    const tokens = s.split(/[ \t\f\v]+/).filter((t) => t.length > 0);
    if (tokens.length) out.push({ line: i + 1, tokens });
  }
  return out;
}

/**
 * Run `f` and turn every failure that is not already a named erlangen error (a TypeError or
 * RangeError from inside three.js, a stack overflow, …) into a FormatError naming `op`.
 */
export function named<T>(f: () => T, op: string, what: string): T {
  try {
    return f();
  } catch (e) {
    throw renamed(e, op, what);
  }
}

/** The named-error form of a failure `e` (see {@link named}). */
export function renamed(e: unknown, op: string, what: string): ErlangenError {
  if (e instanceof ErlangenError) return e;
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (e instanceof SyntaxError) return new ParseError(`${op}: ${what}: ${msg}`);
  return new FormatError(`${op}: ${what} failed: ${msg}`);
}

/** Linear RGB component → sRGB-encoded (the transfer function three's ColorManagement uses). */
export function linearToSrgb(c: number): number {
  return c < 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 0.41666) - 0.055;
}

/** sRGB-encoded component → linear RGB. */
export function srgbToLinear(c: number): number {
  return c < 0.04045 ? c * 0.0773993808 : Math.pow(c * 0.9478672986 + 0.0521327014, 2.4);
}
