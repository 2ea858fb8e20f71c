/**
 * Known-operator learning (Maier, Syben, Stimpel, Würfl, Hoffmann, Schebesch, Fu, Mill, Kling &
 * Christiansen, "Learning with known operators reduces maximum error bounds", Nature Machine
 * Intelligence 1, 2019): put the operators you know — the Radon transform, the FFT, Gaussian
 * derivatives — into the network as fixed, differentiable layers, and learn only what is unknown.
 *
 * (a) **Learned CT reconstruction.** Random Shepp–Logan-style ellipse phantoms (n × n), their
 *     parallel-beam sinograms from `ParallelBeamProjector`. The network is filtered
 *     backprojection f̂ = (π/A)·Aᵀ F⁻¹(H ⊙ F p) whose only parameters are the n_fft/2 + 1 filter
 *     gains H (initialised to zero): trained on a handful of images it converges towards the
 *     ramp (Ram-Lak) filter that the analytic theory prescribes (Würfl et al., MICCAI 2016 / IEEE
 *     TMI 2018). It is compared with a dense linear network p ↦ W p (A·D·n² parameters) trained
 *     on the same images to its optimum (the minimum-norm least-squares W, the point gradient
 *     descent from W = 0 converges to), by the relative reconstruction error on unseen phantoms,
 *     and with a middle ground: the same FBP with the FFT filter replaced by a learned dense
 *     D × D detector-filter matrix (the known FFT/convolution structure dropped, Aᵀ kept).
 * (b) **Vessel segmentation.** Synthetic vessel trees (`vesselImages`): Frangi-Net (Fu et al.,
 *     BVM 2018) — multi-scale Frangi vesselness with learnable scales, β and c, then a tiny
 *     learned head (3×3 conv, leaky ReLU, 1×1 conv) — against a plain CNN with about as many weights,
 *     trained on 2, 8 or 32 images, Dice and pixel accuracy on unseen images over several seeds.
 *
 * Run: `npx tsx examples/known-operators.ts` (full size: part (a) ≈ 2.5 min, part (b) ≈ 9 min on
 * a shared 2-core machine; `--quick` for a small run of both in about a minute, `--part ct|vessels`).
 * Measured tables: docs/design/known-operators.md.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Rng, bceWithLogits, indexSelect, matmul, mseLoss, noGrad, tensor, zeros } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { randomEllipsePhantoms } from '../src/data/phantoms.js';
import { vesselImages } from '../src/data/vessels.js';
import { Conv2d, FilteredBackprojection, FrangiVesselness, Module, Parameter, ParallelBeamProjector, rampFilter } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';
import { solve } from '../src/linalg/solve.js';

// ───────────────────────────── (a) learned CT reconstruction ─────────────────────────────

/** Options of {@link runCT}. */
export interface CTOptions {
  /** Image size n (default 32). */
  size?: number;
  /** Projection angles over [0, π) (default 48). */
  angles?: number;
  /** Training-set sizes (default [1, 2, 4, 8, 16, 32]). */
  trainSizes?: readonly number[];
  /** Training sizes at which the learned filter is trained (default those ≤ 8). */
  filterSizes?: readonly number[];
  /** Test phantoms (default 16). */
  testSize?: number;
  /** Adam steps for the learned filter (default 300). */
  steps?: number;
  /** Seed (default 0). */
  seed?: number;
}

/** One row of the CT table. */
export interface CTRow {
  /** Training images. */
  train: number;
  /** Relative L2 test error of the learned-filter FBP (NaN where not trained). */
  learnedFilter: number;
  /** Its relative distance to the ramp over all bins, ‖H − H_ramp‖/‖H_ramp‖. */
  rampDistance: number;
  /** The same over the low band ν ≤ 1/8 cycle per detector bin (k ≤ n_fft/8), where the phantoms' spectra have most energy. */
  bandDistance: number;
  /** Relative L2 test error of FBP with a learned dense D × D detector filter (no FFT) and the fixed backprojector. */
  denseFilter: number;
  /** Relative L2 test error of the dense network. */
  dense: number;
}

