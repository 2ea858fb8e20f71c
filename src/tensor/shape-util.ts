/**
 * Shape arithmetic shared by the ops: axis normalisation and NumPy broadcasting.
 * @module
 */
import { AnomalyError, DTypeError, ErlangenError, IndexError, ShapeError, SizeError, ValueError, fmtShape } from '../util/errors.js';
import { Tensor } from './tensor.js';

/** Normalise a possibly negative axis for a tensor of rank `ndim`. */
export function normAxis(op: string, axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= ndim) {
    throw new IndexError(`${op}: axis ${axis} is out of range for a tensor of rank ${ndim}`);
  }
  return a;
}

/** Normalise, sort and de-duplicate a list of axes (undefined = all axes). */
export function normAxes(op: string, axes: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const r = [...new Set(list.map((a) => normAxis(op, a, ndim)))].sort((x, y) => x - y);
  if (r.length !== list.length) throw new IndexError(`${op}: repeated axis in [${list.join(',')}]`);
  return r;
}

/** NumPy broadcast of shapes; throws ShapeError naming the op. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!, o = out[i + off]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[i + off] = d;
      else throw new ShapeError(`${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together (dimension ${i + off}: ${o} vs ${d})`);
    }
  }
  checkedSize(op, out);
  return out;
}

/** Shapes equal? */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validate a user-supplied shape (non-negative integers). */
export function checkShape(op: string, shape: readonly number[]): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${fmtShape(shape)} (dimensions must be non-negative integers)`);
  }
  return [...shape];
}

/**
 * The most elements one tensor may have: 2³¹ − 1, the largest count an int32 flat index can
 * address (and the typed-array length every JS engine supports). A float32 tensor of this size
 * already takes 8 GiB; shapes beyond it raise a {@link SizeError} before anything is allocated.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Validate a shape that is about to be allocated and return its element count: every dimension a
 * non-negative integer (`ShapeError`), the product at most {@link MAX_ELEMENTS} (`SizeError`).
 * Both name `op`, the function the user called. Runs before any allocation.
 */
export function checkedSize(op: string, shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${fmtShape(shape)} (dimensions must be non-negative integers)`);
    n *= d;
  }
  if (n > MAX_ELEMENTS) {
    throw new SizeError(`${op}: shape ${fmtShape(shape)} has ${n} elements, more than the limit of ${MAX_ELEMENTS} (2^31 - 1) elements per tensor`);
  }
  return n;
}

/**
 * Validate index values given as plain numbers (or any array-like of numbers) and convert them to
 * an Int32Array in one pass: each must be an integer in [−2³¹, 2³¹) — not NaN, ±Infinity or a
 * fraction (`IndexError` naming `op`, the position and the value). With `nonNegative`, negative
 * values are rejected too. Range checks against the indexed axis stay with the kernels.
 */
export function toInt32Indices(op: string, what: string, values: ArrayLike<number>, nonNegative = false): Int32Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new DTypeError(`${op}: ${what} must be an int32 tensor, an Int32Array or an array of integers, got ${describe(values)}`);
  }
  const n = values.length;
  const out = new Int32Array(n);
  const lo = nonNegative ? 0 : -0x80000000;
  for (let i = 0; i < n; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > 0x7fffffff) {
      const why = typeof v !== 'number' ? `is not a number (${describe(v)})`
        : !Number.isInteger(v) ? 'is not an integer'
        : v < lo ? (nonNegative ? 'is negative' : 'is below -2^31')
        : 'does not fit in int32 (at least 2^31)';
      throw new IndexError(`${op}: ${what}[${i}] = ${String(v)} ${why}`);
    }
    out[i] = v;
  }
  return out;
}

/** A short description of a value of unexpected type, for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  if (typeof v === 'string') return `string '${v.length > 20 ? v.slice(0, 20) + '…' : v}'`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Run the body of a composite op so that a named error raised by an op it delegates to names the
 * op the user called: `stack` delegating to `concat` reports `stack: concat: …`. The error keeps
 * its class; anomaly errors (which name the offending primitive on purpose) pass unchanged.
 * Costs nothing unless an error is thrown.
 */
export function asOp<T>(op: string, fn: () => T): T {
  try {
    return compositeScope(fn);
  } catch (e) {
    throw renamed(op, e);
  }
}

/**
 * How {@link asOp} runs a composite's body: the engine installs a scope that, without gradient
 * recording, returns the composite's dead temporaries to the buffer pool (see `recycleTemporaries`
 * in ./engine.ts; installed there so that this module does not import the engine).
 */
let compositeScope: <T>(fn: () => T) => T = (fn) => fn();

/** @internal set the scope {@link asOp} runs composites in (the engine does, once). */
export function setCompositeScope(scope: <T>(fn: () => T) => T): void {
  compositeScope = scope;
}

/** The error `e` with its message prefixed by `op` (unless it already starts with it). */
export function renamed(op: string, e: unknown): unknown {
  if (!(e instanceof ErlangenError) || e instanceof AnomalyError || e.message.startsWith(`${op}:`) || e.message.startsWith(`${op} `)) return e;
  const Cls = e.constructor as new (message: string) => ErlangenError;
  const r = new Cls(`${op}: ${e.message}`);
  return r;
}

/** Throw a DTypeError naming `op` and the argument unless `v` is a Tensor. */
export function requireTensor(op: string, name: string, v: unknown): void {
  if (!(v instanceof Tensor)) throw new DTypeError(`${op}: ${name} must be a Tensor, got ${describe(v)}`);
}

/** Throw a DTypeError naming `op` unless `v` is an array of Tensors. */
export function requireTensors(op: string, name: string, v: unknown): void {
  if (!Array.isArray(v)) throw new DTypeError(`${op}: ${name} must be an array of Tensors, got ${describe(v)}`);
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] instanceof Tensor)) throw new DTypeError(`${op}: ${name}[${i}] must be a Tensor, got ${describe(v[i])}`);
  }
}

/** Throw a ValueError naming `op` and the argument unless `v` is an array. */
export function requireArray(op: string, name: string, v: unknown): void {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ValueError(`${op}: ${name} must be an array, got ${describe(v)}`);
}
