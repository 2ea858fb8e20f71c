/**
 * The safetensors format (Hugging Face; the format of `safetensors.torch.save_file`), byte level.
 * Works on `Uint8Array`/`ArrayBuffer` in any JavaScript runtime; the file wrappers are in `files.ts`.
 *
 * Layout: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON starting with `{`
 * (padded with spaces to a multiple of 8), mapping each tensor name to
 * `{"dtype", "shape", "data_offsets": [begin, end]}` plus an optional `"__metadata__"` object of
 * strings; then the data buffer, little-endian, row-major, every byte belonging to exactly one
 * tensor (offsets are relative to the buffer's start). See docs/design/io.md for the rules this
 * reader enforces and the order this writer uses.
 * @module
 */
import { fromData } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { DTypeError, FormatError, ShapeError, SizeError, ValueError, fmtShape } from '../util/errors.js';
import { isJsonObject, parseJsonStrict } from './json.js';
import type { JsonValue } from './json.js';

/**
 * Every dtype name of the safetensors format with its size in bits, in the format's order of
 * increasing alignment (the writer sorts tensors by this order, descending, then by name).
 */
const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8], ['F4', 4], ['F6_E2M3', 6], ['F6_E3M2', 6], ['U8', 8], ['I8', 8], ['F8_E5M2', 8], ['F8_E4M3', 8],
  ['F8_E8M0', 8], ['F8_E4M3FNUZ', 8], ['F8_E5M2FNUZ', 8], ['I16', 16], ['U16', 16], ['F16', 16], ['BF16', 16],
  ['I32', 32], ['U32', 32], ['F32', 32], ['C64', 64], ['F64', 64], ['I64', 64], ['U64', 64],
]);
const DTYPE_RANK: ReadonlyMap<string, number> = new Map([...DTYPE_BITS.keys()].map((k, i) => [k, i]));

/** The dtypes erlangen reads into tensors and writes: float32, float64, int32. */
export type SafetensorsDType = 'F32' | 'F64' | 'I32';

/** The largest header accepted or written, in bytes (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The reserved header key of the string→string metadata. */
const METADATA_KEY = '__metadata__';

/** One tensor to write: its shape and row-major values (a float32, float64 or int32 array). */
export interface TensorData {
  /** Dimensions, row-major (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** The values; the typed array's type decides the stored dtype (F32, F64, I32). */
  readonly data: Float32Array | Float64Array | Int32Array;
}

/** Tensors to write by name: `TensorData` entries (e.g. a `Module.stateDict()`) or tensors. */
export type TensorMap = Readonly<Record<string, TensorData | Tensor>> | ReadonlyMap<string, TensorData | Tensor>;

/** String→string metadata stored in the header's `__metadata__`. */
export type SafetensorsMetadata = Readonly<Record<string, string>>;

/** What {@link parseSafetensors} returns. */
export interface SafetensorsContents {
  /** The tensors by name, in file order (a null-prototype object, so any name is safe as a key). */
  readonly tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (a null-prototype object; empty when the file has none). */
  readonly metadata: Record<string, string>;
}

/** One tensor's header entry, validated: absolute byte range within the data buffer. */
export interface HeaderEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A validated header: entries in data order, metadata, and the total file length it implies. */
export interface ParsedHeader {
  readonly entries: readonly HeaderEntry[];
  readonly metadata: Record<string, string>;
  /** N, the header length in bytes. */
  readonly headerBytes: number;
  /** Bytes of the data buffer (the end of the last tensor). */
  readonly dataBytes: number;
}

const encoder = new TextEncoder();
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Byte-wise comparison of the UTF-8 encodings (the reference writer's name order), on strings. */
function compareUtf8(a: string, b: string): number {
  // UTF-16 code-unit order equals code-point order (hence UTF-8 byte order) except where a
  // surrogate (U+D800–DFFF, i.e. a code point ≥ U+10000) meets a unit in U+E000–FFFF.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    const fx = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
    const fy = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
    return fx - fy;
  }
  return a.length - b.length;
}

function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

