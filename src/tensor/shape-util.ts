/**
 * Shape arithmetic shared by the ops: axis normalisation and NumPy broadcasting.
 * @module
 */
import { IndexError, ShapeError, fmtShape } from '../util/errors.js';

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
