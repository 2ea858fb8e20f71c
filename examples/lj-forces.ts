/**
 * Learning a force field from energies AND forces: Lennard-Jones clusters of 13–38 atoms
 * (src/data/lennard-jones.ts: random placements relaxed by a quench and thermalised by a few
 * velocity-Verlet steps, exact energies and forces), a model E_θ(x) of the energy, and the forces
 * predicted as F_θ = −∂E_θ/∂x. The loss
 *
 *   L = w_E · mean_c ((E_θ(x_c) − E_c) / (N_c σ_E))² + w_F · mean ((F_θ − F) / σ_F)²
 *
 * contains a gradient, so its gradient w.r.t. θ goes through double backward
 * (`grad(E, x, { createGraph: true })`, docs/design/double-backward.md).
 *
 * with w_E = 0.1, w_F = 1 by default (force-weighted, as NequIP and MACE train).
 *
 * The model is pluggable: any {@link PotentialModel} — a function (positions, batch) → per-
 * configuration energies plus its parameters. The baseline here is the plain MLP on distances:
 * E = Σ_{i<j, r_ij<r_c} MLP(φ(r_ij)) · u(r_ij) + e₀ N, with φ(r) 16 Gaussians on [0.8σ, r_c] (the
 * MLP on raw r or 1/r, `--input r|inverse`, learns the steep repulsive wall far more slowly), u the
 * smooth polynomial cutoff of NequIP (p = 6, so E is C²) and e₀ a learned per-atom energy; it is
 * invariant under E(3) and permutations by construction and, since LJ is a pair potential, it can
 * represent the truth up to the cutoff (r_c = 3σ; the LJ tail beyond it is ≥ −0.0055 per pair).
 *
 * The equivariant model is NequIP-style ({@link nequipModel}, examples/lj/nequip.ts): a learned
 * constant scalar embedding (one species), two `InteractionBlock`s (src/nn/irreps/) with hidden irreps
 * 16x0e+8x1o (uvu tensor products with Y^0…Y^2 of r̂_ij, weights from a bias-free MLP of 8 Bessel
 * functions times the p = 6 polynomial envelope, gates, self-connections), and a per-atom scalar
 * readout s·Linear(h_i) + e₀ summed per cluster, s the training set's force RMS and e₀ starting at
 * its mean energy per atom (NequIP's per-species scale and shift). The radius graph is the same
 * r_c = 3σ pair list as the baseline's. Its sizes are chosen for time: a NequIP step on 8 clusters
 * costs ≈ 4× a pair-MLP step here (adding 4x2e to the hidden irreps costs ≈ 2.5× more again, in a
 * timing run), so it trains for 300 steps.
 *
 * Reported: energy MAE (per configuration and per atom, ε) and force MAE (per component, ε/σ) on
 * the training and test configurations, training time, and the equivariance of the predicted
 * forces: F(Rx + t) = R F(x) for a random orthogonal R (rotation or reflection) and translation t,
 * max deviation in float64.
 *
 * Full size (400 training / 100 test clusters, float64; one run of the CLI on the shared 2-core
 * machine, 8 min wall in all, times vary with the machine's load; Adam with a cosine learning rate, baseline 1500 steps of 8 from 3e-3,
 * NequIP 300 steps of 8 from 1e-2 — about the same training time):
 *
 * | model | params | steps × batch | training time | E MAE train / test (ε) | E/atom MAE test | F MAE train / test (ε/σ) | max ‖F(Rx+t) − R F(x)‖ |
 * |---|---|---|---|---|---|---|---|
 * | pair MLP on 16 Gaussians of ‖r_ij‖ | 1634 | 1500 × 8 | 237 s | 0.203 / 0.182 | 0.0086 | **0.081 / 0.085** | 1.7e-13 |
 * | NequIP 2×[16x0e+8x1o], Y≤2, 8 Bessel | 3033 | 300 × 8 | 194 s | **0.111 / 0.123** | **0.0058** | 0.108 / 0.115 | 1.7e-13 |
 * | same NequIP, longer (`--models nequip --nequip-steps 600`, a second run) | 3033 | 600 × 8 | 488 s | 0.063 / 0.061 | 0.0025 | 0.072 / 0.076 | 1.7e-13 |
 * | reference: mean energy per atom / zero forces | — | — | — | — | 0.2126 | 3.318 | — |
 *
 * In about the same training time NequIP fits the energies better (test MAE 0.123 vs 0.182 ε per
 * cluster) and the forces somewhat worse (0.115 vs 0.085 ε/σ): LJ is a pair potential, exactly the
 * baseline's model class, while NequIP has to learn pairwise additivity; a NequIP step costs ≈ 4×
 * a baseline step here (0.65 s vs 0.16 s on 8 clusters), so it saw a fifth of the updates. Trained
 * twice as long (600 steps, ≈ 2× the baseline's time) NequIP is better on both: 0.061 ε and
 * 0.076 ε/σ on the test set.
 *
 * Run: `npx tsx examples/lj-forces.ts` (full size, minutes). Flags: `--models pair,nequip`,
 * `--steps N`, `--batch N`, `--hidden N`, `--lr X` (the baseline), `--nequip-steps N`,
 * `--nequip-batch N`, `--nequip-lr X`, `--nequip-hidden IRREPS`, `--layers N` (NequIP),
 * `--train N`, `--test N`, `--seed S`, `--quick` (seconds).
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Rng, grad, indexSelect, mul, reshape, segmentSum, sqrt, sub, sum, square, tensor, enableGrad, mean, div, reciprocal, add } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { MLP, gaussianBasis, polynomialCutoff, zerosInit } from '../src/nn/index.js';
import { Adam, CosineAnnealingLR } from '../src/optim/index.js';
import { generateLennardJones } from '../src/data/lennard-jones.js';
import type { LJSample } from '../src/data/lennard-jones.js';
import { nequipModel } from './lj/nequip.js';

/** A batch of configurations as one disjoint graph (all float64). */
export interface AtomsBatch {
  /** Configuration index of each atom [A]. */
  readonly batch: Int32Array;
  /** Number of configurations. */
  readonly numGraphs: number;
  /** Atoms per configuration. */
  readonly numAtoms: readonly number[];
  /** Directed edges i → j (both directions) between atoms of one configuration closer than the cutoff. */
  readonly senders: Int32Array;
  readonly receivers: Int32Array;
  /** Configuration index of each edge. */
  readonly edgeGraph: Int32Array;
  /** The radius-graph cutoff (σ). */
  readonly cutoff: number;
}

