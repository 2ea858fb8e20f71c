/**
 * Creating tensors: from (nested) arrays, constants, ranges, identity, and seeded random.
 * @module
 */
import type { DType, FloatDType, TypedArray } from '../backend/types.js';
import { allocArray, sizeOf } from '../backend/types.js';
import { DTypeError, ShapeError, SizeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { checkShape, checkedSize, describe, toInt32Indices } from './shape-util.js';
import { Tensor, storageMatches } from './tensor.js';

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

/**
 * Throw unless `v` can be stored in an int32 tensor exactly: a non-integer (or NaN/±Inf) is a
 * `ValueError`, an integer outside [−2³¹, 2³¹) a `SizeError` (it would wrap around).
 */
export function checkInt32Value(op: string, v: number, where = ''): void {
  if (!Number.isInteger(v)) throw new ValueError(`${op}: ${v}${where} is not an integer and cannot be stored in an int32 tensor`);
  if (v < -0x80000000 || v > 0x7fffffff) throw new SizeError(`${op}: ${v}${where} overflows int32 (range [-2^31, 2^31 - 1])`);
}

/** {@link checkInt32Value} for every element of `values`. */
function checkInt32Values(op: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) checkInt32Value(op, values[i]!, ` at flat index ${i}`);
}

/** Throw a DTypeError naming `op` unless `dtype` is float32, float64 or int32 (undefined means float32). */
export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new DTypeError(`${op}: unsupported dtype ${typeof dtype === 'string' ? `'${dtype}'` : describe(dtype)} (use 'float32', 'float64' or 'int32')`);
  }
  return dtype;
}

function flatten(data: TensorLike, shape: number[], out: TypedArray): void {
  let k = 0;
  const int = out instanceof Int32Array;
  const walk = (d: TensorLike, dim: number): void => {
    if (dim === shape.length) {
      if (typeof d !== 'number') {
        if (Array.isArray(d) || ArrayBuffer.isView(d)) throw new ShapeError(`tensor: ragged nested array (expected a number at depth ${dim}, shape ${fmtShape(shape)})`);
        throw new DTypeError(`tensor: expected a number at flat index ${k}, got ${describe(d)}`);
      }
      if (int) checkInt32Value('tensor', d, ` at flat index ${k}`);
      out[k++] = d;
      return;
    }
    const arr = d as ArrayLike<TensorLike>;
    if (!Array.isArray(d) && !ArrayBuffer.isView(d) && typeof d !== 'number') {
      throw new DTypeError(`tensor: expected a number or an array at depth ${dim}, got ${describe(d)}`);
    }
    if (typeof d === 'number' || arr.length !== shape[dim]) {
      throw new ShapeError(`tensor: ragged nested array (expected length ${shape[dim]} at depth ${dim}, shape ${fmtShape(shape)})`);
    }
    if (dim === shape.length - 1 && ArrayBuffer.isView(d)) {
      if (int) checkInt32Values('tensor', arr as ArrayLike<number>);
      for (let i = 0; i < arr.length; i++) out[k++] = arr[i] as number;
      return;
    }
    for (let i = 0; i < arr.length; i++) walk(arr[i]!, dim + 1);
  };
  walk(data, 0);
}

function defaultDType(data: TensorLike, dtype?: DType): DType {
  if (dtype !== undefined) return checkDType('tensor', dtype);
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

/**
 * Create a tensor from a number, nested arrays, or a typed array (with `shape` to reshape it).
 * The data is copied.
 * @throws DTypeError for an unknown dtype or non-numeric entries, ShapeError for ragged arrays or
 *   a bad `shape`, ValueError/SizeError for values an int32 tensor cannot hold exactly
 */
export function tensor(data: TensorLike, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  const dtype = defaultDType(data, opts.dtype);
  if (opts.shape) {
    const shape = checkShape('tensor', opts.shape);
    if (typeof data === 'number') return fullAs('tensor', shape, data, opts);
    const flat = allocArray(dtype, checkedSize('tensor', shape));
    const src = ArrayBuffer.isView(data) ? (data as TypedArray) : (() => {
      const s = inferShape(data);
      const t = allocArray(dtype, sizeOf(s));
      flatten(data, s, t);
      return t;
    })();
    if (src.length !== flat.length) throw new ShapeError(`tensor: ${src.length} values cannot fill shape ${fmtShape(shape)}`);
    if (dtype === 'int32' && !(src instanceof Int32Array)) checkInt32Values('tensor', src);
    flat.set(src);
    return new Tensor(flat, shape, dtype, opts.requiresGrad ?? false);
  }
  if (typeof data !== 'number' && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
    throw new DTypeError(`tensor: expected a number, a (nested) array of numbers or a typed array, got ${describe(data)}`);
  }
  const shape = inferShape(data);
  const flat = allocArray(dtype, checkedSize('tensor', shape));
  flatten(data, shape, flat);
  return new Tensor(flat, shape, dtype, opts.requiresGrad ?? false);
}

/**
 * Wrap existing storage without copying. The dtype is that of the storage (Float32Array →
 * float32, Float64Array → float64, Int32Array → int32); a declared `dtype` must agree with it.
 * @throws DTypeError for any other typed array, or a storage that does not match `opts.dtype`
 */
export function fromData(data: TypedArray, shape: readonly number[], opts: { requiresGrad?: boolean; dtype?: DType } = {}): Tensor {
  const dtype: DType | null = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : null;
  if (dtype === null) {
    throw new DTypeError(`fromData: storage must be a Float32Array, Float64Array or Int32Array, got ${describe(data)}`);
  }
  if (opts.dtype !== undefined && !storageMatches(data, checkDType('fromData', opts.dtype))) {
    throw new DTypeError(`fromData: a ${describe(data)} cannot be a ${opts.dtype} tensor (its storage would be ${dtype})`);
  }
  return new Tensor(data, checkShape('fromData', shape), dtype, opts.requiresGrad ?? false);
}

/** A 0-d tensor. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return fullAs('scalar', [], value, opts);
}

/** `full` with errors naming `op`: validates the dtype, the shape and its size before allocating. */
function fullAs(op: string, shape: readonly number[], value: number, opts: CreateOptions): Tensor {
  const dtype = checkDType(op, opts.dtype);
  if (!Array.isArray(shape) && !ArrayBuffer.isView(shape)) throw new ShapeError(`${op}: shape must be an array of dimensions, got ${describe(shape)}`);
  const n = checkedSize(op, shape);
  if (typeof value !== 'number') throw new ValueError(`${op}: fill value must be a number, got ${describe(value)}`);
  if (dtype === 'int32') checkInt32Value(op, value);
  const d = allocArray(dtype, n);
  if (value !== 0) d.fill(value);
  return new Tensor(d, shape, dtype, opts.requiresGrad ?? false);
}

/**
 * Tensor filled with `value`.
 * @throws ShapeError for a dimension that is not a non-negative integer, SizeError for more than
 *   2³¹ − 1 elements (`MAX_ELEMENTS`, before allocating), DTypeError for an unknown dtype
 */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  return fullAs('full', shape, value, opts);
}

