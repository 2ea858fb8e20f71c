/**
 * Tensor types T(p, q) = V^{⊗p} ⊗ (V*)^{⊗q}.
 * @module
 */
import type { Group } from '../group/index.js';
import { ValueError } from '../util/index.js';
import { V } from './base-reps.js';
import { dualRep, tensorProduct } from './rep.js';
import type { Rep } from './rep.js';

/** T(p, q) = V^{⊗p} ⊗ (V*)^{⊗q} of a group's defining representation. */
export function T(p: number, q: number, group: Group): Rep {
  if (!Number.isInteger(p) || !Number.isInteger(q) || p < 0 || q < 0) throw new ValueError(`T(p,q): need integers ≥ 0, got ${p}, ${q}`);
  const v = V(group);
  return tensorProduct([v.pow(p), dualRep(v).pow(q)]);
}
