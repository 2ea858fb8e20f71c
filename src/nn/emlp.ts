/**
 * EMLP: equivariant multilayer perceptrons for arbitrary matrix groups, with automatic hidden
 * representations (Finzi, Welling, Wilson, "A Practical Method for Constructing Equivariant
 * Multilayer Perceptrons for Arbitrary Matrix Groups", ICML 2021, arXiv:2104.09459;
 * docs/design/equivariant-layers.md).
 * @module
 */
import type { Group } from '../group/index.js';
import { Scalar, T, directSum } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { BasisCache } from '../solver/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { EquivariantBilinear } from './equivariant-bilinear.js';
import { commonGroup } from './equivariant-common.js';
import type { EquivariantModule } from './equivariant-common.js';
import { EquivariantLinear } from './equivariant-linear.js';
import { GatedNonlinearity, gated } from './gated.js';
import { Module } from './module.js';
import type { FloatDType } from './parameter.js';

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Largest R with (R+1)·d^R ≤ ch (−1 if none). */
function maxRank(ch: number, d: number): number {
  let r = 0;
  while ((r + 1) * d ** r <= ch) r++;
  return r - 1;
}

/**
 * Number of tensors of each rank in uniform_rep(ch, G) for a group of dimension d: repeat
 * { R = largest r with (r+1)·d^r ≤ ch; add d^{R−r} tensors of rank r for r = 0…R;
 * ch −= (R+1)·d^R } until ch = 0.
 */
export function uniformRankCounts(ch: number, d: number): number[] {
  if (!Number.isInteger(ch) || ch < 1) throw new ValueError(`uniformRep: channels must be a positive integer, got ${ch}`);
  const counts: number[] = [];
  let left = ch;
  while (left > 0) {
    const R = maxRank(left, d);
    for (let r = 0; r <= R; r++) counts[r] = (counts[r] ?? 0) + d ** (R - r);
    left -= (R + 1) * d ** R;
  }
  return Array.from(counts, (c) => c ?? 0);
}

/**
 * uniform_rep(ch, G): a hidden representation of about `ch` dimensions that spreads the
 * channels evenly over tensor ranks (EMLP §6): the rank counts of `uniformRankCounts`, each
 * rank-r count N_r split over T(k, r−k), k = 0…r, binomially (⌊N_r/2^r⌋·C(r,k) copies each;
 * the remainder goes to the k nearest r/2, deterministically — EMLP draws it at random);
 * for orthogonal groups every rank-r tensor is T(r) = V^{⊗r}. Summands are ordered by rank.
 * The size is exactly `ch`.
 */
export function uniformRep(ch: number, group: Group): Rep {
  const counts = uniformRankCounts(ch, group.d);
  const parts: Rep[] = [];
  counts.forEach((N, r) => {
    if (N === 0) return;
    if (r === 0) { parts.push(Scalar(group).times(N)); return; }
    if (group.isOrthogonal) { parts.push(T(r, 0, group).times(N)); return; }
    const per = new Array<number>(r + 1).fill(0);
    const base = Math.floor(N / 2 ** r);
    for (let k = 0; k <= r; k++) per[k] = base * binom(r, k);
    const order = Array.from({ length: r + 1 }, (_, k) => k).sort((a, b) => Math.abs(a - r / 2) - Math.abs(b - r / 2) || a - b);
    for (let j = 0; j < N % 2 ** r; j++) per[order[j % (r + 1)]!]! += 1;
    for (let k = r; k >= 0; k--) if (per[k]! > 0) parts.push(T(k, r - k, group).times(per[k]!));
  });
  return directSum(parts);
}

/** Options shared by `EMLPBlock` and `EMLP`. */
export interface EMLPBlockOptions {
  /** Initial weights and the bilinear layers' copy choice (required). */
  rng: Rng;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Solver cache shared by all layers (one is created when omitted). */
  cache?: BasisCache;
}

/**
 * EMLP block: lin = EquivariantLinear(ρ_in → gated(ρ_out)); pre = Bilinear(lin(x)) + lin(x);
 * out = GatedNonlinearity(pre) ∈ ρ_out (EMLP, arXiv:2104.09459, `EMLPBlock`).
 */