/**
 * A learnable potential: per-configuration energies [numGraphs] from positions [A, 3] (a float64
 * tensor that requires grad; the forces are −∂E/∂positions). Must be smooth enough to be
 * differentiated twice (forces in the loss).
 */
export interface PotentialModel {
  readonly name: string;
  energy(positions: Tensor, batch: AtomsBatch): Tensor;
  parameters(): Tensor[];
}

/** Concatenate configurations into one batch with its radius graph (plain loops, float64 distances). */
export function makeBatch(samples: readonly LJSample[], cutoff: number): { positions: Float64Array; batch: AtomsBatch } {
  const A = samples.reduce((n, s) => n + s.numAtoms, 0);
  const positions = new Float64Array(3 * A);
  const batch = new Int32Array(A);
  const snd: number[] = [], rcv: number[] = [], eg: number[] = [];
  let off = 0;
  samples.forEach((s, g) => {
    positions.set(s.positions, 3 * off);
    batch.fill(g, off, off + s.numAtoms);
    for (let i = 0; i < s.numAtoms; i++) for (let j = 0; j < s.numAtoms; j++) {
      if (i === j) continue;
      const p = s.positions;
      const r2 = (p[3 * i]! - p[3 * j]!) ** 2 + (p[3 * i + 1]! - p[3 * j + 1]!) ** 2 + (p[3 * i + 2]! - p[3 * j + 2]!) ** 2;
      if (r2 < cutoff * cutoff) { snd.push(off + i); rcv.push(off + j); eg.push(g); }
    }
    off += s.numAtoms;
  });
  return {
    positions,
    batch: { batch, numGraphs: samples.length, numAtoms: samples.map((s) => s.numAtoms), senders: Int32Array.from(snd), receivers: Int32Array.from(rcv), edgeGraph: Int32Array.from(eg), cutoff },
  };
}

/** Input of the baseline's MLP: |r| expanded in Gaussians (default), 1/|r|, or |r| itself. */
export type PairInput = 'gaussian' | 'inverse' | 'r';
const GAUSSIANS = 16;

/**
 * The baseline: a per-pair MLP of the distance with a smooth cutoff, summed over pairs i < j,
 * E = Σ MLP(r_ij) u(r_ij). E(3)- and permutation-invariant by construction.
 */
