/**
 * Kernel selection (src/backend/dispatch.ts): the chain's policy (order, `accepts`, declines, the
 * reference's named errors at the end), which provider the `cpu` backend picks, and the one CSR
 * cache (src/backend/csr-cache.ts) shared by the JS CSR kernels, the wasm kernels and GraphsTuple.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chainBackend, cpuBackend, createWasmBackend, idsFingerprint, jsBackend, segmentCsr,
  type KernelProvider, type KernelTensor, type DType, type TypedArray,
} from '../../src/backend/index.js';
import { cachedCsr } from '../../src/backend/csr-cache.js';
import { wasmRuntime } from '../../src/backend/wasm/runtime.js';
import { GraphsTuple } from '../../src/graph/index.js';
import { BackendError, IndexError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const kt = (data: TypedArray, shape: number[], dtype: DType): KernelTensor => ({ data, shape, dtype });

describe('dispatch chain', () => {
  const log: string[] = [];
  const provider = (name: string, accept: boolean, decline: boolean): KernelProvider => ({
    name,
    kernels: { op: () => { log.push(name); return decline ? false : undefined; } },
    accepts: () => accept,
  });

  it('runs the first provider that accepts and does not decline, in chain order', () => {
    log.length = 0;
    const b = chainBackend('t', [provider('a', false, false), provider('b', true, true), provider('c', true, false), provider('d', true, false)], jsBackend.alloc);
    b.kernels.op!([], [], {});
    expect(log).toEqual(['b', 'c']); // a refused by accepts (never called), b declined, c ran, d not reached
    expect(b.counts.op).toEqual({ a: 0, b: 0, c: 1, d: 0 });
    expect(b.explain('op', [], [], {})).toBe('b');
  });

  it('a call no provider takes is a BackendError naming the op and the providers', () => {
    const b = chainBackend('t', [provider('a', false, false), provider('b', true, true)], jsBackend.alloc);
    expect(() => b.kernels.op!([kt(new Float32Array(2), [2], 'float32')], [], {})).toThrow(BackendError);
    expect(() => b.kernels.op!([], [], {})).toThrow(/op 'op'.*tried a, b/);
  });

  it('the cpu backend: wasm for large float calls, the JS CSR kernels below, the reference for the rest', () => {
    const rng = new Rng(1), E = 20_000, S = 500, F = 8;
    const ids = new Int32Array(E).map(() => rng.int(S));
    const big = [kt(new Float32Array(E * F), [E, F], 'float32'), kt(ids, [E], 'int32')];
    const out = [kt(new Float32Array(S * F), [S, F], 'float32')];
    const attrs = { numSegments: S, sorted: false };
    expect(cpuBackend.explain('segmentSum', big, out, attrs)).toBe(wasmRuntime() ? 'wasm' : 'csr');
    const small = [kt(new Float32Array(10 * 2), [10, 2], 'float32'), kt(new Int32Array(10), [10], 'int32')];
    expect(cpuBackend.explain('segmentSum', small, out, attrs)).toBe('csr');
    expect(cpuBackend.explain('segmentSoftmax', small, out, attrs)).toBe('js'); // no CSR softmax
    expect(cpuBackend.explain('indexSelect', small, out, { axis: 1 })).toBe('js');
    expect(cpuBackend.explain('matmul', [kt(new Float64Array(4096), [64, 64], 'float64'), kt(new Float64Array(4096), [64, 64], 'float64')], [kt(new Float64Array(4096), [64, 64], 'float64')], { transA: false, transB: false })).toBe('wasm'); // the float64 GEMM
    expect(cpuBackend.explain('matmul', [kt(new Float64Array(16), [4, 4], 'float64'), kt(new Float64Array(16), [4, 4], 'float64')], [kt(new Float64Array(16), [4, 4], 'float64')], { transA: false, transB: false })).toBe('js'); // below minGemm
    expect(cpuBackend.explain('matmul', [kt(new Float64Array(4096), [64, 64], 'float64'), kt(new Float32Array(4096), [64, 64], 'float32')], [kt(new Float64Array(4096), [64, 64], 'float64')], { transA: false, transB: false })).toBe('js'); // mixed dtypes
    expect(cpuBackend.explain('add', small, out, {})).toBe('js');
  });

  it('bad input declines down the chain and the reference throws its named error', () => {
    const wasm = createWasmBackend({ minWork: 0, parallelMinWork: 0, name: 'wasm-test' });
    const x = kt(new Float32Array(12), [6, 2], 'float32'), o = [kt(new Float32Array(4), [2, 2], 'float32')];
    const bad = kt(Int32Array.from([0, 1, 2, 0, 1, 0]), [6], 'int32'); // 2 is outside [0, 2)
    const unsorted = kt(Int32Array.from([0, 1, 0, 1, 1, 1]), [6], 'int32');
    expect(() => wasm.kernels.segmentSum!([x, bad], o, { numSegments: 2, sorted: false })).toThrow(IndexError);
    expect(() => wasm.kernels.segmentSum!([x, unsorted], o, { numSegments: 2, sorted: true })).toThrow(ValueError);
    expect(wasm.counts.segmentSum).toEqual({ wasm: 0, csr: 0, js: 0 }); // nobody ran: each declined or threw
    wasm.kernels.segmentSum!([x, unsorted], o, { numSegments: 2, sorted: false });
    expect(wasm.counts.segmentSum!.wasm).toBe(wasmRuntime() ? 1 : 0);
  });
});

describe('one CSR cache', () => {
  it('the JS fingerprint equals the wasm one (so either side serves the other\'s entries)', () => {
    const a = wasmRuntime();
    if (!a) return;
    const rng = new Rng(2);
    for (const n of [0, 1, 3, 4, 5, 8, 13, 1000, 1003]) {
      const ids = new Int32Array(n).map(() => rng.int(50));
      a.reset();
      expect(idsFingerprint(ids, 50)!.hash).toBe(a.k.fingerprint(a.put(ids), n, 50));
    }
    expect(idsFingerprint(Int32Array.from([0, 50]), 50)).toBeNull();
    expect(idsFingerprint(Int32Array.from([0, -1]), 50)).toBeNull();
    expect(idsFingerprint(Int32Array.from([0, -1]), 50, true)).toEqual(idsFingerprint(Int32Array.from([0, 49]), 50));
  });

  it('a CSR built by a wasm kernel is the one the JS CSR kernels and GraphsTuple get; mutation rebuilds', () => {
    const rng = new Rng(3), E = 3000, N = 400, F = 4;
    const receivers = new Int32Array(E).map(() => rng.int(N)), senders = new Int32Array(E).map(() => rng.int(N));
    const wasm = createWasmBackend({ minWork: 0 });
    const x = kt(new Float32Array(N * F).map(() => rng.normal()), [N, F], 'float32');
    const out = new Float32Array(N * F);
    wasm.kernels.gatherSegmentSum!([x, kt(senders, [E], 'int32'), kt(receivers, [E], 'int32')], [kt(out, [N, F], 'float32')], { numSegments: N });
    const built = cachedCsr(receivers, N, idsFingerprint(receivers, N)!.hash);
    if (wasmRuntime()) expect(built).toBeDefined(); // stored by the wasm kernel under the shared fingerprint
    const csr = segmentCsr(receivers, N)!;
    if (built) expect(csr).toBe(built);
    const g = new GraphsTuple({ senders, receivers, numNodes: N });
    expect(g.csr().perm).toBe(csr.perm);
    expect(g.csr().rowPtr).toBe(csr.rowptr);
    expect(Array.from(g.csr().col.subarray(0, 20))).toEqual(Array.from(csr.perm.subarray(0, 20), (e) => senders[e]!));
    receivers[0] = (receivers[0]! + 1) % N; // mutated in place: a new fingerprint, a new CSR
    const again = segmentCsr(receivers, N)!;
    expect(again).not.toBe(csr);
    expect(again.perm).toEqual(segmentCsr(Int32Array.from(receivers), N)!.perm);
  });
});

describe('layering inside the backend', () => {
  it('backend/js (the reference and the CSR kernels) imports nothing from backend/wasm or backend/gpu', () => {
    const dir = new URL('../../src/backend/js/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const imports = [...readFileSync(new URL(f, dir), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      expect(imports.filter((i) => /^\.\.\/(wasm|gpu)\//.test(i)), f).toEqual([]);
    }
  });
});
