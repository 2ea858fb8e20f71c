/**
 * The backend interface: kernels operate on raw typed arrays with known shapes. The JS backend is
 * the reference implementation and the specification; faster backends (gpu.js, wasm) register
 * kernels under the same names and must pass the same conformance suite.
 * @module
 */

/** Element types. `int32` is for index tensors only (no arithmetic, no gradients). */
export type DType = 'float32' | 'float64' | 'int32';

/** Floating element types. */
export type FloatDType = 'float32' | 'float64';

/** Storage of a tensor. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Float storage. */
export type FloatArray = Float32Array | Float64Array;

/** A kernel argument: raw contiguous row-major data plus its shape and dtype. */
export interface KernelTensor {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * A kernel: reads `inputs`, writes the pre-allocated `outputs` (whose shapes were inferred by the
 * op), configured by `attrs`. Kernels never allocate their outputs and never change shapes.
 */
export type Kernel = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: any) => void;

/** A backend: a name, an allocator and a table of kernels by op name. */
export interface Backend {
  /** Unique backend name, e.g. `js`, `gpujs-webasm`. */
  readonly name: string;
  /** Allocate zeroed storage. */
  alloc(dtype: DType, size: number): TypedArray;
  /** Kernels by op name; missing kernels fall back to the JS reference backend. */
  readonly kernels: Readonly<Record<string, Kernel>>;
}

/** Where large float storage may live instead of a plain array (the wasm provider installs resident storage, ./wasm/resident.ts). */
export interface ResidentStorage {
  /** An array of `size` elements (zeroed when `zero`), or null for a plain one; `grow` false: only storage that is free now. */
  alloc(dtype: DType, size: number, zero: boolean, grow: boolean): TypedArray | null;
  /** Take back `a`, which nothing references any more; false when `a` is not its own. */
  free(a: TypedArray): boolean;
}

let resident: ResidentStorage | null = null;

/** @internal Install the resident storage (null: plain arrays only). */
export function setResidentStorage(r: ResidentStorage | null): void {
  resident = r;
}

/**
 * @internal Storage for an op's output: resident storage only where a free block can be reused
 * (zeroed when `zero`; otherwise not necessarily, the op writes every element), else a plain array
 * — zeroed when `zero`, else, in Node, memory not cleared first ({@link uninitializedArray}). Op
 * outputs do not grow the resident heap: most are dropped by user code, and in a synchronous loop
 * the garbage collector's finalizers never run to take them back.
 */
export function allocOpOutput(dtype: DType, size: number, zero: boolean): TypedArray {
  return (resident !== null && dtype !== 'int32' ? resident.alloc(dtype, size, zero, false) : null)
    ?? (zero ? plainArray(dtype, size) : uninitializedArray(dtype, size));
}

/**
 * @internal Resident storage for an op's output that may grow the resident heap (zeroed when
 * `zero`), or null (no resident storage here, int32, or the limit reached): for outputs of a size
 * the program hands back with `dispose()`, which return to the heap instead of waiting for the
 * garbage collector.
 */
export function allocResidentOutput(dtype: DType, size: number, zero: boolean): TypedArray | null {
  return resident !== null && dtype !== 'int32' ? resident.alloc(dtype, size, zero, true) : null;
}

/** Smallest float array (bytes) taken without clearing: below it a zeroed array costs nothing worth saving. */
const UNINITIALIZED_MIN_BYTES = 64 * 1024;

/**
 * A float array whose contents are whatever the allocator held, for an output the op overwrites
 * entirely: Node's `Buffer.allocUnsafeSlow` (malloc, where an `ArrayBuffer` is calloc'd — a
 * reused 40 MB block costs ≈ 2 ms to clear; its own `ArrayBuffer`, offset 0). Elsewhere, or for
 * int32 and small arrays, a zeroed array. `Buffer` is looked up at each call.
 */
function uninitializedArray(dtype: DType, size: number): TypedArray {
  const bytes = size * (dtype === 'float64' ? 8 : 4);
  const B = (globalThis as { Buffer?: { allocUnsafeSlow?: (n: number) => Uint8Array } }).Buffer;
  if (dtype === 'int32' || !(bytes >= UNINITIALIZED_MIN_BYTES) || typeof B?.allocUnsafeSlow !== 'function') return plainArray(dtype, size);
  const u = B.allocUnsafeSlow(bytes);
  return dtype === 'float64' ? new Float64Array(u.buffer as ArrayBuffer, u.byteOffset, size) : new Float32Array(u.buffer as ArrayBuffer, u.byteOffset, size);
}

/** @internal Hand storage nothing references any more back to resident storage; false when it is a plain array. */
export function freeResidentArray(a: TypedArray): boolean {
  return resident !== null && resident.free(a);
}

/**
 * Allocate zeroed storage of a dtype: large float storage is resident in the wasm kernels' memory
 * where that is on (see `residentStats`), otherwise a plain typed array.
 */
export function allocArray(dtype: DType, size: number): TypedArray {
  if (resident !== null && dtype !== 'int32') {
    const a = resident.alloc(dtype, size, true, true);
    if (a !== null) return a;
  }
  return plainArray(dtype, size);
}

function plainArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}