export class EMLPBlock extends Module implements EquivariantModule {
  readonly group: Group;
  readonly linear: EquivariantLinear;
  readonly bilinear: EquivariantBilinear;
  readonly nonlinearity: GatedNonlinearity;

  constructor(readonly repIn: Rep, readonly repOut: Rep, opts: EMLPBlockOptions) {
    super();
    this.group = commonGroup('EMLPBlock', repIn, repOut);
    const g = gated(repOut);
    const dtype = opts.dtype;
    const cache = opts.cache ?? new BasisCache();
    this.linear = this.registerModule('linear', new EquivariantLinear(repIn, g, { rng: opts.rng, cache, ...(dtype ? { dtype } : {}) }));
    this.bilinear = this.registerModule('bilinear', new EquivariantBilinear(g, g, { rng: opts.rng, ...(dtype ? { dtype } : {}) }));
    this.nonlinearity = this.registerModule('nonlinearity', new GatedNonlinearity(repOut));
  }

  /** @param x [..., repIn.size] → [..., repOut.size] */
  forward(x: Tensor): Tensor {
    const lin = this.linear.call(x);
    return this.nonlinearity.call(this.bilinear.call(lin).add(lin));
  }
}

/** Options of `EMLP`. */
export interface EMLPOptions extends EMLPBlockOptions {
  /**
   * Hidden size passed to uniformRep, or an explicit hidden Rep (default 64 — EMLP uses 384;
   * smaller here so that training fits a CPU). Check that the hidden rep can carry the output:
   * e.g. for O(3) uniformRep(ch) has no V^3 field below 108 channels, and then no block can
   * form an outer product u vᵀ, so a V^2 output is limited to c(x)·I.
   */
  channels?: number | Rep;
  /** Number of EMLP blocks (default 3, as EMLP). */
  layers?: number;
}

/**
 * Equivariant MLP: ρ_in → EMLPBlock × L → EquivariantLinear(→ ρ_out), hidden reps
 * uniformRep(channels, G) (EMLP, Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459, `EMLP`).
 * f(ρ_in(g)x) = ρ_out(g)f(x) for all g ∈ G by construction.
 *
 * @example
 * ```ts
 * const G = O(5);
 * const model = new EMLP(parseRep('2V', G), Scalar(G), G, { channels: 64, layers: 2, rng: new Rng(0) });
 * const y = model.call(x); // x [B, 10] → y [B, 1]
 * ```
 */
export class EMLP extends Module implements EquivariantModule {
  /** Hidden rep of every block. */
  readonly hidden: Rep;
  readonly blocks: EMLPBlock[];
  readonly head: EquivariantLinear;

  constructor(readonly repIn: Rep, readonly repOut: Rep, readonly group: Group, opts: EMLPOptions) {
    super();
    if (repIn.group.key !== group.key || repOut.group.key !== group.key) throw new ValueError(`EMLP: reps must be of ${group.key} (got ${repIn.group.key}, ${repOut.group.key})`);
    const layers = opts.layers ?? 3;
    if (!Number.isInteger(layers) || layers < 0) throw new ValueError(`EMLP: layers must be a non-negative integer, got ${layers}`);
    const ch = opts.channels ?? 64;
    this.hidden = typeof ch === 'number' ? uniformRep(ch, group) : ch;
    const cache = opts.cache ?? new BasisCache();
    const dtype = opts.dtype;
    this.blocks = [];
    let r = repIn;
    for (let l = 0; l < layers; l++) {
      this.blocks.push(this.registerModule(`block${l}`, new EMLPBlock(r, this.hidden, { rng: opts.rng, cache, ...(dtype ? { dtype } : {}) })));
      r = this.hidden;
    }
    this.head = this.registerModule('head', new EquivariantLinear(r, repOut, { rng: opts.rng, cache, ...(dtype ? { dtype } : {}) }));
  }

  /** @param x [..., repIn.size] → [..., repOut.size] */
  forward(x: Tensor): Tensor {
    let h = x;
    for (const b of this.blocks) h = b.call(h);
    return this.head.call(h);
  }

  extraRepr(): string {
    return `${this.repIn} → ${this.repOut} of ${this.group.key}, hidden=${this.hidden}, layers=${this.blocks.length}`;
  }
}