export function pairMlpModel(opts: { hidden?: number; rng: Rng; input?: PairInput }): PotentialModel {
  const h = opts.hidden ?? 32;
  const input = opts.input ?? 'gaussian';
  const nIn = input === 'gaussian' ? GAUSSIANS : 1;
  const mlp = new MLP([nIn, h, h, 1], { rng: opts.rng, activation: 'silu', dtype: 'float64' });
  // The output layer starts at zero: the model starts at E = 0 (the per-atom reference energy, see
  // runLjForces) instead of a random sum over hundreds of pairs, whose huge first energy gradients
  // would inflate Adam's second moments and stall the force fit for hundreds of steps.
  const params = mlp.parameters();
  for (const p of params.slice(-2)) zerosInit(p);
  // A learned per-atom energy e₀ (NequIP's per-species shift): E = Σ_pairs MLP·u + e₀ N. It takes the
  // offset that forces do not see, so the energy term does not have to bend the pair function.
  const e0 = tensor([0], { dtype: 'float64', requiresGrad: true });
  return {
    name: `pair MLP [${nIn}, ${h}, ${h}, 1] on ${input === 'gaussian' ? `${GAUSSIANS} Gaussians of ` : input === 'inverse' ? '1/' : ''}|r_ij|`,
    parameters: () => [...mlp.parameters(), e0],
    energy(positions: Tensor, b: AtomsBatch): Tensor {
      // undirected pairs: the directed edges with sender < receiver
      const keep: number[] = [];
      for (let e = 0; e < b.senders.length; e++) if (b.senders[e]! < b.receivers[e]!) keep.push(e);
      const s = keep.map((e) => b.senders[e]!), r = keep.map((e) => b.receivers[e]!), g = keep.map((e) => b.edgeGraph[e]!);
      const d = sub(indexSelect(positions, 0, s), indexSelect(positions, 0, r));
      const dist = sqrt(sum(square(d), 1, true)); // [P, 1]
      const feat = input === 'gaussian' ? reshape(gaussianBasis(dist, { start: 0.8, end: b.cutoff, number: GAUSSIANS }), [keep.length, GAUSSIANS]) : input === 'inverse' ? reciprocal(dist) : dist;
      const pair = mul(mlp.call(feat), polynomialCutoff(dist, { cutoff: b.cutoff }));
      const counts = tensor(b.numAtoms, { dtype: 'float64' });
      return add(segmentSum(reshape(pair, [keep.length]), g, b.numGraphs), mul(counts, e0));
    },
  };
}

/**
 * Energies and forces F = −∂E/∂x predicted for a batch; `createGraph` keeps them differentiable in
 * θ. `atomEnergy` e₀ is a fixed per-atom reference added to the model's energy (E = E_θ + e₀ N, as
 * the per-species shift of NequIP/MACE), so the model learns the interaction part only.
 */
export function predict(model: PotentialModel, positions: Float64Array, batch: AtomsBatch, createGraph: boolean, atomEnergy = 0): { energy: Tensor; forces: Tensor } {
  // Forces need a graph from x to E even where the caller runs without grad (evaluation).
  return enableGrad(() => {
    const x = tensor(positions, { dtype: 'float64', shape: [positions.length / 3, 3], requiresGrad: true });
    const energy = model.energy(x, batch);
    const [g] = grad(sum(energy), x, { createGraph, materializeGrads: true }); // zeros where no atom interacts
    const shift = tensor(batch.numAtoms.map((n) => n * atomEnergy), { dtype: 'float64' });
    return { energy: atomEnergy === 0 ? energy : add(energy, shift), forces: mul(g!, -1) };
  });
}

/** Errors of a model on a set of configurations. */
export interface LjMetrics {
  /** Mean |E_pred − E| per configuration (ε). */
  energyMAE: number;
  /** Mean |E_pred − E| / N (ε per atom). */
  energyPerAtomMAE: number;
  /** Mean |F_pred − F| over all components (ε/σ). */
  forceMAE: number;
}

/** Evaluate energy and force MAE (in chunks of 16 configurations). */
export function evaluate(model: PotentialModel, samples: readonly LJSample[], cutoff: number, atomEnergy = 0): LjMetrics {
  let eAbs = 0, eAtom = 0, fAbs = 0, fCount = 0;
  for (let k = 0; k < samples.length; k += 16) {
    const chunk = samples.slice(k, k + 16);
    const { positions, batch } = makeBatch(chunk, cutoff);
    const { energy, forces } = predict(model, positions, batch, false, atomEnergy);
    const e = energy.data, f = forces.data;
    chunk.forEach((s, i) => { eAbs += Math.abs(e[i]! - s.energy); eAtom += Math.abs(e[i]! - s.energy) / s.numAtoms; });
    let o = 0;
    for (const s of chunk) for (let q = 0; q < s.forces.length; q++) { fAbs += Math.abs(f[o]! - s.forces[q]!); o++; }
    fCount += o;
  }
  return { energyMAE: eAbs / samples.length, energyPerAtomMAE: eAtom / samples.length, forceMAE: fAbs / fCount };
}

