/**
 * The GEM-CNN kernel basis (de Haan, Weiler, Cohen & Welling, "Gauge Equivariant Mesh CNNs", ICLR
 * 2021, arXiv:2003.05425, §4 and appendix). A kernel K(θ) from ρ_n to ρ_m (SO(2) irreps) is gauge
 * equivariant when K(θ − φ) = ρ_m(−φ) K(θ) ρ_n(φ) for every φ. Expanding K in angular harmonics
 * Y_k(θ) = (cos kθ, sin kθ), K(θ) = Σ_k Σ_j T_{k,j} Y_{k,j}(θ), the constraint becomes
 * T_k ∈ Hom_SO(2)(ρ_n, ρ_m ⊗ ψ_k) with ψ_k the rotation by kα of the harmonics, which erlangen's
 * solver returns. Setting φ = θ in the constraint shows K(θ) = ρ_m(θ) K(0) ρ_n(−θ): a solution is
 * fixed by K(0) = T_{k,cos}, so the layer stores the basis as matrices K_r = K(0) labelled by
 * their frequency k, and applies the rotations ρ_m(θ), ρ_n(−θ) on the fly (transport.ts). The
 * closed form ({@link gemClosedFormBasis}) is the cross-check: per block n → m the frequencies are
 * |m − n| (K_r ∈ span{I, J}) and m + n (K_r ∈ span{F, FJ}, F = diag(1, −1)), each twice; one pair
 * when n or m is 0; the constant for 0 → 0. See docs/design/gem.md.
 * @module
 */
import { SO } from '../../group/index.js';
import type { Group } from '../../group/index.js';
import { planarIrrep, tensorProduct } from '../../rep/index.js';
import type { Rep } from '../../rep/index.js';
import { equivariantBasis } from '../../solver/index.js';
import type { BasisCache } from '../../solver/index.js';
import { ValueError } from '../../util/index.js';

/**
 * One basis element of a GEM kernel (arXiv:2003.05425): the block from input order `inOrder` (n)
 * to output order `outOrder` (m) with K_r = `matrix` ([d_m, d_n] row-major, d = 1 for order 0
 * else 2, unit Frobenius norm); the kernel is K(θ) = ρ_m(θ) K_r ρ_n(−θ), of angular frequency
 * `frequency`.
 */
export interface GemBasisElement {
  /** Input order n. */
  readonly inOrder: number;
  /** Output order m. */
  readonly outOrder: number;
  /** Angular frequency k of K(θ) (|m − n| or m + n; 0 for intertwiners). */
  readonly frequency: number;
  /** K_r = K(0), [d_m, d_n] row-major, unit Frobenius norm. */
  readonly matrix: Float64Array;
  /** The solver's harmonic coefficients T ([d_m·d_k, d_n], rows o·d_k + j for Y_{k,j}), when solved. */
  readonly solution?: Float64Array;
}

/** A GEM kernel basis for one channel pair ρ₀ ⊕ … ⊕ ρ_{L_in} → ρ₀ ⊕ … ⊕ ρ_{L_out} (arXiv:2003.05425). */
export interface GemKernelBasis {
  /** L_in. */
  readonly maxOrderIn: number;
  /** L_out. */
  readonly maxOrderOut: number;
  /** Largest angular frequency kept (Infinity: none dropped). */
  readonly bandLimit: number;
  /** The elements, grouped by (outOrder, inOrder, frequency). */
  readonly elements: readonly GemBasisElement[];
}

/** Options of {@link gemKernelBasis} (arXiv:2003.05425). */
export interface GemBasisOptions {
  /** Drop angular frequencies above this (default Infinity: keep all, up to L_in + L_out). */
  bandLimit?: number;
  /** Cache of the solver's Hom spaces. */
  cache?: BasisCache;
}

const dimOf = (l: number): number => (l === 0 ? 1 : 2);

let so2: Group | null = null;
function SO2(): Group {
  so2 ??= SO(2);
  return so2;
}

/** ρ_l of SO(2) (l ≥ 0), rotating (c, s) by l·α; ψ_k is the same rep on the harmonics (arXiv:2003.05425). */
function irrep(l: number, name: string): Rep {
  return planarIrrep(SO2(), 0, l, l === 0 ? 1 : 2, name);
}