/** Result of {@link runCT}. */
export interface CTResult {
  rows: CTRow[];
  /** Relative L2 test error of FBP with the exact ramp filter (no training). */
  rampFBP: number;
  /** Parameters of the learned-filter FBP (n_fft/2 + 1). */
  filterParams: number;
  /** Parameters of the dense detector filter (D²). */
  denseFilterParams: number;
  /** Parameters of the dense network (A·D·n²). */
  denseParams: number;
  /** Distance to the ramp during training of the largest filter run, every 10 steps (starts at 1: H = 0). */
  rampDistanceCurve: number[];
  /** The low-band distance along the same run. */
  bandDistanceCurve: number[];
  /** The learned response of the largest filter run and the ramp, for plotting. */
  learned: number[];
  ramp: number[];
}

const relErr = (pred: Tensor, target: Tensor): number => {
  const p = pred.toFlatArray(), t = target.toFlatArray();
  let se = 0, ss = 0;
  for (let i = 0; i < p.length; i++) {
    se += (p[i]! - t[i]!) ** 2;
    ss += t[i]! ** 2;
  }
  return Math.sqrt(se / ss);
};

const rampDistance = (h: ArrayLike<number>, ramp: Float64Array, upTo = ramp.length - 1): number => {
  let d = 0, r = 0;
  for (let k = 0; k <= upTo; k++) {
    d += (h[k]! - ramp[k]!) ** 2;
    r += ramp[k]! ** 2;
  }
  return Math.sqrt(d / r);
};

/**
 * The dense linear reconstruction p ↦ W p fitted to N training pairs at its optimum: the
 * minimum-norm least-squares W = Xᵀ(PPᵀ + λI)⁻¹P (λ = 1e-10·tr(PPᵀ)/N for numerical safety),
 * evaluated on test sinograms as X̂ = P_test Pᵀ (PPᵀ + λI)⁻¹ X.
 */
function denseFit(pTrain: Tensor, xTrain: Tensor, pTest: Tensor): Tensor {
  const N = pTrain.shape[0]!, M = pTest.shape[0]!;
  const P = pTrain.reshape([N, -1]), X = xTrain.reshape([N, -1]), Pt = pTest.reshape([M, -1]);
  const K = Float64Array.from(matmul(P, P.T).toFlatArray());
  let tr = 0;
  for (let i = 0; i < N; i++) tr += K[i * N + i]!;
  const Kr = Float64Array.from(K);
  for (let i = 0; i < N; i++) Kr[i * N + i]! += 1e-10 * (tr / N);
  const coef = solve(Kr, Float64Array.from(X.toFlatArray()), X.shape[1]!); // (PPᵀ + λI)⁻¹ X, [N, n²]
  return matmul(matmul(Pt, P.T), tensor(coef, { dtype: 'float64' }).reshape([N, X.shape[1]!])).reshape([M, ...xTrain.shape.slice(1)]);
}

