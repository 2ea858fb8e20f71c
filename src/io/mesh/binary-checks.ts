/**
 * Pre-validation of the binary formats read through three.js: binary STL (size = 84 + 50·n, finite
 * coordinates) and the detection rule that three's STLLoader uses to tell binary from ASCII.
 * Errors name the byte offset.
 * @module
 */
import { FormatError } from '../../util/errors.js';
import { checkCount } from './common.js';

/** three's STLLoader rule: binary when the size is exactly 84 + 50·n, else ASCII when "solid" starts in the first 5 bytes. */
export function stlIsBinary(bytes: Uint8Array): boolean {
  if (bytes.length >= 84) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    if (84 + 50 * n === bytes.length) return true;
  }
  for (let off = 0; off < 5; off++) {
    if (bytes[off] === 115 && bytes[off + 1] === 111 && bytes[off + 2] === 108 && bytes[off + 3] === 105 && bytes[off + 4] === 100) return false;
  }
  return true;
}

/** Check a binary STL: an 84-byte header, n triangles of 50 bytes, finite vertex coordinates. Returns n. */
export function checkStlBinary(bytes: Uint8Array, op: string): number {
  if (bytes.length < 84) throw new FormatError(`${op}: byte ${bytes.length}: binary STL truncated inside its 84-byte header (and it does not start with "solid")`);
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = d.getUint32(80, true);
  checkCount(n, 'triangle', Infinity, '', op, 'byte 80');
  if (84 + 50 * n !== bytes.length) {
    throw new FormatError(`${op}: byte ${84 + 50 * n}: binary STL of ${n} triangles must be ${84 + 50 * n} bytes, the file has ${bytes.length}`);
  }
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < 9; k++) {
      const o = 84 + 50 * f + 12 + 4 * k;
      if (!Number.isFinite(d.getFloat32(o, true))) throw new FormatError(`${op}: byte ${o}: triangle ${f} has a non-finite coordinate`);
    }
  }
  return n;
}
