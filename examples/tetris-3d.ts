/**
 * e3nn's 3-D tetris with irreps tensor products (Thomas et al., "Tensor field networks",
 * arXiv:1802.08219, §4.1; e3nn's `examples/tetris_gate.py`).
 *
 * Eight shapes of four voxels (src/data/tetris3d.ts), one of them the mirror image of another
 * (the chiral pair). The network sees one orientation of each shape only and is tested on random
 * rotations AND reflections (with translations) of all eight. It is the e3nn example's network:
 * node inputs x_i = Σ_j Y(r̂_ij)/√k (harmonics up to l = 3 summed over the radius-graph
 * neighbours), a {@link PointConvolution} into a {@link Gate} (scalars 0e through silu, 0o through
 * |·|; gates 0e through sigmoid and 0o through tanh, so gated 1o/1e copies come out with both
 * parities), a second convolution to the outputs `0o + 6x0e`, summed over the nodes. The
 * pseudoscalar 0o is the only output that can tell the chiral pair apart: it flips sign under a
 * reflection, so a reflected chiral_1 reads as chiral_2 — exactly the right label, because a
 * reflected chiral_1 *is* a chiral_2. The six 0e outputs are invariant under O(3) and one-hot the
 * six achiral shapes (on which 0o vanishes by symmetry). Loss: MSE to e3nn's targets; prediction:
 * argmax of (y₀, −y₀, y₁…y₆).
 *
 * Run: `npx tsx examples/tetris-3d.ts` (full size: mul 16, 300 Adam steps, 64 test poses per
 * shape). Flags: `--steps N`, `--mul M`, `--hidden H`, `--test-per-shape K`, `--lr X`,
 * `--seed S`, `--quick` (the test's size).
 * @module
 */
import { pathToFileURL } from 'node:url';
import { backward, mseLoss, noGrad, segmentSum } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { Module } from '../src/nn/index.js';
import { Gate, PointConvolution, shIrreps, sphericalHarmonicsTensor } from '../src/nn/irreps/index.js';
import { Adam } from '../src/optim/index.js';
import { TETRIS3D_IRREPS, TETRIS3D_NAMES, tetris3d, tetris3dBatch } from '../src/data/tetris3d.js';
import type { Tetris3dBatch } from '../src/data/tetris3d.js';
import { Rng } from '../src/util/rng.js';

/** Options of {@link runTetris3d}. */
export interface Tetris3dRunOptions {
  /** Adam steps on the 8 training shapes (default 300). */
  steps?: number;
  /** Multiplicity of the hidden irreps (default 16, e3nn's). */
  mul?: number;
  /** Hidden width of the radial MLPs (default 64). */
  hidden?: number;
  /** Random O(3) poses per shape in the test set (default 64). */
  testPerShape?: number;
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Seed of the initialisation and the test poses (default 0). */
  seed?: number;
  /** Element type (default float32). */
  dtype?: 'float32' | 'float64';
  log?: boolean;
}

/** e3nn's tetris network: SH node inputs, convolution, gate, convolution, sum over nodes. */
export class TetrisNet extends Module<[Tetris3dBatch], Tensor> {
  readonly irrepsSh = shIrreps(3);
  readonly conv1: PointConvolution;
  readonly gate: Gate;
  readonly conv2: PointConvolution;
  /** Typical neighbours per node (messages are divided by √numNeighbors). */
  readonly numNeighbors = 1.5;
  /** Typical nodes per graph (the pooled sum is divided by √numNodes). */
  readonly numNodes = 4;

