/**
 * Group elements as data for the equivariance harness: a matrix g in the group's defining
 * representation plus the data-type parts that a base space needs (a translation for point
 * clouds, a node permutation for graphs, a circular shift for grids, an angle per vertex for mesh
 * gauges). The data-type parts are drawn lazily from the element's seed, so the input action and
 * the output action of a check always see the same permutation / translation / angles.
 * @module
 */
import type { Group } from '../group/index.js';
import { isFinite } from '../group/index.js';
import { det, identity, matmul, transpose } from '../linalg/index.js';
import { Rng } from '../util/index.js';

/** How an element was chosen (used by the diagnosis: e.g. "only reflections fail"). */
export type ElementKind =
  | 'generator' | 'lie' | 'testing' | 'random' | 'reflection' | 'parity'
  | 'translation' | 'permutation' | 'shift' | 'gauge' | 'custom';

/** A sampled group element together with its data-type parts. */
export interface Element {
  /** Human-readable name used in reports, e.g. `"generator 0"`, `"parity −I"`, `"random 2"`. */
  readonly label: string;
  /** How it was chosen. */
  readonly kind: ElementKind;
  /** d×d matrix in the group's defining rep (row-major); null means the identity. */
  readonly g: Float64Array | null;
  /** Seed of the lazily drawn data-type parts. */
  readonly seed: number;
  /** Point clouds are also translated by t ~ 10·N(0, I) (e3nn's convention). */
  readonly translate: boolean;
  /** Graphs have their nodes (and edges) permuted. */
  readonly permute: boolean;
  /** Grids are also circularly shifted. */
  readonly shift: boolean;
  /** Meshes get a random gauge change (an angle per vertex). */
  readonly gauge: boolean;
}

/** Build an element by hand (e.g. to test a specific reflection). Defaults: no data-type parts. */
export function makeElement(g: Float64Array | null, opts: Partial<Omit<Element, 'g'>> = {}): Element {
  return {
    label: opts.label ?? 'custom', kind: opts.kind ?? 'custom', g, seed: opts.seed ?? 1,
    translate: opts.translate ?? false, permute: opts.permute ?? false, shift: opts.shift ?? false, gauge: opts.gauge ?? false,
  };
}

function streamRng(e: Element, stream: number): Rng {
  return new Rng((e.seed * 7919 + stream * 104729) | 0);
}

/** The translation t ∈ R^d of an element (zeros unless `e.translate`). t ~ 10·N(0, I). */
export function elementTranslation(e: Element, d: number): Float64Array {
  const t = new Float64Array(d);
  if (!e.translate) return t;
  const rng = streamRng(e, 1);
  for (let i = 0; i < d; i++) t[i] = 10 * rng.normal();
  return t;
}

/**
 * The node permutation of an element for a graph with n nodes: new node i is old node `perm[i]`
 * (identity unless `e.permute`). `stream` separates node and edge permutations.
 */
export function elementPermutation(e: Element, n: number, stream = 2): Int32Array {
  if (!e.permute) return Int32Array.from({ length: n }, (_, i) => i);
  return streamRng(e, stream).permutation(n);
}

/** The circular shift (dy, dx) of a grid of size h×w (zeros unless `e.shift`). */
export function elementShift(e: Element, h: number, w: number): [number, number] {
  if (!e.shift) return [0, 0];
  const rng = streamRng(e, 4);
  return [rng.int(h), rng.int(w)];
}

/** The gauge angles φ_p ∈ [−π, π) of an element for n vertices (zeros unless `e.gauge`). */
export function elementGaugeAngles(e: Element, n: number): Float64Array {
  const phi = new Float64Array(n);
  if (!e.gauge) return phi;
  const rng = streamRng(e, 5);
  for (let i = 0; i < n; i++) phi[i] = rng.uniformIn(-Math.PI, Math.PI);
  return phi;
}

/** The matrix of an element, with null read as the d×d identity. */
export function elementMatrix(e: Element, d: number): Float64Array {
  return e.g ?? identity(d);
}

/** RMS(g − I) of the matrix part (0 for the identity): a term of EMLP's error denominator. */
export function elementDistance(e: Element): number {
  if (!e.g) return 0;
  const d = Math.round(Math.sqrt(e.g.length));
  let s = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += (e.g[i * d + j]! - (i === j ? 1 : 0)) ** 2;
  return Math.sqrt(s / e.g.length);
}

/** Determinant of the matrix part (1 for the identity). */
export function elementDet(e: Element): number {
  return e.g ? det(e.g) : 1;
}

/** What the element sampler should generate. */
export interface ElementOptions {
  /** Include the group's testing elements (generators, exp(0.7·Aᵢ), fixed samples); default true. */
  testing?: boolean;
  /** Number of random `G.sample(rng)` elements (default 3). */
  random?: number;
  /** Include reflection generators (det < 0) and the parity −I where it belongs to G (default true). */
  reflections?: boolean;
  /** Seed of the random elements (default 0). */
  seed?: number;
  /** Explicit extra elements (matrices or prepared elements), e.g. a 30° rotation. */
  extra?: readonly (Float64Array | Element)[];
  /** Use only `extra` (skip all sampling). */
  only?: boolean;
}

