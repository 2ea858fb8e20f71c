/**
 * Resident storage (src/backend/wasm/resident.ts) and the wasm heap under it (heap.ts): blocks,
 * classes, reuse and zeroing; arrays in the kernels' memory that kernels read and write in place
 * (no copy in or out) with the same bits as copied ones, on 1, 2 and 4 threads; explicit and
 * garbage-collected frees; the limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { allocArray, type KernelTensor, type TypedArray } from '../../src/backend/index.js';
import { heapClass, WasmHeap } from '../../src/backend/wasm/heap.js';
import {
  freeResident, isResident, residentLimit, residentMinBytes, residentStats, setResidentLimit, setResidentMinBytes,
} from '../../src/backend/wasm/resident.js';
import { wasmRuntime, type WasmArena } from '../../src/backend/wasm/runtime.js';
import { jsBackend } from '../../src/backend/js/backend.js';
import { add, matmul, randn, relu, sum, Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import { firstDiff, threadTables } from './wasm-test-helpers.js';

const sharedMemory = (pages = 2): WebAssembly.Memory => new WebAssembly.Memory({ initial: pages, maximum: 4096, shared: true });

describe('wasm heap', () => {
  it('size classes: at least the request, 64-byte multiples, at most 25% over above 4 KiB', () => {
    for (const b of [1, 63, 64, 65, 4095, 4096, 4097, 5000, 65536, 65537, 1e6, 4e7 + 3]) {
      const c = heapClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c % 64).toBe(0);
      if (b > 4096) expect(c).toBeLessThanOrEqual(1.25 * b + 64);
      else expect(c).toBe(Math.max(64, Math.ceil(b / 64) * 64));
    }
    expect(heapClass(5000)).toBe(heapClass(5100)); // one class for nearby sizes
  });

  it('reuses a freed block of the class, lowers the top over free blocks, grows the memory', () => {
    const mem = sharedMemory(), h = new WasmHeap(mem, 65536);
    const a = h.alloc(100_000), b = h.alloc(100_000), c = h.alloc(10_000);
    expect(a % 64).toBe(0);
    expect(b).toBe(a + heapClass(100_000));
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(c + 10_000);
    h.free(a);
    expect(h.stats().freeBytes).toBe(heapClass(100_000));
    expect(h.alloc(99_000)).toBe(a); // same class: the freed block
    h.free(a);
    h.free(c); // the top block: the top falls to c …
    expect(h.stats().top).toBe(c);
    h.free(b); // … then to a, merging a's free block
    expect(h.stats()).toMatchObject({ top: a, liveBytes: 0, freeBytes: 0 });
    expect(() => h.free(a + 64)).toThrow(/not a block/);
  });

  it('zeroes a reused block when asked; without growth it only reuses', () => {
    const mem = sharedMemory(), h = new WasmHeap(mem, 65536);
    const keep = h.alloc(64); // so the block below is not at the top when freed
    const a = h.alloc(8192);
    h.alloc(64);
    new Uint8Array(mem.buffer, a, 8192).fill(7);
    h.free(a);
    expect(h.alloc(8192, false, false)).toBe(a);
    expect(new Uint8Array(mem.buffer, a, 8192).every((v) => v === 7)).toBe(true); // not cleared
    h.free(a);
    expect(h.alloc(8192, true, false)).toBe(a);
    expect(new Uint8Array(mem.buffer, a, 8192).every((v) => v === 0)).toBe(true);
    expect(h.alloc(1 << 20, false, false)).toBe(-1); // no free block of that class, no growth
    expect(keep).toBe(65536);
  });
});

describe('resident arrays', () => {
  const rt = wasmRuntime()!;
  afterEach(() => {
    setResidentLimit(1 << 30);
    setResidentMinBytes(64 * 1024);
  });

  it('large float storage lives in the kernels\' memory and presents itself as a plain array', () => {
    expect(rt.shared).toBe(true);
    const a = allocArray('float32', 1 << 16);
    expect(isResident(a)).toBe(true);
    expect(rt.owns(a)).toBe(true);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.constructor).toBe(Float32Array);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(a.slice(0, 4)).toEqual(new Float32Array(4)); // derived arrays are plain
    expect(isResident(a.slice(0, 4))).toBe(false);
    // small, int32: plain
    expect(isResident(allocArray('float32', 1000))).toBe(false);
    expect(isResident(allocArray('int32', 1 << 20))).toBe(false);
    expect(residentMinBytes()).toBe(64 * 1024);
  });

  it('an explicit free returns the block (reused, zeroed on request); a subarray() view keeps its array from explicit frees', () => {
    const a = allocArray('float64', 1 << 14) as Float64Array;
    a.fill(3);
    const before = residentStats();
    expect(freeResident(a)).toBe(true);
    expect(freeResident(a)).toBe(false); // not live any more
    expect(residentStats().residentBytes).toBe(before.residentBytes - heapClass(8 << 14));
    const b = allocArray('float64', 1 << 14);
    expect(b.byteOffset).toBe(a.byteOffset); // the same block …
    expect(b.every((v) => v === 0)).toBe(true); // … zeroed
    b.subarray(0, 10);
    expect(freeResident(b)).toBe(false); // viewed: left to the garbage collector
    expect(freeResident(new Float64Array(1 << 14))).toBe(false);
  });

  it('the limit: past it, plain arrays; 0 turns resident storage off; bad settings are named errors', () => {
    setResidentLimit(residentStats().residentBytes + 100_000);
    const refused = residentStats().refused;
    expect(isResident(allocArray('float32', 1 << 16))).toBe(false);
    expect(residentStats().refused).toBe(refused + 1);
    setResidentLimit(0);
    expect(residentLimit()).toBe(0);
    expect(isResident(allocArray('float32', 1 << 16))).toBe(false);
    expect(() => setResidentLimit(-1)).toThrow(/setResidentLimit/);
    expect(() => setResidentLimit(4 * 2 ** 30)).toThrow(/3 GiB/);
    expect(() => setResidentMinBytes(0)).toThrow(/setResidentMinBytes/);
    expect(() => setResidentMinBytes(Number.NaN)).toThrow(/setResidentMinBytes/);
  });

  it('op outputs reuse free blocks but never grow the heap', () => {
    const rng = new Rng(5);
    const x = randn(rng, [1 << 16], { dtype: 'float32' });
    expect(isResident(x.data)).toBe(true);
    relu(x); // (the kernels' scratch block, taken once)
    const top = rt.heap.stats().top;
    const y = relu(x); // no free block of this class (a fresh heap top would be needed): plain
    expect(rt.heap.stats().top).toBe(top);
    const tmp = allocArray('float32', 1 << 16);
    freeResident(tmp); // at the top: the top falls back
    const spare = allocArray('float32', 1 << 16);
    allocArray('float32', 1 << 10); // (small: plain; keeps nothing above)
    const pin = allocArray('float32', 1 << 16); // spare is below the top now
    expect(freeResident(spare)).toBe(true);
    const free = rt.heap.stats().freeBytes;
    const z = relu(x); // reuses a free block (spare's, or an older one of its class)
    expect(isResident(z.data)).toBe(true);
    expect(rt.heap.stats().freeBytes).toBe(free - heapClass(4 << 16));
    expect(rt.heap.stats().top).toBe(top + heapClass(4 << 16) * 2);
    expect(Array.from(z.data)).toEqual(Array.from(y.data));
    expect(isResident(pin)).toBe(true);
  });

  it('the garbage collector returns dropped arrays (child process with --expose-gc)', () => {
    const code = `
      const { allocArray } = await import('./src/backend/index.ts');
      const { residentStats } = await import('./src/backend/wasm/resident.ts');
      for (let i = 0; i < 8; i++) allocArray('float32', 1 << 18);
      const s0 = residentStats();
      await new Promise((r) => setTimeout(r, 10));
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 50));
      const s1 = residentStats();
      console.log(JSON.stringify({ before: s0.residentArrays, after: s1.residentArrays, freed: s1.freedByGc }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number; freed: number };
    expect(out.before).toBe(8);
    expect(out.freed).toBe(8);
    expect(out.after).toBe(0);
  });
});

describe('resident storage settings from the environment', () => {
  const run = (env: Record<string, string>): { limit: number; resident: boolean } => {
    const code = `
      const { allocArray } = await import('./src/backend/index.ts');
      const { isResident, residentLimit } = await import('./src/backend/wasm/resident.ts');
      const a = allocArray('float32', 1 << 16);
      console.log(JSON.stringify({ limit: residentLimit(), resident: isResident(a) }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: process.cwd(), encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env },
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { limit: number; resident: boolean };
  };
  it('ERLANGEN_WASM_RESIDENT_MB: 0 turns it off, a number of MiB bounds it, anything else keeps 1 GiB; one thread too', () => {
    expect(run({ ERLANGEN_WASM_RESIDENT_MB: '0' })).toEqual({ limit: 0, resident: false });
    expect(run({ ERLANGEN_WASM_RESIDENT_MB: '2' })).toEqual({ limit: 2 * 2 ** 20, resident: true });
    expect(run({ ERLANGEN_WASM_RESIDENT_MB: 'lots' })).toEqual({ limit: 2 ** 30, resident: true });
    expect(run({ ERLANGEN_WASM_THREADS: '1' })).toEqual({ limit: 2 ** 30, resident: true });
  });
});

/** A copy of `src` resident in runtime `rt`'s memory (a block of its heap). */
function residentIn(rt: WasmArena, src: Float32Array | Float64Array): Float32Array | Float64Array {
  const off = rt.heap.alloc(src.byteLength);
  const v = src instanceof Float64Array ? new Float64Array(rt.memory.buffer, off, src.length) : new Float32Array(rt.memory.buffer, off, src.length);
  v.set(src);
  return v;
}