  constructor(opts: { rng: Rng; mul: number; hidden: number; dtype?: 'float32' | 'float64' }) {
    super();
    const m = opts.mul, h = Math.max(1, Math.floor(m / 2));
    this.gate = this.registerModule('gate', new Gate(
      `${m}x0e+${m}x0o`, ['silu', 'abs'],
      `${h}x0e+${h}x0o+${h}x0e+${h}x0o`, ['sigmoid', 'tanh', 'sigmoid', 'tanh'],
      `${2 * h}x1o+${2 * h}x1e`,
    ));
    const conv = { rng: opts.rng, sh: this.irrepsSh, radialStart: 0.5, radialEnd: 2.5, numBasis: 3, radialHidden: [opts.hidden], radialActivation: 'silu' as const, numNeighbors: this.numNeighbors, dtype: opts.dtype };
    this.conv1 = this.registerModule('conv1', new PointConvolution(this.irrepsSh, this.gate.irrepsIn, conv));
    this.conv2 = this.registerModule('conv2', new PointConvolution(this.gate.irrepsOut, TETRIS3D_IRREPS, conv));
  }

  /** @returns [B, 7] in `0o + 6x0e` */
  forward(b: Tetris3dBatch): Tensor {
    const N = b.pos.shape[0]!;
    const vec = b.pos.indexSelect(0, b.src).sub(b.pos.indexSelect(0, b.dst));
    const x0 = segmentSum(sphericalHarmonicsTensor(this.irrepsSh, vec), b.dst, N).div(Math.sqrt(this.numNeighbors));
    const x1 = this.gate.call(this.conv1.call(x0, b.pos, b.src, b.dst));
    const x2 = this.conv2.call(x1, b.pos, b.src, b.dst);
    return segmentSum(x2, b.batch, b.labels.length).div(Math.sqrt(this.numNodes));
  }
}

/** Predicted classes: argmax of (y₀, −y₀, y₁, …, y₆). */
export function predictTetris(y: Tensor): Int32Array {
  const B = y.shape[0]!;
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const r = Array.from({ length: 7 }, (_, k) => Number(y.data[b * 7 + k]));
    const scores = [r[0]!, -r[0]!, ...r.slice(1)];
    out[b] = scores.indexOf(Math.max(...scores));
  }
  return out;
}

/** Results of {@link runTetris3d}. */
export interface Tetris3dRunResult {
  readonly steps: number;
  readonly firstLoss: number;
  readonly finalLoss: number;
  readonly trainAccuracy: number;
  /** Accuracy on the rotated and reflected test shapes. */
  readonly testAccuracy: number;
  /** Accuracy on the reflected (det −1) test shapes only. */
  readonly reflectedAccuracy: number;
  /** Accuracy on the chiral pair among the test shapes. */
  readonly chiralAccuracy: number;
  readonly testSize: number;
  /** Per-class test accuracy, in {@link TETRIS3D_NAMES} order. */
  readonly perClass: number[];
  /** max |0o output| over the achiral test shapes relative to max |output| (0 by symmetry). */
  readonly achiralPseudoscalar: number;
  readonly parameters: number;
  readonly seconds: number;
}

