/**
 * EMLP's synthetic regression datasets (Finzi, Welling, Wilson, "A Practical Method for
 * Constructing Equivariant Multilayer Perceptrons for Arbitrary Matrix Groups", ICML 2021,
 * arXiv:2104.09459, §7; generators as in `emlp/datasets.py`; docs/design/reference-results.md) and the
 * standardisation that keeps equivariance.
 * @module
 */
import { parseGroup } from '../group/index.js';
import type { Group } from '../group/index.js';
import { parseRep } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { isScalar } from '../rep/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** Field copies (rep, offset) of a direct sum, in feature order. */
function fields(rep: Rep): { rep: Rep; offset: number }[] {
  const out: { rep: Rep; offset: number }[] = [];
  let off = 0;
  for (const t of rep.terms()) for (let c = 0; c < t.mult; c++) { out.push({ rep: t.rep, offset: off }); off += t.rep.size; }
  return out;
}

/** Per-component affine map z = (x − shift) / scale that commutes with the group action. */
export interface Standardization {
  /** Nonzero only on invariant (Scalar) components. */
  readonly shift: Float64Array;
  /** Constant over every field (one scalar per summand copy). */
  readonly scale: Float64Array;
}

/** A synthetic regression dataset: X [n, dimIn] and Y [n, dimOut] row-major, float64. */
export interface SyntheticDataset {
  /** Dataset name. */
  readonly name: string;
  /** Number of samples. */
  readonly n: number;
  readonly X: Float64Array;
  readonly Y: Float64Array;
  readonly dimIn: number;
  readonly dimOut: number;
  /** Group name for `parseGroup`, e.g. `'O(5)'`. */
  readonly groupName: string;
  /** Input rep in the string grammar (`parseRep`). */
  readonly repInName: string;
  /** Output rep in the string grammar. */
  readonly repOutName: string;
  /** Equivariance-preserving standardisation statistics of X and Y (computed on this set). */
  readonly xStats: Standardization;
  readonly yStats: Standardization;
}

/** Options of `equivariantStandardization`. */
export interface StandardizationOptions {
  /**
   * Shift invariant (Scalar) components by their mean (default true). With `false` they are only
   * scaled, by their RMS. EMLP shifts targets but never its inputs' scalars (`emlp/datasets.py`);
   * centring Inertia's masses, which multiply the rest of the input in the target, makes EMLP
   * generalise far worse (test MSE 4.1 → 10.9 at n = 100, measured).
   */
  center?: boolean;
}

/**
 * Standardisation statistics that keep equivariance (docs/design/equivariant-layers.md, `emlp/datasets.py`):
 * invariant (Scalar) components are shifted by their mean and scaled by their standard
 * deviation (only scaled, by their RMS, with `center: false`); every other field (copy of a sum
 * term) is not shifted and is scaled by one scalar, the RMS of its entries. Then
 * z(ρ(g)x) = ρ(g)z(x) for every g.
 */
export function equivariantStandardization(data: Float64Array, rep: Rep, opts: StandardizationOptions = {}): Standardization {
  const center = opts.center ?? true;
  const d = rep.size;
  const n = data.length / d;
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`equivariantStandardization: ${data.length} values are not a multiple of ${d}`);
  const shift = new Float64Array(d), scale = new Float64Array(d).fill(1);
  for (const c of fields(rep)) {
    if (isScalar(c.rep)) {
      let m = 0;
      for (let i = 0; i < n; i++) m += data[i * d + c.offset]!;
      m = center ? m / n : 0;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * d + c.offset]! - m) ** 2;
      shift[c.offset] = m;
      scale[c.offset] = Math.sqrt(v / n) || 1;
    } else {
      let s = 0;
      for (let i = 0; i < n; i++) for (let e = 0; e < c.rep.size; e++) s += data[i * d + c.offset + e]! ** 2;
      const rms = Math.sqrt(s / (n * c.rep.size)) || 1;
      for (let e = 0; e < c.rep.size; e++) scale[c.offset + e] = rms;
    }
  }
  return { shift, scale };
}

/** z = (x − shift)/scale applied to every row (a new array). */
export function standardize(data: Float64Array, st: Standardization): Float64Array {
  const d = st.shift.length;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i]! - st.shift[i % d]!) / st.scale[i % d]!;
  return out;
}

/** x = z·scale + shift applied to every row (a new array). */
export function unstandardize(data: Float64Array | Float32Array, st: Standardization): Float64Array {
  const d = st.shift.length;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * st.scale[i % d]! + st.shift[i % d]!;
  return out;
}

/** The group and reps of a dataset as values. */
export function datasetSymmetry(ds: SyntheticDataset): { group: Group; repIn: Rep; repOut: Rep } {
  const group = parseGroup(ds.groupName);
  return { group, repIn: parseRep(ds.repInName, group), repOut: parseRep(ds.repOutName, group) };
}

