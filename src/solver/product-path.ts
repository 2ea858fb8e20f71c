/**
 * Kronecker of solutions for direct-product groups (docs/design/solver.md): on G₁×G₂ the defining
 * rep is V = V₁⊗V₂, so a tensor word W = ⊗ⱼ V^{(εⱼ)} (εⱼ ∈ {V, V*}) is, after reordering its index
 * tuple, W₁⊗W₂ with Wᵢ the same word over Gᵢ; hence Inv(W) = Π⁻¹(Inv(W₁) ⊗ Inv(W₂)).
 * Solving the two small factor problems replaces one of size (d₁d₂)^k.
 * @module
 */
import type { Group } from '../group/index.js';
import { V, dualRep, tensorProduct, Scalar } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import type { InvariantBasis } from './invariants.js';

/** The word of `rep` as a list of modes (false = V, true = V*), or null when it is not such a word. */
function word(rep: Rep): boolean[] | null {
  const nd = rep.node;
  if (nd.kind === 'leaf') {
    if (nd.leaf.name === 'V') return [false];
    if (nd.leaf.name === 'Scalar') return [];
    return null;
  }
  if (nd.kind === 'dual') {
    const inner = nd.of.node;
    return inner.kind === 'leaf' && inner.leaf.name === 'V' ? [true] : null;
  }
  if (nd.kind === 'tensor') {
    const out: boolean[] = [];
    for (const f of nd.factors) {
      const w = word(f.rep);
      if (!w) return null;
      for (let k = 0; k < f.power; k++) out.push(...w);
    }
    return out;
  }
  return null;
}

function wordRep(G: Group, w: readonly boolean[]): Rep {
  if (w.length === 0) return Scalar(G);
  const v = V(G);
  return tensorProduct(w.map((d) => (d ? dualRep(v) : v)));
}

/**
 * Invariants of a tensor word over a product group by the Kronecker of the factor solutions, or
 * null when `rep` is not a word in V, V* over a product. `solve` solves a factor problem.
 */
export function productInvariants(rep: Rep, solve: (r: Rep) => InvariantBasis): InvariantBasis | null {
  const G = rep.group;
  const factors = G.family.name === 'product' ? G.family.factors : undefined;
  if (!factors || factors.length !== 2) return null;
  const w = word(rep);
  if (!w || w.length === 0) return null;
  const [G1, G2] = factors as [Group, Group];
  const s1 = solve(wordRep(G1, w));
  const s2 = solve(wordRep(G2, w));
  const k = w.length;
  const d1 = G1.d;
  const d2 = G2.d;
  const n = rep.size;
  const r = s1.dim * s2.dim;
  const Q = new Float64Array(n * r);
  if (r > 0) {
    const n2 = s2.n;
    // walk all index tuples (a_j, b_j): global index Σ (a_j d2 + b_j)·(d1d2)^{k−1−j}
    const a = new Int32Array(k);
    const b = new Int32Array(k);
    for (let i1 = 0; i1 < s1.n; i1++) {
      let t = i1;
      for (let j = k - 1; j >= 0; j--) {
        a[j] = t % d1;
        t = Math.floor(t / d1);
      }
      for (let i2 = 0; i2 < n2; i2++) {
        let u = i2;
        for (let j = k - 1; j >= 0; j--) {
          b[j] = u % d2;
          u = Math.floor(u / d2);
        }
        let g = 0;
        for (let j = 0; j < k; j++) g = g * d1 * d2 + a[j]! * d2 + b[j]!;
        for (let p = 0; p < s1.dim; p++) {
          const q1 = s1.Q[i1 * s1.dim + p]!;
          if (q1 === 0) continue;
          for (let q = 0; q < s2.dim; q++) Q[g * r + p * s2.dim + q] = q1 * s2.Q[i2 * s2.dim + q]!;
        }
      }
    }
  }
  const method = s1.method === 'orbit' && s2.method === 'orbit' ? 'orbit' : s1.method === s2.method ? s1.method : 'dense';
  return { Q, n, dim: r, gap: Math.min(s1.gap, s2.gap), method };
}