/** Part (a): learned-filter FBP vs a dense network (see the module comment). */
export function runCT(opts: CTOptions = {}): CTResult {
  const n = opts.size ?? 32, nA = opts.angles ?? 48, seed = opts.seed ?? 0;
  const trainSizes = opts.trainSizes ?? [1, 2, 4, 8, 16, 32];
  const filterSizes = opts.filterSizes ?? trainSizes.filter((s) => s <= 8);
  const testSize = opts.testSize ?? 16, steps = opts.steps ?? 300;
  const rng = new Rng(seed);
  const radon = new ParallelBeamProjector(n, n, { angles: nA });
  const maxTrain = Math.max(...trainSizes, ...filterSizes);
  const xTrainAll = randomEllipsePhantoms(maxTrain, n, rng), xTest = randomEllipsePhantoms(testSize, n, rng);
  const pTrainAll = radon.project(xTrainAll), pTest = radon.project(xTest);
  const ref = new FilteredBackprojection(radon, { dtype: 'float64' });
  const ramp = rampFilter(ref.n, radon.spacing);
  const rampFBP = noGrad(() => relErr(ref.call(pTest), xTest));
  const rows: CTRow[] = [];
  let curve: number[] = [], bandCurve: number[] = [], learned: number[] = [];
  const band = Math.floor(ref.n / 8);
  const sorted = [...new Set([...trainSizes, ...filterSizes])].sort((a, b) => a - b);
  for (const N of sorted) {
    const xs = xTrainAll.slice([[0, N]]), ps = pTrainAll.slice([[0, N]]);
    let lf = NaN, rd = NaN, bd = NaN, df = NaN;
    if (filterSizes.includes(N)) {
      const fbp = new FilteredBackprojection(radon, { learnable: true, init: 'zeros', dtype: 'float64' });
      const opt = new Adam(fbp.parameters(), { lr: 0.01 });
      const c: number[] = [rampDistance(fbp.filter.response.data, ramp)], cb: number[] = [rampDistance(fbp.filter.response.data, ramp, band)];
      for (let s = 0; s < steps; s++) {
        opt.zeroGrad();
        mseLoss(fbp.call(ps), xs).backward();
        opt.step();
        if ((s + 1) % 10 === 0) {
          c.push(rampDistance(fbp.filter.response.data, ramp));
          cb.push(rampDistance(fbp.filter.response.data, ramp, band));
        }
      }
      lf = noGrad(() => relErr(fbp.call(pTest), xTest));
      rd = rampDistance(fbp.filter.response.data, ramp);
      bd = rampDistance(fbp.filter.response.data, ramp, band);
      curve = c;
      bandCurve = cb;
      learned = Array.from(fbp.filter.response.data);
      // the same network with the FFT replaced by a dense, shift-variant D × D filter matrix
      const D = radon.detectors;
      const W = new Parameter(zeros([D, D], { dtype: 'float64' }));
      const recon = (p: Tensor) => radon.backproject(matmul(p, W.T)).mul(Math.PI / nA);
      const optW = new Adam([W], { lr: 0.01 });
      for (let s = 0; s < steps; s++) {
        optW.zeroGrad();
        mseLoss(recon(ps), xs).backward();
        optW.step();
      }
      df = noGrad(() => relErr(recon(pTest), xTest));
    }
    const dense = trainSizes.includes(N) ? relErr(denseFit(ps, xs, pTest), xTest) : NaN;
    rows.push({ train: N, learnedFilter: lf, rampDistance: rd, bandDistance: bd, denseFilter: df, dense });
  }
  return {
    rows, rampFBP, filterParams: ramp.length, denseFilterParams: radon.detectors ** 2, denseParams: radon.numRows * radon.numCols,
    rampDistanceCurve: curve, bandDistanceCurve: bandCurve, learned, ramp: Array.from(ramp),
  };
}

// ───────────────────────────── (b) vessel segmentation ─────────────────────────────

/** Frangi-Net: multi-scale Frangi vesselness (learnable σ, β, c) and a tiny head: conv 3×3 (S → 4), leaky ReLU (0.1), conv 1×1 (4 → 1). */
export class FrangiNet extends Module {
  readonly frangi: FrangiVesselness;
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  constructor(rng: Rng, scales: readonly number[] = [1, 1.6, 2.5]) {
    super();
    this.frangi = this.registerModule('frangi', new FrangiVesselness({ scales, beta: 0.5, c: 0.1, dtype: 'float64' }));
    this.conv1 = this.registerModule('conv1', new Conv2d(scales.length, 4, 3, { rng, padding: 'same', dtype: 'float64' }));
    this.conv2 = this.registerModule('conv2', new Conv2d(4, 1, 1, { rng, dtype: 'float64' }));
  }
  forward(x: Tensor): Tensor {
    const v = this.frangi.perScale(x); // [N, 1, S, H, W]
    const f = v.reshape([v.shape[0]!, v.shape[2]!, v.shape[3]!, v.shape[4]!]).mul(10); // V ∈ [0, 1] → a convenient scale for the head
    return this.conv2.call(this.conv1.call(f).leakyRelu(0.1));
  }
}

