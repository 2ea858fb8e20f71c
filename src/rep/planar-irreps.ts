/**
 * Real irreducible representations of the planar groups SO(2), O(2), C(n), D(n), evaluated on
 * elements given in the defining 2×2 representation (g = R(θ) or g = R(θ)·diag(1, −1)).
 * @module
 */
import type { Group } from '../group/index.js';
import { ValueError } from '../util/index.js';
import type { Rep } from './rep.js';
import { leafRep } from './rep.js';

function angleAndDet(g: Float64Array): [number, number] {
  const d = g[0]! * g[3]! - g[1]! * g[2]! < 0 ? -1 : 1;
  return [Math.atan2(g[2]!, g[0]!), d];
}

/**
 * A planar irrep ψ_{j,k}: for k ≥ 1 and 2-dim, ψ(R(θ)F^s) = R(kθ)F^s with F = diag(1, −1)
 * (rotations only for SO(2)/C(n)); 1-dim: ψ(g) = (det g)^j · cos(kθ) (k = 0, or k = n/2 for
 * C(n)/D(n) with n even, where cos(nθ/2) = ±1). dρ(A) = k·A for 2-dim irreps, 0 otherwise.
 */
export function planarIrrep(group: Group, j: number, k: number, dim: 1 | 2, name: string): Rep {
  if (dim === 2) {
    return leafRep(group, {
      name, size: 2, orthogonal: true,
      rho: (g) => {
        const [t, d] = angleAndDet(g);
        const c = Math.cos(k * t);
        const s = Math.sin(k * t);
        return d > 0 ? Float64Array.of(c, -s, s, c) : Float64Array.of(c, s, s, -c);
      },
      drho: (A) => Float64Array.from(A, (x) => k * x),
    });
  }
  return leafRep(group, {
    name, size: 1, orthogonal: true,
    rho: (g) => {
      const [t, d] = angleAndDet(g);
      return Float64Array.of((j === 1 ? d : 1) * (k === 0 ? 1 : Math.round(Math.cos(k * t))));
    },
    drho: () => Float64Array.of(0),
  });
}

/**
 * The irrep of a planar group named by its indices, as in the grammar's `ir(...)`:
 * SO(2): ir(k), k ≥ 0; O(2): ir(0,0), ir(1,0) (det), ir(1,k); C(n): ir(k), 0 ≤ k ≤ n/2;
 * D(n): ir(0,0), ir(1,0), ir(1,k) for 1 ≤ k < n/2, and for even n ir(0,n/2), ir(1,n/2).
 */
export function planarIrrepOf(group: Group, args: readonly number[]): Rep {
  const fam = group.family.name;
  const n = group.family.params[0] ?? 0;
  const name = `ir(${args.join(',')})`;
  const bad = (): never => {
    throw new ValueError(`irrep ${name} does not exist for ${group.key}`);
  };
  if (fam === 'SO' && n === 2) {
    const [k] = args;
    if (args.length !== 1 || k === undefined || k < 0) return bad();
    return planarIrrep(group, 0, k, k === 0 ? 1 : 2, name);
  }
  if (fam === 'C') {
    const [k] = args;
    if (args.length !== 1 || k === undefined || k < 0 || 2 * k > n) return bad();
    return planarIrrep(group, 0, k, k === 0 || 2 * k === n ? 1 : 2, name);
  }
  if ((fam === 'O' && n === 2) || fam === 'D') {
    const [j, k] = args;
    if (args.length !== 2 || j === undefined || k === undefined || (j !== 0 && j !== 1) || k < 0) return bad();
    const kk = k as number;
    if (fam === 'O') {
      if (j === 0 && kk !== 0) return bad();
      return planarIrrep(group, j, kk, kk === 0 ? 1 : 2, name);
    }
    if (2 * kk > n) return bad();
    if (2 * kk === n && n % 2 === 0 && kk > 0) return planarIrrep(group, j, kk, 1, name);
    if (j === 0 && kk !== 0) return bad();
    return planarIrrep(group, j, kk, kk === 0 ? 1 : 2, name);
  }
  return bad();
}
