/**
 * Constructions: direct products G×H acting on V_G⊗V_H, embeddings of a group on a slice of Rᵈ,
 * and user-defined groups from generators.
 * @module
 */
import { identity, kron } from '../linalg/index.js';
import { ValueError } from '../util/index.js';
import { checkGroupSize } from './limits.js';
import { FiniteMatrixGroup } from './finite-group.js';
import { isFinite } from './group.js';
import type { Group } from './group.js';
import { MatrixGroup } from './matrix-group.js';

function kronSq(a: Float64Array, p: number, b: Float64Array, q: number): Float64Array {
  return kron(a, p, p, b, q, q);
}

/**
 * Direct product G×H on V_G⊗V_H (Kronecker structure): discrete generators h⊗I, I⊗h′; Lie
 * algebra A⊗I ⊕ I⊗B; samples g⊗g′.
 */
export function product(g: Group, h: Group): Group {
  const p = g.d;
  const q = h.d;
  const count = g.discreteGenerators.length + h.discreteGenerators.length + g.lieAlgebra.length + h.lieAlgebra.length;
  checkGroupSize(`product(${g.key}, ${h.key})`, p * q, count);
  const Ip = identity(p);
  const Iq = identity(q);
  const spec = {
    key: `${g.key}x${h.key}`,
    d: p * q,
    discreteGenerators: [...g.discreteGenerators.map((a) => kronSq(a, p, Iq, q)), ...h.discreteGenerators.map((b) => kronSq(Ip, p, b, q))],
    isOrthogonal: g.isOrthogonal && h.isOrthogonal,
    family: { name: 'product', params: [], factors: [g, h] },
    sampler: (rng: import('../util/index.js').Rng) => kronSq(g.sample(rng), p, h.sample(rng), q),
  };
  if (isFinite(g) && isFinite(h)) return new FiniteMatrixGroup(spec);
  return new MatrixGroup({
    ...spec,
    lieAlgebra: [...g.lieAlgebra.map((a) => kronSq(a, p, Iq, q)), ...h.lieAlgebra.map((b) => kronSq(Ip, p, b, q))],
  });
}

function pad(a: Float64Array, k: number, d: number, start: number, isGroupElement: boolean): Float64Array {
  const out = isGroupElement ? identity(d) : new Float64Array(d * d);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[(start + i) * d + start + j] = a[i * k + j]!;
  return out;
}

/**
 * Embed(G, d, [start, stop)): G acting on coordinates start…stop−1 of Rᵈ and trivially on the
 * rest (e.g. SO(2) about the z axis of R³ is Embed(SO(2), 3, 0, 2)).
 */
export function embed(g: Group, d: number, start: number, stop: number): Group {
  if (![d, start, stop].every(Number.isInteger) || stop - start !== g.d || start < 0 || stop > d) {
    throw new ValueError(`embed: slice ${start}:${stop} of R^${d} does not fit a group of dimension ${g.d}`);
  }
  checkGroupSize(`embed(${g.key}, ${d})`, d, g.discreteGenerators.length + g.lieAlgebra.length);
  const spec = {
    key: `Embed(${g.key},${d},${start}:${stop})`,
    d,
    discreteGenerators: g.discreteGenerators.map((a) => pad(a, g.d, d, start, true)),
    isOrthogonal: g.isOrthogonal,
    family: { name: 'embed', params: [d, start, stop], factors: [g] },
    sampler: (rng: import('../util/index.js').Rng) => pad(g.sample(rng), g.d, d, start, true),
  };
  if (isFinite(g)) return new FiniteMatrixGroup(spec);
  return new MatrixGroup({ ...spec, lieAlgebra: g.lieAlgebra.map((a) => pad(a, g.d, d, start, false)) });
}

/** Options of a user-defined group. */
export interface CustomGroupOptions {
  /** Name used as the key (default `Custom(d;…)` from the generator values). */
  readonly key?: string;
  readonly discreteGenerators?: readonly Float64Array[];
  readonly lieAlgebra?: readonly Float64Array[];
  /** Declare the group finite (no Lie algebra): elements are enumerated by closure. */
  readonly finite?: boolean;
  readonly isOrthogonal?: boolean;
}

/** Largest d for which {@link customGroup} checks invertibility and |det| (an O(d³) elimination). */
const MAX_DET_CHECK_DIM = 1024;

/**
 * Gaussian elimination with partial pivoting: the smallest pivot relative to the largest entry,
 * and log|det| (sums of logs, so that large d does not overflow).
 */
