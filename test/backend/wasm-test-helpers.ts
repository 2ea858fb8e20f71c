/**
 * Helpers of the wasm kernel tests: kernel tables on 1, 2 and 4 threads, and the first element
 * where a kernel's result differs from the reference's (test/backend/wasm-rows.test.ts checks that
 * it reports what it should).
 */
import { afterAll } from 'vitest';
import { createWasmRuntime, wasmKernels, type Kernel, type TypedArray } from '../../src/backend/index.js';
import type { WasmArena } from '../../src/backend/wasm/runtime.js';

/**
 * The wasm kernel tables on runtimes of 1, 2 and 4 threads, every call taken (`minWork` 0) and
 * split (`parallelMinWork` 0), as [threads, kernels, runtime]; the runtimes are disposed after the
 * calling test file.
 */
export function threadTables(): [number, Record<string, Kernel>, WasmArena][] {
  const tables = [1, 2, 4].map((T): [number, Record<string, Kernel>, WasmArena] => {
    const runtime = createWasmRuntime(T)!;
    return [T, wasmKernels({ minWork: 0, parallelMinWork: 0, runtime }), runtime];
  });
  afterAll(() => { for (const [, , r] of tables) r.dispose(); });
  return tables;
}

/**
 * The first difference between `got` and the reference `ref`, or null. `exact`: the same bits
 * (any NaN matches any NaN: the reference's NaN payloads are not specified), else
 * |got − ref| ≤ rtol · s + atol per element, s = |ref| with `relative` and max(1, |ref|) without,
 * with NaN only against NaN and ±∞ only against itself.
 */
export function firstDiff(got: TypedArray, ref: TypedArray, exact: boolean, rtol = 0, atol = 0, relative = false): string | null {
  if (got.length !== ref.length) return `length ${got.length} ≠ ${ref.length}`;
  for (let i = 0; i < ref.length; i++) {
    const g = got[i]!, r = ref[i]!;
    if (Number.isNaN(r) || Number.isNaN(g)) {
      if (Number.isNaN(r) && Number.isNaN(g)) continue;
      return `[${i}]: ${g} vs ${r}`;
    }
    const scale = relative ? Math.abs(r) : Math.max(1, Math.abs(r));
    const close = g === r || (Number.isFinite(r) && Math.abs(g - r) <= rtol * scale + atol);
    if (exact ? !Object.is(g, r) : !close) return `[${i}]: ${g} vs ${r}`;
  }
  return null;
}