function finish(name: string, n: number, X: Float64Array, Y: Float64Array, groupName: string, repInName: string, repOutName: string): SyntheticDataset {
  const group = parseGroup(groupName);
  const rin = parseRep(repInName, group), rout = parseRep(repOutName, group);
  return {
    name, n, X, Y, dimIn: rin.size, dimOut: rout.size, groupName, repInName, repOutName,
    xStats: equivariantStandardization(X, rin), yStats: equivariantStandardization(Y, rout),
  };
}

function checkN(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${op}: n must be a positive integer, got ${n}`);
}

/**
 * O5Synthetic (O(5)-invariant regression): x₁, x₂ ~ N(0, I₅),
 * y = sin‖x₁‖ − ½‖x₂‖³ + ⟨x₁, x₂⟩/(‖x₁‖‖x₂‖). rep_in 2V, rep_out Scalar, G = O(5).
 */
export function o5Synthetic(n: number, rng: Rng): SyntheticDataset {
  checkN('o5Synthetic', n);
  const X = new Float64Array(n * 10), Y = new Float64Array(n);
  rng.fillNormal(X);
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0, ab = 0;
    for (let k = 0; k < 5; k++) {
      const u = X[i * 10 + k]!, v = X[i * 10 + 5 + k]!;
      a += u * u; b += v * v; ab += u * v;
    }
    const r1 = Math.sqrt(a), r2 = Math.sqrt(b);
    Y[i] = Math.sin(r1) - 0.5 * r2 ** 3 + ab / (r1 * r2);
  }
  return finish('O5Synthetic', n, X, Y, 'O(5)', '2V', 'Scalar');
}

/**
 * Inertia (O(3)-equivariant): k = 5 masses mᵢ = softplus(N(0,1)), positions rᵢ ~ N(0, I₃);
 * X = [m₁…m₅, r₁…r₅] (5 + 15), y = Σᵢ mᵢ(‖rᵢ‖² I − rᵢrᵢᵀ) (3×3 row-major).
 * rep_in 5Scalar + 5V, rep_out V^2 = T(2), G = O(3).
 */
export function inertia(n: number, rng: Rng): SyntheticDataset {
  checkN('inertia', n);
  const k = 5, dim = 4 * k;
  const X = new Float64Array(n * dim), Y = new Float64Array(n * 9);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < k; j++) { const z = rng.normal(); X[row + j] = z > 30 ? z : Math.log1p(Math.exp(z)); }
    for (let j = 0; j < 3 * k; j++) X[row + k + j] = rng.normal();
    for (let j = 0; j < k; j++) {
      const m = X[row + j]!;
      const r = [X[row + k + 3 * j]!, X[row + k + 3 * j + 1]!, X[row + k + 3 * j + 2]!];
      const r2 = r[0]! ** 2 + r[1]! ** 2 + r[2]! ** 2;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) Y[i * 9 + a * 3 + b]! += m * ((a === b ? r2 : 0) - r[a]! * r[b]!);
    }
  }
  return finish('Inertia', n, X, Y, 'O(3)', '5Scalar + 5V', 'V^2');
}

/**
 * ParticleInteraction (e⁻μ⁻ scattering, Lorentz invariant): four 4-momenta pₖ ~ N(0, I₄)/4,
 * η = diag(1,−1,−1,−1), ⟨u,v⟩ = uᵀηv; L_e = p₁p₃ᵀ − (⟨p₁,p₃⟩ − ⟨p₁,p₁⟩)η,
 * L_μ = (ηp₂)(ηp₄)ᵀ − (⟨p₂,p₄⟩ − ⟨p₂,p₂⟩)η, y = 4·Σ_ab (L_e ⊙ L_μ)_ab.
 * rep_in 4V, rep_out Scalar, G = O(1,3).
 */
export function particleInteraction(n: number, rng: Rng): SyntheticDataset {
  checkN('particleInteraction', n);
  const X = new Float64Array(n * 16), Y = new Float64Array(n);
  const eta = [1, -1, -1, -1];
  for (let i = 0; i < X.length; i++) X[i] = rng.normal() / 4;
  for (let i = 0; i < n; i++) {
    const p = (k: number, a: number): number => X[i * 16 + 4 * k + a]!;
    const dot = (u: number, v: number): number => { let s = 0; for (let a = 0; a < 4; a++) s += eta[a]! * p(u, a) * p(v, a); return s; };
    const ce = dot(0, 2) - dot(0, 0), cm = dot(1, 3) - dot(1, 1);
    let s = 0;
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const e = (a === b ? eta[a]! : 0);
        const Le = p(0, a) * p(2, b) - ce * e;
        const Lm = eta[a]! * p(1, a) * eta[b]! * p(3, b) - cm * e;
        s += Le * Lm;
      }
    }
    Y[i] = 4 * s;
  }
  return finish('ParticleInteraction', n, X, Y, 'O13', '4V', 'Scalar');
}

/** The three EMLP synthetic datasets by name. */
export const EMLP_DATASETS = {
  O5Synthetic: o5Synthetic,
  Inertia: inertia,
  ParticleInteraction: particleInteraction,
} as const;
