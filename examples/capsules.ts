/**
 * Capsules on rotated glyphs: a small CapsNet (Sabour, Frosst & Hinton, "Dynamic Routing Between
 * Capsules", NeurIPS 2017) vs a CNN of similar parameter count, trained on erlangen's procedural
 * rotated digits (src/data/glyphs.ts, uniform rotation), then probed: test glyphs are re-rendered
 * at known rotations Δ about their upright pose and we follow
 * - for the CapsNet, the true class's capsule v (its length is the class probability, its
 *   direction the "pose");
 * - for the CNN, its penultimate feature vector f (and the true class's softmax probability).
 *
 * Per angle: accuracy, the capsule's length / the CNN's probability, and the relative change
 * ‖r(Δ) − r(0)‖ / ‖r(0)‖ of each representation. Summaries over the probe set: how linearly the
 * representation tracks the angle (|corr(Δ, first principal component of the trajectory r(Δ))|),
 * how one-dimensional the trajectory is (variance share of that component), and its antisymmetry
 * cos(r(+Δ) − r(0), r(−Δ) − r(0)) (−1: rotating either way moves the representation in opposite
 * directions along one axis, as a pose coordinate would; +1: an even function of the angle).
 *
 * The paper's claim: capsule vectors are equivariant — their instantiation parameters change
 * smoothly with the pose of the input (its Fig. 4 shows dimensions encoding stroke thickness, skew,
 * width) while the length, the presence of the entity, stays.
 *
 * Run: `npx tsx examples/capsules.ts` (full size: 20×20 glyphs, 1000 training images, 6 epochs;
 * minutes on one core), `--quick`, or `--train 1000 --test 500 --epochs 6 --seed 0`.
 * @module
 */
import { pathToFileURL } from 'node:url';
import {
  Adam, CapsuleDecoder, CapsuleLayer, Conv2d, Linear, Module, PrimaryCapsules, Rng, capsuleLengths, crossEntropy, fromData,
  ValueError, marginLoss, noGrad, rotatedDigits,
} from '../src/index.js';
import { digitParams, renderGlyph } from '../src/data/index.js';
import type { Tensor } from '../src/index.js';

/** Conv(5) → ReLU → primary capsules (5×5, stride 2) → class capsules with routing; a reconstruction decoder. */
export class CapsNet extends Module<[Tensor], Tensor> {
  readonly conv: Conv2d;
  readonly primary: PrimaryCapsules;
  readonly classes: CapsuleLayer;
  readonly decoder: CapsuleDecoder;
  constructor(rng: Rng, size: number, opts: { channels?: number; types?: number; primaryDim?: number; classDim?: number; iterations?: number } = {}) {
    super();
    const ch = opts.channels ?? 16, types = opts.types ?? 8, pd = opts.primaryDim ?? 8, cd = opts.classDim ?? 8;
    const side = Math.floor((size - 4 - 5) / 2) + 1;
    this.conv = this.registerModule('conv', new Conv2d(1, ch, 5, { rng }));
    this.primary = this.registerModule('primary', new PrimaryCapsules(ch, types, pd, 5, { rng }));
    this.classes = this.registerModule('classes', new CapsuleLayer(types * side * side, pd, 10, cd, { rng, iterations: opts.iterations ?? 3 }));
    this.decoder = this.registerModule('decoder', new CapsuleDecoder(10, cd, size * size, { rng, hidden: [64, 128] }));
  }
  /** Class capsules v [B, 10, classDim]. */
  forward(x: Tensor): Tensor {
    return this.classes.call(this.primary.call(this.conv.call(x).relu()));
  }
}

/** The same first convolution, a second convolution of the primary capsules' size, then a dense layer and a linear head. */
export class CNNBaseline extends Module<[Tensor], Tensor> {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly fc: Linear;
  readonly head: Linear;
  private readonly flat: number;
  constructor(rng: Rng, size: number, opts: { channels?: number; channels2?: number; hidden?: number } = {}) {
    super();
    const ch = opts.channels ?? 16, ch2 = opts.channels2 ?? 64, hidden = opts.hidden ?? 80;
    const side = Math.floor((size - 4 - 5) / 2) + 1;
    this.flat = ch2 * side * side;
    this.conv1 = this.registerModule('conv1', new Conv2d(1, ch, 5, { rng }));
    this.conv2 = this.registerModule('conv2', new Conv2d(ch, ch2, 5, { rng, stride: 2 }));
    this.fc = this.registerModule('fc', new Linear(this.flat, hidden, { rng }));
    this.head = this.registerModule('head', new Linear(hidden, 10, { rng }));
  }
  /** Penultimate features [B, hidden]. */
  features(x: Tensor): Tensor {
    const h = this.conv2.call(this.conv1.call(x).relu()).relu();
    return this.fc.call(h.reshape([x.shape[0]!, this.flat])).relu();
  }
  forward(x: Tensor): Tensor {
    return this.head.call(this.features(x));
  }
}