/** A Haar-random orthogonal 3×3 matrix (Gram–Schmidt of a Gaussian matrix), a reflection when `reflect`. */
export function randomOrthogonal(rng: Rng, reflect: boolean): number[][] {
  const q: number[][] = [];
  for (let k = 0; k < 3; k++) {
    let v = [rng.normal(), rng.normal(), rng.normal()];
    for (const u of q) { const d = u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!; v = v.map((x, i) => x - d * u[i]!); }
    const n = Math.hypot(...v);
    q.push(v.map((x) => x / n));
  }
  if (reflect) q[2] = q[2]!.map((x) => -x);
  return q;
}

function transform(R: number[][], x: ArrayLike<number>, t: readonly number[] = [0, 0, 0]): Float64Array {
  const out = new Float64Array(x.length);
  for (let a = 0; a < x.length / 3; a++) {
    for (let i = 0; i < 3; i++) out[3 * a + i] = R[i]![0]! * x[3 * a]! + R[i]![1]! * x[3 * a + 1]! + R[i]![2]! * x[3 * a + 2]! + t[i]!;
  }
  return out;
}

/**
 * max |F(Rx + t) − R F(x)| and max |E(Rx + t) − E(x)| of the predicted forces and energies over
 * `samples`, for random rotations and reflections R and translations t.
 */
export function equivarianceError(model: PotentialModel, samples: readonly LJSample[], cutoff: number, rng: Rng): { force: number; energy: number } {
  let force = 0, energy = 0;
  samples.forEach((s, k) => {
    const R = randomOrthogonal(rng, k % 2 === 1);
    const t = [rng.normal(), rng.normal(), rng.normal()];
    const moved: LJSample = { ...s, positions: transform(R, s.positions, t) };
    const a = makeBatch([s], cutoff), b = makeBatch([moved], cutoff);
    const pa = predict(model, a.positions, a.batch, false), pb = predict(model, b.positions, b.batch, false);
    const want = transform(R, pa.forces.data);
    const got = pb.forces.data;
    for (let i = 0; i < want.length; i++) force = Math.max(force, Math.abs(got[i]! - want[i]!));
    energy = Math.max(energy, Math.abs(pb.energy.item() - pa.energy.item()));
  });
  return { force, energy };
}

/** Options of {@link runLjForces}. */
export interface LjForcesOptions {
  /** Training configurations (default 400). */
  train?: number;
  /** Test configurations (default 100). */
  test?: number;
  /** Optimisation steps (default 1500). */
  steps?: number;
  /** Configurations per step (default 8). */
  batch?: number;
  /** Hidden width of the baseline (default 32). */
  hidden?: number;
  /** The baseline's MLP input (default 'gaussian'). */
  input?: PairInput;
  /** Adam learning rate, cosine-annealed (default 3e-3). */
  lr?: number;
  /**
   * Energy and force loss weights on the normalised errors (defaults 0.1 and 1: force-weighted, as
   * NequIP/MACE train; with equal weights the stiff energy term — a sum over hundreds of pairs —
   * dominates Adam's step sizes and the force error stalls near that of predicting zero forces).
   */
  energyWeight?: number;
  forceWeight?: number;
  /** A fixed per-atom reference energy e₀ added to every model's energy (default 0; see {@link predict}). */
  atomEnergy?: number;
  /** Radius-graph cutoff in σ (default 3). */
  cutoff?: number;
  /** Seed of the data (test: seed + 1), initialisation and batching (default 0). */
  seed?: number;
  /** Smallest / largest cluster (defaults 13 / 38). */
  minAtoms?: number;
  maxAtoms?: number;
  /**
   * Models to train (default: the pair-MLP baseline); each is built from a seeded Rng, optionally
   * with its own number of steps, batch size and learning rate.
   */
  models?: readonly (ModelBuilder | ModelSpec)[];
}

/** Statistics of the training set handed to a {@link ModelBuilder} (NequIP's shift and scale). */
export interface LjStats {
  /** Mean energy per atom (ε). */
  readonly energyPerAtom: number;
  /** Root mean square of the force components (ε/σ). */
  readonly forceRms: number;
}

