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

/** Allocate zeroed storage of a dtype. */
export function allocArray(dtype: DType, size: number): TypedArray {
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