/** Options of {@link runCapsuleExample}. */
export interface CapsuleExampleOptions {
  /** Training images (default 1000). */
  train?: number;
  /** Test images (default 500). */
  test?: number;
  epochs?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  /** Image side (default 20). */
  size?: number;
  /** Glyphs in the rotation probe (default 40). */
  probe?: number;
  /** Probe angles in degrees (default −60 … 60 in steps of 15; must contain 0). */
  angles?: readonly number[];
  /** Weight of the summed squared reconstruction error (default 0.0005, the paper's). */
  reconstruction?: number;
}

/** One model's training result. */
export interface CapsuleModelResult {
  model: string;
  params: number;
  testAccuracy: number;
  seconds: number;
}

/** One probe angle. */
export interface PoseRow {
  angle: number;
  capsAccuracy: number;
  /** Mean length of the true class's capsule. */
  capsLength: number;
  /** Mean ‖v(Δ) − v(0)‖ / ‖v(0)‖ of the true class's capsule. */
  capsChange: number;
  cnnAccuracy: number;
  /** Mean softmax probability of the true class. */
  cnnProb: number;
  /** Mean ‖f(Δ) − f(0)‖ / ‖f(0)‖ of the penultimate features. */
  cnnChange: number;
}

/** Trajectory statistics of one representation over the probe angles. */
export interface TrajectoryStats {
  /** Mean over glyphs of |corr(Δ, first principal component score)|. */
  angleCorrelation: number;
  /** Mean share of the trajectory's variance in its first principal component. */
  pc1Share: number;
  /** Mean cos(r(+Δ) − r(0), r(−Δ) − r(0)) over glyphs and Δ > 0. */
  antisymmetry: number;
}

/** What {@link runCapsuleExample} returns. */
export interface CapsuleExampleResult {
  models: CapsuleModelResult[];
  pose: PoseRow[];
  capsStats: TrajectoryStats;
  cnnStats: TrajectoryStats;
}

function shuffled(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j]!, p[i]!]; }
  return p;
}

const argmax = (row: readonly number[]): number => row.indexOf(Math.max(...row));

/** Rows of the per-sample vectors as number arrays. */
function rowsOf(t: Tensor): number[][] {
  const d = t.shape[t.ndim - 1]!, flat = t.toFlatArray();
  return Array.from({ length: flat.length / d }, (_, i) => flat.slice(i * d, (i + 1) * d));
}

const sub = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x - b[i]!);
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const nrm = (a: readonly number[]): number => Math.sqrt(dot(a, a));

/**
 * Statistics of trajectories traj[p][a] (glyph p, angle index a) against the angles: first principal
 * component from the Gram matrix of the centred trajectory (power iteration), its correlation with
 * the angle and variance share, and the antisymmetry of the moves about Δ = 0.
 */
export function trajectoryStats(traj: readonly (readonly (readonly number[])[])[], angles: readonly number[]): TrajectoryStats {
  const A = angles.length, zero = angles.indexOf(0);
  const am = angles.reduce((s, x) => s + x, 0) / A;
  let corr = 0, share = 0, anti = 0, antiN = 0;
  for (const tr of traj) {
    const dim = tr[0]!.length;
    const mean = new Array<number>(dim).fill(0);
    for (const r of tr) r.forEach((x, k) => { mean[k]! += x / A; });
    const c = tr.map((r) => sub(r, mean));
    const G = c.map((r) => c.map((q) => dot(r, q)));
    const tot = G.reduce((s, row, i) => s + row[i]!, 0);
    let u = angles.map((x) => x - am + 1e-3);
    let lam = 0;
    for (let it = 0; it < 200; it++) {
      const w = G.map((row) => dot(row, u));
      lam = nrm(w);
      if (lam === 0) break;
      u = w.map((x) => x / lam);
    }
    const da = angles.map((x) => x - am), um = u.reduce((s, x) => s + x, 0) / A, du = u.map((x) => x - um);
    const denom = nrm(da) * nrm(du);
    corr += denom > 0 ? Math.abs(dot(da, du)) / denom : 0;
    share += tot > 0 ? lam / tot : 0;
    if (zero >= 0) {
      for (let a = 0; a < A; a++) {
        const b = angles.indexOf(-angles[a]!);
        if (angles[a]! <= 0 || b < 0) continue;
        const p = sub(tr[a]!, tr[zero]!), m = sub(tr[b]!, tr[zero]!), den = nrm(p) * nrm(m);
        if (den > 0) { anti += dot(p, m) / den; antiN++; }
      }
    }
  }
  return { angleCorrelation: corr / traj.length, pc1Share: share / traj.length, antisymmetry: antiN > 0 ? anti / antiN : NaN };
}

