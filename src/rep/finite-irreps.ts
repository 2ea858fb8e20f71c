/**
 * Real irreps of finite groups and the decomposition of any orthogonal rep of a finite group into
 * irreps with an orthogonal change of basis.
 *
 * Method: a generic symmetric element of the commutant, M = Σ_g ρ(g) X ρ(g)ᵀ (X random symmetric;
 * Reynolds average, exact), commutes with ρ; its eigenspaces are G-invariant and, for generic X,
 * irreducible. Eigenvalues are grouped with a relative tolerance. Components are matched to irreps
 * by their characters on conjugacy classes. The irreps of G themselves come from decomposing the
 * regular representation.
 * @module
 */
import { isFinite } from '../group/index.js';
import type { FiniteGroup } from '../group/index.js';
import { symmetricEigen } from '../linalg/index.js';
import { Rng, SizeError, ValueError } from '../util/index.js';
import { regular } from './base-reps.js';
import type { Rep } from './rep.js';
import { leafRep } from './rep.js';

/** One irreducible component: rows `start…start+dim−1` of the change of basis P. */
export interface Component {
  readonly start: number;
  readonly dim: number;
  /** Character on the conjugacy classes (class order of the group). */
  readonly character: Float64Array;
}

/** ρ = Pᵀ (⊕ components) P with P orthogonal (n×n row-major, rows are the new coordinates). */
export interface FiniteDecomposition {
  readonly P: Float64Array;
  readonly n: number;
  readonly components: readonly Component[];
}

function asFinite(rep: Rep): FiniteGroup {
  const G = rep.group;
  if (!isFinite(G)) throw new ValueError(`finite decomposition: ${G.key} is not a finite group`);
  if (!rep.isOrthogonal) throw new ValueError(`finite decomposition: ${rep.key} is not orthogonal`);
  return G;
}

/** Decompose an orthogonal rep of a finite group into irreducible components. */
export function decomposeFinite(rep: Rep, seed = 20240): FiniteDecomposition {
  const G = asFinite(rep);
  const n = rep.size;
  const rng = new Rng(seed);
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) X[i * n + j] = X[j * n + i] = rng.normal();
  const M = new Float64Array(n * n);
  for (const g of G.elements()) {
    const sp = rep.signedPerm(g);
    if (sp) {
      // (P X Pᵀ)[π(i), π(j)] = s_i s_j X[i, j]
      for (let i = 0; i < n; i++) {
        const pi = sp.perm[i]! * n;
        for (let j = 0; j < n; j++) M[pi + sp.perm[j]!]! += sp.sign[i]! * sp.sign[j]! * X[i * n + j]!;
      }
    } else {
      const R = rep.rho(g);
      const RX = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
        const r = R[i * n + k]!;
        if (r !== 0) for (let j = 0; j < n; j++) RX[i * n + j]! += r * X[k * n + j]!;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += RX[i * n + k]! * R[j * n + k]!;
        M[i * n + j]! += s;
      }
    }
  }
  const { values, vectors } = symmetricEigen(M, n);
  const scale = Math.max(...Array.from(values, Math.abs), 1e-300);
  const P = new Float64Array(n * n);
  const components: Component[] = [];
  const classes = G.conjugacyClasses();
  const reps = classes.map((c) => G.elements()[c[0]!]!);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && Math.abs(values[end]! - values[start]!) < 1e-8 * scale) end++;
    const dim = end - start;
    for (let k = 0; k < dim; k++) for (let i = 0; i < n; i++) P[(start + k) * n + i] = vectors[i * n + start + k]!;
    const character = Float64Array.from(reps, (g) => {
      const R = rep.rho(g);
      let tr = 0;
      for (let k = 0; k < dim; k++) {
        const row = (start + k) * n;
        for (let i = 0; i < n; i++) {
          const pi = P[row + i]!;
          if (pi === 0) continue;
          for (let j = 0; j < n; j++) tr += pi * R[i * n + j]! * P[row + j]!;
        }
      }
      return tr;
    });
    components.push({ start, dim, character });
    start = end;
  }
  return { P, n, components };
}

/** A real irrep of a finite group: dimension, type (1 real, 2 complex, 4 quaternionic), character. */
export interface FiniteIrrep {
  readonly rep: Rep;
  readonly dim: number;
  readonly type: number;
  readonly character: Float64Array;
}

function sameCharacter(a: Float64Array, b: Float64Array): boolean {
  return a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);
}

/**
 * The real irreps of a finite group (|G| ≤ 2000), ordered by dimension then character (trivial
 * first), as leaf reps named `ir(k)`. Obtained by decomposing the regular representation.
 * @throws SizeError (a ValueError) when |G| > 2000
 */
export function finiteIrreps(G: FiniteGroup): FiniteIrrep[] {
  if (G.order > 2000) throw new SizeError(`finiteIrreps: |${G.key}| = ${G.order} is too large (limit 2000)`);
  const reg = regular(G);
  const dec = decomposeFinite(reg);
  const classes = G.conjugacyClasses();
  const found: { dim: number; character: Float64Array; basis: Float64Array }[] = [];
  for (const c of dec.components) {
    if (found.some((f) => sameCharacter(f.character, c.character))) continue;
    const basis = dec.P.slice(c.start * dec.n, (c.start + c.dim) * dec.n); // dim×|G| rows
    found.push({ dim: c.dim, character: c.character, basis });
  }
  found.sort((a, b) => a.dim - b.dim || b.character.reduce((s, x) => s + x, 0) - a.character.reduce((s, x) => s + x, 0));
  const n = G.order;
  return found.map((f, k) => {
    let ip = 0;
    classes.forEach((cl, i) => (ip += cl.length * f.character[i]! ** 2));
    const type = Math.round(ip / n);
    const d = f.dim;
    const rep = leafRep(G, {
      name: `ir(${k})`, size: d, orthogonal: true,
      rho: (g) => {
        const sp = reg.signedPerm(g)!;
        // B R(g) Bᵀ with B = f.basis (d×|G|): (R Bᵀ)[π(i), :] = Bᵀ[i, :]
        const out = new Float64Array(d * d);
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += f.basis[a * n + sp.perm[i]!]! * f.basis[b * n + i]!;
            out[a * d + b] = s;
          }
        }
        return out;
      },
      drho: () => new Float64Array(d * d),
    });
    return { rep, dim: d, type, character: f.character };
  });
}

/**
 * Multiplicities of the irreps of G in ρ: m_ψ = ⟨χ_ρ, χ_ψ⟩ / type(ψ), computed on conjugacy classes.
 */
export function irrepMultiplicities(rep: Rep, irreps: readonly FiniteIrrep[]): number[] {
  const G = asFinite(rep);
  const classes = G.conjugacyClasses();
  const chi = classes.map((c) => {
    const R = rep.rho(G.elements()[c[0]!]!);
    let t = 0;
    for (let i = 0; i < rep.size; i++) t += R[i * rep.size + i]!;
    return t;
  });
  return irreps.map((ir) => {
    let s = 0;
    classes.forEach((c, i) => (s += c.length * chi[i]! * ir.character[i]!));
    return Math.round(s / G.order / ir.type) || 0;
  });
}
