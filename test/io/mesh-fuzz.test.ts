/**
 * Property fuzzing of every mesh format: mutated valid files (byte flips, truncations, inserted or
 * deleted ranges, duplicated ranges, and for text formats line and token edits with hostile
 * numbers) must either parse to a MeshData that passes checkMeshData or reject with an
 * ErlangenError subclass naming `parseMesh(<format>)` — never another error, never a hang (each
 * case is bounded in time). Kept to a few seconds per format.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ErlangenError } from '../../src/util/errors.js';
import { checkMeshData } from '../../src/mesh/index.js';
import { parseMesh, formatObj, formatPly } from '../../src/three/index.js';
import type { MeshFormat } from '../../src/three/index.js';
import { glbBytes, gltfText, offText, sphere, stlAscii, stlBinary, tetra } from './mesh-fixtures.js';

const CASE_MS = 1500;
const RUNS = Number(process.env.MESH_FUZZ_RUNS ?? 150);

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'line'; at: number; op: 'delete' | 'duplicate' | 'swap' }
  | { kind: 'token'; at: number; value: string };

const HOSTILE = ['1099511627776', '4294967295', '-1', '0', 'nan', 'inf', '1e999', '-0', '3', '99999999', '', 'x', '//', '#', '\\', 'end_header', 'endsolid', 'facet', 'vertex', '{', '"', 'null', '[]'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 3, 0x7fffffff, 0xffffffff, 2 ** 20, 2 ** 26 + 1) }),
  fc.record({ kind: fc.constant('line' as const), at: fc.nat(), op: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const) }),
  fc.record({ kind: fc.constant('token' as const), at: fc.nat(), value: fc.constantFrom(...HOSTILE) }),
);

function apply(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = Array.from(src);
  for (const m of muts) {
    const n = b.length;
    const at = n ? m.at % (n + 1) : 0;
    switch (m.kind) {
      case 'flip':
        if (n) b[at % n] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'delete':
        b.splice(at, m.len);
        break;
      case 'insert':
        b.splice(at, 0, ...m.bytes);
        break;
      case 'duplicate':
        b.splice(at, 0, ...b.slice(at, at + m.len));
        break;
      case 'u32':
        if (n >= 4) {
          const o = (at % (n - 3)) & ~3;
          for (let k = 0; k < 4; k++) b[o + k] = (m.value >>> (8 * k)) & 0xff;
        }
        break;
      case 'line': {
        const lines = String.fromCharCode(...b).split('\n');
        const i = m.at % lines.length;
        if (m.op === 'delete') lines.splice(i, 1);
        else if (m.op === 'duplicate') lines.splice(i, 0, lines[i]!);
        else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
        b = Array.from(lines.join('\n'), (c) => c.charCodeAt(0) & 0xff);
        break;
      }
      case 'token': {
        // replace the k-th whitespace-separated token
        const s = String.fromCharCode(...b);
        const toks = [...s.matchAll(/[^\s]+/g)];
        if (toks.length) {
          const t = toks[m.at % toks.length]!;
          const r = s.slice(0, t.index) + m.value + s.slice(t.index! + t[0].length);
          b = Array.from(r, (c) => c.charCodeAt(0) & 0xff);
        }
        break;
      }
    }
  }
  return Uint8Array.from(b);
}

async function bounded(p: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${CASE_MS} ms`)), CASE_MS); });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Text sources are fuzzed as latin-1 bytes (each char one byte), binary ones as bytes. */
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

const small = tetra();
const mid = sphere(1);
const seeds: [MeshFormat, string, Uint8Array[]][] = [
  ['obj', 'OBJ', [latin1(formatObj(small)), latin1(formatObj({ ...small, normals: new Float64Array(12).fill(0.5), colors: new Float32Array(12).fill(0.25) }))]],
  ['ply', 'PLY ascii', [formatPly(small), formatPly({ ...small, colors: new Float32Array(12).fill(0.5) })]],
  ['ply', 'PLY binary', [formatPly(small, { format: 'binary_little_endian' }), formatPly(mid, { format: 'binary_little_endian' })]],
  ['stl', 'STL ascii', [latin1(stlAscii(small))]],
  ['stl', 'STL binary', [stlBinary(small), stlBinary(mid)]],
  ['off', 'OFF', [latin1(offText(small))]],
  ['gltf', 'glTF', [latin1(gltfText(small))]],
  ['glb', 'GLB', [glbBytes(small), glbBytes(mid)]],
];

describe('mesh fuzz: mutated valid files give a valid mesh or a named error, fast', () => {
  for (const [format, name, files] of seeds) {
    test(`${name}`, async () => {
      // the seeds themselves are valid
      for (const f of files) checkMeshData(await parseMesh(f, format));
      let ok = 0, rejected = 0;
      await fc.assert(
        fc.asyncProperty(fc.nat(files.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, muts) => {
          const bytes = apply(files[which]!, muts);
          const t0 = performance.now();
          try {
            const mesh = (await bounded(parseMesh(bytes, format))) as Parameters<typeof checkMeshData>[0];
            checkMeshData(mesh, 'fuzz');
            ok++;
          } catch (e) {
            if (!(e instanceof ErlangenError)) throw e;
            expect(e.message.startsWith(`parseMesh(${format}): `), e.message).toBe(true);
            rejected++;
          }
          expect(performance.now() - t0).toBeLessThan(CASE_MS);
        }),
        { numRuns: RUNS, ...(process.env.MESH_FUZZ_RUNS ? {} : { seed: 20251202 + format.length }), endOnFailure: true },
      );
      expect(ok + rejected).toBe(RUNS);
      if (process.env.MESH_FUZZ_RUNS) console.log(name, { ok, rejected });
      expect(rejected).toBeGreaterThan(0);
    }, 30_000);
  }
});
