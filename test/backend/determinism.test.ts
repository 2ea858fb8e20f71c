/**
 * Determinism of the kernels: every kernel that the wasm runtime splits across threads returns the
 * same bits for the same inputs on 1, 2 and 4 threads (pools of those sizes, every call split with
 * `parallelMinWork: 0`), on repeated calls (dynamic chunk scheduling), and in another process
 * (whose pool size comes from `ERLANGEN_WASM_THREADS`, loaded by `await wasmReady()` first).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWasmRuntime, wasmKernels, type DType, type Kernel, type KernelTensor } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';
import type { WasmArena } from '../../src/backend/wasm/runtime.js';
import { determinismCases, digest, runCase, type Case } from './determinism-cases.js';

const cases = determinismCases();
const runtimes = new Map<number, WasmArena>();
const tables = new Map<number, Record<string, Kernel>>();
for (const T of [1, 2, 4]) {
  const rt = createWasmRuntime(T)!;
  runtimes.set(T, rt);
  tables.set(T, wasmKernels({ minWork: 0, minGemm: 0, parallelMinWork: 0, runtime: rt }));
}
afterAll(() => { for (const rt of runtimes.values()) rt.dispose(); });

/** Digests of every case on T threads. */
const digestsOn = (T: number): Record<string, string> => Object.fromEntries(cases.map((c) => [c.name, digest(runCase(tables.get(T)!, c))]));