const kt = (data: TypedArray, shape: number[]): KernelTensor => ({ data, shape, dtype: data instanceof Float64Array ? 'float64' : 'float32' });

describe('kernels on resident arrays: read and written in place, the same bits as with copies', () => {
  const rng = new Rng(11);
  const R = 64, L = 200, n = R * L;
  const x32 = randn(rng, [n], { dtype: 'float32' }).data.slice() as Float32Array;
  const y32 = randn(rng, [n], { dtype: 'float32' }).data.slice() as Float32Array;
  const x64 = randn(rng, [n], { dtype: 'float64' }).data.slice() as Float64Array;
  const w = randn(rng, [L], { dtype: 'float32' }).data.slice() as Float32Array;
  const cases: [string, (src: Float32Array | Float64Array, d: (a: Float32Array | Float64Array) => Float32Array | Float64Array) => KernelTensor[], number[], unknown][] = [
    ['add', (_, d) => [kt(d(x32), [R, L]), kt(d(y32), [R, L])], [R, L], {}],
    ['mul', (_, d) => [kt(d(x32), [R, L]), kt(d(w), [L])], [R, L], {}],
    ['relu', (_, d) => [kt(d(x64), [R, L])], [R, L], {}],
    ['exp', (_, d) => [kt(d(x32), [R, L])], [R, L], {}],
    ['softmax', (_, d) => [kt(d(x32), [R, L])], [R, L], { axis: 1 }],
    ['clamp', (_, d) => [kt(d(x64), [R, L])], [R, L], { lo: -0.5, hi: 0.5 }],
    ['sum', (_, d) => [kt(d(x32), [R, L])], [R], { axes: [1] }],
    ['max', (_, d) => [kt(d(x64), [R, L])], [], { axes: [0, 1] }],
    ['matmul', (_, d) => [kt(d(x32), [R, L]), kt(d(y32.subarray(0, L * 32)), [L, 32])], [R, 32], { transA: false, transB: false }],
  ];
  for (const [T, kernels, rt] of threadTables()) {
    for (const [op, inputs, oshape, attrs] of cases) {
      it(`${op} on ${T} thread${T > 1 ? 's' : ''}`, () => {
        const copied = inputs(x32, (a) => a.slice());
        const o1 = allocLike(copied[0]!.data, oshape);
        kernels[op]!(copied, [kt(o1, oshape)], attrs);
        const c0 = { ...rt.copyStats() };
        const resident = inputs(x32, (a) => residentIn(rt, a));
        const o2 = residentIn(rt, allocLike(copied[0]!.data, oshape));
        kernels[op]!(resident, [kt(o2, oshape)], attrs);
        expect(rt.copyStats()).toEqual(c0); // nothing copied in or out
        expect(firstDiff(o2, o1, true)).toBeNull();
        // and the reference agrees (close: the wasm float32 maps are polynomials)
        const o3 = allocLike(copied[0]!.data, oshape);
        jsBackend.kernels[op]!(copied, [kt(o3, oshape)], attrs);
        expect(firstDiff(o2, o3, false, 1e-5, 1e-5)).toBeNull();
      });
    }
    it(`copyStats counts what plain arrays cost (${T} thread${T > 1 ? 's' : ''}): the no-copy check can fail`, () => {
      const c0 = { ...rt.copyStats() };
      const o = new Float32Array(n);
      kernels.add!([kt(x32, [n]), kt(residentIn(rt, y32), [n])], [kt(o, [n])], {});
      expect(rt.copyStats().inBytes - c0.inBytes).toBe(4 * n); // x copied in, y read in place
      expect(rt.copyStats().outBytes - c0.outBytes).toBe(4 * n);
    });
  }
});