/** The probe: `count` upright test glyphs rendered (noise-free) at each angle; images [count·A, 1, S, S], angle-minor. */
export function rotationProbe(seed: number, count: number, anglesDeg: readonly number[], size: number): { images: Tensor; labels: number[] } {
  const A = anglesDeg.length, px = size * size;
  const out = new Float32Array(count * A * px);
  const labels: number[] = [];
  for (let p = 0; p < count; p++) {
    const params = digitParams(seed, 'test', p, true);
    labels.push(params.digit);
    anglesDeg.forEach((deg, a) => renderGlyph({ ...params, angle: (deg * Math.PI) / 180 }, { size, out, offset: (p * A + a) * px }));
  }
  return { images: fromData(out, [count * A, 1, size, size]), labels };
}

/** Train the CapsNet and the CNN, measure test accuracy, and probe both under rotation. */
export function runCapsuleExample(opts: CapsuleExampleOptions = {}): CapsuleExampleResult {
  const nTrain = opts.train ?? 1000, nTest = opts.test ?? 500, epochs = opts.epochs ?? 6, batch = opts.batch ?? 32;
  const lr = opts.lr ?? 3e-3, seed = opts.seed ?? 0, size = opts.size ?? 20, nProbe = opts.probe ?? 40;
  const angles = opts.angles ?? [-60, -45, -30, -15, 0, 15, 30, 45, 60];
  const recW = opts.reconstruction ?? 0.0005;
  if (!angles.includes(0)) throw new ValueError(`runCapsuleExample: the probe angles must contain 0, got [${angles.join(', ')}]`);
  const data = rotatedDigits({ seed, train: nTrain, validation: 0, test: nTest, size });
  const ys = Int32Array.from(data.train.labels.toFlatArray());
  const testY = Array.from(data.test.labels.toFlatArray());
  const caps = new CapsNet(new Rng(seed + 1), size);
  const cnn = new CNNBaseline(new Rng(seed + 1), size);
  const models: CapsuleModelResult[] = [];
  const count = (m: Module<[Tensor], Tensor>): number => m.parameters().reduce((a, p) => a + p.size, 0);

  const train = (model: Module<[Tensor], Tensor>, loss: (x: Tensor, y: number[]) => Tensor): number => {
    const t0 = performance.now();
    const opt = new Adam(model.parameters(), { lr });
    const order = new Rng(seed + 7);
    for (let ep = 0; ep < epochs; ep++) {
      const perm = shuffled(nTrain, order);
      for (let s = 0; s < nTrain; s += batch) {
        const idx = perm.slice(s, Math.min(nTrain, s + batch));
        opt.zeroGrad();
        loss(data.train.images.indexSelect(0, idx), idx.map((i) => ys[i]!)).backward();
        opt.step();
      }
    }
    return (performance.now() - t0) / 1000;
  };
  const accuracy = (scores: (x: Tensor) => Tensor, images: Tensor, labels: readonly number[]): number => {
    let right = 0;
    noGrad(() => {
      for (let s = 0; s < labels.length; s += 100) {
        const e = Math.min(labels.length, s + 100);
        rowsOf(scores(images.slice([[s, e]]))).forEach((row, i) => { if (argmax(row) === labels[s + i]) right++; });
      }
    });
    return right / labels.length;
  };

  const capsSeconds = train(caps, (x, y) => {
    const v = caps.call(x);
    const margin = marginLoss(capsuleLengths(v), y);
    if (recW === 0) return margin;
    const rec = caps.decoder.call(v, y).sub(x.reshape([x.shape[0]!, size * size]));
    return margin.add(rec.square().sum().div(x.shape[0]!).mul(recW));
  });
  const capsScores = (x: Tensor): Tensor => capsuleLengths(caps.call(x));
  models.push({ model: 'CapsNet', params: count(caps), testAccuracy: accuracy(capsScores, data.test.images, testY), seconds: capsSeconds });
  const cnnSeconds = train(cnn, (x, y) => crossEntropy(cnn.call(x), y));
  models.push({ model: 'CNN', params: count(cnn), testAccuracy: accuracy((x) => cnn.call(x), data.test.images, testY), seconds: cnnSeconds });

  // rotation probe
  const A = angles.length, zero = angles.indexOf(0);
  const probe = rotationProbe(seed + 100, nProbe, angles, size);
  const capsTraj: number[][][] = [], cnnTraj: number[][][] = [];
  const capsWin: boolean[][] = [], cnnWin: boolean[][] = [], capsLen: number[][] = [], cnnProb: number[][] = [];
  noGrad(() => {
    const v = caps.call(probe.images); // [P·A, 10, D]
    const lengths = rowsOf(capsuleLengths(v));
    const vRows = v.toArray() as number[][][];
    const feats = cnn.features(probe.images);
    const logits = rowsOf(cnn.head.call(feats)), fRows = rowsOf(feats);
    for (let p = 0; p < nProbe; p++) {
      const y = probe.labels[p]!;
      capsTraj.push([]); cnnTraj.push([]); capsWin.push([]); cnnWin.push([]); capsLen.push([]); cnnProb.push([]);
      for (let a = 0; a < A; a++) {
        const k = p * A + a;
        capsTraj[p]!.push(vRows[k]![y]!);
        capsLen[p]!.push(lengths[k]![y]!);
        capsWin[p]!.push(argmax(lengths[k]!) === y);
        cnnTraj[p]!.push(fRows[k]!);
        const l = logits[k]!, m = Math.max(...l), z = l.reduce((s, x) => s + Math.exp(x - m), 0);
        cnnProb[p]!.push(Math.exp(l[y]! - m) / z);
        cnnWin[p]!.push(argmax(l) === y);
      }
    }
  });
  const meanOver = (f: (p: number) => number): number => Array.from({ length: nProbe }, (_, p) => f(p)).reduce((s, x) => s + x, 0) / nProbe;
  const rel = (tr: number[][], a: number): number => { const d = nrm(tr[zero]!); return d > 0 ? nrm(sub(tr[a]!, tr[zero]!)) / d : 0; };
  const pose: PoseRow[] = angles.map((angle, a) => ({
    angle,
    capsAccuracy: meanOver((p) => (capsWin[p]![a] ? 1 : 0)),
    capsLength: meanOver((p) => capsLen[p]![a]!),
    capsChange: meanOver((p) => rel(capsTraj[p]!, a)),
    cnnAccuracy: meanOver((p) => (cnnWin[p]![a] ? 1 : 0)),
    cnnProb: meanOver((p) => cnnProb[p]![a]!),
    cnnChange: meanOver((p) => rel(cnnTraj[p]!, a)),
  }));
  return { models, pose, capsStats: trajectoryStats(capsTraj, angles), cnnStats: trajectoryStats(cnnTraj, angles) };
}

