/**
 * Matrix-free actions x ↦ ρ(g)x, ρ(g)ᵀx, dρ(A)x, dρ(A)ᵀx without forming size×size matrices:
 * direct sums act blockwise, tensor products by mode products (cost O(k·s·N) for k factors of size
 * s), leaves and duals through their small dense matrices. Used by the iterative solver.
 * @module
 */
import { inverse, sqDim, transpose } from '../linalg/index.js';
import type { Rep } from './rep.js';

type Which = 'rho' | 'drho';

function leafMatrix(r: Rep, which: Which, m: Float64Array): Float64Array {
  if (r.node.kind === 'dual') {
    const inner = leafMatrix(r.node.of, which, m);
    const s = sqDim(inner);
    return which === 'rho' ? transpose(inverse(inner), s, s) : transpose(inner, s, s).map((x) => -x);
  }
  return which === 'rho' ? r.rho(m) : r.drho(m);
}

/** y = M_mode x along one mode of a tensor with shape (pre, s, post). */
function modeProduct(M: Float64Array, s: number, x: Float64Array, pre: number, post: number, transposeM: boolean): Float64Array {
  const y = new Float64Array(x.length);
  for (let p = 0; p < pre; p++) {
    const base = p * s * post;
    for (let a = 0; a < s; a++) {
      const ya = base + a * post;
      for (let b = 0; b < s; b++) {
        const mab = transposeM ? M[b * s + a]! : M[a * s + b]!;
        if (mab === 0) continue;
        const xb = base + b * post;
        for (let q = 0; q < post; q++) y[ya + q]! += mab * x[xb + q]!;
      }
    }
  }
  return y;
}

/**
 * Apply ρ(g) (which = 'rho') or dρ(A) (which = 'drho') of `rep`, optionally transposed, to x.
 * @param m the group element g or Lie-algebra element A (d×d).
 */
export function applyRep(rep: Rep, which: Which, m: Float64Array, x: Float64Array, transposed = false): Float64Array {
  const nd = rep.node;
  if (nd.kind === 'leaf' || nd.kind === 'dual') {
    const M = leafMatrix(rep, which, m);
    return modeProduct(M, rep.size, x, 1, 1, transposed);
  }
  if (nd.kind === 'sum') {
    const y = new Float64Array(x.length);
    let off = 0;
    for (const t of nd.terms) {
      for (let c = 0; c < t.mult; c++) {
        y.set(applyRep(t.rep, which, m, x.subarray(off, off + t.rep.size), transposed), off);
        off += t.rep.size;
      }
    }
    return y;
  }
  // tensor: modes in order
  const modes: Rep[] = [];
  for (const f of nd.factors) for (let k = 0; k < f.power; k++) modes.push(f.rep);
  const sizes = modes.map((r) => r.size);
  const mats = new Map<string, Float64Array>();
  const matOf = (r: Rep): Float64Array => {
    let M = mats.get(r.key);
    if (!M) {
      M = which === 'rho' ? r.rho(m) : r.drho(m);
      mats.set(r.key, M);
    }
    return M;
  };
  let pre = 1;
  let post = x.length;
  if (which === 'rho') {
    let y = x;
    modes.forEach((r, j) => {
      post /= sizes[j]!;
      y = modeProduct(matOf(r), sizes[j]!, y, pre, post, transposed);
      pre *= sizes[j]!;
    });
    return y;
  }
  const out = new Float64Array(x.length);
  modes.forEach((r, j) => {
    post /= sizes[j]!;
    const t = modeProduct(matOf(r), sizes[j]!, x, pre, post, transposed);
    for (let i = 0; i < out.length; i++) out[i]! += t[i]!;
    pre *= sizes[j]!;
  });
  return out;
}