describe('kernel determinism', () => {
  it('runtimes of 1, 2 and 4 threads were created with those sizes', () => {
    expect([...runtimes.entries()].map(([T, rt]) => [T, rt.threads])).toEqual([[1, 1], [2, 2], [4, 4]]);
  });

  it('every threaded kernel gives the same bits on 1, 2 and 4 threads, call after call', () => {
    const one = digestsOn(1);
    for (const T of [2, 4, 4, 2, 4]) expect(digestsOn(T)).toEqual(one);
    // and the computation really was split: a softmax call on 4 threads ran chunked passes on the pool
    const rt = runtimes.get(4)!, seen: number[] = [];
    const orig = rt.parallelChunks.bind(rt);
    rt.parallelChunks = (name, args, pos, chunks, ...rest) => { seen.push(chunks.length); orig(name, args, pos, chunks, ...rest); };
    try {
      runCase(tables.get(4)!, cases.find((c) => c.op === 'segmentSoftmax')!);
    } finally {
      rt.parallelChunks = orig;
    }
    expect(Math.min(...seen)).toBeGreaterThan(4);
    // and so were the convolutions (every one of the three kernels ran several chunks)
    const convOps: string[] = [];
    rt.parallelChunks = (name, args, pos, chunks, ...rest) => { if (chunks.length > 4) convOps.push(name); orig(name, args, pos, chunks, ...rest); };
    try {
      for (const c of cases.filter((c) => c.name.includes('37 images'))) runCase(tables.get(4)!, c);
    } finally {
      rt.parallelChunks = orig;
    }
    expect(convOps.sort()).toEqual(['conv2dF32', 'conv2dF64', 'conv2dGradInputF32', 'conv2dGradInputF64', 'conv2dGradWeightF32', 'conv2dGradWeightF64']);
  }, 120_000);

  it('property: random convolution geometries (float32 and float64) give the same bits on 1, 2 and 4 threads', () => {
    const arb = fc.record({
      seed: fc.integer({ min: 1, max: 1 << 30 }), N: fc.integer({ min: 1, max: 20 }), Cg: fc.integer({ min: 1, max: 4 }),
      Og: fc.integer({ min: 1, max: 5 }), groups: fc.integer({ min: 1, max: 3 }), kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }), extraH: fc.integer({ min: 0, max: 30 }), extraW: fc.integer({ min: 0, max: 40 }),
      sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), ph: fc.integer({ min: 0, max: 2 }),
      pw: fc.integer({ min: 0, max: 2 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
      f64: fc.boolean(),
    });
    fc.assert(fc.property(arb, (g) => {
      const rng = new Rng(g.seed), d = g.f64 ? 'float64' as const : 'float32' as const;
      const C = g.Cg * g.groups, O = g.Og * g.groups;
      const H = g.dh * (g.kh - 1) + 1 + g.extraH, W = g.dw * (g.kw - 1) + 1 + g.extraW; // at least one output row and column
      const Ho = Math.floor((H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh) + 1, Wo = Math.floor((W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw) + 1;
      const arr = (n: number) => { const a = g.f64 ? new Float64Array(n) : new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rng.uniform() - 0.5; return a; };
      const t = (shape: number[]): KernelTensor => ({ data: arr(shape.reduce((a, b) => a * b, 1)), shape, dtype: d });
      const xs = [g.N, C, H, W], ws = [O, g.Cg, g.kh, g.kw], ys = [g.N, O, Ho, Wo];
      const x = t(xs), w = t(ws), gy = t(ys);
      const attrs = { stride: [g.sh, g.sw], padding: [g.ph, g.pw], dilation: [g.dh, g.dw], groups: g.groups };
      const cases: Case[] = [
        { name: 'fwd', op: 'conv2d', inputs: [x, w], outputs: [ys], attrs },
        { name: 'dx', op: 'conv2dGradInput', inputs: [gy, w], outputs: [xs], attrs },
        { name: 'dw', op: 'conv2dGradWeight', inputs: [x, gy], outputs: [ws], attrs },
      ];
      for (const c of cases) {
        const one = digest(runCase(tables.get(1)!, c));
        for (const T of [2, 4]) expect(digest(runCase(tables.get(T)!, c)), `${c.op} on ${T} threads`).toBe(one);
      }
    }), { numRuns: 30, seed: 11 });
  }, 120_000);

  it('property: random graphs, widths and score ranges give the same bits on 1, 2 and 4 threads', () => {
    const arb = fc.record({
      seed: fc.integer({ min: 1, max: 1 << 30 }), E: fc.integer({ min: 1, max: 4000 }), S: fc.integer({ min: 1, max: 300 }),
      F: fc.integer({ min: 1, max: 40 }), C: fc.integer({ min: 1, max: 4 }), range: fc.constantFrom(2, 10, 100),
      f64: fc.boolean(), sortIds: fc.boolean(),
    });
    fc.assert(fc.property(arb, ({ seed, E, S, F, C, range, f64, sortIds }) => {
      const rng = new Rng(seed), dtype = f64 ? 'float64' as const : 'float32' as const, R = 97;
      const arr = (n: number, scale: number) => { const a = f64 ? new Float64Array(n) : new Float32Array(n); for (let i = 0; i < n; i++) a[i] = (rng.uniform() - 0.5) * scale; return a; };
      const t = (data: Float32Array | Float64Array | Int32Array, shape: number[], d: DType = dtype): KernelTensor => ({ data, shape, dtype: d });
      const s = new Int32Array(E).map(() => rng.int(S)), g = new Int32Array(E).map(() => rng.int(R));
      if (sortIds) s.sort();
      const si = t(s, [E], 'int32'), gi = t(g, [E], 'int32');
      const cases: Case[] = [
        { name: 'gss', op: 'gatherSegmentSum', inputs: [t(arr(R * F, 6), [R, F]), gi, si], outputs: [[S, F]], attrs: { numSegments: S } },
        { name: 'gsw', op: 'gatherSegmentWeightedSum', inputs: [t(arr(R * F, 6), [R, F]), t(arr(E, 2), [E, 1]), gi, si], outputs: [[S, F]], attrs: { numSegments: S, heads: 1 } },
        { name: 'dot', op: 'gatherDot', inputs: [t(arr(S * F, 6), [S, F]), t(arr(R * F, 6), [R, F]), si, gi], outputs: [[E, 1]], attrs: { heads: 1 } },
        { name: 'sm', op: 'segmentSoftmax', inputs: [t(arr(E * C, range), [E, C]), si], outputs: [[E, C]], attrs: { numSegments: S, sorted: sortIds } },
        { name: 'smg', op: 'segmentSoftmaxGrad', inputs: [t(arr(E * C, 1), [E, C]), t(arr(E * C, 2), [E, C]), si], outputs: [[E, C]], attrs: { numSegments: S, sorted: sortIds } },
      ];
      if (!f64) cases.push({ name: 'exp', op: 'exp', inputs: [t(arr(E * C, range), [E * C])], outputs: [[E * C]], attrs: {} });
      for (const c of cases) {
        const one = digest(runCase(tables.get(1)!, c));
        for (const T of [2, 4]) expect(digest(runCase(tables.get(T)!, c)), `${c.op} on ${T} threads`).toBe(one);
      }
    }), { numRuns: 25, seed: 7 });
  }, 120_000);

  it('another process (ERLANGEN_WASM_THREADS=3, `await wasmReady()` first) gets the same bits on a 3-thread pool', () => {
    const child = fileURLToPath(new URL('./determinism-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', child], {
      encoding: 'utf8', env: { ...process.env, ERLANGEN_WASM_THREADS: '3' },
    });
    const res = JSON.parse(out.trim().split('\n').pop()!) as { ready: boolean; threads: number; digests: Record<string, string> };
    expect(res.ready).toBe(true);
    expect(res.threads).toBe(3);
    expect(res.digests).toEqual(digestsOn(1));
  }, 120_000);
});
