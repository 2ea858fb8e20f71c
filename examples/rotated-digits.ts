/**
 * Rotated digits: a plain CNN vs a P4CNN (Cohen & Welling, "Group Equivariant Convolutional
 * Networks", ICML 2016, arXiv:1602.07576) vs a steerable C8 CNN (Weiler & Cesa, "General
 * E(2)-Equivariant Steerable CNNs", NeurIPS 2019, arXiv:1911.08251) of similar parameter counts, on
 * erlangen's procedural rotated digits (28×28, uniform random rotation, MNIST-rot-shaped; see
 * docs/design/reference-results.md). The G-CNN paper's MNIST-rot result has this shape: Z2CNN 5.03 %
 * vs P4CNN 2.28 % test error.
 *
 * Two settings per training-set size:
 * - `rotated`: train and test on rotated digits (the MNIST-rot protocol); also the test error after
 *   rotating every test image by a further exact 90°.
 * - `upright`: train on upright digits, test on upright and on rotated digits (how the error grows
 *   under test-time rotation).
 * Every model ends in a rotation-invariant readout (group pooling / invariant pooling, then global
 * average pooling), so the P4CNN's and the steerable CNN's predictions do not change under exact
 * 90° rotations; the CNN has no such guarantee.
 *
 * Run: `npx tsx examples/rotated-digits.ts` (full size: train 300,1000,3000, test 2000, 12 epochs, Adam 1e-2;
 * tens of minutes on 2 cores), `--quick` (a minute), or `--train 300,1000 --test 1000 --epochs 4
 * --seed 0`.
 * @module
 */
import { pathToFileURL } from 'node:url';
import {
  AdaptiveAvgPool2d, Adam, C, Conv2d, GroupConv2d, InvariantPooling, Linear, LiftingConv2d, MaxPool2d, Module, PointwiseNonlinearity,
  R2Conv, ReLU, Rng, Scalar, Sequential, crossEntropy, groupPool, latticePool2d, noGrad, regular, rotatedDigits,
} from '../src/index.js';
import type { Tensor } from '../src/index.js';

/** A classifier of [B, 1, 28, 28] images into 10 logits. */
type Classifier = Module<[Tensor], Tensor>;

/** Conv(5, same) → ReLU → 2×2 max pool, twice; global average; Linear. */
function cnn(rng: Rng, c1 = 8, c2 = 16): Classifier {
  return new Sequential(
    new Conv2d(1, c1, 5, { rng, padding: 'same' }), new ReLU(), new MaxPool2d(2),
    new Conv2d(c1, c2, 5, { rng, padding: 'same' }), new ReLU(), new MaxPool2d(2),
    new AdaptiveAvgPool2d(1), new Flatten(), new Linear(c2, 10, { rng }),
  ) as unknown as Classifier;
}

/** [B, C, 1, 1] → [B, C]. */
class Flatten extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.reshape([x.shape[0]!, x.size / x.shape[0]!]);
  }
}

/** Lifting conv → ReLU → pool → group conv → ReLU → pool → max over the rotations → global average → Linear. */
class P4CNN extends Module<[Tensor], Tensor> {
  private readonly lift: LiftingConv2d;
  private readonly conv: GroupConv2d;
  private readonly head: Linear;
  constructor(rng: Rng, c1 = 4, c2 = 8) {
    super();
    this.lift = this.registerModule('lift', new LiftingConv2d(1, c1, 5, { group: 'p4', rng, padding: 'same' }));
    this.conv = this.registerModule('conv', new GroupConv2d(c1, c2, 5, { group: 'p4', rng, padding: 'same' }));
    this.head = this.registerModule('head', new Linear(c2, 10, { rng }));
  }
  forward(x: Tensor): Tensor {
    let h = latticePool2d(this.lift.call(x).relu(), 2, 'max');
    h = latticePool2d(this.conv.call(h).relu(), 2, 'max');
    const inv = groupPool(h, 'p4', 'max'); // [B, c2, 7, 7]
    return this.head.call(inv.mean([2, 3]));
  }
}

/** Steerable C8: trivial → m₁ regular → m₂ regular fields, ReLU, 2×2 pooling, invariant (max) pooling, global average, Linear. */
class SteerableC8 extends Module<[Tensor], Tensor> {
  private readonly c1: R2Conv;
  private readonly c2: R2Conv;
  private readonly act1: PointwiseNonlinearity;
  private readonly act2: PointwiseNonlinearity;
  private readonly pool: InvariantPooling;
  private readonly head: Linear;
  constructor(rng: Rng, m1 = 4, m2 = 9) {
    super();
    const G = C(8), r1 = regular(G).times(m1), r2 = regular(G).times(m2);
    this.c1 = this.registerModule('c1', new R2Conv(G, Scalar(G), r1, 5, { rng }));
    this.act1 = this.registerModule('act1', new PointwiseNonlinearity(r1));
    this.c2 = this.registerModule('c2', new R2Conv(G, r1, r2, 5, { rng }));
    this.act2 = this.registerModule('act2', new PointwiseNonlinearity(r2));
    this.pool = this.registerModule('pool', new InvariantPooling(r2, { mode: 'max' }));
    this.head = this.registerModule('head', new Linear(m2, 10, { rng }));
  }
  forward(x: Tensor): Tensor {
    let h = latticePool2d(this.act1.call(this.c1.call(x)), 2, 'max');
    h = latticePool2d(this.act2.call(this.c2.call(h)), 2, 'max');
    return this.head.call(this.pool.call(h).mean([2, 3]));
  }
}

