/**
 * The eager buffer pool: float storage whose lifetime the engine knows ends — today, every tensor
 * a backward pass allocates that does not end up in a `.grad`, a `grad()` result or a cache — is
 * kept here instead of being left to the garbage collector, and the next eager op that needs an
 * array of the same dtype and length takes it back. A reused array's pages are already mapped, so
 * the op skips the page faults of fresh storage (≈ 0.5 ms per MB on the bench machine, the main
 * cost of a memory-bound op on a fresh output).
 *
 * Bounded: at most {@link bufferPoolLimit} bytes are held (default 256 MiB; least recently
 * released arrays are dropped first to make room); `setBufferPoolLimit(0)` turns pooling off and
 * {@link clearBufferPool} hands everything back to the garbage collector.
 * docs/design/memory.md describes which lifetimes are known and why the pool takes nothing else.
 * @module
 */
import { freeResidentArray, type DType, type TypedArray } from '../backend/types.js';
import { ValueError } from '../util/errors.js';

/** Smallest array the pool keeps (bytes): below this, allocation is cheap (no fresh pages). */
export const POOL_MIN_BYTES = 64 * 1024;

const DEFAULT_LIMIT = 256 * 1024 * 1024;

/** Counters of the pool since the last {@link resetBufferPoolStats}, and what it holds now. */
export interface BufferPoolStats {
  /** Bytes held now. */
  readonly pooledBytes: number;
  /** Arrays held now. */
  readonly pooledArrays: number;
  /** The bound on `pooledBytes`. */
  readonly limitBytes: number;
  /** Arrays handed back by the engine (backward temporaries) and kept. */
  readonly released: number;
  /** Allocations served from the pool, and their bytes. */
  readonly reused: number;
  readonly reusedBytes: number;
  /** Arrays dropped to stay under the limit (or refused: larger than the limit). */
  readonly evicted: number;
}

type PoolDType = 'float32' | 'float64';

const buckets = new Map<string, TypedArray[]>();
/** Every held array in release order (the oldest is evicted first). */
const order = new Set<TypedArray>();
let limit = DEFAULT_LIMIT;
let held = 0;
const counts = { released: 0, reused: 0, reusedBytes: 0, evicted: 0 };
/** Sizes (dtype and length) of which a tensor was disposed (`Tensor.dispose`, `using`). */
const disposed = new Set<string>();

const keyOf = (dtype: PoolDType, n: number): string => `${dtype}:${n}`;

/** The dtype of a poolable array: a float array that owns its whole (non-shared) ArrayBuffer, at least {@link POOL_MIN_BYTES}. */
function poolable(a: TypedArray): PoolDType | null {
  if (a.byteLength < POOL_MIN_BYTES || a.byteOffset !== 0 || !(a.buffer instanceof ArrayBuffer) || a.buffer.byteLength !== a.byteLength) return null;
  return a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : null;
}

function drop(a: TypedArray, dtype: PoolDType): void {
  const list = buckets.get(keyOf(dtype, a.length));
  if (list) {
    const i = list.lastIndexOf(a);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) buckets.delete(keyOf(dtype, a.length));
  }
  order.delete(a);
  held -= a.byteLength;
}

/**
 * @internal Hand an array back whose every reference the engine knows to be gone. Arrays that are
 * not poolable (small, int32, views, shared memory) are ignored; past the limit the oldest held
 * arrays are dropped.
 */
export function releaseBuffer(a: TypedArray): void {
  if (freeResidentArray(a)) return; // resident storage: back to the wasm heap at once
  const dtype = poolable(a);
  if (dtype === null || order.has(a)) return;
  if (a.byteLength > limit) { counts.evicted++; return; }
  while (held + a.byteLength > limit) {
    const oldest = order.values().next().value as TypedArray;
    drop(oldest, oldest instanceof Float32Array ? 'float32' : 'float64');
    counts.evicted++;
  }
  const k = keyOf(dtype, a.length);
  (buckets.get(k) ?? buckets.set(k, []).get(k)!).push(a);
  order.add(a);
  held += a.byteLength;
  counts.released++;
}