function dtypeOf(op: string, name: string, data: unknown): SafetensorsDType {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  throw new DTypeError(`${op}: tensor '${name}' has data of type ${(data as object | undefined)?.constructor?.name ?? typeof data}; expected Float32Array, Float64Array or Int32Array`);
}

function entriesOf(tensors: TensorMap): [string, TensorData | Tensor][] {
  return tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, TensorData | Tensor>);
}

/**
 * Encode tensors (and optional string metadata) as a safetensors file.
 *
 * Tensors are laid out as the reference writer does: sorted by dtype alignment, largest first
 * (F64, F32, I32), then by name (UTF-8 byte order), contiguously; the header is compact JSON with
 * `__metadata__` first (its keys sorted, so the output is deterministic), padded with spaces to a
 * multiple of 8 bytes. Data is written little-endian whatever the host's byte order.
 *
 * @param tensors name → `{shape, data}` or `Tensor` (a `Module.stateDict()` fits)
 * @param metadata string → string pairs for `__metadata__` (omitted from the header when absent)
 * @returns the file's bytes
 * @throws ValueError on a name `__metadata__`, a name or metadata string that is not well-formed
 *   Unicode, or a non-string metadata value
 * @throws ShapeError when a shape is invalid or does not match the data's length
 * @throws DTypeError on data that is not Float32Array/Float64Array/Int32Array
 * @throws SizeError when the header would exceed {@link MAX_HEADER_BYTES} or the file 2^53 bytes
 *
 * @example
 * ```ts
 * const bytes = serializeSafetensors(
 *   { weight: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { note: 'hello' },
 * );
 * const { tensors, metadata } = parseSafetensors(bytes);
 * tensors.weight.toArray(); // [[1, 2], [3, 4]]
 * metadata.note;            // 'hello'
 * ```
 */
export function serializeSafetensors(tensors: TensorMap, metadata?: SafetensorsMetadata): Uint8Array {
  const op = 'serializeSafetensors';
  const items: { name: string; dtype: SafetensorsDType; shape: number[]; data: Float32Array | Float64Array | Int32Array }[] = [];
  const seen = new Set<string>();
  for (const [name, t] of entriesOf(tensors)) {
    if (name === METADATA_KEY) throw new ValueError(`${op}: '${METADATA_KEY}' is reserved for the metadata and cannot name a tensor`);
    if (!isWellFormed(name)) throw new ValueError(`${op}: tensor name ${JSON.stringify(name)} is not well-formed Unicode (a lone surrogate)`);
    if (seen.has(name)) throw new ValueError(`${op}: duplicate tensor name '${name}'`);
    seen.add(name);
    if (t === null || typeof t !== 'object') throw new ValueError(`${op}: tensor '${name}' is ${String(t)}, not a tensor or {shape, data}`);
    const data = (t as { data: unknown }).data;
    const dtype = dtypeOf(op, name, data);
    const shape = [...(t as { shape: readonly number[] }).shape];
    let count = 1;
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`${op}: tensor '${name}' has an invalid shape ${fmtShape(shape)}`);
      count *= d;
    }
    const arr = data as Float32Array | Float64Array | Int32Array;
    if (count !== arr.length) throw new ShapeError(`${op}: tensor '${name}' has ${arr.length} values for shape ${fmtShape(shape)} (${count})`);
    items.push({ name, dtype, shape, data: arr });
  }
  items.sort((x, y) => DTYPE_RANK.get(y.dtype)! - DTYPE_RANK.get(x.dtype)! || compareUtf8(x.name, y.name));

  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareUtf8);
    const kv: string[] = [];
    for (const k of keys) {
      const v = (metadata as Record<string, unknown>)[k];
      if (typeof v !== 'string') throw new ValueError(`${op}: metadata '${k}' is a ${typeof v}; safetensors metadata values are strings (JSON-encode other values)`);
      if (!isWellFormed(k) || !isWellFormed(v)) throw new ValueError(`${op}: metadata '${k}' is not well-formed Unicode (a lone surrogate)`);
      kv.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    parts.push(`"${METADATA_KEY}":{${kv.join(',')}}`);
  }
  let offset = 0;
  for (const it of items) {
    const n = it.data.byteLength;
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":[${it.shape.join(',')}],"data_offsets":[${offset},${offset + n}]}`);
    offset += n;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  if (headerLen > MAX_HEADER_BYTES) throw new SizeError(`${op}: the header would be ${headerLen} bytes, over the limit of ${MAX_HEADER_BYTES}`);
  const total = 8 + headerLen + offset;
  if (!Number.isSafeInteger(total)) throw new SizeError(`${op}: the file would be ${total} bytes`);
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch {
    throw new SizeError(`${op}: cannot allocate ${total} bytes for the file`);
  }
  const dv = new DataView(out.buffer);
  dv.setUint32(0, headerLen >>> 0, true);
  dv.setUint32(4, Math.floor(headerLen / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const it of items) {
    writeLE(out, dv, pos, it.data);
    pos += it.data.byteLength;
  }
  return out;
}

function writeLE(out: Uint8Array, dv: DataView, pos: number, a: Float32Array | Float64Array | Int32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), pos);
    return;
  }
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float64Array) dv.setFloat64(pos + 8 * i, a[i]!, true);
    else if (a instanceof Float32Array) dv.setFloat32(pos + 4 * i, a[i]!, true);
    else dv.setInt32(pos + 4 * i, a[i]!, true);
  }
}

