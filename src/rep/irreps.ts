/**
 * Irreps by name: dispatch on the group family to the planar (SO(2), O(2), C(n), D(n)) and
 * spatial (SO(3), O(3)) irreps.
 * @module
 */
import { isFinite } from '../group/index.js';
import type { Group } from '../group/index.js';
import { finiteIrreps } from './finite-irreps.js';
import { SizeError, ValueError } from '../util/index.js';
import { planarIrrepOf } from './planar-irreps.js';
import type { Rep } from './rep.js';
import { o3Irrep, so3Irrep } from './so3-irreps.js';
import { MAX_L as MAX_SO3_L } from './spherical-harmonics.js';

/**
 * The irrep `ir(args…)` of a catalog group: SO(2) ir(k); O(2) ir(j,k); C(n) ir(k); D(n) ir(j,k);
 * SO(3) ir(l) (real Wigner D^l); O(3) ir(l,p) with p = ±1 (printed `le`/`lo`); any other finite
 * group ir(k), the k-th real irrep of {@link finiteIrreps}.
 */
export function irrep(group: Group, ...args: number[]): Rep {
  const bad = args.find((a) => typeof a !== 'number' || !Number.isSafeInteger(a));
  if (bad !== undefined || args.length === 0) {
    throw new ValueError(`irrep: ${group.key} irrep indices must be integers, got ir(${args.map(String).join(', ')})`);
  }
  const fam = group.family.name;
  const n = group.family.params[0];
  if (fam === 'SO' && n === 3) {
    if (args.length !== 1 || !(args[0]! >= 0)) throw new ValueError(`irrep: SO(3) irreps are ir(l), l ≥ 0, got ir(${args.join(', ')})`);
    if (args[0]! > MAX_SO3_L) throw new SizeError(`irrep: SO(3) irreps are available for l ≤ ${MAX_SO3_L}, got l = ${args[0]}`);
    return so3Irrep(group, args[0]!);
  }
  if (fam === 'O' && n === 3) {
    const [l, p] = args;
    if (args.length !== 2 || l === undefined || !(l >= 0) || (p !== 1 && p !== -1)) {
      throw new ValueError(`irrep: O(3) irreps are ir(l, p) with p = ±1 (or the e3nn tokens 0e, 1o, …), got ir(${args.join(', ')})`);
    }
    if (l > MAX_SO3_L) throw new SizeError(`irrep: O(3) irreps are available for l ≤ ${MAX_SO3_L}, got l = ${l}`);
    return o3Irrep(group, l, p);
  }
  if (['SO', 'O', 'C', 'D'].includes(fam) && (fam === 'C' || fam === 'D' || n === 2)) return planarIrrepOf(group, args);
  if (isFinite(group)) {
    const irs = finiteIrreps(group);
    const [k] = args;
    const ir = args.length === 1 && k !== undefined ? irs[k] : undefined;
    if (!ir) throw new ValueError(`irrep: ${group.key} has real irreps ir(0)…ir(${irs.length - 1}), got ir(${args.join(', ')})`);
    return ir.rep;
  }
  throw new ValueError(`irrep: no irrep catalog for ${group.key}`);
}
