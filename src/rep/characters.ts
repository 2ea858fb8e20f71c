/**
 * Characters χ_ρ(g) = tr ρ(g), and, for finite groups, character inner products and irrep
 * multiplicities m_ψ = ⟨χ_ρ, χ_ψ⟩ = (1/|G|) Σ_g χ_ρ(g) χ_ψ(g⁻¹) (real irreps of real type).
 * @module
 */
import { isFinite } from '../group/index.js';
import { trace } from '../linalg/index.js';
import { ValueError } from '../util/index.js';
import type { Rep } from './rep.js';

/** χ_ρ(g) = tr ρ(g). */
export function character(rep: Rep, g: Float64Array): number {
  return trace(rep.rho(g));
}

/** The character table row of ρ: χ_ρ on every element of a finite group (element order). */
export function characterVector(rep: Rep): Float64Array {
  const G = rep.group;
  if (!isFinite(G)) throw new ValueError(`characterVector: ${G.key} is not finite`);
  return Float64Array.from(G.elements(), (g) => character(rep, g));
}

/** ⟨χ_a, χ_b⟩ = (1/|G|) Σ_g χ_a(g)·χ_b(g⁻¹) for reps of one finite group. */
export function characterInner(a: Rep, b: Rep): number {
  const G = a.group;
  if (!isFinite(G)) throw new ValueError(`characterInner: ${G.key} is not finite`);
  const ca = characterVector(a);
  const cb = characterVector(b);
  let s = 0;
  for (let i = 0; i < G.order; i++) s += ca[i]! * cb[G.invert(i)]!;
  return s / G.order;
}
