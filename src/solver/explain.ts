/**
 * Explanations for empty bases: why no equivariant linear map exists between two reps.
 * @module
 */
import { isFinite } from '../group/index.js';
import { hom } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { characterInner } from '../rep/index.js';
import { invariants } from './invariants.js';
import type { Generators } from './invariants.js';

/**
 * A sentence explaining why Hom_G(repIn, repOut) = 0: a character argument for finite groups,
 * else the first single generator whose constraint alone already forces W = 0, else the sizes of
 * the per-generator solution spaces whose intersection is {0}.
 */
export function explainEmpty(repIn: Rep, repOut: Rep): string {
  const G = repIn.group;
  const head = `no equivariant linear map exists from ${repIn.toString()} to ${repOut.toString()} under ${G.key}, because `;
  if (isFinite(G) && G.order <= 5000 && repIn.size * repOut.size <= 4096) {
    const ip = characterInner(repIn, repOut);
    return `${head}their characters are orthogonal (⟨χ_in, χ_out⟩ = ${ip.toFixed(6)}): the two representations share no irreducible component`;
  }
  const H = hom(repIn, repOut);
  if (H.size > 1500) return `${head}the constraint system ρ(h) − I, dρ(A) for the generators has full rank on the ${H.size}-dimensional space of maps`;
  const dims: string[] = [];
  const gens: [string, Generators][] = [
    ...G.discreteGenerators.map((h, i) => [`discrete generator h${i + 1}`, { discreteGenerators: [h], lieAlgebra: [] }] as [string, Generators]),
    ...G.lieAlgebra.map((A, i) => [`Lie-algebra generator A${i + 1}`, { discreteGenerators: [], lieAlgebra: [A] }] as [string, Generators]),
  ];
  for (const [name, sub] of gens) {
    const dim = invariants(H, undefined, sub).dim;
    if (dim === 0) return `${head}the ${name} alone admits no invariant map (e.g. a reflection or −I acting with opposite signs on input and output)`;
    dims.push(`${name}: ${dim}`);
  }
  return `${head}the maps fixed by each generator separately (${dims.join(', ')}) intersect only in 0`;
}