/** Tensor of zeros (limits as {@link full}). */
export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return fullAs('zeros', shape, 0, opts);
}

/** Tensor of ones (limits as {@link full}). */
export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return fullAs('ones', shape, 1, opts);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  if (!(t instanceof Tensor)) throw new DTypeError(`zerosLike: t must be a Tensor, got ${describe(t)}`);
  return fullAs('zerosLike', t.shape, 0, { dtype: t.dtype, ...opts });
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  if (!(t instanceof Tensor)) throw new DTypeError(`onesLike: t must be a Tensor, got ${describe(t)}`);
  return fullAs('onesLike', t.shape, 1, { dtype: t.dtype, ...opts });
}

/** Values start, start+step, … < end (like numpy.arange). */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  const dtype = checkDType('arange', opts.dtype);
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`arange: ${name} must be a finite number, got ${describe(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must be non-zero');
  if (dtype === 'int32') {
    checkInt32Value('arange', start, ' (start)');
    checkInt32Value('arange', step, ' (step)');
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkedSize('arange', [n]);
  if (dtype === 'int32' && n > 0) checkInt32Value('arange', start + (n - 1) * step, ' (last value)');
  const d = allocArray(dtype, n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n], dtype, opts.requiresGrad ?? false);
}

/** `n` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, n: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`linspace: n must be a non-negative integer, got ${n}`);
  const dtype = checkDType('linspace', opts.dtype);
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`linspace: ${name} must be a number, got ${describe(v)}`);
  }
  const d = allocArray(dtype, checkedSize('linspace', [n]));
  for (let i = 0; i < n; i++) {
    const v = n === 1 ? start : start + ((end - start) * i) / (n - 1);
    if (dtype === 'int32') checkInt32Value('linspace', v, ` (value ${i})`);
    d[i] = v;
  }
  return new Tensor(d, [n], dtype, opts.requiresGrad ?? false);
}

/** Identity matrix n×m (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const t = fullAs('eye', [n, m], 0, opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

function floatDType(op: string, dtype?: DType): FloatDType {
  const d = checkDType(op, dtype);
  if (d === 'int32') throw new DTypeError(`${op}: random tensors must be float32 or float64, got int32`);
  return d;
}

function uniformAs(op: string, rng: Rng, shape: readonly number[], low: number, high: number, opts: CreateOptions): Tensor {
  const dtype = floatDType(op, opts.dtype);
  const t = fullAs(op, shape, 0, { dtype, requiresGrad: opts.requiresGrad });
  rng.fillUniform(t.data as Float32Array | Float64Array, low, high);
  return t;
}

function normalAs(op: string, rng: Rng, shape: readonly number[], mean: number, std: number, opts: CreateOptions): Tensor {
  const dtype = floatDType(op, opts.dtype);
  const t = fullAs(op, shape, 0, { dtype, requiresGrad: opts.requiresGrad });
  rng.fillNormal(t.data as Float32Array | Float64Array, mean, std);
  return t;
}

/** Uniform samples in [low, high) from a seeded `rng` (shape limits as {@link full}). */
export function uniform(rng: Rng, shape: readonly number[], low = 0, high = 1, opts: CreateOptions = {}): Tensor {
  return uniformAs('uniform', rng, shape, low, high, opts);
}

/** Uniform samples in [0, 1). */
export function rand(rng: Rng, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return uniformAs('rand', rng, shape, 0, 1, opts);
}

/** Normal samples N(mean, std²) from a seeded `rng` (shape limits as {@link full}). */
export function normal(rng: Rng, shape: readonly number[], mean = 0, std = 1, opts: CreateOptions = {}): Tensor {
  return normalAs('normal', rng, shape, mean, std, opts);
}

/** Standard normal samples. */
export function randn(rng: Rng, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return normalAs('randn', rng, shape, 0, 1, opts);
}

/**
 * An int32 index tensor from numbers.
 * @throws IndexError for a value that is not an integer in [−2³¹, 2³¹) (NaN, ±Inf, 1.5, 3e9)
 */
export function indices(values: ArrayLike<number>, shape?: readonly number[]): Tensor {
  const d = values instanceof Int32Array ? Int32Array.from(values) : toInt32Indices('indices', 'values', values);
  return new Tensor(d, shape ? checkShape('indices', shape) : [d.length], 'int32');
}
