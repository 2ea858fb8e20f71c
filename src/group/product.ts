/**
 * Constructions: direct products G×H acting on V_G⊗V_H, embeddings of a group on a slice of Rᵈ,
 * and user-defined groups from generators.
 * @module
 */
import { identity, kron } from '../linalg/index.js';
import { ValueError } from '../util/index.js';
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
  if (stop - start !== g.d || start < 0 || stop > d) {
    throw new ValueError(`embed: slice ${start}:${stop} of R^${d} does not fit a group of dimension ${g.d}`);
  }
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

/** A user-defined group given only by its generators; works everywhere a catalog group does. */
export function customGroup(d: number, opts: CustomGroupOptions): Group {
  const discrete = opts.discreteGenerators ?? [];
  const lie = opts.lieAlgebra ?? [];
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
    if (lie.length > 0) throw new ValueError('customGroup: a finite group has no Lie algebra');
    return new FiniteMatrixGroup({ key, d, discreteGenerators: discrete, isOrthogonal, family: { name: 'custom', params: [] } });
  }
  return new MatrixGroup({ key, d, discreteGenerators: discrete, lieAlgebra: lie, isOrthogonal, family: { name: 'custom', params: [] } });
}