function customLabel(g: Float64Array, i: number): string {
  if (g.length === 4 && Math.abs(det(g) - 1) < 1e-9 && Math.abs(g[0]! - g[3]!) < 1e-9) {
    return `rotation by ${((Math.atan2(g[2]!, g[0]!) * 180) / Math.PI).toFixed(1)}°`;
  }
  return `custom ${i}${Math.abs(det(g) + 1) < 1e-9 ? ' (det −1)' : ''}`;
}

/** The data-type parts the actions of a check need. */
export interface ElementNeeds {
  translate: boolean;
  permute: boolean;
  shift: boolean;
  gauge: boolean;
}

/**
 * The elements a check runs over: the group's testing elements (generators first), random
 * samples, reflection/parity elements, and — for base spaces — pure translations, permutations,
 * shifts or gauge changes; random elements also carry the data-type parts.
 */
export function sampleElements(G: Group | null, needs: ElementNeeds, opts: ElementOptions = {}): Element[] {
  const out: Element[] = [];
  let seed = (opts.seed ?? 0) * 1000 + 11;
  const mk = (g: Float64Array | null, kind: ElementKind, label: string, parts: boolean): Element => ({
    label, kind, g, seed: seed++,
    translate: parts && needs.translate, permute: parts && needs.permute, shift: parts && needs.shift, gauge: parts && needs.gauge,
  });
  for (const x of opts.extra ?? []) out.push(x instanceof Float64Array ? mk(x, 'custom', customLabel(x, out.length), false) : x);
  if (opts.only) return out;
  if (G) {
    const nGen = G.discreteGenerators.length, nLie = G.lieAlgebra.length;
    if (opts.testing ?? true) {
      G.testingElements().forEach((g, i) => {
        const [kind, label] = i < nGen ? ['generator', `generator ${i}`] as const
          : i < nGen + nLie ? ['lie', `exp(0.7·A${i - nGen})`] as const : ['testing', `testing sample ${i - nGen - nLie}`] as const;
        out.push(mk(g, det(g) < 0 && kind === 'generator' ? 'reflection' : kind, det(g) < 0 && kind === 'generator' ? `reflection (generator ${i})` : label, false));
      });
    }
    const rng = new Rng(opts.seed ?? 0);
    const nRandom = opts.random ?? 3;
    for (let i = 0; i < nRandom; i++) {
      const g = G.sample(rng);
      out.push(mk(g, 'random', `random ${i}${det(g) < 0 ? ' (det −1)' : ''}`, true));
    }
    if (opts.reflections ?? true) {
      const d = G.d;
      const minus = new Float64Array(d * d);
      for (let i = 0; i < d; i++) minus[i * d + i] = -1;
      if (d % 2 === 1 && membership(G, minus).inGroup === true) out.push(mk(minus, 'parity', 'parity −I', false));
    }
  }
  if (needs.translate) out.push(mk(null, 'translation', 'translation', true));
  if (needs.permute) out.push(mk(null, 'permutation', 'permutation', true));
  if (needs.shift) out.push(mk(null, 'shift', 'circular shift', true));
  if (needs.gauge) out.push(mk(null, 'gauge', 'gauge change', true));
  return out;
}

/** Result of {@link membership}. */
export interface Membership {
  /** true / false, or null when the group gives no way to decide. */
  inGroup: boolean | null;
  /** Why (e.g. `"det = −1"`, `"not one of the 8 elements"`, `"‖gᵀg − I‖ = 0.3"`). */
  reason: string;
}

/**
 * Is the matrix g an element of G? Finite groups: lookup among the enumerated elements; O(n),
 * SO(n) and other orthogonal groups: the defining constraints gᵀg = I (and det g = 1 for SO(n)).
 * Other groups (Lorentz, Sp, SL, products): null (undecided) unless g is not invertible.
 */
export function membership(G: Group, g: Float64Array, tol = 1e-8): Membership {
  const d = G.d;
  if (g.length !== d * d) return { inGroup: false, reason: `a ${Math.sqrt(g.length)}×${Math.sqrt(g.length)} matrix for a group acting on R^${d}` };
  if (isFinite(G)) {
    try {
      const i = G.indexOf(g);
      return i >= 0 ? { inGroup: true, reason: `element ${i} of ${G.order}` } : { inGroup: false, reason: `not one of the ${G.order} elements of ${G.key}` };
    } catch {
      // too large to enumerate: fall through to the constraint checks
    }
  }
  const dt = det(g);
  if (Math.abs(dt) < 1e-12) return { inGroup: false, reason: 'not invertible (det = 0)' };
  if (G.isOrthogonal) {
    const gtg = matmul(transpose(g, d, d), g, d, d, d);
    let err = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) err = Math.max(err, Math.abs(gtg[i * d + j]! - (i === j ? 1 : 0)));
    if (err > tol) return { inGroup: false, reason: `not orthogonal: max|gᵀg − I| = ${err.toExponential(2)}` };
    const fam = G.family.name;
    if (fam === 'SO' && dt < 0) return { inGroup: false, reason: `det = ${dt.toFixed(3)} (SO(n) needs det = +1: a reflection)` };
    if (fam === 'SO' || fam === 'O') return { inGroup: true, reason: `orthogonal, det = ${dt > 0 ? '+1' : '−1'}` };
  }
  return { inGroup: null, reason: `membership in ${G.key} cannot be decided from its generators` };
}