/**
 * Read and check the 8-byte header length. `fileBytes` is the length of the whole file.
 * @internal
 */
export function readHeaderLength(first8: Uint8Array, fileBytes: number, where: string): number {
  if (fileBytes < 8 || first8.length < 8) throw new FormatError(`${where}: ${fileBytes} bytes is too short for a safetensors file (the header length alone is 8 bytes)`);
  const dv = new DataView(first8.buffer, first8.byteOffset, 8);
  const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
  const n = hi * 2 ** 32 + lo; // exact below 2^53; beyond that it is far over the limit anyway
  if (hi >= 2 ** 21 || n > MAX_HEADER_BYTES) {
    throw new FormatError(`${where}: the header length field says ${hi >= 2 ** 21 ? `more than 2^53` : n} bytes, over the limit of ${MAX_HEADER_BYTES} (corrupt or not a safetensors file)`);
  }
  if (n > fileBytes - 8) throw new FormatError(`${where}: the header length field says ${n} bytes but only ${fileBytes - 8} follow it (truncated or corrupt)`);
  return n;
}

function nonNegInt(v: JsonValue | undefined, where: string, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new FormatError(`${where}: ${what} must be a non-negative integer below 2^53, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Parse and validate a header (the N bytes after the length field) of a file of `fileBytes` bytes.
 * Checks: UTF-8, starts with `{`, strict JSON without duplicate keys, metadata values are strings,
 * every dtype is a safetensors dtype, shapes and offsets are non-negative integers, the byte ranges
 * (sorted by offset) start at 0 and follow each other without gaps or overlaps, each range's length
 * is shape × dtype size, and the last range ends exactly at the end of the file.
 * @internal
 */
export function parseHeader(header: Uint8Array, fileBytes: number, where: string): ParsedHeader {
  const n = header.length;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(header);
  } catch {
    throw new FormatError(`${where}: the header is not valid UTF-8`);
  }
  if (text[0] !== '{') throw new FormatError(`${where}: the header does not start with '{' (corrupt or not a safetensors file)`);
  const json = parseJsonStrict(text, `${where}: header`);
  if (!isJsonObject(json)) throw new FormatError(`${where}: the header is not a JSON object`);
  const metadata = Object.create(null) as Record<string, string>;
  const entries: HeaderEntry[] = [];
  for (const name of Object.keys(json)) {
    const v = json[name];
    if (!isWellFormed(name)) throw new FormatError(`${where}: the name ${JSON.stringify(name)} has a lone surrogate (not valid Unicode)`);
    if (name === METADATA_KEY) {
      if (!isJsonObject(v)) throw new FormatError(`${where}: '${METADATA_KEY}' must be an object of strings`);
      for (const k of Object.keys(v)) {
        const s = v[k];
        if (typeof s !== 'string') throw new FormatError(`${where}: metadata '${k}' is not a string (safetensors metadata is string → string)`);
        if (!isWellFormed(k) || !isWellFormed(s)) throw new FormatError(`${where}: metadata ${JSON.stringify(k)} has a lone surrogate (not valid Unicode)`);
        metadata[k] = s;
      }
      continue;
    }
    const what = `tensor '${name}'`;
    if (!isJsonObject(v)) throw new FormatError(`${where}: ${what} is not described by an object`);
    const dtype = v.dtype;
    if (typeof dtype !== 'string' || !DTYPE_BITS.has(dtype)) throw new FormatError(`${where}: ${what} has an unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(v.shape)) throw new FormatError(`${where}: ${what} has no shape array`);
    const shape = v.shape.map((d, k) => nonNegInt(d, where, `${what} shape[${k}]`));
    const off = v.data_offsets;
    if (!Array.isArray(off) || off.length !== 2) throw new FormatError(`${where}: ${what} data_offsets must be [begin, end]`);
    const begin = nonNegInt(off[0], where, `${what} data_offsets[0]`);
    const end = nonNegInt(off[1], where, `${what} data_offsets[1]`);
    if (end < begin) throw new FormatError(`${where}: ${what} data_offsets [${begin}, ${end}] end before they begin`);
    let bits = DTYPE_BITS.get(dtype)!;
    for (const d of shape) {
      bits *= d;
      if (!Number.isSafeInteger(bits)) throw new FormatError(`${where}: ${what} shape ${fmtShape(shape)} is too large`);
    }
    if (bits % 8 !== 0) throw new FormatError(`${where}: ${what} (${dtype} ${fmtShape(shape)}) does not end on a byte boundary`);
    if (end - begin !== bits / 8) {
      throw new FormatError(`${where}: ${what} is ${dtype} ${fmtShape(shape)} (${bits / 8} bytes) but data_offsets [${begin}, ${end}] span ${end - begin} bytes`);
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of entries) {
    if (e.begin !== pos) {
      throw new FormatError(`${where}: tensor '${e.name}' starts at byte ${e.begin} of the data, expected ${pos} (${e.begin > pos ? 'a gap' : 'an overlap'} between tensors)`);
    }
    pos = e.end;
  }
  const expected = 8 + n + pos;
  if (expected !== fileBytes) {
    throw new FormatError(
      fileBytes < expected
        ? `${where}: the tensors need ${expected} bytes but the file has ${fileBytes} (truncated)`
        : `${where}: ${fileBytes - expected} bytes of trailing garbage after the last tensor (the tensors end at byte ${expected})`,
    );
  }
  return { entries, metadata, headerBytes: n, dataBytes: pos };
}

/** A half-precision (IEEE binary16) bit pattern as a number (exact in float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Copy the little-endian values of one tensor into a typed array, widening exactly where needed. */
function decodeValues(e: HeaderEntry, bytes: Uint8Array, where: string): Float32Array | Float64Array | Int32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const narrow = (n: number): never => {
    throw new DTypeError(`${where}: tensor '${e.name}' (${e.dtype}) holds ${n}, outside int32; erlangen keeps integers as int32`);
  };
  switch (e.dtype) {
    case 'F32':
    case 'F64':
    case 'I32': {
      const arr = e.dtype === 'F64' ? new Float64Array(bytes.length / 8) : e.dtype === 'F32' ? new Float32Array(bytes.length / 4) : new Int32Array(bytes.length / 4);
      if (LITTLE_ENDIAN) new Uint8Array(arr.buffer).set(bytes);
      else {
        for (let i = 0; i < arr.length; i++) {
          if (arr instanceof Float64Array) arr[i] = dv.getFloat64(8 * i, true);
          else if (arr instanceof Float32Array) arr[i] = dv.getFloat32(4 * i, true);
          else arr[i] = dv.getInt32(4 * i, true);
        }
      }
      return arr;
    }
    case 'F16': {
      const arr = new Float32Array(bytes.length / 2);
      for (let i = 0; i < arr.length; i++) arr[i] = halfToNumber(dv.getUint16(2 * i, true));
      return arr;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits into place (exact, NaN payloads kept)
      const arr = new Float32Array(bytes.length / 2);
      const u = new Uint32Array(arr.buffer);
      for (let i = 0; i < arr.length; i++) u[i] = dv.getUint16(2 * i, true) << 16;
      return arr;
    }
    case 'BOOL':
    case 'U8':
    case 'I8':
    case 'I16':
    case 'U16':
    case 'U32':
    case 'I64':
    case 'U64': {
      const size = DTYPE_BITS.get(e.dtype)! / 8;
      const arr = new Int32Array(bytes.length / size);
      for (let i = 0; i < arr.length; i++) {
        const o = size * i;
        let v: number;
        if (e.dtype === 'BOOL') {
          v = dv.getUint8(o);
          if (v > 1) throw new FormatError(`${where}: tensor '${e.name}' (BOOL) holds the byte ${v} at element ${i}; booleans are 0 or 1`);
        } else if (e.dtype === 'U8') v = dv.getUint8(o);
        else if (e.dtype === 'I8') v = dv.getInt8(o);
        else if (e.dtype === 'I16') v = dv.getInt16(o, true);
        else if (e.dtype === 'U16') v = dv.getUint16(o, true);
        else if (e.dtype === 'U32') v = dv.getUint32(o, true);
        else {
          const b = e.dtype === 'I64' ? dv.getBigInt64(o, true) : dv.getBigUint64(o, true);
          v = b >= -2147483648n && b <= 2147483647n ? Number(b) : narrow(Number(b));
        }
        if (v > 2147483647) narrow(v);
        arr[i] = v;
      }
      return arr;
    }
    default:
      throw new DTypeError(`${where}: tensor '${e.name}' has dtype ${e.dtype}, which erlangen cannot represent (it reads F32, F64, I32, and widens F16, BF16 to float32 and BOOL, U8, I8, I16, U16 and in-range U32, I64, U64 to int32)`);
  }
}