/** A plain CNN of about Frangi-Net's size: conv 3×3 (1 → 3), leaky ReLU, conv 3×3 (3 → 4), leaky ReLU, conv 1×1 (4 → 1). */
export class PlainCNN extends Module {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly conv3: Conv2d;
  constructor(rng: Rng) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv2d(1, 3, 3, { rng, padding: 'same', paddingMode: 'replicate', dtype: 'float64' }));
    this.conv2 = this.registerModule('conv2', new Conv2d(3, 4, 3, { rng, padding: 'same', paddingMode: 'replicate', dtype: 'float64' }));
    this.conv3 = this.registerModule('conv3', new Conv2d(4, 1, 1, { rng, dtype: 'float64' }));
  }
  forward(x: Tensor): Tensor {
    return this.conv3.call(this.conv2.call(this.conv1.call(x).leakyRelu(0.1)).leakyRelu(0.1));
  }
}

/** Options of {@link runVessels}. */
export interface VesselOptions {
  /** Image size (default 48). */
  size?: number;
  /** Training-set sizes (default [2, 8, 32]). */
  trainSizes?: readonly number[];
  /** Test images (default 16). */
  testSize?: number;
  /** Seeds per cell (default 3). */
  seeds?: number;
  /** Adam steps (default 120). */
  steps?: number;
  /** Learning rate (default 0.03). */
  lr?: number;
  /** Images per step (default 8; smaller sets are used whole). */
  batch?: number;
}

/** Dice and accuracy of one model at one training size, mean and standard deviation over seeds. */
export interface VesselRow {
  model: 'Frangi-Net' | 'CNN';
  train: number;
  params: number;
  dice: number;
  diceStd: number;
  accuracy: number;
  accuracyStd: number;
  /** Per-seed Dice. */
  dices: number[];
}

/** Result of {@link runVessels}. */
export interface VesselResult {
  rows: VesselRow[];
  /** Dice of predicting "vessel" everywhere (the chance level of Dice) on the test images. */
  chanceDice: number;
  /** Accuracy of predicting "background" everywhere. */
  majorityAccuracy: number;
}

function scores(logits: Tensor, masks: Tensor): { dice: number; accuracy: number } {
  const l = logits.toFlatArray(), m = masks.toFlatArray();
  let tp = 0, fp = 0, fn = 0, ok = 0;
  for (let i = 0; i < l.length; i++) {
    const p = l[i]! > 0 ? 1 : 0, t = m[i]!;
    if (p === 1 && t === 1) tp++;
    else if (p === 1) fp++;
    else if (t === 1) fn++;
    if (p === t) ok++;
  }
  return { dice: (2 * tp) / Math.max(1, 2 * tp + fp + fn), accuracy: ok / l.length };
}

const meanStd = (v: number[]): [number, number] => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1))];
};

/** Part (b): Frangi-Net vs a plain CNN at small training sets (see the module comment). */
export function runVessels(opts: VesselOptions = {}): VesselResult {
  const n = opts.size ?? 48, trainSizes = opts.trainSizes ?? [2, 8, 32], testSize = opts.testSize ?? 16;
  const seeds = opts.seeds ?? 3, steps = opts.steps ?? 120, lr = opts.lr ?? 0.03, batch = opts.batch ?? 8;
  const test = vesselImages(testSize, n, new Rng(9999));
  const tm = test.masks.toFlatArray();
  const f = tm.reduce((a, b) => a + b, 0) / tm.length;
  const rows: VesselRow[] = [];
  for (const model of ['Frangi-Net', 'CNN'] as const) {
    for (const N of trainSizes) {
      const dices: number[] = [], accs: number[] = [];
      let params = 0;
      for (let s = 0; s < seeds; s++) {
        const rng = new Rng(1000 * s + N);
        const train = vesselImages(N, n, rng);
        const net = model === 'Frangi-Net' ? new FrangiNet(rng) : new PlainCNN(rng);
        params = net.parameters().reduce((a, p) => a + p.size, 0);
        const m = train.masks.toFlatArray(), fr = m.reduce((a, b) => a + b, 0) / m.length;
        const posWeight = (1 - fr) / Math.max(fr, 1e-3);
        const opt = new Adam(net.parameters(), { lr });
        for (let t = 0; t < steps; t++) {
          opt.zeroGrad();
          const idx = N <= batch ? null : Array.from(rng.permutation(N).subarray(0, batch));
          const xb = idx ? indexSelect(train.images, 0, idx) : train.images, yb = idx ? indexSelect(train.masks, 0, idx) : train.masks;
          bceWithLogits(net.call(xb), yb, { posWeight }).backward();
          opt.step();
        }
        const sc = noGrad(() => scores(net.call(test.images), test.masks));
        dices.push(sc.dice);
        accs.push(sc.accuracy);
      }
      const [dice, diceStd] = meanStd(dices), [accuracy, accuracyStd] = meanStd(accs);
      rows.push({ model, train: N, params, dice, diceStd, accuracy, accuracyStd, dices });
    }
  }
  return { rows, chanceDice: (2 * f) / (1 + f), majorityAccuracy: 1 - f };
}