/** Print the results as tables. */
export function printCapsuleResults(r: CapsuleExampleResult): void {
  const f = (x: number, d = 3): string => x.toFixed(d);
  console.log('model   | params | test accuracy | time');
  console.log('--------|--------|---------------|------');
  for (const m of r.models) console.log(`${m.model.padEnd(7)} | ${String(m.params).padStart(6)} | ${(100 * m.testAccuracy).toFixed(1).padStart(11)} % | ${m.seconds.toFixed(1)} s`);
  console.log('\nrotation probe (Δ about the upright glyph):');
  console.log('Δ (°) | CapsNet acc | ‖v_true‖ | ‖Δv‖/‖v(0)‖ | CNN acc | p_true | ‖Δf‖/‖f(0)‖');
  console.log('------|-------------|----------|-------------|---------|--------|------------');
  for (const p of r.pose) {
    console.log(`${String(p.angle).padStart(5)} | ${f(p.capsAccuracy, 2).padStart(11)} | ${f(p.capsLength).padStart(8)} | ${f(p.capsChange).padStart(11)} | ${f(p.cnnAccuracy, 2).padStart(7)} | ${f(p.cnnProb).padStart(6)} | ${f(p.cnnChange).padStart(10)}`);
  }
  console.log('\ntrajectory over Δ      | |corr(Δ, PC1)| | PC1 variance share | cos(r(+Δ)−r(0), r(−Δ)−r(0))');
  console.log('-----------------------|----------------|--------------------|----------------------------');
  for (const [name, s] of [['CapsNet pose v_true', r.capsStats], ['CNN features f', r.cnnStats]] as const) {
    console.log(`${name.padEnd(22)} | ${f(s.angleCorrelation).padStart(14)} | ${f(s.pc1Share).padStart(18)} | ${f(s.antisymmetry).padStart(26)}`);
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  printCapsuleResults(runCapsuleExample({
    train: Number(arg('--train') ?? (quick ? 200 : 1000)), test: Number(arg('--test') ?? (quick ? 200 : 500)),
    epochs: Number(arg('--epochs') ?? (quick ? 2 : 6)), seed: Number(arg('--seed') ?? 0), lr: Number(arg('--lr') ?? 3e-3),
    probe: Number(arg('--probe') ?? (quick ? 20 : 40)),
  }));
}