/**
 * Build tensors from the validated header and the data buffer (the bytes after the header).
 * @internal
 */
export function tensorsFromData(h: ParsedHeader, data: Uint8Array, where: string): Record<string, Tensor> {
  const out = Object.create(null) as Record<string, Tensor>;
  for (const e of h.entries) out[e.name] = fromData(decodeValues(e, data.subarray(e.begin, e.end), where), e.shape);
  return out;
}

/**
 * Decode a safetensors file held in memory, checking every structural rule first: a truncated or
 * corrupt file is a `FormatError`, never garbage values. Nothing in the file is evaluated (the
 * header is read by a strict JSON parser; names become keys of null-prototype objects).
 *
 * @param bytes the whole file
 * @param opts.source a name for the bytes in error messages (e.g. the file name)
 * @returns the tensors by name and the metadata. F32 → float32, F64 → float64, I32 → int32; other
 *   dtypes are widened exactly: F16, BF16 → float32; BOOL, U8, I8, I16, U16 → int32; U32, I64, U64
 *   → int32 when every value fits (e.g. PyTorch's `num_batches_tracked`)
 * @throws FormatError naming the problem (bad or oversized header length, header past the end,
 *   invalid UTF-8 or JSON, duplicate names, unknown dtype, bad shape or offsets, gaps, overlaps,
 *   size mismatches, truncation, trailing bytes, a BOOL byte other than 0 or 1)
 * @throws DTypeError for an integer outside int32, or a dtype with no exact erlangen form (F8, F6,
 *   F4 variants, C64)
 *
 * @example
 * ```ts
 * const res = await fetch('/weights.safetensors');
 * const { tensors, metadata } = parseSafetensors(new Uint8Array(await res.arrayBuffer()));
 * model.loadStateDict(tensors);
 * ```
 */
export function parseSafetensors(bytes: Uint8Array | ArrayBuffer, opts: { source?: string } = {}): SafetensorsContents {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const where = `parseSafetensors${opts.source ? ` (${opts.source})` : ''}`;
  const n = readHeaderLength(b.subarray(0, 8), b.length, where);
  const h = parseHeader(b.subarray(8, 8 + n), b.length, where);
  return { tensors: tensorsFromData(h, b.subarray(8 + n), where), metadata: h.metadata };
}
