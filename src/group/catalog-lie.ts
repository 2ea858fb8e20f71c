/**
 * Catalog of Lie groups: SO(n), O(n) (Haar sampling), the Lorentz groups SO⁺(1,3), SO(1,3),
 * O(1,3), the symplectic group Sp(2m) and SL(n).
 * @module
 */
import { det } from '../linalg/index.js';
import { Rng, ValueError } from '../util/index.js';
import { checkGroupParam, checkGroupSize } from './limits.js';
import { MatrixGroup } from './matrix-group.js';
import { diag, elementary, negIdentity, soBasis } from './matrices.js';

/**
 * Haar-random orthogonal matrix: Gram–Schmidt on a Gaussian matrix's columns (= QR with
 * positive diag R), optionally forced into SO(n) by flipping the first column.
 */
export function haarOrthogonal(rng: Rng, n: number, special: boolean): Float64Array {
  const q = rng.fillNormal(new Float64Array(n * n)) as Float64Array;
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * n + j]! * q[i * n + k]!;
        for (let i = 0; i < n; i++) q[i * n + j]! -= dot * q[i * n + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! / norm;
  }
  if (special && det(q) < 0) for (let i = 0; i < n; i++) q[i * n] = -q[i * n]!;
  return q;
}

/** Check n (integer ≥ min) and the size limits of a group on Rⁿ with `count` generators, before allocating. */
function checkN(name: string, n: number, min: number, count: number): void {
  checkGroupParam(name, n, min);
  checkGroupSize(`${name}(${n})`, n, count);
}

/** Special orthogonal group SO(n): Lie algebra E_ij − E_ji (i > j); Haar sampling. */
export function SO(n: number): MatrixGroup {
  checkN('SO', n, 1, (n * (n - 1)) / 2);
  return new MatrixGroup({
    key: `SO(${n})`, d: n, lieAlgebra: soBasis(n), isOrthogonal: true, family: { name: 'SO', params: [n] },
    sampler: (rng) => haarOrthogonal(rng, n, true),
  });
}

/** Orthogonal group O(n) = SO(n) plus the reflection diag(−1, 1, …, 1); Haar sampling. */
export function O(n: number): MatrixGroup {
  checkN('O', n, 1, (n * (n - 1)) / 2 + 1);
  const refl = diag([-1, ...Array<number>(n - 1).fill(1)]);
  return new MatrixGroup({
    key: `O(${n})`, d: n, lieAlgebra: soBasis(n), discreteGenerators: [refl], isOrthogonal: true,
    family: { name: 'O', params: [n] }, sampler: (rng) => haarOrthogonal(rng, n, false),
  });
}

function lorentzAlgebra(): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 1; i < 4; i++) {
    const b = elementary(4, 0, i);
    b[i * 4] = 1;
    out.push(b); // boost E_0i + E_i0
  }
  for (let i = 1; i < 4; i++) {
    for (let j = 1; j < i; j++) {
      const r = elementary(4, i, j);
      r[j * 4 + i] = -1;
      out.push(r); // rotation E_ij − E_ji
    }
  }
  return out;
}

/** Proper orthochronous Lorentz group SO⁺(1,3) on R⁴ (metric diag(1,−1,−1,−1)): 3 boosts, 3 rotations. */
export function SO13p(): MatrixGroup {
  return new MatrixGroup({ key: 'SO13p', d: 4, lieAlgebra: lorentzAlgebra(), lieScale: 0.3, family: { name: 'SO13p', params: [] } });
}

/** Proper Lorentz group SO(1,3) = SO⁺(1,3) ∪ −SO⁺(1,3). */
export function SO13(): MatrixGroup {
  return new MatrixGroup({
    key: 'SO13', d: 4, lieAlgebra: lorentzAlgebra(), discreteGenerators: [negIdentity(4)], lieScale: 0.3,
    family: { name: 'SO13', params: [] },
  });
}

/** Full Lorentz group O(1,3): adds parity P = diag(1,−1,−1,−1) and time reversal T = diag(−1,1,1,1). */
export function O13(): MatrixGroup {
  return new MatrixGroup({
    key: 'O13', d: 4, lieAlgebra: lorentzAlgebra(), lieScale: 0.3, family: { name: 'O13', params: [] },
    discreteGenerators: [diag([1, -1, -1, -1]), diag([-1, 1, 1, 1])],
  });
}

/**
 * Symplectic group Sp(2m) ⊂ GL(2m) preserving Ω = [[0, I], [−I, 0]]. Lie algebra
 * {A : AᵀΩ + ΩA = 0} = {[[B, C], [D, −Bᵀ]] : C, D symmetric}, dimension m(2m+1).
 * @param dim2m the matrix size 2m (even).
 */
export function Sp(dim2m: number): MatrixGroup {
  if (typeof dim2m !== 'number' || !Number.isInteger(dim2m) || dim2m < 2 || dim2m % 2 !== 0) {
    throw new ValueError(`Sp(2m) needs an even size ≥ 2, got ${String(dim2m)}`);
  }
  const m = dim2m / 2;
  checkGroupSize(`Sp(${dim2m})`, dim2m, m * (2 * m + 1));
  const d = dim2m;
  const gens: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const a = new Float64Array(d * d);
      a[i * d + j] = 1;
      a[(m + j) * d + m + i] = -1;
      gens.push(a);
    }
  }
  for (const off of [[0, m], [m, 0]] as const) {
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        const a = new Float64Array(d * d);
        a[(off[0] + i) * d + off[1] + j] = 1;
        a[(off[0] + j) * d + off[1] + i] = 1;
        gens.push(a);
      }
    }
  }
  return new MatrixGroup({ key: `Sp(${d})`, d, lieAlgebra: gens, lieScale: 0.3, family: { name: 'Sp', params: [d] } });
}

/** Special linear group SL(n): Lie algebra E_ij (i ≠ j) and E_ii − E_{i+1,i+1}. */
export function SL(n: number): MatrixGroup {
  checkN('SL', n, 1, n * n - 1);
  const gens: Float64Array[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) gens.push(elementary(n, i, j));
  for (let i = 0; i + 1 < n; i++) {
    const h = elementary(n, i, i);
    h[(i + 1) * n + i + 1] = -1;
    gens.push(h);
  }
  return new MatrixGroup({ key: `SL(${n})`, d: n, lieAlgebra: gens, lieScale: 0.3, family: { name: 'SL', params: [n] } });
}

/** SO(2) (alias of SO(n) with n = 2). */
export const SO2 = (): MatrixGroup => SO(2);
/** O(2). */
export const O2 = (): MatrixGroup => O(2);
/** SO(3). */
export const SO3 = (): MatrixGroup => SO(3);
/** O(3). */
export const O3 = (): MatrixGroup => O(3);
