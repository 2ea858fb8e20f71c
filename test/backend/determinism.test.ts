/**
 * Determinism of the kernels: every kernel that the wasm runtime splits across threads returns the
 * same bits for the same inputs on 1, 2 and 4 threads (pools of those sizes, every call split with
 * `parallelMinWork: 0`), on repeated calls (dynamic chunk scheduling), and in another process
 * (whose pool size comes from `ERLANGEN_WASM_THREADS`, loaded by `await wasmReady()` first).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmRuntime, wasmKernels, type Kernel } from '../../src/backend/index.js';
import type { WasmArena } from '../../src/backend/wasm/runtime.js';
import { determinismCases, digest, runCase } from './determinism-cases.js';

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
