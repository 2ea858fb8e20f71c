/**
 * Creating tensors: from (nested) arrays, constants, ranges, identity, and seeded random.
 * @module
 */
import type { DType, FloatDType, TypedArray } from '../backend/types.js';
import { allocArray, sizeOf } from '../backend/types.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { checkShape } from './shape-util.js';
import { Tensor } from './tensor.js';

/** Options for creation functions. */
export interface CreateOptions {
  /** Element type (default float32). */
  dtype?: DType;
  /** Track gradients (leaves). */
  requiresGrad?: boolean;
}

/** Nested numeric input accepted by `tensor()`. */
export type TensorLike = number | readonly TensorLike[] | TypedArray;

function inferShape(data: TensorLike): number[] {
  const shape: number[] = [];
  let cur: TensorLike = data;
  while (Array.isArray(cur) || ArrayBuffer.isView(cur)) {
    const arr = cur as ArrayLike<TensorLike>;
    shape.push(arr.length);
    if (ArrayBuffer.isView(cur) || arr.length === 0) break;
    cur = arr[0]!;
  }
  return shape;
}

function flatten(data: TensorLike, shape: number[], out: TypedArray): void {
  let k = 0;
  const walk = (d: TensorLike, dim: number): void => {
    if (dim === shape.length) {
      if (typeof d !== 'number') throw new ShapeError(`tensor: ragged nested array (expected a number at depth ${dim}, shape ${fmtShape(shape)})`);
      out[k++] = d;
      return;
    }
    const arr = d as ArrayLike<TensorLike>;
    if (typeof d === 'number' || arr.length !== shape[dim]) {
      throw new ShapeError(`tensor: ragged nested array (expected length ${shape[dim]} at depth ${dim}, shape ${fmtShape(shape)})`);
    }
    if (dim === shape.length - 1 && ArrayBuffer.isView(d)) {
      for (let i = 0; i < arr.length; i++) out[k++] = arr[i] as number;
      return;
    }
    for (let i = 0; i < arr.length; i++) walk(arr[i]!, dim + 1);
  };
  walk(data, 0);
}

function defaultDType(data: TensorLike, dtype?: DType): DType {
  if (dtype) return dtype;
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

/**
 * Create a tensor from a number, nested arrays, or a typed array (with `shape` to reshape it).
 * The data is copied.
 */
export function tensor(data: TensorLike, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  const dtype = defaultDType(data, opts.dtype);
  if (opts.shape) {
    const shape = checkShape('tensor', opts.shape);
    if (typeof data === 'number') return full(shape, data, opts);
    const flat = allocArray(dtype, sizeOf(shape));
    const src = ArrayBuffer.isView(data) ? (data as TypedArray) : (() => {
      const s = inferShape(data);
      const t = allocArray(dtype, sizeOf(s));
      flatten(data, s, t);
      return t;
    })();
    if (src.length !== flat.length) throw new ShapeError(`tensor: ${src.length} values cannot fill shape ${fmtShape(shape)}`);
    flat.set(src);
    return new Tensor(flat, shape, dtype, opts.requiresGrad ?? false);
  }
  const shape = inferShape(data);
  const flat = allocArray(dtype, sizeOf(shape));
  flatten(data, shape, flat);
  return new Tensor(flat, shape, dtype, opts.requiresGrad ?? false);
}

/** Wrap existing storage without copying. */
export function fromData(data: TypedArray, shape: readonly number[], opts: { requiresGrad?: boolean } = {}): Tensor {
  const dtype: DType = data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'float32';
  return new Tensor(data, checkShape('fromData', shape), dtype, opts.requiresGrad ?? false);
}

/** A 0-d tensor. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return full([], value, opts);
}

/** Tensor filled with `value`. */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const dtype = opts.dtype ?? 'float32';
  const d = allocArray(dtype, sizeOf(s));
  if (value !== 0) d.fill(value);
  return new Tensor(d, s, dtype, opts.requiresGrad ?? false);
}

/** Tensor of zeros. */
export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/** Tensor of ones. */
export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...opts });
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

/** Values start, start+step, … < end (like numpy.arange). */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new ValueError('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? 'float32';
  const d = allocArray(dtype, n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n], dtype, opts.requiresGrad ?? false);
}

/** `n` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, n: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`linspace: n must be a non-negative integer, got ${n}`);
  const dtype = opts.dtype ?? 'float32';
  const d = allocArray(dtype, n);
  for (let i = 0; i < n; i++) d[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return new Tensor(d, [n], dtype, opts.requiresGrad ?? false);
}

/** Identity matrix n×m (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const t = zeros(checkShape('eye', [n, m]), opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

function floatDType(op: string, dtype?: DType): FloatDType {
  const d = dtype ?? 'float32';
  if (d === 'int32') throw new DTypeError(`${op}: random tensors must be float32 or float64, got int32`);
  return d;
}

/** Uniform samples in [low, high) from a seeded `rng`. */
export function uniform(rng: Rng, shape: readonly number[], low = 0, high = 1, opts: CreateOptions = {}): Tensor {
  const dtype = floatDType('uniform', opts.dtype);
  const t = zeros(shape, { dtype, requiresGrad: opts.requiresGrad });
  rng.fillUniform(t.data as Float32Array | Float64Array, low, high);
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(rng: Rng, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return uniform(rng, shape, 0, 1, opts);
}

/** Normal samples N(mean, std²) from a seeded `rng`. */
export function normal(rng: Rng, shape: readonly number[], mean = 0, std = 1, opts: CreateOptions = {}): Tensor {
  const dtype = floatDType('normal', opts.dtype);
  const t = zeros(shape, { dtype, requiresGrad: opts.requiresGrad });
  rng.fillNormal(t.data as Float32Array | Float64Array, mean, std);
  return t;
}

/** Standard normal samples. */
export function randn(rng: Rng, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return normal(rng, shape, 0, 1, opts);
}

/** An int32 index tensor from numbers. */
export function indices(values: ArrayLike<number>, shape?: readonly number[]): Tensor {
  const d = Int32Array.from(values as ArrayLike<number>);
  return new Tensor(d, shape ? checkShape('indices', shape) : [d.length], 'int32');
}
