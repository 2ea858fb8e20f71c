/**
 * Why depth matters, part 1: XOR.
 *
 * A network with no hidden layer computes σ(w·x + b): its decision boundary is a line, and no line
 * separates {(0,1), (1,0)} from {(0,0), (1,1)} (Minsky & Papert, "Perceptrons", 1969). One hidden
 * layer of two units is enough: h = tanh(W₁x + b₁), y = σ(w₂·h + b₂).
 *
 * Run: `npx tsx examples/xor.ts` (options: `--steps N`, `--seed S`).
 */
import { pathToFileURL } from 'node:url';
import { Rng, tensor, bceWithLogits, sigmoid, noGrad } from '../src/index.js';
import { Linear, MLP } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';
import type { Module } from '../src/nn/index.js';

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]], { dtype: 'float64' });
const Y = tensor([[0], [1], [1], [0]], { dtype: 'float64' });

/** Result of training one model on XOR. */
export interface XorResult {
  name: string;
  /** σ(output) for the four inputs, in the order 00, 01, 10, 11. */
  outputs: number[];
  /** How many of the four rows are classified correctly (threshold 0.5). */
  correct: number;
  finalLoss: number;
}

function train(name: string, model: Module, steps: number): XorResult {
  const opt = new Adam(model.parameters(), { lr: 0.05 });
  let loss = 0;
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const l = bceWithLogits(model.call(X) as never, Y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  const out = noGrad(() => sigmoid(model.call(X) as never).toFlatArray());
  const target = Y.toFlatArray();
  return { name, outputs: out, correct: out.filter((p, i) => (p > 0.5 ? 1 : 0) === target[i]).length, finalLoss: loss };
}

/** Outcome over several random initialisations. */
export interface XorSummary {
  linear: XorResult;
  hidden: XorResult;
  /** Seeds tried, and how many of them solved XOR, per model. */
  seeds: number;
  linearSolved: number;
  hiddenSolved: number;
}

/**
 * Train both models from `seeds` initialisations each. A 2-2-1 network has local minima where
 * it fits only two or three rows, so some initialisations fail; the summary says how many
 * solve it and shows the first solving run (or the best one if none does).
 */
export function runXor(opts: { steps?: number; seed?: number; seeds?: number } = {}): XorSummary {
  const steps = opts.steps ?? 1500;
  const seeds = opts.seeds ?? 10;
  const base = opts.seed ?? 0;
  let linear: XorResult | null = null, hidden: XorResult | null = null;
  let linearSolved = 0, hiddenSolved = 0;
  for (let k = 0; k < seeds; k++) {
    const rng = new Rng(base + k);
    const l = train(`no hidden layer: σ(w·x + b)  [seed ${base + k}]`, new Linear(2, 1, { rng, dtype: 'float64' }), steps);
    const h = train(`one hidden layer of 2: σ(w₂·tanh(W₁x + b₁) + b₂)  [seed ${base + k}]`, new MLP([2, 2, 1], { rng, activation: 'tanh', dtype: 'float64' }), steps);
    if (l.correct === 4) linearSolved++;
    if (h.correct === 4) hiddenSolved++;
    if (!linear || (l.correct > linear.correct)) linear = l;
    if (!hidden || (h.correct > hidden.correct && hidden.correct < 4)) hidden = h;
  }
  return { linear: linear!, hidden: hidden!, seeds, linearSolved, hiddenSolved };
}

/** Print a truth table. */
export function printXor(summary: XorSummary): void {
  const results = [summary.linear, summary.hidden];
  const rows = ['0 0', '0 1', '1 0', '1 1'];
  const truth = [0, 1, 1, 0];
  for (const r of results) {
    console.log(`\n${r.name}   (final BCE ${r.finalLoss.toFixed(4)}, ${r.correct}/4 correct)`);
    console.log('  x1 x2 | XOR | model σ(out) | predicted');
    r.outputs.forEach((p, i) => console.log(`  ${rows[i]}  |  ${truth[i]}  |    ${p.toFixed(3)}     |     ${p > 0.5 ? 1 : 0}${(p > 0.5 ? 1 : 0) === truth[i] ? '' : '   ✗'}`));
  }
  console.log(`\nsolved XOR (4/4 rows) from ${summary.seeds} random initialisations: no hidden layer ${summary.linearSolved}/${summary.seeds}, one hidden layer of 2 ${summary.hiddenSolved}/${summary.seeds}`);
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('XOR: a linear model cannot represent it, one hidden layer of two units can.');
  printXor(runXor({ steps: arg('--steps', 1500), seed: arg('--seed', 0), seeds: arg('--seeds', 10) }));
}
