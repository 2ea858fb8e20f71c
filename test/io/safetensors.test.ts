/**
 * The safetensors byte format: layout as the reference writer, exact round trips, interop with
 * PyTorch both ways (fixtures from scripts/safetensors_fixtures.py), and every structural check of
 * the reader exercised with a corrupt input.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors, MAX_HEADER_BYTES } from '../../src/io/index.js';
import { decodeExact, encodeExact } from '../../src/io/json.js';
import { tensor } from '../../src/tensor/index.js';
import { DTypeError, FormatError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { dec, erlangenFixture, sidecarOf } from './fixture-data.js';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures/safetensors');
const tmp = mkdtempSync(join(tmpdir(), 'erlangen-st-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const enc = new TextEncoder();

/** A file from a header (object or raw text), data bytes, and optionally a forged length field. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), opts: { length?: bigint; pad?: boolean } = {}): Uint8Array {
  let h = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (opts.pad !== false) {
    const p = new Uint8Array(Math.ceil(h.length / 8) * 8).fill(0x20);
    p.set(h);
    h = p;
  }
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, opts.length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

function bitsEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('serializeSafetensors: the reference layout', () => {
  it('matches the reference byte layout for one F32 tensor (compact JSON, no padding needed)', () => {
    const out = serializeSafetensors({ 'attn.0': { shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    expect(Array.from(out.subarray(0, 8))).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(out.subarray(8, 72))).toBe(header);
    expect(Array.from(out.subarray(72))).toEqual(Array.from(f32(0, 1, 2, 3, 4, 5)));
  });

  it('pads the header with spaces to a multiple of 8 (empty file; metadata only)', () => {
    expect(Array.from(serializeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const m = serializeSafetensors({}, { framework: 'pt' });
    expect(m[0]).toBe(40);
    expect(new TextDecoder().decode(m.subarray(8))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('sorts by dtype alignment (F64, F32, I32) then by UTF-8 name bytes, contiguously', () => {
    const out = serializeSafetensors({
      b: { shape: [1], data: new Int32Array([1]) },
      a: { shape: [1], data: new Int32Array([2]) },
      z: { shape: [1], data: new Float32Array([3]) },
      '\u{1F600}': { shape: [1], data: new Float64Array([4]) }, // U+1F600: after U+FFFD in UTF-8 bytes
      '\uFFFD': { shape: [1], data: new Float64Array([5]) },
      y: { shape: [1], data: new Float64Array([6]) },
    });
    const n = new DataView(out.buffer).getUint32(0, true);
    const h = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + n))) as Record<string, { data_offsets: number[] }>;
    expect(Object.keys(h)).toEqual(['y', '\uFFFD', '\u{1F600}', 'z', 'a', 'b']);
    expect(Object.values(h).map((e) => e.data_offsets)).toEqual([[0, 8], [8, 16], [16, 24], [24, 28], [28, 32], [32, 36]]);
    expect(n % 8).toBe(0);
  });

  it('accepts tensors and Maps; metadata keys are written sorted (deterministic)', () => {
    const a = serializeSafetensors(new Map([['w', tensor([[1, 2]], { dtype: 'float64' })]]), { b: '2', a: '1' });
    const b = serializeSafetensors({ w: { shape: [1, 2], data: new Float64Array([1, 2]) } }, { a: '1', b: '2' });
    expect(a).toEqual(b);
    expect(new TextDecoder().decode(a)).toContain('{"__metadata__":{"a":"1","b":"2"},"w":');
  });

  it('round-trips values bit for bit, with scalars, empty tensors, -0, NaN, ±Inf, subnormals, int32 extremes', () => {
    const { tensors, metadata } = erlangenFixture();
    const back = parseSafetensors(serializeSafetensors(tensors, metadata));
    expect({ ...back.metadata }).toEqual(metadata);
    expect(Object.keys(back.tensors).sort()).toEqual([...tensors.keys()].sort());
    for (const [k, v] of tensors) {
      const t = back.tensors[k]!;
      expect(t.shape).toEqual(v.shape);
      expect(t.dtype).toBe(v.data instanceof Float64Array ? 'float64' : v.data instanceof Int32Array ? 'int32' : 'float32');
      expect(bitsEqual(t.data, v.data)).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back.tensors)).toBe(null);
  });

  it('rejects what cannot be written, naming the tensor', () => {
    const ok = { shape: [1], data: new Float32Array(1) };
    expect(() => serializeSafetensors({ __metadata__: ok })).toThrow(ValueError);
    expect(() => serializeSafetensors({ w: { shape: [2], data: new Float32Array(3) } })).toThrow(ShapeError);
    expect(() => serializeSafetensors({ w: { shape: [-1], data: new Float32Array(0) } })).toThrow(ShapeError);
    expect(() => serializeSafetensors({ w: { shape: [1.5], data: new Float32Array(1) } })).toThrow(/'w' has an invalid shape/);
    expect(() => serializeSafetensors({ w: { shape: [1], data: new Int8Array(1) as unknown as Int32Array } })).toThrow(DTypeError);
    expect(() => serializeSafetensors({ '\ud800': ok })).toThrow(/well-formed/);
    expect(() => serializeSafetensors({ w: ok }, { n: 3 as unknown as string })).toThrow(/metadata 'n' is a number/);
    expect(() => serializeSafetensors({ w: ok }, { k: 'x\udc00' })).toThrow(ValueError);
  });
});

describe('parseSafetensors: every corrupt input is a FormatError naming the problem', () => {
  const good = file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1, 2));
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty input', new Uint8Array(0), /0 bytes is too short/],
    ['7 bytes', new Uint8Array(7), /too short/],
    ['a header length of 2^60', file({}, undefined, { length: 2n ** 60n }), /more than 2\^53.*over the limit/],
    ['a header length of 2^64 - 1', file({}, undefined, { length: 2n ** 64n - 1n }), /over the limit/],
    ['a header length just over the limit', file({}, undefined, { length: BigInt(MAX_HEADER_BYTES + 1) }), /100000001 bytes, over the limit/],
    ['a header past the end of the file', file({}, undefined, { length: 1000n }), /says 1000 bytes but only 8 follow/],
    ['a zero header length', file('', undefined, { length: 0n }), /does not start with '\{'/],
    ['a header that is not UTF-8', file('{"ab":1}').map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['a header not starting with {', file(' {}'), /does not start with '\{'/],
    ['a header that is an array', file('[]      '), /does not start with '\{'/],
    ['invalid JSON', file('{"a":'), /invalid JSON/],
    ['JSON with trailing characters', file('{}x'), /trailing characters/],
    ['a duplicate tensor name', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(1, 2)), /duplicate key "a"/],
    ['an unknown dtype', file({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, f32(1)), /tensor 'a' has an unknown dtype "F33"/],
    ['a missing dtype', file({ a: { shape: [1], data_offsets: [0, 4] } }, f32(1)), /unknown dtype undefined/],
    ['a tensor that is not an object', file({ a: 3 }), /tensor 'a' is not described by an object/],
    ['a missing shape', file({ a: { dtype: 'F32', data_offsets: [0, 4] } }, f32(1)), /no shape array/],
    ['a fractional dimension', file({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), /shape\[0\] must be a non-negative integer/],
    ['a negative dimension', file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /shape\[0\]/],
    ['a dimension of 1e400', file('{"a":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}}', f32(1)), /out of range/],
    ['an offset beyond 2^53', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}', f32(1)), /data_offsets\[1\] must be a non-negative integer below 2\^53/],
    ['offsets that are not a pair', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)), /data_offsets must be \[begin, end\]/],
    ['offsets that end before they begin', file({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), /end before they begin/],
    ['a shape whose byte size overflows', file({ a: { dtype: 'F64', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] } }, f32(1, 2)), /too large/],
    ['a size that does not match shape x dtype', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), /F32 \[3\] \(12 bytes\) but data_offsets \[0, 8\] span 8/],
    ['offsets past the end of the data', file({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(1, 2)), /the tensors need 80 bytes but the file has 72 \(truncated\)/],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(1, 2, 3)), /'b' starts at byte 4 of the data, expected 8 \(an overlap/],
    ['a gap between tensors', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(1, 2, 3)), /expected 4 \(a gap/],
    ['data not starting at 0', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /starts at byte 4 of the data, expected 0/],
    ['trailing garbage', new Uint8Array([...good, 0, 0, 0, 0]), /4 bytes of trailing garbage/],
    ['a truncated file', good.subarray(0, good.length - 1), /truncated/],
    ['non-string metadata', file({ __metadata__: { a: 1 } }), /metadata 'a' is not a string/],
    ['metadata that is not an object', file({ __metadata__: 'x' }), /'__metadata__' must be an object/],
    ['a lone surrogate escaped in a name', file('{"a\\ud800":{}}'), /lone surrogate/],
    ['a lone surrogate escaped in metadata', file('{"__metadata__":{"k":"\\udc00"}}'), /metadata "k" has a lone surrogate/],
    ['a bad escape in a name', file('{"a\\q":{}}'), /bad escape/],
    ['a control character in a string', file('{"a\n":{}}'), /control character/],
    ['nesting 10000 deep', file(`{"a":${'['.repeat(10000)}${']'.repeat(10000)}}`), /nested deeper than 64/],
  ];
  it.each(cases)('%s', (_name, bytes, msg) => {
    let err: unknown;
    try {
      parseSafetensors(bytes, { source: 'case.safetensors' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^parseSafetensors \(case\.safetensors\): /);
    expect((err as Error).message).toMatch(msg);
  });

  it('the well-formed file these cases corrupt does parse', () => {
    expect(Array.from(parseSafetensors(good).tensors.a!.data)).toEqual([1, 2]);
  });

  it('a valid file with a dtype erlangen cannot represent exactly is a DTypeError naming the tensor', () => {
    for (const dtype of ['F8_E4M3', 'C64', 'F4']) {
      const bytes = file({ h: { dtype, shape: [2], data_offsets: [0, dtype === 'C64' ? 16 : dtype === 'F4' ? 1 : 2] } }, new Uint8Array(dtype === 'C64' ? 16 : dtype === 'F4' ? 1 : 2));
      expect(() => parseSafetensors(bytes)).toThrow(DTypeError);
      expect(() => parseSafetensors(bytes)).toThrow(new RegExp(`tensor 'h' has dtype ${dtype}`));
    }
  });

  it('widens small integer and half dtypes exactly; integers outside int32 are a DTypeError', () => {
    const le = (arr: ArrayBufferView) => new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    const one = (dtype: string, shape: number[], data: Uint8Array) => parseSafetensors(file({ t: { dtype, shape, data_offsets: [0, data.length] } }, data)).tensors.t!;
    const u16 = one('U16', [2], le(new Uint16Array([0, 65535])));
    expect([u16.dtype, ...u16.data]).toEqual(['int32', 0, 65535]);
    expect([...one('U32', [2], le(new Uint32Array([0, 2 ** 31 - 1]))).data]).toEqual([0, 2 ** 31 - 1]);
    expect([...one('I64', [2], le(new BigInt64Array([-(2n ** 31n), 5n]))).data]).toEqual([-(2 ** 31), 5]);
    expect([...one('U64', [1], le(new BigUint64Array([2n ** 31n - 1n]))).data]).toEqual([2 ** 31 - 1]);
    expect(() => one('I64', [2], le(new BigInt64Array([0n, 2n ** 31n])))).toThrow(/tensor 't' \(I64\) holds 2147483648, outside int32/);
    expect(() => one('I64', [1], le(new BigInt64Array([-(2n ** 31n) - 1n])))).toThrow(DTypeError);
    expect(() => one('U32', [1], le(new Uint32Array([2 ** 31])))).toThrow(DTypeError);
    expect(() => one('U64', [1], le(new BigUint64Array([2n ** 64n - 1n])))).toThrow(DTypeError);
    expect(() => one('BOOL', [2], new Uint8Array([1, 2]))).toThrow(FormatError);
    expect(() => one('BOOL', [2], new Uint8Array([1, 2]))).toThrow(/BOOL\) holds the byte 2 at element 1/);
    // half precision: normal, subnormal, max, -0, ±Inf, NaN
    const h = one('F16', [7], le(new Uint16Array([0x3c00, 0x0001, 0x7bff, 0x8000, 0x7c00, 0xfc00, 0x7e00])));
    expect(h.dtype).toBe('float32');
    expect(bitsEqual(h.data, [1, 2 ** -24, 65504, -0, Infinity, -Infinity, NaN])).toBe(true);
    const b = one('BF16', [3], le(new Uint16Array([0x3f80, 0xc000, 0x8000])));
    expect(bitsEqual(b.data, [1, -2, -0])).toBe(true);
  });

  it('reads the torch-written widening fixture (F16, BF16, I64, U8, I8, I16, BOOL) exactly', () => {
    const bytes = readFileSync(join(fixtures, 'torch-widening.safetensors'));
    const side = JSON.parse(readFileSync(join(fixtures, 'torch-widening.json'), 'utf8')) as {
      order: string[];
      tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }>;
    };
    const { tensors } = parseSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(side.order);
    for (const [name, exp] of Object.entries(side.tensors)) {
      const t = tensors[name]!;
      expect(t.dtype, name).toBe(exp.dtype === 'F16' || exp.dtype === 'BF16' ? 'float32' : 'int32');
      expect(t.shape).toEqual(exp.shape);
      expect(bitsEqual(t.data, exp.data.map(dec)), name).toBe(true);
    }
  });

  it('zero-size tensors may share an offset; data accepts an ArrayBuffer', () => {
    const bytes = file({ e: { dtype: 'F32', shape: [0], data_offsets: [0, 0] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(7));
    const r = parseSafetensors(bytes.slice().buffer);
    expect(r.tensors.e!.shape).toEqual([0]);
    expect(Array.from(r.tensors.a!.data)).toEqual([7]);
  });

  it('names like __proto__ and constructor become own keys; nothing is polluted', () => {
    // (an object literal's __proto__ would set the prototype, so the input is a Map)
    const entries = new Map([['__proto__', { shape: [1], data: new Float32Array([1]) }], ['constructor', { shape: [1], data: new Float32Array([2]) }]]);
    const r = parseSafetensors(serializeSafetensors(entries, Object.fromEntries([['__proto__', 'x'], ['toString', 'y']])));
    expect(Object.keys(r.tensors).sort()).toEqual(['__proto__', 'constructor']);
    expect(Array.from(r.tensors['__proto__']!.data)).toEqual([1]);
    expect(r.metadata['__proto__']).toBe('x');
    expect(r.metadata.toString).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('never anything but FormatError / DTypeError on seeded random corruption and on every truncation', () => {
    const { tensors, metadata } = erlangenFixture();
    const bytes = serializeSafetensors(tensors, metadata);
    for (let cut = 0; cut < bytes.length; cut++) expect(() => parseSafetensors(bytes.subarray(0, cut))).toThrow(FormatError);
    const rng = new Rng(11);
    let rejected = 0;
    for (let k = 0; k < 2000; k++) {
      const b = bytes.slice();
      const flips = 1 + rng.int(3);
      for (let j = 0; j < flips; j++) {
        const at = rng.int(8 + 8 + b[0]! + b[1]! * 256); // the length field and the header
        b[at] = rng.int(256);
      }
      try {
        parseSafetensors(b);
      } catch (e) {
        expect(e instanceof FormatError || e instanceof DTypeError, String(e)).toBe(true);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});

describe('exact JSON for metadata values', () => {
  it('round-trips -0, NaN, ±Infinity and every double; rejects what is not plain data', () => {
    const v = { a: [-0, NaN, Infinity, -Infinity, 0.1, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2], s: 'x', b: true, n: null, o: { k: [1, { z: 2 }] } };
    const back = decodeExact(encodeExact(v, 't'), 't') as { a: number[] };
    expect(bitsEqual(back.a, v.a)).toBe(true);
    expect(JSON.stringify(back)).toBe(JSON.stringify(v));
    expect(() => encodeExact(new Float32Array(1), 't')).toThrow(ValueError);
    expect(() => encodeExact({ f: () => 1 }, 't')).toThrow(/a function/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encodeExact(cyc, 't')).toThrow(/cycle/);
    expect(() => encodeExact({ $float: 'NaN' }, 't')).toThrow(/reserved/);
    expect(() => decodeExact('{"__proto__":{"polluted":1}}', 't')).toThrow(FormatError);
    expect(() => decodeExact('{"$float":"nan"}', 't')).toThrow(/bad '\$float'/);
    expect(() => decodeExact('{"a":1,"a":2}', 't')).toThrow(/duplicate key/);
  });
});

describe('interop with PyTorch (fixtures of scripts/safetensors_fixtures.py)', () => {
  it('reads the torch-written fixture exactly (values, shapes, dtypes, metadata, file order)', () => {
    const bytes = readFileSync(join(fixtures, 'torch-written.safetensors'));
    const side = JSON.parse(readFileSync(join(fixtures, 'torch-written.json'), 'utf8')) as {
      metadata: Record<string, string>;
      order: string[];
      tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }>;
    };
    const { tensors, metadata } = parseSafetensors(bytes, { source: 'torch-written.safetensors' });
    expect({ ...metadata }).toEqual(side.metadata);
    expect(Object.keys(tensors)).toEqual(side.order);
    expect(Object.keys(side.tensors)).toContain('__proto__');
    for (const [name, exp] of Object.entries(side.tensors)) {
      const t = tensors[name]!;
      expect(t.dtype).toBe({ F32: 'float32', F64: 'float64', I32: 'int32' }[exp.dtype]);
      expect(t.shape).toEqual(exp.shape);
      expect(bitsEqual(t.data, exp.data.map(dec)), name).toBe(true);
    }
    // erlangen's writer lays the same tensors out byte for byte as the script's writer
    expect(serializeSafetensors(tensors, metadata)).toEqual(new Uint8Array(bytes));
  });

  it("erlangen's writer reproduces the committed erlangen-written fixture byte for byte (and its sidecar)", () => {
    const { tensors, metadata } = erlangenFixture();
    const bytes = serializeSafetensors(tensors, metadata);
    const order = Object.keys(parseSafetensors(bytes).tensors);
    const sidecar = sidecarOf(tensors, metadata, order);
    if (process.env.UPDATE_SAFETENSORS_FIXTURES === '1') {
      writeFileSync(join(fixtures, 'erlangen-written.safetensors'), bytes);
      writeFileSync(join(fixtures, 'erlangen-written.json'), sidecar);
    }
    expect(new Uint8Array(readFileSync(join(fixtures, 'erlangen-written.safetensors')))).toEqual(bytes);
    expect(readFileSync(join(fixtures, 'erlangen-written.json'), 'utf8')).toBe(sidecar);
  });

  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  const hasTorch = probe.status === 0;
  const reason = probe.error ? `${python} not found` : `torch not importable (${(probe.stderr ?? '').trim().split('\n').pop()})`;
  const script = join(root, 'scripts/safetensors_fixtures.py');

  if (hasTorch) {
    it('the script\'s independent reader reads a freshly written erlangen file into torch tensors, bit for bit', () => {
      const { tensors, metadata } = erlangenFixture();
      tensors.set('fresh.extra', { shape: [2, 3], data: new Float64Array([1, 2, 3, 4, 5, 6].map((x) => x / 7)) });
      const bytes = serializeSafetensors(tensors, { ...metadata, written: 'now' });
      const order = Object.keys(parseSafetensors(bytes).tensors);
      writeFileSync(join(tmp, 'fresh.safetensors'), bytes);
      writeFileSync(join(tmp, 'fresh.json'), sidecarOf(tensors, { ...metadata, written: 'now' }, order));
      const out = execFileSync(python, [script, 'check', join(tmp, 'fresh.safetensors'), join(tmp, 'fresh.json')], { encoding: 'utf8' });
      expect(out).toMatch(/^OK .*12 tensors, 4 metadata keys match/);
    }, 60_000);

    it('the script\'s reader accepts the committed erlangen-written fixture and rejects a corrupted copy', () => {
      const f = join(fixtures, 'erlangen-written.safetensors');
      const out = execFileSync(python, [script, 'check', f, join(fixtures, 'erlangen-written.json')], { encoding: 'utf8' });
      expect(out).toMatch(/^OK /);
      const bad = new Uint8Array(readFileSync(f));
      bad[bad.length - 1]! ^= 1; // one bit of the last tensor
      writeFileSync(join(tmp, 'bad.safetensors'), bad);
      const r = spawnSync(python, [script, 'check', join(tmp, 'bad.safetensors'), join(fixtures, 'erlangen-written.json')], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/FAIL .*values differ/);
    }, 60_000);
  } else {
    it.skip(`Python round trip skipped: ${reason}`, () => {});
  }
});
