/**
 * A NequIP-style interatomic potential (Batzner et al., "E(3)-equivariant graph neural networks for
 * data-efficient and accurate interatomic potentials", Nat. Commun. 13, 2453 (2022),
 * arXiv:2101.03164) built from erlangen's irreps layers, as a {@link PotentialModel} of the
 * Lennard-Jones example (examples/lj-forces.ts).
 * @module
 */
import { Rng, ValueError, add, mul, normal, ones, reshape, segmentSum, tensor } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { zerosInit } from '../../src/nn/index.js';
import { InteractionBlock, Irreps, IrrepsLinear } from '../../src/nn/irreps/index.js';
import type { AtomsBatch, PotentialModel } from '../lj-forces.js';

/** Options of {@link nequipModel}. */
export interface NequipOptions {
  /** Initial weights (required). */
  rng: Rng;
  /** Hidden irreps of every interaction block (default `16x0e+8x1o`). */
  hidden?: string;
  /** Number of interaction blocks (default 2). */
  layers?: number;
  /** Number of scalar channels of the constant atom embedding (default 8). */
  embedding?: number;
  /** Degree of the edge spherical harmonics Y^0…Y^lmax (default 2). */
  lmax?: number;
  /** Bessel functions of the radial basis (default 8). */
  numBasis?: number;
  /** Hidden widths of the radial MLPs (default [16]). */
  radialHidden?: readonly number[];
  /** Exponent p of the polynomial cutoff envelope (default 6: E is C² at the cutoff). */
  envelope?: number;
  /** Cutoff radius r_c (σ; default 3). Must equal the batches' radius-graph cutoff. */
  cutoff?: number;
  /** Messages are summed and divided by √avgNeighbors (default 16). */
  avgNeighbors?: number;
  /** Initial per-atom energy e₀ (NequIP's per-species shift; default 0; learned). */
  shift?: number;
  /** Fixed scale s of the per-atom readout (NequIP's per-species scale, e.g. the force RMS; default 1). */
  scale?: number;
  /** Start the readout at zero, so E = 0 before training (default true; false: e3nn's N(0, 1) init). */
  zeroReadout?: boolean;
}

/**
 * NequIP for one species:
 *
 *   h⁰_i = e (a learned constant vector of scalars, the one-species embedding)
 *   h^{t+1} = InteractionBlock_t(h^t, x)   (t = 0…T−1; conv messages TP_uvu(h_j, Y(r̂_ij); W_t(B(r_ij)))
 *   E = Σ_i (s · Linear(h^T_i) + e₀)       (Linear: hidden irreps → 1x0e, e₀ a learned per-atom energy, s fixed)
 *
 * with B(r) = 8 Bessel functions √(2/r_c)·sin(nπr/r_c)/r times NequIP's polynomial envelope u(r/r_c)
 * (p = 6), W_t a bias-free MLP (so every message and E vanish smoothly at r_c, E ∈ C²), Y the
 * spherical harmonics to l = lmax, the gated nonlinearity of {@link InteractionBlock} and a
 * self-connection (a residual where the irreps match). Invariant under E(3) and permutations;
 * the readout starts at zero (E = 0 before training, as the baseline). Twice differentiable through
 * erlangen's autograd (the forces in the loss are −∂E/∂x with `createGraph`).
 */
export function nequipModel(opts: NequipOptions): PotentialModel {
  const hidden = Irreps.of(opts.hidden ?? '16x0e+8x1o');
  const layers = opts.layers ?? 2;
  const c0 = opts.embedding ?? 8;
  const cutoff = opts.cutoff ?? 3;
  const rng = opts.rng;
  const scale = opts.scale ?? 1;
  const convOpts = {
    rng, dtype: 'float64' as const, sh: opts.lmax ?? 2, radialStart: 0, radialEnd: cutoff, numBasis: opts.numBasis ?? 8,
    basis: 'bessel' as const, envelope: opts.envelope ?? 6, radialBias: false, radialHidden: opts.radialHidden ?? [16],
    numNeighbors: opts.avgNeighbors ?? 16, product: 'uvu' as const,
  };
  const embedding = normal(rng, [1, c0], 0, 1, { dtype: 'float64', requiresGrad: true });
  const blocks: InteractionBlock[] = [];
  let irreps = Irreps.of(`${c0}x0e`);
  for (let t = 0; t < layers; t++) {
    const block = new InteractionBlock(irreps, hidden, convOpts);
    blocks.push(block);
    irreps = block.irrepsOut;
  }
  const readout = new IrrepsLinear(irreps, '1x0e', { rng, dtype: 'float64' });
  if (opts.zeroReadout ?? true) for (const p of readout.parameters()) zerosInit(p);
  const e0 = tensor([opts.shift ?? 0], { dtype: 'float64', requiresGrad: true });
  const params = (): Tensor[] => [embedding, ...blocks.flatMap((b) => b.parameters()), ...readout.parameters(), e0];
  return {
    name: `NequIP ${layers}×[${hidden}], Y≤${convOpts.sh}, ${convOpts.numBasis} Bessel`,
    parameters: params,
    energy(positions: Tensor, b: AtomsBatch): Tensor {
      if (b.cutoff !== cutoff) throw new ValueError(`nequipModel: the batch's radius graph has cutoff ${b.cutoff} but the model ${cutoff}`);
      const A = positions.shape[0]!;
      let h = mul(ones([A, 1], { dtype: 'float64' }), embedding);
      for (const block of blocks) h = block.call(h, positions, b.senders, b.receivers);
      const out = readout.call(h);
      const atom = reshape(add(scale === 1 ? out : mul(out, scale), e0), [A]);
      return segmentSum(atom, b.batch, b.numGraphs);
    },
  };
}