function checkOrders(op: string, Lin: number, Lout: number, bandLimit: number): void {
  for (const [n, v] of [['maxOrderIn', Lin], ['maxOrderOut', Lout]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${op}: ${n} must be an integer ≥ 0, got ${v}`);
  }
  if (!(bandLimit >= 0)) throw new ValueError(`${op}: bandLimit must be ≥ 0 (or Infinity), got ${bandLimit}`);
}

/** Gram–Schmidt on matrices (as vectors); drops directions below 1e-10 (arXiv:2003.05425 basis hygiene). */
function orthonormalise(ms: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const m0 of ms) {
    const m = Float64Array.from(m0);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of out) {
        let d = 0;
        for (let i = 0; i < m.length; i++) d += m[i]! * b[i]!;
        for (let i = 0; i < m.length; i++) m[i]! -= d * b[i]!;
      }
    }
    let n = 0;
    for (let i = 0; i < m.length; i++) n += m[i]! * m[i]!;
    n = Math.sqrt(n);
    if (n < 1e-10) continue;
    for (let i = 0; i < m.length; i++) m[i]! /= n;
    out.push(m);
  }
  return out;
}

/**
 * The GEM kernel basis solved by erlangen's solver (arXiv:2003.05425): for every block n → m and
 * every frequency k ≤ min(bandLimit, L_in + L_out), T ∈ Hom_SO(2)(ρ_n, ρ_m ⊗ ψ_k) from
 * {@link equivariantBasis}, turned into K_r = K(0) (the cos rows of T) and orthonormalised per
 * (n, m, k). Without a band limit it has 4·L_in·L_out + 2(L_in + L_out) + 1 elements.
 */
export function gemKernelBasis(maxOrderIn: number, maxOrderOut: number, opts: GemBasisOptions = {}): GemKernelBasis {
  const bandLimit = opts.bandLimit ?? Infinity;
  checkOrders('gemKernelBasis', maxOrderIn, maxOrderOut, bandLimit);
  const kMax = Math.min(bandLimit, maxOrderIn + maxOrderOut);
  const elements: GemBasisElement[] = [];
  const solverOpts = opts.cache ? { cache: opts.cache } : {};
  for (let m = 0; m <= maxOrderOut; m++) {
    for (let n = 0; n <= maxOrderIn; n++) {
      const dm = dimOf(m), dn = dimOf(n);
      for (let k = 0; k <= kMax; k++) {
        const dk = dimOf(k);
        const sol = equivariantBasis(irrep(n, `ir(${n})`), tensorProduct([irrep(m, `ir(${m})`), irrep(k, `angular${k}`)]), solverOpts);
        if (sol.dim === 0) continue;
        const Q = sol.Q, rows = dm * dk;
        const sols: Float64Array[] = [], k0: Float64Array[] = [];
        for (let c = 0; c < sol.dim; c++) {
          const T = new Float64Array(rows * dn), K = new Float64Array(dm * dn);
          for (let r = 0; r < rows; r++) for (let i = 0; i < dn; i++) T[r * dn + i] = Q[(r * dn + i) * sol.dim + c]!;
          // K(0) = Σ_j T_j Y_{k,j}(0) with Y_k(0) = (1, 0): the rows o·d_k + 0
          for (let o = 0; o < dm; o++) for (let i = 0; i < dn; i++) K[o * dn + i] = T[o * dk * dn + i]!;
          sols.push(T);
          k0.push(K);
        }
        const ortho = orthonormalise(k0);
        if (ortho.length !== sol.dim) throw new ValueError(`gemKernelBasis: the solved kernels ${n} → ${m} at frequency ${k} are not fixed by K(0) (rank ${ortho.length} < ${sol.dim})`);
        ortho.forEach((matrix, j) => elements.push({ inOrder: n, outOrder: m, frequency: k, matrix, solution: sols[j]! }));
      }
    }
  }
  return { maxOrderIn, maxOrderOut, bandLimit, elements };
}

/**
 * The closed-form GEM kernel basis (arXiv:2003.05425, Table 1 in K_r form): for n, m ≥ 1,
 * {I, J}/√2 at frequency |m − n| and {F, FJ}/√2 at m + n (J = [[0, −1], [1, 0]], F = diag(1, −1));
 * for 0 → m the two unit columns at frequency m; for n → 0 the two unit rows at frequency n; for
 * 0 → 0 the constant. Frequencies above `bandLimit` are dropped.
 */
export function gemClosedFormBasis(maxOrderIn: number, maxOrderOut: number, bandLimit = Infinity): GemKernelBasis {
  checkOrders('gemClosedFormBasis', maxOrderIn, maxOrderOut, bandLimit);
  const s = Math.SQRT1_2, elements: GemBasisElement[] = [];
  const push = (n: number, m: number, k: number, ...ms: number[][]): void => {
    if (k > bandLimit) return;
    for (const v of ms) elements.push({ inOrder: n, outOrder: m, frequency: k, matrix: Float64Array.from(v) });
  };
  for (let m = 0; m <= maxOrderOut; m++) {
    for (let n = 0; n <= maxOrderIn; n++) {
      if (m === 0 && n === 0) push(0, 0, 0, [1]);
      else if (n === 0) push(0, m, m, [1, 0], [0, 1]);
      else if (m === 0) push(n, 0, n, [1, 0], [0, 1]);
      else {
        const lo = Math.abs(m - n), hi = m + n;
        // sorted by frequency like the solver's listing
        push(n, m, lo, [s, 0, 0, s], [0, -s, s, 0]);
        push(n, m, hi, [s, 0, 0, -s], [0, -s, -s, 0]);
      }
    }
  }
  return { maxOrderIn, maxOrderOut, bandLimit, elements };
}

/**
 * Number of GEM kernel basis elements per channel pair and ring (arXiv:2003.05425):
 * Σ over blocks n → m of the elements whose frequency is ≤ bandLimit; without a band limit
 * 4·L_in·L_out + 2(L_in + L_out) + 1.
 */
export function gemKernelDim(maxOrderIn: number, maxOrderOut: number, bandLimit = Infinity): number {
  if (bandLimit >= maxOrderIn + maxOrderOut) return 4 * maxOrderIn * maxOrderOut + 2 * (maxOrderIn + maxOrderOut) + 1;
  return gemClosedFormBasis(maxOrderIn, maxOrderOut, bandLimit).elements.length;
}

/**
 * The self-interaction basis (arXiv:2003.05425): the intertwiners Hom_SO(2)(ρ_n, ρ_m) from the
 * solver, nonzero only for n = m: the constant for order 0, {I, J}/√2 for order l ≥ 1. A kernel
 * applied without any angle (self-loop, or the 1×1 channel mixing of a residual) must lie here.
 */
export function gemIntertwinerBasis(maxOrderIn: number, maxOrderOut: number, opts: { cache?: BasisCache } = {}): GemKernelBasis {
  checkOrders('gemIntertwinerBasis', maxOrderIn, maxOrderOut, 0);
  const elements: GemBasisElement[] = [];
  const solverOpts = opts.cache ? { cache: opts.cache } : {};
  for (let m = 0; m <= maxOrderOut; m++) {
    for (let n = 0; n <= maxOrderIn; n++) {
      const sol = equivariantBasis(irrep(n, `ir(${n})`), irrep(m, `ir(${m})`), solverOpts);
      if (sol.dim === 0) continue;
      const Q = sol.Q, ms: Float64Array[] = [];
      for (let c = 0; c < sol.dim; c++) ms.push(Float64Array.from({ length: dimOf(m) * dimOf(n) }, (_, r) => Q[r * sol.dim + c]!));
      for (const matrix of orthonormalise(ms)) elements.push({ inOrder: n, outOrder: m, frequency: 0, matrix });
    }
  }
  return { maxOrderIn, maxOrderOut, bandLimit: 0, elements };
}

/** Column offset of order l inside one channel [a₀, c₁, s₁, …] (arXiv:2003.05425 layout). */
export function orderOffset(l: number): number {
  return l === 0 ? 0 : 2 * l - 1;
}

/**
 * The basis embedded into full per-channel blocks: [dim, 2L_out+1, 2L_in+1] row-major, element j
 * placed at rows of its output order and columns of its input order (arXiv:2003.05425).
 */
export function embedBasis(b: GemKernelBasis): Float64Array {
  const wo = 2 * b.maxOrderOut + 1, wi = 2 * b.maxOrderIn + 1, out = new Float64Array(b.elements.length * wo * wi);
  b.elements.forEach((e, j) => {
    const dm = dimOf(e.outOrder), dn = dimOf(e.inOrder), ro = orderOffset(e.outOrder), ci = orderOffset(e.inOrder);
    for (let o = 0; o < dm; o++) for (let i = 0; i < dn; i++) out[(j * wo + ro + o) * wi + ci + i] = e.matrix[o * dn + i]!;
  });
  return out;
}
