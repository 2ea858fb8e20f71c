/**
 * Learning functions of sets: DeepSets vs the Set Transformer on two synthetic tasks.
 *
 * - `max`: predict max(x₁, …, x_n) of n ∈ [1, 10] reals drawn U(0, 1) — the max-regression task
 *   of Lee et al., "Set Transformer", ICML 2019 (arXiv:1810.00825), §5.1. A DeepSets model with
 *   max pooling has the answer built in; sum pooling must learn it through ρ; the Set Transformer
 *   (SAB, SAB, PMA₁, SAB, Linear) learns to attend to the largest element.
 * - `unique`: count the distinct values among n ∈ [1, 10] elements drawn from 10 categories
 *   (one-hot), a synthetic stand-in for the paper's "unique characters" task; accuracy is of the
 *   rounded prediction.
 *
 * Sets of different sizes share one padded batch [B, 10, F] with a padding mask [B, 10]; every
 * model ignores the padded elements, so the result equals running each set alone.
 *
 * Run: `npx tsx examples/set-transformer.ts` (< 1 min; options `--quick` (max task, 40 steps, a few
 * seconds), `--task max|unique|both`, `--steps N`, `--seed S`).
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Rng, noGrad, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { MLP } from '../src/nn/index.js';
import type { Module } from '../src/nn/index.js';
import { DeepSets } from '../src/nn/deepsets.js';
import { SetTransformer } from '../src/nn/set-transformer.js';
import { Adam } from '../src/optim/index.js';

/** Which synthetic task. */
export type SetTask = 'max' | 'unique';

const MAX_N = 10;
const CATEGORIES = 10;

/** A padded batch of sets with targets. */
export interface SetBatch {
  /** [B, MAX_N, F] (padded entries hold junk, which the models must ignore). */
  x: Tensor;
  /** [B, MAX_N], 1 = padding. */
  mask: Tensor;
  /** [B, 1]. */
  y: Tensor;
}

/** Draw `size` sets for `task` (sizes uniform in [1, 10]). */
export function makeSetBatch(task: SetTask, size: number, rng: Rng): SetBatch {
  const F = task === 'max' ? 1 : CATEGORIES;
  const x = new Float32Array(size * MAX_N * F);
  const mask = new Float32Array(size * MAX_N);
  const y = new Float32Array(size);
  for (let b = 0; b < size; b++) {
    const n = 1 + rng.int(MAX_N);
    const seen = new Set<number>();
    let mx = -Infinity;
    for (let i = 0; i < MAX_N; i++) {
      const o = (b * MAX_N + i) * F;
      if (i >= n) {
        mask[b * MAX_N + i] = 1;
        for (let f = 0; f < F; f++) x[o + f] = rng.uniform() * 3; // junk: must not leak into the answer
        continue;
      }
      if (task === 'max') {
        const v = rng.uniform();
        x[o] = v;
        mx = Math.max(mx, v);
      } else {
        const c = rng.int(CATEGORIES);
        x[o + c] = 1;
        seen.add(c);
      }
    }
    y[b] = task === 'max' ? mx : seen.size;
  }
  return { x: tensor(x, { shape: [size, MAX_N, F] }), mask: tensor(mask, { shape: [size, MAX_N] }), y: tensor(y, { shape: [size, 1] }) };
}

type SetModel = Module<[Tensor, (Tensor | null)?], Tensor>;

/** The compared models, by name. */
export function setModels(task: SetTask, rng: Rng, hidden = 32, heads = 2): { name: string; model: SetModel }[] {
  const F = task === 'max' ? 1 : CATEGORIES;
  const ds = (pool: 'sum' | 'max') =>
    new DeepSets(new MLP([F, hidden, hidden], { rng }), new MLP([hidden, hidden, 1], { rng }), { pool });
  return [
    { name: 'DeepSets (sum pool)', model: ds('sum') },
    { name: 'DeepSets (max pool)', model: ds('max') },
    { name: 'Set Transformer (SAB×2, PMA, SAB)', model: new SetTransformer(F, 1, 1, { rng, dimHidden: hidden, numHeads: heads }) },
  ];
}

