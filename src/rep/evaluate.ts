/**
 * ρ and dρ of composite representations: block diagonals for direct sums, Kronecker products and
 * Kronecker sums for tensor products, inverse transposes for duals.
 * @module
 */
import { inverse, kron, sqDim, transpose } from '../linalg/index.js';
import { ContractError } from '../util/index.js';
import type { RepLeaf, SignedPerm } from './leaf.js';
import { asSignedPerm } from './leaf.js';
import type { Rep } from './rep.js';

function kronSquare(a: Float64Array, b: Float64Array): Float64Array {
  const p = sqDim(a);
  const q = sqDim(b);
  return kron(a, p, p, b, q, q);
}

function blockDiagRepeated(blocks: readonly { m: Float64Array; mult: number }[], n: number): Float64Array {
  const out = new Float64Array(n * n);
  let off = 0;
  for (const { m, mult } of blocks) {
    const d = sqDim(m);
    for (let c = 0; c < mult; c++) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[(off + i) * n + off + j] = m[i * d + j]!;
      off += d;
    }
  }
  return out;
}

/** Kronecker sum dρ₁ ⊕ dρ₂ = dρ₁⊗I + I⊗dρ₂. */
function kronSumSparse(a: Float64Array, b: Float64Array): Float64Array {
  const p = sqDim(a);
  const q = sqDim(b);
  const n = p * q;
  const out = new Float64Array(n * n);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const v = a[i * p + j]!;
      if (v === 0) continue;
      for (let k = 0; k < q; k++) out[(i * q + k) * n + j * q + k]! += v;
    }
  }
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < q; k++) {
      for (let l = 0; l < q; l++) {
        const v = b[k * q + l]!;
        if (v !== 0) out[(i * q + k) * n + i * q + l]! += v;
      }
    }
  }
  return out;
}

/** Check that a leaf's ρ(g) or dρ(A) is a size×size matrix of numbers (a user-defined leaf may not be). */
function checkedLeafMatrix(leaf: RepLeaf, what: 'rho' | 'drho', m: unknown): Float64Array {
  const n = leaf.size;
  if (!(m instanceof Float64Array)) {
    throw new ContractError(`Rep.${what}: leaf "${leaf.name}" returned ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name ?? 'an object' : typeof m}, expected a Float64Array of ${n}×${n} values`);
  }
  if (m.length !== n * n) throw new ContractError(`Rep.${what}: leaf "${leaf.name}" of size ${n} returned ${m.length} values, expected ${n}×${n} = ${n * n}`);
  return m;
}

/** Check that a leaf's signed permutation has the leaf's size. */
function checkedLeafPerm(leaf: RepLeaf, sp: SignedPerm | null): SignedPerm | null {
  if (sp !== null && (sp.perm?.length !== leaf.size || sp.sign?.length !== leaf.size)) {
    throw new ContractError(`Rep.signedPerm: leaf "${leaf.name}" of size ${leaf.size} returned a signed permutation of length ${String(sp.perm?.length)}`);
  }
  return sp;
}

/** ρ(g) for any rep. */
export function evalRho(r: Rep, g: Float64Array): Float64Array {
  const nd = r.node;
  switch (nd.kind) {
    case 'leaf':
      return checkedLeafMatrix(nd.leaf, 'rho', nd.leaf.rho(g));
    case 'dual': {
      const m = evalRho(nd.of, g);
      const s = sqDim(m);
      return transpose(inverse(m), s, s);
    }
    case 'sum':
      return blockDiagRepeated(nd.terms.map((t) => ({ m: evalRho(t.rep, g), mult: t.mult })), r.size);
    case 'tensor': {
      let acc: Float64Array = Float64Array.of(1);
      for (const f of nd.factors) {
        const m = evalRho(f.rep, g);
        for (let k = 0; k < f.power; k++) acc = kronSquare(acc, m);
      }
      return acc;
    }
  }
}

/** dρ(A) for any rep. */
export function evalDrho(r: Rep, A: Float64Array): Float64Array {
  const nd = r.node;
  switch (nd.kind) {
    case 'leaf':
      return checkedLeafMatrix(nd.leaf, 'drho', nd.leaf.drho(A));
    case 'dual': {
      const m = evalDrho(nd.of, A);
      const s = sqDim(m);
      return transpose(m, s, s).map((x) => -x);
    }
    case 'sum':
      return blockDiagRepeated(nd.terms.map((t) => ({ m: evalDrho(t.rep, A), mult: t.mult })), r.size);
    case 'tensor': {
      let acc: Float64Array = new Float64Array(1);
      for (const f of nd.factors) {
        const m = evalDrho(f.rep, A);
        for (let k = 0; k < f.power; k++) acc = kronSumSparse(acc, m);
      }
      return acc;
    }
  }
}

/** ρ(g) as a signed permutation when every leaf acts by signed permutations (else null). */
export function evalSignedPerm(r: Rep, g: Float64Array): SignedPerm | null {
  const nd = r.node;
  switch (nd.kind) {
    case 'leaf':
      return nd.leaf.signedPerm
        ? checkedLeafPerm(nd.leaf, nd.leaf.signedPerm(g))
        : nd.leaf.size <= 64 ? asSignedPerm(checkedLeafMatrix(nd.leaf, 'rho', nd.leaf.rho(g)), nd.leaf.size) : null;
    case 'dual':
      return evalSignedPerm(nd.of, g); // P^{-T} = P for a signed permutation matrix
    case 'sum': {
      const perm = new Int32Array(r.size);
      const sign = new Int8Array(r.size);
      let off = 0;
      for (const t of nd.terms) {
        const sp = evalSignedPerm(t.rep, g);
        if (!sp) return null;
        const d = t.rep.size;
        for (let c = 0; c < t.mult; c++) {
          for (let i = 0; i < d; i++) {
            perm[off + i] = off + sp.perm[i]!;
            sign[off + i] = sp.sign[i]!;
          }
          off += d;
        }
      }
      return { perm, sign };
    }
    case 'tensor': {
      let perm = Int32Array.of(0);
      let sign = Int8Array.of(1);
      for (const f of nd.factors) {
        const sp = evalSignedPerm(f.rep, g);
        if (!sp) return null;
        const q = f.rep.size;
        for (let k = 0; k < f.power; k++) {
          const p = perm.length;
          const np = new Int32Array(p * q);
          const ns = new Int8Array(p * q);
          for (let i = 0; i < p; i++) {
            for (let j = 0; j < q; j++) {
              np[i * q + j] = perm[i]! * q + sp.perm[j]!;
              ns[i * q + j] = sign[i]! * sp.sign[j]!;
            }
          }
          perm = np;
          sign = ns;
        }
      }
      return { perm, sign };
    }
  }
}
