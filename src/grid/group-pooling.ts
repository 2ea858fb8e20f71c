/**
 * Pooling for p4/p4m feature maps (Cohen & Welling, "Group Equivariant Convolutional Networks",
 * ICML 2016, arXiv:1602.07576, section 6.3): pooling over the group axis (max or mean over the |H|
 * point-group slots of each feature) gives features on Z² that are invariant under the point group
 * and move with the translations; spatial pooling with k×k windows and stride k on grids whose side
 * is a multiple of k commutes with rotations and flips about the grid centre (the windows tile the
 * grid symmetrically) and with circular shifts by multiples of k only.
 * @module
 */
import { Module } from '../nn/index.js';
import { avgPool2d, max, maxPool2d, mean } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/index.js';
import { checkLatticeGroup, latticePointGroup } from './lattice-group.js';
import type { LatticeGroupName } from './lattice-group.js';

/** Reduction of a pooling layer (Cohen & Welling 2016, section 6.3). */
export type PoolKind = 'max' | 'mean';

function checkKind(op: string, kind: unknown): PoolKind {
  if (kind !== 'max' && kind !== 'mean') throw new ValueError(`${op}: kind must be 'max' or 'mean', got ${JSON.stringify(kind)}`);
  return kind;
}

/**
 * Pool over the group axis: [B, C·|H|, H, W] → [B, C, H, W] (or unbatched), the max or mean over the
 * |H| slots of each feature (Cohen & Welling 2016, section 6.3). The result transforms as a scalar
 * field on Z²: rotated/flipped and shifted, channels unchanged.
 * @example
 * ```ts
 * const inv = groupPool(y, 'p4', 'max'); // y [B, 8·4, 28, 28] → [B, 8, 28, 28]
 * ```
 */
export function groupPool(x: Tensor, group: LatticeGroupName, kind: PoolKind = 'max'): Tensor {
  const op = 'groupPool';
  checkLatticeGroup(op, group);
  checkKind(op, kind);
  const n = latticePointGroup(group).order;
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected a ${group} feature map [B, C·${n}, H, W] or [C·${n}, H, W], got ${fmtShape(x.shape)}`);
  const c = x.shape[x.ndim - 3]!;
  if (c % n !== 0) throw new ShapeError(`${op}: a ${group} feature map needs a multiple of ${n} channels, got ${fmtShape(x.shape)}`);
  const lead = x.shape.slice(0, x.ndim - 3), [h, w] = x.shape.slice(x.ndim - 2);
  const split = x.reshape([...lead, c / n, n, h!, w!]), axis = lead.length + 1;
  return kind === 'max' ? max(split, axis) : mean(split, axis);
}

/** Module form of {@link groupPool}: pooling over the group axis (Cohen & Welling 2016, arXiv:1602.07576, section 6.3). */
export class GroupPool extends Module<[Tensor], Tensor> {
  /** The lattice group of the input. */
  readonly group: LatticeGroupName;
  /** `'max'` or `'mean'`. */
  readonly kind: PoolKind;

  /** @param group 'p4' or 'p4m' @param kind 'max' (default) or 'mean' */
  constructor(group: LatticeGroupName, kind: PoolKind = 'max') {
    super();
    this.group = checkLatticeGroup('GroupPool', group);
    this.kind = checkKind('GroupPool', kind);
  }

  /** @param x [B, C·|H|, H, W] @returns [B, C, H, W] */
  forward(x: Tensor): Tensor {
    return groupPool(x, this.group, this.kind);
  }

  override extraRepr(): string {
    return `${this.group}, ${this.kind}`;
  }
}

/**
 * Spatial pooling that commutes with the lattice point group: k×k windows with stride k, which
 * requires the grid side to be a multiple of k (then the windows tile the grid and a rotation or
 * flip about the grid centre maps windows onto windows). Throws a ShapeError otherwise, since
 * floor-mode pooling then drops the last rows/columns asymmetrically and breaks equivariance.
 * Acts per channel, so it applies to images and to p4/p4m feature maps alike. It commutes with
 * circular shifts by multiples of k only (the output moves by t/k).
 * @example
 * ```ts
 * const z = latticePool2d(y, 2, 'max'); // [B, 32, 28, 28] → [B, 32, 14, 14]
 * ```
 */
export function latticePool2d(x: Tensor, k = 2, kind: PoolKind = 'max'): Tensor {
  const op = 'latticePool2d';
  checkKind(op, kind);
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`${op}: the window k must be a positive integer, got ${String(k)}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected [B, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}`);
  const [h, w] = x.shape.slice(x.ndim - 2);
  if (h !== w || h! % k !== 0) throw new ShapeError(`${op}: ${k}×${k} windows with stride ${k} commute with rotations only on a square grid whose side is a multiple of ${k}, got ${fmtShape(x.shape)}`);
  const b = x.ndim === 4 ? x : x.reshape([1, ...x.shape]);
  const y = kind === 'max' ? maxPool2d(b, k, { stride: k }) : avgPool2d(b, k, { stride: k });
  return x.ndim === 4 ? y : y.reshape(y.shape.slice(1));
}