/** Train on the 8 canonical shapes and test on random rotations and reflections. */
export function runTetris3d(opts: Tetris3dRunOptions = {}): Tetris3dRunResult {
  const t0 = Date.now();
  const steps = opts.steps ?? 300, mul = opts.mul ?? 16, hidden = opts.hidden ?? 64, lr = opts.lr ?? 1e-2, seed = opts.seed ?? 0;
  const dtype = opts.dtype ?? 'float32';
  const { train, test } = tetris3d({ testPerShape: opts.testPerShape ?? 64, seed: seed + 1 });
  const trainB = tetris3dBatch(train, { dtype }), testB = tetris3dBatch(test, { dtype });
  const net = new TetrisNet({ rng: new Rng(seed), mul, hidden, dtype });
  const opt = new Adam(net.parameters(), { lr });
  let firstLoss = NaN, finalLoss = NaN;
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const loss = mseLoss(net.call(trainB), trainB.target);
    backward(loss);
    opt.step();
    const v = Number(loss.data[0]);
    if (s === 0) firstLoss = v;
    finalLoss = v;
    if (opts.log && (s % 50 === 0 || s === steps - 1)) console.log(`step ${s}: loss ${v.toExponential(3)}`);
  }
  return noGrad(() => {
    const acc = (pred: Int32Array, labels: Int32Array, keep: (i: number) => boolean): number => {
      let n = 0, ok = 0;
      for (let i = 0; i < labels.length; i++) if (keep(i)) { n++; if (pred[i] === labels[i]) ok++; }
      return n === 0 ? NaN : ok / n;
    };
    const trainPred = predictTetris(net.call(trainB));
    const y = net.call(testB);
    const pred = predictTetris(y);
    let ps = 0, all = 0;
    for (let i = 0; i < test.length; i++) for (let k = 0; k < 7; k++) {
      const v = Math.abs(Number(y.data[i * 7 + k]));
      all = Math.max(all, v);
      if (k === 0 && test[i]!.label >= 2) ps = Math.max(ps, v);
    }
    return {
      steps, firstLoss, finalLoss,
      trainAccuracy: acc(trainPred, trainB.labels, () => true),
      testAccuracy: acc(pred, testB.labels, () => true),
      reflectedAccuracy: acc(pred, testB.labels, (i) => test[i]!.det < 0),
      chiralAccuracy: acc(pred, testB.labels, (i) => test[i]!.label < 2),
      testSize: test.length,
      perClass: TETRIS3D_NAMES.map((_, c) => acc(pred, testB.labels, (i) => test[i]!.label === c)),
      achiralPseudoscalar: ps / all,
      parameters: net.parameters().reduce((a, p) => a + p.size, 0),
      seconds: (Date.now() - t0) / 1000,
    };
  });
}

/** The result as a table. */
export function formatTetrisTable(r: Tetris3dRunResult): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const rows: [string, string][] = [
    ['training shapes (1 pose each)', pct(r.trainAccuracy)],
    [`test: rotations + reflections (${r.testSize})`, pct(r.testAccuracy)],
    ['  reflected only', pct(r.reflectedAccuracy)],
    ['  chiral pair only', pct(r.chiralAccuracy)],
    ...TETRIS3D_NAMES.map((n, c): [string, string] => [`  ${n}`, pct(r.perClass[c]!)]),
    ['|0o| on achiral shapes / max |y|', r.achiralPseudoscalar.toExponential(1)],
    ['loss first → last', `${r.firstLoss.toExponential(2)} → ${r.finalLoss.toExponential(2)}`],
    ['parameters / steps / seconds', `${r.parameters} / ${r.steps} / ${r.seconds.toFixed(1)}`],
  ];
  const w = Math.max(...rows.map(([n]) => n.length));
  return ['3-D tetris (e3nn), accuracy', ...rows.map(([n, v]) => `  ${n.padEnd(w)}  ${v}`)].join('\n');
}

function parseArgs(argv: readonly string[]): Tetris3dRunOptions {
  const o: Tetris3dRunOptions = { log: true };
  const num = (i: number): number => {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v)) throw new Error(`${argv[i]} needs a number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--steps': o.steps = num(i++); break;
      case '--mul': o.mul = num(i++); break;
      case '--hidden': o.hidden = num(i++); break;
      case '--test-per-shape': o.testPerShape = num(i++); break;
      case '--lr': o.lr = num(i++); break;
      case '--seed': o.seed = num(i++); break;
      case '--quick': Object.assign(o, QUICK); break;
      default: throw new Error(`unknown flag ${argv[i]} (use --steps, --mul, --hidden, --test-per-shape, --lr, --seed, --quick)`);
    }
  }
  return o;
}

/** The size run by the test (CI): seconds. */
export const QUICK: Tetris3dRunOptions = Object.freeze({ steps: 80, mul: 8, hidden: 16, testPerShape: 8 });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = runTetris3d(parseArgs(process.argv.slice(2)));
  console.log(formatTetrisTable(r));
}
