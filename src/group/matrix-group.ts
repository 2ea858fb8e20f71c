/**
 * The generic matrix group built from generators, and its default sampler (EMLP §1.6).
 * @module
 */
import { expm, identity, inverse, matmul, transpose } from '../linalg/index.js';
import { Rng, ValueError } from '../util/index.js';
import type { Group, GroupFamily } from './group.js';
import { checkGroupSize } from './limits.js';

/** Everything needed to define a matrix group. */
export interface GroupSpec {
  readonly key: string;
  readonly d: number;
  readonly discreteGenerators?: readonly Float64Array[];
  readonly lieAlgebra?: readonly Float64Array[];
  readonly isOrthogonal?: boolean;
  readonly family?: GroupFamily;
  /** Custom sampler (e.g. Haar); default: exp(Σ zᵢ·s·Aᵢ)·(random word in the generators). */
  readonly sampler?: (rng: Rng) => Float64Array;
  /** Scale s of the Lie-algebra coefficients in the default sampler (default 1; 0.3 for boosts). */
  readonly lieScale?: number;
}

/**
 * Default sampler: g = exp(Σᵢ zᵢ s Aᵢ) · Π (3 rounds of the discrete generators in random order,
 * each raised to a random power in [−5, 5)), z ~ N(0, I).
 */
export function generatorWordSample(
  rng: Rng, d: number, discrete: readonly Float64Array[], lie: readonly Float64Array[], lieScale = 1,
  orthogonal = false,
): Float64Array {
  let g = identity(d);
  if (lie.length > 0) {
    const a = new Float64Array(d * d);
    for (const A of lie) {
      const z = rng.normal() * lieScale;
      for (let i = 0; i < a.length; i++) a[i]! += z * A[i]!;
    }
    g = expm(a);
  }
  if (discrete.length > 0) {
    const inverses = discrete.map((h) => (orthogonal ? transpose(h, d, d) : inverse(h)));
    for (let round = 0; round < 3; round++) {
      const order = rng.permutation(discrete.length);
      for (const k of order) {
        const p = rng.int(10) - 5;
        const h = p >= 0 ? discrete[k]! : inverses[k]!;
        for (let t = 0; t < Math.abs(p); t++) g = matmul(g, h, d, d, d);
      }
    }
  }
  return g;
}

/** A matrix group defined by its generators. */
export class MatrixGroup implements Group {
  readonly key: string;
  readonly d: number;
  readonly discreteGenerators: readonly Float64Array[];
  readonly lieAlgebra: readonly Float64Array[];
  readonly isOrthogonal: boolean;
  readonly family: GroupFamily;
  protected readonly sampler: (rng: Rng) => Float64Array;

  constructor(spec: GroupSpec) {
    if (typeof spec.d !== 'number' || !Number.isInteger(spec.d) || spec.d < 1) {
      throw new ValueError(`group ${spec.key}: dimension d must be a positive integer, got ${String(spec.d)}`);
    }
    checkGroupSize(`group ${spec.key}`, spec.d, (spec.discreteGenerators?.length ?? 0) + (spec.lieAlgebra?.length ?? 0));
    this.key = spec.key;
    this.d = spec.d;
    this.discreteGenerators = spec.discreteGenerators ?? [];
    this.lieAlgebra = spec.lieAlgebra ?? [];
    this.isOrthogonal = spec.isOrthogonal ?? false;
    this.family = spec.family ?? { name: 'custom', params: [] };
    for (const m of [...this.discreteGenerators, ...this.lieAlgebra]) {
      if (!(m instanceof Float64Array)) throw new ValueError(`group ${this.key}: a generator is not a Float64Array`);
      if (m.length !== this.d * this.d) {
        throw new ValueError(`group ${this.key}: generator of length ${m.length} is not ${this.d}×${this.d}`);
      }
      if (!m.every(Number.isFinite)) throw new ValueError(`group ${this.key}: a generator has a non-finite entry (NaN or ±Infinity)`);
    }
    const lieScale = spec.lieScale ?? 1;
    this.sampler = spec.sampler ?? ((rng) =>
      generatorWordSample(rng, this.d, this.discreteGenerators, this.lieAlgebra, lieScale, this.isOrthogonal));
  }

  /** A random element (see GroupSpec.sampler). */
  sample(rng: Rng): Float64Array {
    return this.sampler(rng);
  }

  /** The discrete generators, exp(0.7·Aᵢ) for each Lie generator, and three seeded samples. */
  testingElements(): Float64Array[] {
    const out = [...this.discreteGenerators];
    for (const A of this.lieAlgebra) {
      const a = new Float64Array(A.length);
      for (let i = 0; i < a.length; i++) a[i] = 0.7 * A[i]!;
      out.push(expm(a));
    }
    const rng = new Rng(1234);
    for (let i = 0; i < 3; i++) out.push(this.sample(rng));
    return out;
  }

  /** The key. */
  toString(): string {
    return this.key;
  }
}