/** Outcome of training one model. */
export interface SetResult {
  name: string;
  task: SetTask;
  parameters: number;
  /** Mean training MSE over the first and the last 10% of steps. */
  firstLoss: number;
  lastLoss: number;
  /** Test mean squared / absolute error. */
  testMSE: number;
  testMAE: number;
  /** `unique` only: fraction of test sets whose rounded prediction is the exact count. */
  testAccuracy: number | null;
  seconds: number;
}

/** Options of {@link runSetExample}. */
export interface SetExampleOptions {
  tasks?: SetTask[];
  steps?: number;
  batch?: number;
  testSize?: number;
  hidden?: number;
  /** Attention heads of the Set Transformer (default 2). */
  heads?: number;
  lr?: number;
  seed?: number;
  /** Restrict to models whose name contains one of these strings. */
  only?: string[];
}

const out = (m: SetModel, b: SetBatch): Tensor => m.call(b.x, b.mask).reshape([b.y.shape[0]!, 1]);

/** Train every model on every task with Adam and MSE; evaluate on a fixed test set. */
export function runSetExample(opts: SetExampleOptions = {}): SetResult[] {
  const steps = opts.steps ?? 200;
  const batch = opts.batch ?? 32;
  const results: SetResult[] = [];
  for (const task of opts.tasks ?? ['max', 'unique']) {
    const test = makeSetBatch(task, opts.testSize ?? 1000, new Rng((opts.seed ?? 0) + 1000));
    const models = setModels(task, new Rng(opts.seed ?? 0), opts.hidden ?? 16, opts.heads ?? 2).filter((m) => !opts.only || opts.only.some((s) => m.name.includes(s)));
    for (const { name, model } of models) {
      const t0 = performance.now();
      const dataRng = new Rng((opts.seed ?? 0) + 1);
      const opt = new Adam(model.parameters(), { lr: opts.lr ?? 3e-3 });
      const losses: number[] = [];
      for (let s = 0; s < steps; s++) {
        const b = makeSetBatch(task, batch, dataRng);
        opt.zeroGrad();
        const loss = out(model, b).sub(b.y).square().mean();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      const k = Math.max(1, Math.round(steps / 10));
      const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      const pred = noGrad(() => out(model.eval(), test)).toFlatArray();
      model.train();
      const target = test.y.toFlatArray();
      const err = pred.map((p, i) => p - target[i]!);
      results.push({
        name,
        task,
        parameters: model.numParameters(),
        firstLoss: avg(losses.slice(0, k)),
        lastLoss: avg(losses.slice(-k)),
        testMSE: avg(err.map((e) => e * e)),
        testMAE: avg(err.map(Math.abs)),
        testAccuracy: task === 'unique' ? avg(pred.map((p, i) => (Math.round(p) === target[i] ? 1 : 0))) : null,
        seconds: (performance.now() - t0) / 1000,
      });
    }
  }
  return results;
}

/** Print the results as a table. */
export function printSetResults(results: SetResult[]): void {
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`${pad('task', 7)}${pad('model', 36)}${pad('params', 8)}${pad('train MSE first→last', 24)}${pad('test MSE', 11)}${pad('test MAE', 11)}${pad('test acc', 10)}time`);
  for (const r of results) {
    console.log(
      pad(r.task, 7) + pad(r.name, 36) + pad(String(r.parameters), 8) + pad(`${r.firstLoss.toFixed(4)} → ${r.lastLoss.toFixed(4)}`, 24) +
        pad(r.testMSE.toFixed(5), 11) + pad(r.testMAE.toFixed(4), 11) + pad(r.testAccuracy === null ? '—' : `${(100 * r.testAccuracy).toFixed(1)}%`, 10) +
        `${r.seconds.toFixed(1)} s`,
    );
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const task = arg('--task') ?? (quick ? 'max' : 'both');
  const tasks: SetTask[] = task === 'both' ? ['max', 'unique'] : [task as SetTask];
  if (tasks.some((t) => t !== 'max' && t !== 'unique')) throw new Error(`--task must be max, unique or both, got ${task}`);
  const steps = Number(arg('--steps') ?? (quick ? 40 : 200));
  const batch = 32;
  console.log(`Set tasks (sets of 1–${MAX_N} elements, padded batches of ${batch} with masks; Adam, MSE, ${steps} steps per model)\n`);
  printSetResults(runSetExample({ tasks, steps, batch, seed: Number(arg('--seed') ?? 0), testSize: quick ? 200 : 1000, hidden: 16 }));
}