describe('graph, convolution and SO(2) kernels on resident operands: float inputs and outputs not copied, the same bits', () => {
  const rng = new Rng(12);
  const R = 300, S = 200, E = 2000, F = 24, H = 1;
  const f32 = (n: number, scale = 1): Float32Array => new Float32Array(n).map(() => (rng.uniform() * 2 - 1) * scale);
  const ints = (n: number, hi: number): Int32Array => new Int32Array(n).map(() => rng.int(hi));
  const it32 = (d: Int32Array): KernelTensor => ({ data: d, shape: [d.length], dtype: 'int32' });
  const gi = ints(E, R), si = ints(E, S);
  const x = f32(R * F), m = f32(E * F), w = f32(E * H), b = f32(S * F), ys = f32(E * F, 0.2), gs = f32(E * F);
  const L = 2, B = 2 * L + 1, C5 = 4, F5 = C5 * B; // SO(2): 4 channels of orders 0…2
  const xs = f32(R * F5), ms = f32(E * F5), ts = f32(E * B);
  const cx = f32(2 * 16 * 12 * 12), cw = f32(32 * 16 * 3 * 3, 0.3), cgy = f32(2 * 32 * 10 * 10);
  const conv = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
  type D = (a: Float32Array) => Float32Array | Float64Array;
  const cases: [string, (d: D) => KernelTensor[], number[], object][] = [
    ['gatherSegmentSum', (d) => [kt(d(x), [R, F]), it32(gi), it32(si)], [S, F], { numSegments: S }],
    ['gatherSegmentWeightedSum', (d) => [kt(d(x), [R, F]), kt(d(w), [E, H]), it32(gi), it32(si)], [S, F], { numSegments: S, heads: H }],
    ['segmentSum', (d) => [kt(d(m), [E, F]), it32(si)], [S, F], { numSegments: S, sorted: false }],
    ['gatherDot', (d) => [kt(d(b), [S, F]), kt(d(x), [R, F]), it32(si), it32(gi)], [E, H], { heads: H }],
    ['segmentSoftmax', (d) => [kt(d(m), [E, F]), it32(si)], [E, F], { numSegments: S }],
    ['segmentSoftmaxGrad', (d) => [kt(d(ys), [E, F]), kt(d(gs), [E, F]), it32(si)], [E, F], { numSegments: S }],
    ['conv2d', (d) => [kt(d(cx), [2, 16, 12, 12]), kt(d(cw), [32, 16, 3, 3])], [2, 32, 10, 10], conv],
    ['conv2dGradInput', (d) => [kt(d(cgy), [2, 32, 10, 10]), kt(d(cw), [32, 16, 3, 3])], [2, 16, 12, 12], conv],
    ['conv2dGradWeight', (d) => [kt(d(cx), [2, 16, 12, 12]), kt(d(cgy), [2, 32, 10, 10])], [32, 16, 3, 3], conv],
    ['so2Gather', (d) => [kt(d(xs), [R, F5]), it32(gi), kt(d(ts), [E, B])], [E, F5], { maxOrder: L }],
    ['so2SegmentSum', (d) => [kt(d(ms), [E, F5]), kt(d(ts), [E, B]), it32(si)], [S, F5], { maxOrder: L, numSegments: S }],
  ];
  const floatBytes = (ins: KernelTensor[]): number => ins.reduce((n, t) => n + (t.dtype === 'int32' ? 0 : t.data.byteLength), 0);
  for (const [T, kernels, rt] of threadTables()) {
    for (const [op, inputs, oshape, attrs] of cases) {
      it(`${op} on ${T} thread${T > 1 ? 's' : ''}`, () => {
        const plain = inputs((a) => a.slice());
        const o1 = allocLike(new Float32Array(0), oshape);
        kernels[op]!(plain, [kt(o1, oshape)], attrs); // also fills the index caches
        const c0 = { ...rt.copyStats() };
        kernels[op]!(plain, [kt(o1, oshape)], attrs);
        const c1 = { ...rt.copyStats() };
        // plain arrays: the wasm kernel ran, copying the float inputs and the output (SO(2) pads
        // its first operand into scratch, a copy copyStats does not count, resident or not)
        const counted = floatBytes(plain) - (op.startsWith('so2') ? plain[0]!.data.byteLength : 0);
        expect(c1.inBytes - c0.inBytes).toBeGreaterThanOrEqual(counted);
        expect(c1.outBytes - c0.outBytes).toBe(o1.byteLength);
        const resident = inputs((a) => residentIn(rt, a));
        const o2 = residentIn(rt, allocLike(new Float32Array(0), oshape));
        kernels[op]!(resident, [kt(o2, oshape)], attrs);
        const c2 = rt.copyStats();
        // resident: only the index arrays copied in, nothing out
        expect(c2.inBytes - c1.inBytes).toBe(c1.inBytes - c0.inBytes - counted);
        expect(c2.outBytes - c1.outBytes).toBe(0);
        expect(firstDiff(o2, o1, true)).toBeNull();
      });
    }
  }
});

function allocLike(like: TypedArray, shape: number[]): Float32Array | Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
}

describe('tensors on resident storage', () => {
  it('ops on resident tensors give the bits of the same ops on plain ones', () => {
    const rng = new Rng(3);
    const a = randn(rng, [300, 400], { dtype: 'float32' }), b = randn(rng, [400, 300], { dtype: 'float32' });
    expect(isResident(a.data) && isResident(b.data)).toBe(true);
    const pa = new Tensor(a.data.slice(), a.shape, 'float32'), pb = new Tensor(b.data.slice(), b.shape, 'float32');
    expect(isResident(pa.data)).toBe(false);
    for (const [r, p] of [[matmul(a, b), matmul(pa, pb)], [relu(add(a, a)), relu(add(pa, pa))], [sum(a, [1]), sum(pa, [1])]] as const) {
      expect(firstDiff(r.data, p.data, true)).toBeNull();
    }
  });
});
