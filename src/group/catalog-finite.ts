/**
 * Catalog of finite groups: Trivial, C(n), D(n), S(n), A(n), Z(n), the polyhedral rotation groups
 * and their full versions with inversion, and the square-lattice point groups p4/p4m on pixels.
 * @module
 */
import { FiniteMatrixGroup } from './finite-group.js';
import { checkGroupParam, checkGroupSize } from './limits.js';
import { axisAngle, diag, negIdentity, permutationMatrix, rotation2 } from './matrices.js';

/** Check n (integer ≥ min) and the size limits of a group on R^d with `count` generators, before allocating. */
function checkN(name: string, n: number, min: number, d = 2, count = 1): void {
  checkGroupParam(name, n, min);
  checkGroupSize(`${name}(${n})`, d, count);
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n && f < Number.MAX_SAFE_INTEGER; i++) f *= i;
  return f;
}

function cycle(n: number, ...pts: number[]): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  pts.forEach((a, k) => (p[a] = pts[(k + 1) % pts.length]!));
  return p;
}

/** The trivial group {I} acting on Rⁿ. */
export function Trivial(n: number): FiniteMatrixGroup {
  checkN('Trivial', n, 1, n, 0);
  return new FiniteMatrixGroup({ key: `Trivial(${n})`, d: n, isOrthogonal: true, family: { name: 'Trivial', params: [n] } });
}

/** Cyclic group C(n) of planar rotations by 2π/n on R²: generator R(2π/n). */
export function C(n: number): FiniteMatrixGroup {
  checkN('C', n, 1);
  return new FiniteMatrixGroup({
    key: `C(${n})`, d: 2, discreteGenerators: [rotation2((2 * Math.PI) / n)], isOrthogonal: true,
    family: { name: 'C', params: [n] }, orderHint: n,
  });
}

/** Dihedral group D(n) on R² (order 2n): generators R(2π/n) and the reflection diag(−1, 1). */
export function D(n: number): FiniteMatrixGroup {
  checkN('D', n, 1, 2, 2);
  return new FiniteMatrixGroup({
    key: `D(${n})`, d: 2, discreteGenerators: [rotation2((2 * Math.PI) / n), diag([-1, 1])], isOrthogonal: true,
    family: { name: 'D', params: [n] }, orderHint: 2 * n,
  });
}

/** Symmetric group S(n) permuting the axes of Rⁿ: generators the transpositions (0 i). */
export function S(n: number): FiniteMatrixGroup {
  checkN('S', n, 1, n, n - 1);
  const gens = [];
  for (let i = 1; i < n; i++) gens.push(permutationMatrix(cycle(n, 0, i)));
  return new FiniteMatrixGroup({ key: `S(${n})`, d: n, discreteGenerators: gens, isOrthogonal: true, family: { name: 'S', params: [n] }, orderHint: factorial(n) });
}

/** Alternating group A(n) on Rⁿ: generators the 3-cycles (0 1 i). */
export function A(n: number): FiniteMatrixGroup {
  checkN('A', n, 1, n, n - 2);
  const gens = [];
  for (let i = 2; i < n; i++) gens.push(permutationMatrix(cycle(n, 0, 1, i)));
  return new FiniteMatrixGroup({ key: `A(${n})`, d: n, discreteGenerators: gens, isOrthogonal: true, family: { name: 'A', params: [n] }, orderHint: Math.max(1, factorial(n) / 2) });
}

/** Cyclic group Z(n) acting on Rⁿ by cyclic shifts of the coordinates. */
export function Z(n: number): FiniteMatrixGroup {
  checkN('Z', n, 1, n, 1);
  const shift = Array.from({ length: n }, (_, i) => (i + 1) % n);
  return new FiniteMatrixGroup({
    key: `Z(${n})`, d: n, discreteGenerators: [permutationMatrix(shift)], isOrthogonal: true, family: { name: 'Z', params: [n] }, orderHint: n,
  });
}

const CYCLE3 = permutationMatrix([1, 2, 0]); // (x, y, z) ↦ (z, x, y): 3-fold about (1, 1, 1)
const FLIP_YZ = diag([1, -1, -1]); // 2-fold about x
const QUARTER_Z = Float64Array.of(0, -1, 0, 1, 0, 0, 0, 0, 1); // 4-fold about z
const PHI = (1 + Math.sqrt(5)) / 2;
const FIVEFOLD = axisAngle([0, 1, PHI], (2 * Math.PI) / 5); // about an icosahedron vertex

function polyhedral(name: string, gens: Float64Array[], full: boolean): FiniteMatrixGroup {
  const key = full ? `Full${name}` : name;
  return new FiniteMatrixGroup({
    key, d: 3, discreteGenerators: full ? [...gens, negIdentity(3)] : gens, isOrthogonal: true,
    family: { name: key, params: [] },
  });
}

/** Rotation group T of the tetrahedron (order 12). */
export function Tetrahedral(): FiniteMatrixGroup {
  return polyhedral('Tetrahedral', [CYCLE3, FLIP_YZ], false);
}
/** Full tetrahedral group T×{±I} (T_h, order 24). */
export function FullTetrahedral(): FiniteMatrixGroup {
  return polyhedral('Tetrahedral', [CYCLE3, FLIP_YZ], true);
}
/** Rotation group O of the cube/octahedron (order 24). */
export function Octahedral(): FiniteMatrixGroup {
  return polyhedral('Octahedral', [QUARTER_Z, CYCLE3], false);
}
/** Full octahedral group O_h = O×{±I} (order 48). */
export function FullOctahedral(): FiniteMatrixGroup {
  return polyhedral('Octahedral', [QUARTER_Z, CYCLE3], true);
}
/** Rotation group I of the icosahedron (order 60). */
export function Icosahedral(): FiniteMatrixGroup {
  return polyhedral('Icosahedral', [CYCLE3, FLIP_YZ, FIVEFOLD], false);
}
/** Full icosahedral group I_h = I×{±I} (order 120). */
export function FullIcosahedral(): FiniteMatrixGroup {
  return polyhedral('Icosahedral', [CYCLE3, FLIP_YZ, FIVEFOLD], true);
}

function pixelPerm(n: number, f: (i: number, j: number) => [number, number]): Float64Array {
  const perm: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [a, b] = f(i, j);
      perm.push(a * n + b);
    }
  }
  return permutationMatrix(perm);
}

/** C4 rotating an n×n pixel grid by 90° (p4 point group): (i, j) ↦ (j, n−1−i) on R^{n²}. */
export function P4(n: number): FiniteMatrixGroup {
  checkN('P4', n, 1, n * n, 1);
  return new FiniteMatrixGroup({
    key: `P4(${n})`, d: n * n, discreteGenerators: [pixelPerm(n, (i, j) => [j, n - 1 - i])], isOrthogonal: true,
    family: { name: 'P4', params: [n] },
  });
}

/** D4 on an n×n pixel grid (p4m point group): 90° rotation and the flip (i, j) ↦ (i, n−1−j). */
export function P4M(n: number): FiniteMatrixGroup {
  checkN('P4M', n, 1, n * n, 2);
  return new FiniteMatrixGroup({
    key: `P4M(${n})`, d: n * n, isOrthogonal: true, family: { name: 'P4M', params: [n] },
    discreteGenerators: [pixelPerm(n, (i, j) => [j, n - 1 - i]), pixelPerm(n, (i, j) => [i, n - 1 - j])],
  });
}
