/**
 * `Parameter`: the trainable leaf tensor that modules register.
 *
 * Design: `Parameter` is a `Tensor` subclass (like `torch.nn.Parameter`). Constructing one from a
 * tensor shares that tensor's storage, drops any autograd history (it is a leaf) and sets
 * `requiresGrad = true`. Ops on parameters return plain `Tensor`s; only `instanceof Parameter`
 * distinguishes the trainable leaves.
 * @module
 */
import { Tensor } from '../tensor/index.js';
import { DTypeError, fmtShape } from '../util/errors.js';

/** The floating-point element types a module can hold. */
export type FloatDType = 'float32' | 'float64';

/**
 * A trainable leaf tensor: shares the storage of the tensor it wraps and has `requiresGrad = true`.
 *
 * @example
 * ```ts
 * const w = new Parameter(zeros([3, 4]));
 * w.requiresGrad; // true
 * w.isLeaf;       // true
 * ```
 */
export class Parameter extends Tensor {
  /**
   * @param t a float32/float64 tensor; its storage is shared (not copied), its history dropped.
   * @param requiresGrad whether gradients flow into the parameter (default true).
   */
  constructor(t: Tensor, requiresGrad = true) {
    if (t.dtype === 'int32') throw new DTypeError(`Parameter: parameters must be float32 or float64, got int32 ${fmtShape(t.shape)}`);
    super(t.data, t.shape, t.dtype, requiresGrad);
  }
}

/** Check a dtype option (default float32). */
export function floatDType(op: string, dtype: string | undefined): FloatDType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new DTypeError(`${op}: dtype must be 'float32' or 'float64', got '${d}'`);
  return d;
}