/** Builds a model from a seeded Rng (and, if it wants them, the training set's statistics). */
export type ModelBuilder = (rng: Rng, stats: LjStats) => PotentialModel;

/** A model with its own training length (the run's `steps`, `batch`, `lr` where absent). */
export interface ModelSpec {
  readonly build: ModelBuilder;
  readonly steps?: number;
  readonly batch?: number;
  readonly lr?: number;
}

/** Result for one model. */
export interface LjForcesResult {
  name: string;
  parameters: number;
  train: LjMetrics;
  test: LjMetrics;
  /** Mean loss over the first and the last tenth of the steps. */
  firstLoss: number;
  lastLoss: number;
  /** Training time (s). */
  seconds: number;
  /** Optimisation steps and configurations per step. */
  steps: number;
  batch: number;
  /** max |F(Rx + t) − R F(x)| (float64) and max |E(Rx + t) − E(x)| over test configurations. */
  forceEquivarianceError: number;
  energyInvarianceError: number;
}

/** Generate the data, train every model on energies and forces, evaluate. */
export function runLjForces(opts: LjForcesOptions = {}): { results: LjForcesResult[]; train: LJSample[]; test: LJSample[] } {
  const seed = opts.seed ?? 0;
  const cutoff = opts.cutoff ?? 3;
  const range = { minAtoms: opts.minAtoms, maxAtoms: opts.maxAtoms };
  const train = generateLennardJones({ numConfigs: opts.train ?? 400, seed, ...range });
  const test = generateLennardJones({ numConfigs: opts.test ?? 100, seed: seed + 1, ...range });
  // Normalisation of the loss terms: the spread of the per-atom energies and of the force components.
  const ePer = train.map((s) => s.energy / s.numAtoms);
  const eMean = ePer.reduce((a, b) => a + b, 0) / ePer.length;
  const sigmaE = Math.sqrt(ePer.reduce((a, b) => a + (b - eMean) ** 2, 0) / ePer.length) || 1;
  let f2 = 0, fn = 0;
  for (const s of train) for (const f of s.forces) { f2 += f * f; fn++; }
  const sigmaF = Math.sqrt(f2 / fn) || 1;
  const atomEnergy = opts.atomEnergy ?? 0;
  const wE = opts.energyWeight ?? 0.1, wF = opts.forceWeight ?? 1;
  const builders = opts.models ?? [(rng: Rng) => pairMlpModel({ hidden: opts.hidden ?? 32, rng, input: opts.input })];
  const results: LjForcesResult[] = [];
  for (const entry of builders) {
    const spec: ModelSpec = typeof entry === 'function' ? { build: entry } : entry;
    const steps = spec.steps ?? opts.steps ?? 1500, B = spec.batch ?? opts.batch ?? 8, lr = spec.lr ?? opts.lr ?? 3e-3;
    const model = spec.build(new Rng(seed + 100), { energyPerAtom: eMean, forceRms: sigmaF });
    const opt = new Adam(model.parameters(), { lr });
    const sched = new CosineAnnealingLR(opt, { tMax: steps, etaMin: lr / 20 });
    const rng = new Rng(seed + 200);
    const losses: number[] = [];
    const t0 = performance.now();
    for (let step = 0; step < steps; step++) {
      const chunk = Array.from({ length: B }, () => train[rng.int(train.length)]!);
      const { positions, batch } = makeBatch(chunk, cutoff);
      const { energy, forces } = predict(model, positions, batch, true, atomEnergy);
      const eT = tensor(chunk.map((s) => s.energy), { dtype: 'float64' });
      const nAt = tensor(chunk.map((s) => s.numAtoms * sigmaE), { dtype: 'float64' });
      const fT = tensor(Float64Array.from(chunk.flatMap((s) => Array.from(s.forces))), { dtype: 'float64', shape: forces.shape as number[] });
      const lossE = mean(square(div(sub(energy, eT), nAt)));
      const lossF = mean(square(div(sub(forces, fT), sigmaF)));
      const loss = mul(lossE, wE).add(mul(lossF, wF));
      opt.zeroGrad();
      loss.backward(); // through −∂E/∂x: double backward
      opt.step();
      sched.step();
      losses.push(loss.item());
    }
    const seconds = (performance.now() - t0) / 1000;
    const k = Math.max(1, Math.round(steps / 10));
    const avg = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    const eq = equivarianceError(model, test.slice(0, 4), cutoff, new Rng(seed + 300));
    results.push({
      name: model.name,
      parameters: model.parameters().reduce((n, p) => n + p.size, 0),
      train: evaluate(model, train, cutoff, atomEnergy),
      test: evaluate(model, test, cutoff, atomEnergy),
      firstLoss: avg(losses.slice(0, k)),
      lastLoss: avg(losses.slice(-k)),
      seconds,
      steps,
      batch: B,
      forceEquivarianceError: eq.force,
      energyInvarianceError: eq.energy,
    });
  }
  return { results, train, test };
}

