/**
 * Resident storage: float arrays that live in the wasm kernels' memory, so a wasm kernel reads its
 * inputs and writes its outputs where they are instead of copying them in and out (a 40 MB copy
 * costs ≈ 2.3 ms each way on the bench machine, as much as the kernel itself).
 *
 * Once installed (importing the wasm provider does it), every `allocArray` of float32 / float64
 * storage of at least {@link residentMinBytes} (64 KiB) returns a resident array while the wasm
 * runtime is loaded with a **shared** memory (a shared memory never detaches its views when it
 * grows) and the resident bytes stay under {@link residentLimit}; otherwise, and whenever the heap
 * cannot grow, a plain array, exactly as before. A resident array is an ordinary `Float32Array` /
 * `Float64Array` (a subclass: `instanceof` holds) whose `buffer` is the memory's
 * `SharedArrayBuffer` — use `byteOffset` / `byteLength` with it, as with any view.
 *
 * Lifetimes (no `dispose` to call):
 * - storage the engine knows is dead (the buffer pool's releases: backward temporaries, a
 *   composite's intermediates) goes back to the heap at once;
 * - every other resident array goes back when the garbage collector reclaims it (a
 *   `FinalizationRegistry`). A `subarray()` of it keeps it alive (the subclass records the
 *   parent); a view made by hand from its `buffer` does not — keep the array itself while using
 *   such a view.
 * A synchronous loop gives finalizers no chance to run, so its dropped outputs stay resident until
 * it ends; past the limit new arrays are plain ones, so memory stays bounded either way.
 *
 * Node: on by default (`ERLANGEN_WASM_RESIDENT_MB`, default 1024; 0 turns it off). Browsers: off
 * unless `globalThis.ERLANGEN_WASM_RESIDENT_MB` is set (both read at the first large allocation;
 * {@link setResidentLimit} overrides them), since some web APIs (`Blob`, `TextDecoder`)
 * refuse views of shared memory. docs/design/memory.md ("Resident storage") has the design and the
 * measurements.
 * @module
 */
import { setResidentStorage, type DType, type TypedArray } from '../types.js';
import { ValueError } from '../../util/errors.js';
import { WasmMemoryError } from './heap.js';
import { wasmRuntime, type WasmArena } from './runtime.js';

/** Views made by `subarray()` of a resident array → that array (keeps it alive while they are). */
const parents = new WeakMap<object, object>();
/** Resident arrays with a `subarray()` view: freed only by the garbage collector, never explicitly. */
const viewed = new WeakSet<object>();

/** A float32 array in the wasm memory; `subarray()` views keep it alive. Derived arrays (`slice`, `map`) are plain. */
export class ResidentFloat32Array extends Float32Array {
  static get [Symbol.species](): Float32ArrayConstructor {
    return Float32Array;
  }

  override subarray(begin?: number, end?: number): Float32Array<ArrayBuffer> {
    const v = super.subarray(begin, end);
    parents.set(v, this);
    viewed.add(this);
    return v;
  }
}

/** A float64 array in the wasm memory; `subarray()` views keep it alive. Derived arrays (`slice`, `map`) are plain. */
export class ResidentFloat64Array extends Float64Array {
  static get [Symbol.species](): Float64ArrayConstructor {
    return Float64Array;
  }

  override subarray(begin?: number, end?: number): Float64Array<ArrayBuffer> {
    const v = super.subarray(begin, end);
    parents.set(v, this);
    viewed.add(this);
    return v;
  }
}

// Each presents itself as its base class (`constructor`: code that compares or copies arrays by
// their constructor — test matchers, `like.constructor` allocations — treats it as a plain array).
Object.defineProperty(ResidentFloat32Array.prototype, 'constructor', { value: Float32Array, writable: true, configurable: true });
Object.defineProperty(ResidentFloat64Array.prototype, 'constructor', { value: Float64Array, writable: true, configurable: true });

/** Counters and occupancy of resident storage, see {@link residentStats}. */
export interface ResidentStats {
  /** Bytes of live resident arrays (their heap blocks). */
  readonly residentBytes: number;
  /** Live resident arrays. */
  readonly residentArrays: number;
  /** The bound on `residentBytes` (0: off). */
  readonly limitBytes: number;
  /** Bytes of the wasm memory (resident blocks, free blocks, kernel scratch; it never shrinks). */
  readonly memoryBytes: number;
  /** Resident arrays handed out since the last {@link resetResidentStats}. */
  readonly allocated: number;
  /** … returned by the engine (known dead). */
  readonly freedByEngine: number;
  /** … returned after the garbage collector reclaimed them. */
  readonly freedByGc: number;
  /** Requests served as plain arrays because the limit was reached or the memory could not grow. */
  readonly refused: number;
}

