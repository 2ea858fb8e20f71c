/**
 * Algebraic checks shipped with the harness: group axioms (`checkGroup`), the homomorphism
 * property of a representation (`checkRep`) and equivariant bases (`checkBasis`: CQ ≈ 0, QᵀQ = I,
 * the dimension).
 * @module
 */
import type { Group } from '../group/index.js';
import { isFinite } from '../group/index.js';
import { det, expm, identity, inverse, matmul, transpose } from '../linalg/index.js';
import type { Rep } from '../rep/index.js';
import { ShapeError } from '../util/index.js';
import { membership } from './element.js';

/** One named check. */
export interface CheckItem {
  name: string;
  ok: boolean;
  /** The measured error or the reason. */
  detail: string;
}

/** Result of checkGroup / checkRep / checkBasis. */
export interface CheckReport {
  ok: boolean;
  /** What was checked, e.g. `"group SO(3)"`. */
  subject: string;
  items: CheckItem[];
}

/** Readable printout of a {@link CheckReport}. */
export function formatCheckReport(r: CheckReport): string {
  return [`${r.ok ? 'OK' : 'FAILED'}: ${r.subject}`, ...r.items.map((i) => `  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`)].join('\n');
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A report; one with no items checked nothing and fails. */
function report(subject: string, items: CheckItem[]): CheckReport {
  if (items.length === 0) return { ok: false, subject, items: [{ name: 'something was checked', ok: false, detail: 'no check applied: nothing was compared' }] };
  return { ok: items.every((i) => i.ok), subject, items };
}

const fmt = (x: number): string => x.toExponential(2);

/**
 * Group axioms on the generators and testing elements: invertible, members of the group
 * (orthogonality/determinant for O(n)/SO(n), lookup for finite groups), exp(A) in the group for
 * Lie-algebra elements; for finite groups also identity, closure under the generators and inverses.
 */
export function checkGroup(G: Group, tol = 1e-9): CheckReport {
  const items: CheckItem[] = [];
  const d = G.d, I = identity(d);
  const els = G.testingElements();
  const dets = els.map((g) => Math.abs(det(g)));
  items.push({ name: 'testing elements are invertible', ok: dets.every((x) => x > 1e-12), detail: `min |det| = ${fmt(Math.min(...dets))}` });
  const mem = els.map((g) => membership(G, g, tol)).filter((m) => m.inGroup === false);
  items.push({ name: 'testing elements belong to the group', ok: mem.length === 0, detail: mem.length ? mem[0]!.reason : 'all members (or undecidable)' });
  const lie = G.lieAlgebra.map((A) => membership(G, expm(A.map((x) => 0.3 * x)), tol)).filter((m) => m.inGroup === false);
  items.push({ name: 'exp(0.3·A) belongs to the group for each Lie generator', ok: lie.length === 0, detail: lie.length ? lie[0]!.reason : `${G.lieAlgebra.length} generators` });
  if (isFinite(G)) {
    const all = G.elements();
    items.push({ name: 'element 0 is the identity', ok: maxDiff(all[0]!, I) < tol, detail: `max|g₀ − I| = ${fmt(maxDiff(all[0]!, I))}` });
    let closure = 0, inv = 0, table = 0;
    all.forEach((g, i) => {
      for (const h of G.discreteGenerators) if (G.indexOf(matmul(g, h, d, d, d)) < 0) closure++;
      const j = G.invert(i);
      inv = Math.max(inv, maxDiff(matmul(g, all[j]!, d, d, d), I));
      const k = G.multiply(i, (i * 7 + 3) % all.length);
      table = Math.max(table, maxDiff(matmul(g, all[(i * 7 + 3) % all.length]!, d, d, d), all[k]!));
    });
    items.push({ name: 'closure under the generators', ok: closure === 0, detail: `${closure} products outside the ${all.length} elements` });
    items.push({ name: 'inverses', ok: inv < tol, detail: `max|g·g⁻¹ − I| = ${fmt(inv)}` });
    items.push({ name: 'multiplication table', ok: table < tol, detail: `max error ${fmt(table)}` });
  }
  return report(`group ${G.key}`, items);
}

/**
 * Representation checks on the group's testing elements: ρ(I) = I, the homomorphism property
 * ρ(gh) = ρ(g)ρ(h), ρ(g⁻¹) = ρ(g)⁻¹, dρ(A) = d/dt ρ(exp tA)|₀ (central differences) and
 * orthogonality when the rep claims it. Errors are relative to max(1, |ρ|).
 */
export function checkRep(rep: Rep, G: Group = rep.group, tol = 1e-8): CheckReport {
  const items: CheckItem[] = [];
  const d = G.d, n = rep.size;
  const els = G.testingElements().slice(0, 6);
  items.push({ name: 'ρ(I) = I', ok: maxDiff(rep.rho(identity(d)), identity(n)) < tol, detail: fmt(maxDiff(rep.rho(identity(d)), identity(n))) });
  let hom = 0, inv = 0, orth = 0;
  for (const g of els) {
    const rg = rep.rho(g);
    const scale = Math.max(1, ...Array.from(rg, Math.abs));
    for (const h of els) hom = Math.max(hom, maxDiff(rep.rho(matmul(g, h, d, d, d)), matmul(rg, rep.rho(h), n, n, n)) / scale);
    inv = Math.max(inv, maxDiff(rep.rho(inverse(g)), inverse(rg)) / scale);
    if (rep.isOrthogonal) orth = Math.max(orth, maxDiff(matmul(transpose(rg, n, n), rg, n, n, n), identity(n)));
  }
  items.push({ name: 'homomorphism ρ(gh) = ρ(g)ρ(h)', ok: hom < tol, detail: `max relative error ${fmt(hom)} over ${els.length}² pairs` });
  items.push({ name: 'ρ(g⁻¹) = ρ(g)⁻¹', ok: inv < tol, detail: fmt(inv) });
  if (rep.isOrthogonal) items.push({ name: 'ρ(g) orthogonal', ok: orth < tol, detail: fmt(orth) });
  let dr = 0;
  const t = 1e-5;
  for (const A of G.lieAlgebra) {
    const fd = rep.rho(expm(A.map((x) => t * x))).map((x, i) => x - rep.rho(expm(A.map((y) => -t * y)))[i]!).map((x) => x / (2 * t));
    dr = Math.max(dr, maxDiff(rep.drho(A), fd));
  }
  if (G.lieAlgebra.length) items.push({ name: 'dρ(A) = d/dt ρ(exp tA)', ok: dr < 1e-6, detail: `max error ${fmt(dr)} (central differences, t = 1e-5)` });
  return report(`rep ${rep.key}`, items);
}

/**
 * Check an equivariant basis Q (N × r, N = |out|·|in|, column-major over the r basis vectors,
 * each a row-major |out|×|in| matrix W): ρ_out(h) W ρ_in(h)⁻¹ = W for the discrete generators,
 * dρ_out(A) W = W dρ_in(A) for the Lie algebra (CQ ≈ 0), QᵀQ = I, and r = expectedDim.
 * @param Q a Float64Array N×r (row-major) or an object `{ Q, dim }` (e.g. an `EquivariantBasis`).
 */
export function checkBasis(Q: Float64Array | { readonly Q: Float64Array; readonly dim: number }, repIn: Rep, repOut: Rep, expectedDim?: number, tol = 1e-9): CheckReport {
  const ni = repIn.size, no = repOut.size, N = ni * no;
  const q = Q instanceof Float64Array ? Q : Q.Q;
  const r = Q instanceof Float64Array ? q.length / N : Q.dim;
  if (!Number.isInteger(r) || q.length !== N * r) {
    throw new ShapeError(`checkBasis: Q has ${q.length} entries, not N × dim with N = |out|·|in| = ${no}·${ni} = ${N} (repOut ${repOut}, repIn ${repIn})${Q instanceof Float64Array ? '' : ` and dim = ${Q.dim}`}`);
  }
  const items: CheckItem[] = [];
  if (expectedDim !== undefined) items.push({ name: 'dimension', ok: r === expectedDim, detail: `dim = ${r}, expected ${expectedDim}` });
  const cols = Array.from({ length: r }, (_, c) => Float64Array.from({ length: N }, (_, k) => q[k * r + c]!));
  let gram = 0;
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < r; b++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += cols[a]![k]! * cols[b]![k]!;
      gram = Math.max(gram, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  items.push({ name: 'QᵀQ = I', ok: gram < tol, detail: fmt(gram) });
  const G = repIn.group;
  let c = 0;
  for (const h of G.discreteGenerators) {
    const Ro = repOut.rho(h), RiInv = inverse(repIn.rho(h));
    for (const W of cols) c = Math.max(c, maxDiff(matmul(matmul(Ro, W, no, no, ni), RiInv, no, ni, ni), W));
  }
  for (const A of G.lieAlgebra) {
    const Do = repOut.drho(A), Di = repIn.drho(A);
    for (const W of cols) c = Math.max(c, maxDiff(matmul(Do, W, no, no, ni), matmul(W, Di, no, ni, ni)));
  }
  items.push({ name: 'CQ = 0 (equivariance constraints)', ok: c < tol * Math.max(1, Math.sqrt(N)), detail: `max residual ${fmt(c)}` });
  return report(`basis ${repIn} → ${repOut} of ${G.key}`, items);
}