// ───────────────────────────── CLI ─────────────────────────────

const fmt = (v: number, d = 3): string => (Number.isNaN(v) ? '—' : v.toFixed(d));

/** Print the CT table. */
export function printCT(r: CTResult): void {
  console.log(`\n(a) CT reconstruction: relative L2 test error; parameters: learned-filter FBP ${r.filterParams}, dense detector filter ${r.denseFilterParams}, dense network ${r.denseParams.toLocaleString('en')}.`);
  console.log(`    FBP with the exact ramp filter (no training): ${fmt(r.rampFBP)}`);
  console.log('| train images | learned-filter FBP | ‖H − ramp‖/‖ramp‖, all bins | same, ν ≤ 1/8 | dense filter + Aᵀ | dense network |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const row of r.rows) console.log(`| ${row.train} | ${fmt(row.learnedFilter)} | ${fmt(row.rampDistance)} | ${fmt(row.bandDistance)} | ${fmt(row.denseFilter)} | ${fmt(row.dense)} |`);
  const c = r.rampDistanceCurve, cb = r.bandDistanceCurve;
  const at = [0, 1, 2, 5, 10, 20, c.length - 1].filter((i, j, a) => i < c.length && a.indexOf(i) === j);
  console.log(`    distance to the ramp while training (largest filter run), all bins / ν ≤ 1/8: ${at.map((i) => `${i * 10} steps ${fmt(c[i]!)} / ${fmt(cb[i]!)}`).join(', ')}`);
  const k = (f: number) => Math.round(f * (r.ramp.length - 1));
  console.log(`    learned vs ramp gain at ν = 1/16, 1/8, 1/4, 3/8, 1/2: ${[0.125, 0.25, 0.5, 0.75, 1].map((f) => `${fmt(r.learned[k(f)]!)}/${fmt(r.ramp[k(f)]!)}`).join(', ')}`);
}

/** Print the vessel table. */
export function printVessels(r: VesselResult): void {
  console.log(`\n(b) Vessel segmentation on unseen images (mean ± std over seeds); chance Dice ${fmt(r.chanceDice)}, all-background accuracy ${fmt(r.majorityAccuracy)}.`);
  console.log('| model | params | train images | Dice | accuracy |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of r.rows) console.log(`| ${row.model} | ${row.params} | ${row.train} | ${fmt(row.dice)} ± ${fmt(row.diceStd)} | ${fmt(row.accuracy)} ± ${fmt(row.accuracyStd)} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const pi = process.argv.indexOf('--part'), part = pi > 0 ? process.argv[pi + 1] : 'both';
  const t0 = Date.now();
  if (part !== 'vessels') printCT(runCT(quick ? { size: 24, angles: 32, trainSizes: [1, 4, 16], steps: 150 } : {}));
  if (part !== 'ct') printVessels(runVessels(quick ? { size: 32, trainSizes: [2, 8], seeds: 2, steps: 80 } : {}));
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