/** Print the results as a table. */
export function printLjResults(results: readonly LjForcesResult[]): void {
  const pad = (s: string, n: number): string => s.padEnd(n);
  console.log(
    pad('model', 52) + pad('params', 8) + pad('E MAE train/test', 20) + pad('E/atom MAE test', 17) + pad('F MAE train/test', 20) +
      pad('loss first→last', 20) + pad('|F(Rx)−RF(x)|', 15) + pad('steps×batch', 13) + 'time',
  );
  for (const r of results) {
    console.log(
      pad(r.name, 52) + pad(String(r.parameters), 8) + pad(`${r.train.energyMAE.toFixed(3)} / ${r.test.energyMAE.toFixed(3)}`, 20) +
        pad(r.test.energyPerAtomMAE.toFixed(4), 17) + pad(`${r.train.forceMAE.toFixed(3)} / ${r.test.forceMAE.toFixed(3)}`, 20) +
        pad(`${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(4)}`, 20) + pad(r.forceEquivarianceError.toExponential(1), 15) + pad(`${r.steps}×${r.batch}`, 13) + `${r.seconds.toFixed(1)} s`,
    );
  }
}

/** The NequIP model's full-size settings (CLI defaults). */
const NEQUIP_HIDDEN = '16x0e+8x1o';
const NEQUIP_STEPS = 300;
const NEQUIP_LR = 1e-2;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const num = (name: string, full: number, small: number): number => Number(arg(name) ?? (quick ? small : full));
  const opts: LjForcesOptions = {
    train: num('--train', 400, 40), test: num('--test', 100, 20), steps: num('--steps', 1500, 60), batch: num('--batch', 8, 4),
    hidden: num('--hidden', 32, 16), lr: Number(arg('--lr') ?? 3e-3), seed: Number(arg('--seed') ?? 0),
    input: (arg('--input') ?? 'gaussian') as PairInput,
  };
  console.log(`Lennard-Jones clusters (13–38 atoms): ${opts.train} training / ${opts.test} test configurations; energies + forces (F = −∂E/∂x, double backward);`);
  const which = (arg('--models') ?? 'pair,nequip').split(',');
  const nequip: ModelSpec = {
    build: (rng, st) => nequipModel({ rng, hidden: arg('--nequip-hidden') ?? (quick ? '8x0e+4x1o' : NEQUIP_HIDDEN), layers: num('--layers', 2, 2), cutoff: 3, shift: st.energyPerAtom, scale: st.forceRms }),
    steps: num('--nequip-steps', NEQUIP_STEPS, 30), batch: num('--nequip-batch', 8, 4), lr: Number(arg('--nequip-lr') ?? NEQUIP_LR),
  };
  const models: ModelSpec[] = [];
  if (which.includes('pair')) models.push({ build: (rng) => pairMlpModel({ hidden: opts.hidden ?? 32, rng, input: opts.input }) });
  if (which.includes('nequip')) models.push(nequip);
  console.log(`Adam, cosine lr: pair MLP from ${opts.lr}, ${opts.steps} steps of ${opts.batch}; NequIP from ${nequip.lr}, ${nequip.steps} steps of ${nequip.batch}; float64. Units: ε, σ.\n`);
  const { results, train } = runLjForces({ ...opts, models });
  const ePer = train.map((s) => s.energy / s.numAtoms);
  const mu = ePer.reduce((a, b) => a + b, 0) / ePer.length;
  console.log(`(reference: predicting the mean energy per atom gives a per-atom energy MAE of ${(ePer.reduce((a, b) => a + Math.abs(b - mu), 0) / ePer.length).toFixed(4)}; predicting zero forces a force MAE of ${(train.reduce((a, s) => a + s.forces.reduce((p, f) => p + Math.abs(f), 0), 0) / train.reduce((a, s) => a + s.forces.length, 0)).toFixed(3)})\n`);
  printLjResults(results);
}
