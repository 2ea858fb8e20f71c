import { expm, frobenius, identity, matmul, maxAbsDiff } from '../../src/linalg/index.js';
import type { Rep } from '../../src/rep/index.js';

/** max over testing pairs of ‖ρ(gh) − ρ(g)ρ(h)‖_max / (1 + ‖ρ(g)ρ(h)‖_max). */
export function homomorphismError(rep: Rep): number {
  const G = rep.group;
  const els = G.testingElements().slice(0, 6);
  const d = G.d;
  const n = rep.size;
  let err = 0;
  for (const g of els) {
    for (const h of els.slice(0, 3)) {
      const lhs = rep.rho(matmul(g, h, d, d, d));
      const rhs = matmul(rep.rho(g), rep.rho(h), n, n, n);
      const scale = 1 + Math.max(...Array.from(rhs, Math.abs));
      err = Math.max(err, maxAbsDiff(lhs, rhs) / scale);
    }
  }
  err = Math.max(err, maxAbsDiff(rep.rho(identity(d)), identity(n)));
  return err;
}

/** Relative error of dρ(A) against the central difference (ρ(e^{tA}) − ρ(e^{−tA}))/2t. */
export function drhoError(rep: Rep): number {
  const G = rep.group;
  let err = 0;
  const t = 1e-4;
  for (const A of G.lieAlgebra) {
    const minus = rep.rho(expm(A.map((y) => -t * y)));
    const fd = rep.rho(expm(A.map((x) => t * x))).map((x, i) => (x - minus[i]!) / (2 * t));
    const dr = rep.drho(A);
    err = Math.max(err, frobenius(fd.map((x, i) => x - dr[i]!)) / Math.max(1, frobenius(dr)));
  }
  return err;
}