/** The three models, built from one seed. */
export function digitModels(seed: number): { name: string; model: Classifier }[] {
  return [
    { name: 'CNN', model: cnn(new Rng(seed)) },
    { name: 'P4CNN', model: new P4CNN(new Rng(seed)) as Classifier },
    { name: 'steerable C8', model: new SteerableC8(new Rng(seed)) as Classifier },
  ];
}

/** Rows [start, end) of a [N, …] tensor. */
function rows(t: Tensor, start: number, end: number): Tensor {
  return t.slice([[start, end]]);
}

/** The images rotated by 90° counter-clockwise (exact pixel permutation): out[i][j] = x[j][S−1−i]. */
export function rot90(x: Tensor): Tensor {
  return x.flip([3]).transpose(2, 3);
}

/** Classification error (fraction) of `model` on images/labels, in batches. */
function errorRate(model: Classifier, images: Tensor, labels: Int32Array, batch = 256): number {
  let wrong = 0;
  noGrad(() => {
    for (let s = 0; s < labels.length; s += batch) {
      const e = Math.min(labels.length, s + batch);
      const logits = model.call(rows(images, s, e)).toArray() as number[][];
      logits.forEach((l, i) => { if (l.indexOf(Math.max(...l)) !== labels[s + i]) wrong++; });
    }
  });
  return wrong / labels.length;
}

/** One row of the results table. */
export interface DigitResult {
  model: string;
  params: number;
  train: number;
  setting: 'rotated' | 'upright';
  /** Test error on the setting's test set (rotated digits, or upright digits). */
  testError: number;
  /** Test error with every test image rotated by a further 90° (rotated) or on rotated digits (upright). */
  rotatedError: number;
  seconds: number;
}

/** Options of {@link runDigitExample}. */
export interface DigitExampleOptions {
  trainSizes?: readonly number[];
  test?: number;
  epochs?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  settings?: readonly ('rotated' | 'upright')[];
}

/** Train each model at each size and setting; returns the table rows. */
export function runDigitExample(opts: DigitExampleOptions = {}): DigitResult[] {
  const sizes = opts.trainSizes ?? [300, 1000, 3000], nTest = opts.test ?? 2000, epochs = opts.epochs ?? 12;
  const batch = opts.batch ?? 32, lr = opts.lr ?? 1e-2, seed = opts.seed ?? 0;
  const maxTrain = Math.max(...sizes);
  const out: DigitResult[] = [];
  for (const setting of opts.settings ?? ['rotated', 'upright']) {
    const data = rotatedDigits({ seed, train: maxTrain, validation: 0, test: nTest, upright: setting === 'upright' ? ['train'] : false });
    const testLabels = Int32Array.from(data.test.labels.toFlatArray());
    // the upright setting's "rotated" column: the same test digits upright vs rotated
    const upright = setting === 'upright' ? rotatedDigits({ seed, train: 0, validation: 0, test: nTest, upright: true }).test : null;
    for (const n of sizes) {
      const xs = rows(data.train.images, 0, n), ys = Int32Array.from(data.train.labels.toFlatArray().slice(0, n));
      for (const { name, model } of digitModels(seed + 1)) {
        const t0 = performance.now();
        const opt = new Adam(model.parameters(), { lr });
        const order = new Rng(seed + 7);
        for (let ep = 0; ep < epochs; ep++) {
          const perm = Array.from({ length: n }, (_, i) => i);
          for (let i = n - 1; i > 0; i--) { const j = order.int(i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
          for (let s = 0; s < n; s += batch) {
            const idx = perm.slice(s, Math.min(n, s + batch));
            opt.zeroGrad();
            crossEntropy(model.call(xs.indexSelect(0, idx)), idx.map((i) => ys[i]!)).backward();
            opt.step();
          }
        }
        const params = model.parameters().reduce((a, p) => a + p.size, 0);
        const testError = setting === 'rotated' ? errorRate(model, data.test.images, testLabels) : errorRate(model, upright!.images, testLabels);
        const rotatedError = setting === 'rotated' ? errorRate(model, rot90(data.test.images), testLabels) : errorRate(model, data.test.images, testLabels);
        out.push({ model: name, params, train: n, setting, testError, rotatedError, seconds: (performance.now() - t0) / 1000 });
      }
    }
  }
  return out;
}

/** Print the results as a table. */
export function printDigitResults(results: readonly DigitResult[]): void {
  const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
  console.log('setting  | model        | params | train | test error | under rotation | time');
  console.log('---------|--------------|--------|-------|------------|----------------|------');
  for (const r of results) {
    console.log(`${r.setting.padEnd(8)} | ${r.model.padEnd(12)} | ${String(r.params).padStart(6)} | ${String(r.train).padStart(5)} | ${pct(r.testError).padStart(10)} | ${pct(r.rotatedError).padStart(14)} | ${r.seconds.toFixed(1)} s`);
  }
  console.log('rotated: train and test on rotated digits; "under rotation" = every test image turned a further 90°.');
  console.log('upright: train upright; "test error" on upright digits, "under rotation" on the same digits rotated.');
  console.log('G-CNN paper, MNIST-rot (12k training images): Z2CNN 5.03 %, P4CNN 2.28 % test error.');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const sizes = arg('--train')?.split(',').map(Number) ?? (quick ? [200] : [300, 1000, 3000]);
  printDigitResults(runDigitExample({
    trainSizes: sizes, test: Number(arg('--test') ?? (quick ? 500 : 2000)), epochs: Number(arg('--epochs') ?? (quick ? 3 : 12)),
    seed: Number(arg('--seed') ?? 0), lr: Number(arg('--lr') ?? 1e-2),
    settings: (arg('--settings')?.split(',') ?? ['rotated', 'upright']) as ('rotated' | 'upright')[],
  }));
}