/**
 * @internal An array of `n` elements of `dtype` from the pool, or null. Its contents are whatever
 * the last user left: zero it unless the op writes every element.
 */
export function takeBuffer(dtype: DType, n: number): TypedArray | null {
  if (held === 0 || dtype === 'int32') return null;
  const list = buckets.get(keyOf(dtype, n));
  const a = list?.pop();
  if (!a) return null;
  if (list!.length === 0) buckets.delete(keyOf(dtype, n));
  order.delete(a);
  held -= a.byteLength;
  counts.reused++;
  counts.reusedBytes += a.byteLength;
  return a;
}

/**
 * @internal Remember the size of a disposed tensor's storage: outputs of that size are then
 * tracked for `dispose` and may grow resident storage ({@link disposedSize}), since the program
 * hands them back.
 */
export function noteDisposedSize(a: TypedArray): void {
  if (a instanceof Float32Array || a instanceof Float64Array) disposed.add(keyOf(a instanceof Float32Array ? 'float32' : 'float64', a.length));
}

/**
 * @internal A disposed tensor's storage: back to the pool (plain) or the wasm heap (resident), as
 * {@link releaseBuffer}, and its size remembered ({@link noteDisposedSize}).
 */
export function releaseDisposed(a: TypedArray): void {
  noteDisposedSize(a);
  releaseBuffer(a);
}

/** @internal Whether a tensor of this dtype and length was disposed before (see {@link releaseDisposed}). */
export function disposedSize(dtype: DType, n: number): boolean {
  return disposed.size > 0 && (dtype === 'float32' || dtype === 'float64') && disposed.has(keyOf(dtype, n));
}

/** The pool's bound in bytes. */
export function bufferPoolLimit(): number {
  return limit;
}

/**
 * Bound the pool at `bytes` (≥ 0; 0 disables pooling and empties it). Arrays beyond the new bound
 * are dropped, oldest first.
 */
export function setBufferPoolLimit(bytes: number): void {
  if (!(Number.isFinite(bytes) && bytes >= 0)) throw new ValueError(`setBufferPoolLimit: expected a byte count ≥ 0, got ${bytes}`);
  limit = Math.floor(bytes);
  while (held > limit) {
    const oldest = order.values().next().value as TypedArray;
    drop(oldest, oldest instanceof Float32Array ? 'float32' : 'float64');
    counts.evicted++;
  }
}

/**
 * Drop every held array (the garbage collector reclaims them), and forget the sizes of disposed
 * tensors (outputs of those sizes grow resident storage again only after their next disposal).
 */
export function clearBufferPool(): void {
  buckets.clear();
  order.clear();
  held = 0;
  disposed.clear();
}

/** The pool's counters and contents, see {@link BufferPoolStats}. */
export function bufferPoolStats(): BufferPoolStats {
  return { pooledBytes: held, pooledArrays: order.size, limitBytes: limit, ...counts };
}

/** Reset the counters of {@link bufferPoolStats} (not the contents). */
export function resetBufferPoolStats(): void {
  counts.released = 0;
  counts.reused = 0;
  counts.reusedBytes = 0;
  counts.evicted = 0;
}

/**
 * Ops whose kernels write every element of their outputs: an output taken from a pool needs no
 * clearing first. Every other op's pooled output is zeroed (kernels such as scatter-adds
 * accumulate into zeros).
 */
export const OVERWRITES: ReadonlySet<string> = new Set([
  'neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'relu', 'leakyRelu', 'elu', 'gelu', 'silu',
  'reciprocal', 'square', 'step', 'powScalar', 'sigmoid', 'erf', 'siluGrad', 'where', 'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  'matmul', 'dropoutMask', 'softmax', 'softmaxGrad', 'logSoftmax', 'logSoftmaxGrad', 'layerNorm', 'layerNormGrad', 'clamp', 'variance', 'logsumexp', 'batchNorm', 'batchNormGrad',
]);
