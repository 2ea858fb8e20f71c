/**
 * Matrix products: batched matmul with broadcasting (the primitive), and the composites outer,
 * kron, diag and trace.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply } from '../engine.js';
import type { OpDef } from '../op-def.js';
import { asOp, broadcastShapes, checkedSize, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { requireFloat, requireSameDType, reshape, sumToShape } from './base.js';
import { mul } from './elementwise.js';
import { eye } from '../creation.js';
import { einsum } from './einsum.js';
import { slice } from './layout.js';

interface MMAttrs {
  transA: boolean;
  transB: boolean;
}

const matmulOp: OpDef<MMAttrs> = {
  name: 'matmul',
  infer: ([a, b], { transA, transB }) => {
    requireFloat('matmul', a!, b!);
    const dtype = requireSameDType('matmul', a!, b!);
    const as = a!.shape, bs = b!.shape;
    const M = transA ? as[as.length - 1]! : as[as.length - 2]!;
    const Ka = transA ? as[as.length - 2]! : as[as.length - 1]!;
    const Kb = transB ? bs[bs.length - 1]! : bs[bs.length - 2]!;
    const N = transB ? bs[bs.length - 2]! : bs[bs.length - 1]!;
    if (Ka !== Kb) throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(as)}${transA ? 'ᵀ' : ''} @ ${fmtShape(bs)}${transB ? 'ᵀ' : ''} (${Ka} ≠ ${Kb})`);
    let batch: number[];
    try {
      batch = broadcastShapes('matmul', as.slice(0, -2), bs.slice(0, -2));
    } catch {
      throw new ShapeError(`matmul: batch dimensions of ${fmtShape(as)} and ${fmtShape(bs)} cannot be broadcast together (${fmtShape(as.slice(0, -2))} vs ${fmtShape(bs.slice(0, -2))})`);
    }
    const shape = [...batch, M, N];
    checkedSize('matmul', shape);
    return [{ shape, dtype }];
  },
  backward: ({ grad: g, inputs: [a, b], attrs: { transA, transB }, needs }) => {
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (needs[0]) ga = transA ? mm(b!, g, transB, true) : mm(g, b!, false, !transB);
    if (needs[1]) gb = transB ? mm(g, a!, true, transA) : mm(a!, g, !transA, false);
    return [ga && sumToShape(ga, a!.shape), gb && sumToShape(gb, b!.shape)];
  },
};

function mm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return apply(matmulOp, [a, b], { transA, transB });
}

/**
 * Matrix product with NumPy/PyTorch semantics: 1-D operands are promoted (and the added axis
 * removed), leading batch dimensions broadcast.
 * @param a [..., M, K] (or [K])
 * @param b [..., K, N] (or [K])
 * @returns [..., M, N]
 */
export function matmul(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  requireTensor('matmul', 'a', a);
  requireTensor('matmul', 'b', b);
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: operands must have at least one dimension, got ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  const ta = opts.transA ?? false, tb = opts.transB ?? false;
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  let y = mm(a2, b2, a.ndim === 1 ? false : ta, b.ndim === 1 ? false : tb);
  if (a.ndim === 1) y = reshape(y, [...y.shape.slice(0, -2), y.shape[y.ndim - 1]!]);
  if (b.ndim === 1) y = reshape(y, y.shape.slice(0, -1));
  return y;
}

/** Outer product of two vectors: out[i, j] = a[i]·b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  requireTensor('outer', 'a', a);
  requireTensor('outer', 'b', b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`outer: expected two vectors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  checkedSize('outer', [a.size, b.size]);
  return asOp('outer', () => mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size])));
}

/** Kronecker product of two tensors of equal rank. */
export function kron(a: Tensor, b: Tensor): Tensor {
  requireTensor('kron', 'a', a);
  requireTensor('kron', 'b', b);
  if (a.ndim !== b.ndim) throw new ShapeError(`kron: ranks differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const ra: number[] = [], rb: number[] = [], out: number[] = [];
  for (let d = 0; d < a.ndim; d++) {
    ra.push(a.shape[d]!, 1);
    rb.push(1, b.shape[d]!);
    out.push(a.shape[d]! * b.shape[d]!);
  }
  checkedSize('kron', out);
  return asOp('kron', () => reshape(mul(reshape(a, ra), reshape(b, rb)), out));
}

/** A vector → the diagonal matrix; a matrix → its diagonal (as torch.diag). */
export function diag(x: Tensor): Tensor {
  requireTensor('diag', 'x', x);
  return asOp('diag', () => {
    if (x.ndim === 1) return mul(eye(x.size, x.size, { dtype: x.dtype }), reshape(x, [1, x.size]));
    if (x.ndim === 2) {
      if (x.shape[0] !== x.shape[1]) {
        const n = Math.min(x.shape[0]!, x.shape[1]!);
        return einsum('ii->i', [slice(x, [[0, n], [0, n]])]);
      }
      return einsum('ii->i', [x]);
    }
    throw new ValueError(`diag: expected a vector or a matrix, got ${fmtShape(x.shape)}`);
  });
}

/** Sum of the diagonal of a square matrix. */
export function trace(x: Tensor): Tensor {
  requireTensor('trace', 'x', x);
  return asOp('trace', () => {
    if (x.ndim !== 2 || x.shape[0] !== x.shape[1]) throw new ShapeError(`trace: expected a square matrix, got ${fmtShape(x.shape)}`);
    return einsum('ii->', [x]);
  });
}