function pivotSummary(a: Float64Array, d: number): { relMinPivot: number; logAbsDet: number } {
  const m = Float64Array.from(a);
  const scale = m.reduce((acc, x) => Math.max(acc, Math.abs(x)), 0);
  if (scale === 0) return { relMinPivot: 0, logAbsDet: -Infinity };
  let minPivot = Infinity;
  let logAbsDet = 0;
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r * d + c]!) > Math.abs(m[piv * d + c]!)) piv = r;
    const pv = m[piv * d + c]!;
    minPivot = Math.min(minPivot, Math.abs(pv));
    if (pv === 0) return { relMinPivot: 0, logAbsDet: -Infinity };
    logAbsDet += Math.log(Math.abs(pv));
    if (piv !== c) {
      for (let k = 0; k < d; k++) {
        const t = m[c * d + k]!;
        m[c * d + k] = m[piv * d + k]!;
        m[piv * d + k] = t;
      }
    }
    for (let r = c + 1; r < d; r++) {
      const f = m[r * d + c]! / pv;
      if (f === 0) continue;
      for (let k = c; k < d; k++) m[r * d + k]! -= f * m[c * d + k]!;
    }
  }
  return { relMinPivot: minPivot / scale, logAbsDet };
}

/**
 * Check the generators of {@link customGroup}: Float64Arrays of d² finite entries; discrete
 * generators invertible (smallest elimination pivot above 1e-12 relative to the largest entry),
 * and for a declared-finite group |det| = 1 (the determinant of an element of finite order is ±1).
 * The two determinant checks run for d ≤ 1024.
 */
function checkCustomGenerators(d: number, discrete: readonly unknown[], lie: readonly unknown[], finite: boolean): void {
  const check = (m: unknown, what: string, i: number): Float64Array => {
    if (!(m instanceof Float64Array)) throw new ValueError(`customGroup: ${what} ${i} is not a Float64Array`);
    if (m.length !== d * d) throw new ValueError(`customGroup: ${what} ${i} has ${m.length} entries, not ${d}×${d} = ${d * d}`);
    if (!m.every(Number.isFinite)) throw new ValueError(`customGroup: ${what} ${i} has a non-finite entry (NaN or ±Infinity)`);
    return m;
  };
  discrete.forEach((raw, i) => {
    const m = check(raw, 'discrete generator', i);
    if (d > MAX_DET_CHECK_DIM) return;
    const { relMinPivot, logAbsDet } = pivotSummary(m, d);
    if (!(relMinPivot > 1e-12)) throw new ValueError(`customGroup: discrete generator ${i} is singular; group elements must be invertible`);
    if (finite && Math.abs(logAbsDet) > 1e-6) {
      throw new ValueError(`customGroup: discrete generator ${i} has |det| = ${Math.exp(logAbsDet)}; in a finite group every element has |det| = 1`);
    }
  });
  lie.forEach((raw, i) => check(raw, 'Lie-algebra generator', i));
}

/**
 * A user-defined group given only by its generators; works everywhere a catalog group does.
 * @throws ValueError when d is not a positive integer, a generator is not a d×d Float64Array of
 *   finite entries, a discrete generator is singular, or (with `finite`) has |det| ≠ 1 or a Lie
 *   algebra is given; SizeError when d or the generators exceed the limits of src/group/limits.ts.
 *   A group declared finite whose closure exceeds the enumeration limit, or whose elements
 *   overflow, throws when its elements are first used (`order`, `elements()`).
 */
export function customGroup(d: number, opts: CustomGroupOptions): Group {
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new ValueError(`customGroup: d must be a positive integer, got ${String(d)}`);
  if (typeof opts !== 'object' || opts === null) throw new ValueError('customGroup: options must be an object');
  const discrete: readonly Float64Array[] = opts.discreteGenerators ?? [];
  const lie: readonly Float64Array[] = opts.lieAlgebra ?? [];
  if (!Array.isArray(discrete as unknown) || !Array.isArray(lie as unknown)) throw new ValueError('customGroup: discreteGenerators and lieAlgebra must be arrays');
  if (opts.finite && lie.length > 0) throw new ValueError('customGroup: a finite group has no Lie algebra');
  checkGroupSize(`customGroup(${d})`, d, discrete.length + lie.length);
  checkCustomGenerators(d, discrete, lie, opts.finite === true);
  const key = opts.key ?? `Custom(${d};${[...discrete, ...lie].map((m) => Array.from(m, (x) => +x.toFixed(6)).join(' ')).join('|')})`;
  const isOrthogonal = opts.isOrthogonal ?? ([...discrete].every((h) => {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += h[k * d + i]! * h[k * d + j]!;
        if (Math.abs(s - (i === j ? 1 : 0)) > 1e-9) return false;
      }
    }
    return true;
  }) && lie.every((a) => a.every((x, idx) => Math.abs(x + a[(idx % d) * d + Math.floor(idx / d)]!) < 1e-9)));
  if (opts.finite) {
    return new FiniteMatrixGroup({ key, d, discreteGenerators: discrete, isOrthogonal, family: { name: 'custom', params: [] } });
  }
  return new MatrixGroup({ key, d, discreteGenerators: discrete, lieAlgebra: lie, isOrthogonal, family: { name: 'custom', params: [] } });
}