const DEFAULT_MIN_BYTES = 64 * 1024;
let minBytes = DEFAULT_MIN_BYTES;
/** The bound (null: not read yet — the environment's setting is read at the first allocation). */
let limit: number | null = null;
let bytes = 0;
let arrays = 0;
const counts = { allocated: 0, freedByEngine: 0, freedByGc: 0, refused: 0 };
/** The runtime whose memory holds the live resident arrays (the shared runtime, fixed once loaded). */
let home: WasmArena | null = null;
/** Live resident arrays (an explicit free must find its array here). */
const live = new WeakSet<object>();

const registry = new FinalizationRegistry<number>((off) => {
  if (!home) return;
  bytes -= home.heap.sizeAt(off);
  arrays--;
  home.heap.free(off);
  counts.freedByGc++;
});

function defaultLimit(): number {
  const g = globalThis as { process?: { env?: Record<string, string | undefined>; versions?: { node?: string } }; ERLANGEN_WASM_RESIDENT_MB?: unknown };
  const node = typeof g.process?.versions?.node === 'string';
  const raw = node ? g.process?.env?.ERLANGEN_WASM_RESIDENT_MB : g.ERLANGEN_WASM_RESIDENT_MB;
  const mb = raw === undefined || raw === '' ? (node ? 1024 : 0) : Number(raw);
  return Number.isFinite(mb) && mb >= 0 ? Math.min(mb, 3072) * 1024 * 1024 : node ? 1024 * 1024 * 1024 : 0;
}

/**
 * A resident array of `n` elements of `dtype` (zeroed when `zero`), or null: int32, fewer than
 * {@link residentMinBytes}, no shared-memory runtime, the limit reached, the memory full, or —
 * with `grow` false — no free block to reuse without growing the heap.
 */
export function allocResident(dtype: DType, n: number, zero: boolean, grow = true): TypedArray | null {
  const max = (limit ??= defaultLimit());
  if (dtype === 'int32' || max === 0) return null;
  const size = n * (dtype === 'float64' ? 8 : 4);
  if (!(size >= minBytes) || !Number.isSafeInteger(n)) return null;
  const rt = home ?? wasmRuntime();
  if (!rt || !rt.shared) return null;
  home = rt;
  if (bytes + size > max) { counts.refused++; return null; }
  let off: number;
  try {
    off = rt.heap.alloc(size, zero, grow);
  } catch (e) {
    if (e instanceof WasmMemoryError) { counts.refused++; return null; }
    throw e;
  }
  if (off < 0) return null;
  const a = dtype === 'float64' ? new ResidentFloat64Array(rt.memory.buffer as ArrayBuffer, off, n) : new ResidentFloat32Array(rt.memory.buffer as ArrayBuffer, off, n);
  bytes += rt.heap.sizeAt(off);
  arrays++;
  counts.allocated++;
  live.add(a);
  registry.register(a, off, a);
  return a;
}

/**
 * Return `a` to the heap now if it is a live resident array with no `subarray()` views; the caller
 * guarantees nothing else references it. Returns whether it was freed (false: not resident, or
 * left to the garbage collector).
 */
export function freeResident(a: TypedArray): boolean {
  if (!home || !live.has(a) || viewed.has(a)) return false;
  live.delete(a);
  registry.unregister(a);
  bytes -= home.heap.sizeAt(a.byteOffset);
  arrays--;
  home.heap.free(a.byteOffset);
  counts.freedByEngine++;
  return true;
}

/** Whether `a` is a resident array (not a view of one). */
export function isResident(a: unknown): boolean {
  return typeof a === 'object' && a !== null && live.has(a);
}

/** Smallest array (bytes) made resident. */
export function residentMinBytes(): number {
  return minBytes;
}

/** Make arrays of at least `bytes` resident (default 64 KiB; tests lower it to exercise small shapes). */
export function setResidentMinBytes(bytes: number): void {
  if (!(Number.isFinite(bytes) && bytes >= 1)) throw new ValueError(`setResidentMinBytes: expected a byte count ≥ 1, got ${bytes}`);
  minBytes = Math.floor(bytes);
}

/** The bound on resident bytes (0: resident storage is off). */
export function residentLimit(): number {
  return (limit ??= defaultLimit());
}

/**
 * Bound resident storage at `bytes` (≥ 0, at most 3 GiB; 0 turns it off). Arrays already resident
 * stay so; only new allocations see the bound.
 */
export function setResidentLimit(bytes: number): void {
  if (!(Number.isFinite(bytes) && bytes >= 0 && bytes <= 3 * 2 ** 30)) throw new ValueError(`setResidentLimit: expected a byte count in [0, 3 GiB], got ${bytes}`);
  limit = Math.floor(bytes);
}

/** Counters and occupancy, see {@link ResidentStats}. */
export function residentStats(): ResidentStats {
  return { residentBytes: bytes, residentArrays: arrays, limitBytes: residentLimit(), memoryBytes: home?.heap.stats().memoryBytes ?? 0, ...counts };
}

/** Reset the counters of {@link residentStats} (not what is resident). */
export function resetResidentStats(): void {
  counts.allocated = counts.freedByEngine = counts.freedByGc = counts.refused = 0;
}

setResidentStorage({ alloc: allocResident, free: freeResident });
