/**
 * Time warping: gated RNNs (LSTM, GRU) vs a plain tanh RNN vs a 1-D CNN of similar parameter counts
 * on a sequence classification task whose sequences are resampled with a random monotone time warp
 * of increasing strength.
 *
 * The claim tested: Tallec & Ollivier, "Can recurrent neural networks warp time?" (ICLR 2018,
 * arXiv:1804.11188) derive gating from invariance to time warping — a model h_{t+1} = h_t +
 * α(t)(f(x_t, h_t) − h_t) whose learned, input-dependent rate α is a gate absorbs a warp c(t) of the
 * time axis — and the GDL proto-book (Bronstein, Bruna, Cohen & Veličković 2021, §5.7) lists
 * gated RNNs as the blueprint instance of time-warping invariance. Prediction: as the warp gets
 * stronger, the gated models degrade least.
 *
 * The task (generated in code): a clean sequence of `base` samples (default 18) on u ∈ [0, 1) is
 * three motifs in consecutive thirds — a bump, a dip and a wiggle — in one of the 3! = 6 orders;
 * the class is the order (each motif occurs once in every sequence, so detecting a motif is not
 * enough), plus noise σ = 0.05. A warp of strength s slows time down as in Tallec & Ollivier's
 * experiments: every observed step advances the clean time by 1/(base·d(τ)), with a random smooth
 * dilation d ∈ (1, 1 + s) (a random overall slow-down that also varies along the sequence), so a
 * sequence has between base and base·(1 + s) steps and a motif between 6 and 6·(1 + s). Nothing is
 * squeezed below the clean resolution: the warp removes no information, it only changes the time
 * scale. Sequences are right-padded; the recurrent models get the lengths (packed-sequence
 * semantics: they read the state after each sequence's own last step), the CNN's global max
 * ignores the padded positions. Models are trained and tested on fresh warps of the same strength.
 *
 * Models (each ending in a linear layer to 6 logits, 1.2–1.6 k parameters each, PyTorch's default
 * initialisation): LSTM(1 → 16), GRU(1 → 18) and Elman tanh RNN(1 → 32) reading the final hidden
 * state, and a 1-D CNN (three 5-tap convolutions of 12 channels, the last two with stride 2, ReLU,
 * global max pooling over time; receptive field 17 steps). Adam (lr 1e-2), gradient norm clipped at
 * 1, minibatches of 32.
 *
 * Run: `npx tsx examples/time-warp.ts` (full size: s = 0, 1, 2, 4, 3 seeds, 256 train / 256 test,
 * 20 epochs; about 7.5 minutes on 2 shared cores), `--quick`, or e.g. `--warps 0,2 --seeds 2 --train 128
 * --test 128 --epochs 10 --base 18`.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Adam, Conv1d, GRU, LSTM, Linear, Module, RNN, Rng, clipGradNorm, crossEntropy, fromData, noGrad, slice } from '../src/index.js';
import type { Tensor } from '../src/index.js';

/** The motif orders (classes): the permutations of [bump, dip, wiggle]. */
export const ORDERS: readonly (readonly number[])[] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/** The clean signal of an order at u ∈ [0, 1): motif `order[⌊3u⌋]` at local position w = 3u − ⌊3u⌋. */
export function cleanSignal(order: readonly number[], u: number): number {
  const k = Math.min(2, Math.floor(3 * u)), w = 3 * u - k, env = Math.sin(Math.PI * w) ** 2;
  const m = order[k]!;
  return m === 0 ? env : m === 1 ? -env : env * Math.sin(2 * Math.PI * w);
}

/**
 * A random time warp of strength s for a clean sequence of `base` samples: the clean time
 * φ(t) ∈ (0, 1) read at each observed step t = 0…T−1. The local dilation (observed steps per clean
 * step) is d(τ) = 1 + s·(1 + tanh g(τ))/2 ∈ (1, 1 + s), with g = a₀ + Σ_{j=1..3} a_j sin(2πjτ + p_j)/√1.5
 * (a ~ N(0, 1), p ~ U[0, 2π)): the whole sequence is slowed down by a random amount that also varies
 * along it. T = ⌊base·∫₀¹ d⌋ ∈ [base, base·(1 + s)], and φ(t) = D⁻¹(t + ½) with D(τ) = base·∫₀^τ d.
 * s = 0 gives φ(t) = (t + ½)/base.
 */
export function randomWarp(rng: Rng, strength: number, base: number): Float64Array {
  const a0 = rng.normal(), a = [rng.normal(), rng.normal(), rng.normal()], p = [0, 1, 2].map(() => 2 * Math.PI * rng.uniform());
  const fine = 64 * base; // D on a fine grid (midpoint rule)
  const cum = new Float64Array(fine + 1);
  for (let i = 0; i < fine; i++) {
    const tau = (i + 0.5) / fine;
    let g = a0;
    for (let j = 0; j < 3; j++) g += (a[j]! * Math.sin(2 * Math.PI * (j + 1) * tau + p[j]!)) / Math.sqrt(1.5);
    cum[i + 1] = cum[i]! + (base * (1 + (strength * (1 + Math.tanh(g))) / 2)) / fine;
  }
  const T = Math.max(1, Math.floor(cum[fine]! + 1e-9));
  const out = new Float64Array(T);
  let i = 0;
  for (let t = 0; t < T; t++) {
    const target = t + 0.5;
    while (i < fine - 1 && cum[i + 1]! < target) i++;
    out[t] = (i + (target - cum[i]!) / (cum[i + 1]! - cum[i]!)) / fine;
  }
  return out;
}

/** A data set: x [N, T_max, 1] (float32, zero past each length), lengths and class labels. */
export interface WarpData {
  readonly x: Tensor;
  readonly lengths: Int32Array;
  readonly y: Int32Array;
}

/** The padded length of strength s: base·(1 + s). */
export const maxLength = (base: number, strength: number): number => Math.ceil(base * (1 + strength));

/** `n` sequences of clean length `base` at warp strength `strength`, noise σ = `noise`, classes uniform. */
export function makeWarpData(rng: Rng, n: number, base: number, strength: number, noise = 0.05): WarpData {
  const Tm = maxLength(base, strength);
  const x = new Float32Array(n * Tm), y = new Int32Array(n), lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(ORDERS.length);
    y[i] = c;
    const phi = randomWarp(rng, strength, base);
    lengths[i] = phi.length;
    for (let t = 0; t < phi.length; t++) x[i * Tm + t] = cleanSignal(ORDERS[c]!, phi[t]!) + noise * rng.normal();
  }
  return { x: fromData(x, [n, Tm, 1]), lengths, y };
}

/** A classifier of right-padded sequences [B, T, 1] with their lengths into 6 logits. */
export type SequenceClassifier = Module<[Tensor, Int32Array], Tensor>;

/** A recurrent model reading the hidden state after each sequence's last step. */
class RecurrentClassifier extends Module<[Tensor, Int32Array], Tensor> {
  private readonly rnn: LSTM | GRU | RNN;
  private readonly head: Linear;
  constructor(rnn: LSTM | GRU | RNN, rng: Rng) {
    super();
    this.rnn = this.registerModule('rnn', rnn);
    this.head = this.registerModule('head', new Linear(rnn.hiddenSize, ORDERS.length, { rng }));
  }
  forward(x: Tensor, lengths: Int32Array): Tensor {
    const h = this.rnn.call(x, { lengths }).h; // [1, B, H], each sequence's state at its own end
    return this.head.call(slice(h, [0]));
  }
}

/**
 * Conv1d(1→c, 5) → ReLU → Conv1d(c→c, 5, stride 2) → ReLU → Conv1d(c→c, 5, stride 2) → ReLU → max
 * over the valid time positions (⌈length/4⌉ of the stride-4 output) → Linear.
 */
class Cnn1d extends Module<[Tensor, Int32Array], Tensor> {
  private readonly c1: Conv1d;
  private readonly c2: Conv1d;
  private readonly c3: Conv1d;
  private readonly head: Linear;
  constructor(c: number, rng: Rng) {
    super();
    this.c1 = this.registerModule('c1', new Conv1d(1, c, 5, { rng, padding: 2 }));
    this.c2 = this.registerModule('c2', new Conv1d(c, c, 5, { rng, padding: 2, stride: 2 }));
    this.c3 = this.registerModule('c3', new Conv1d(c, c, 5, { rng, padding: 2, stride: 2 }));
    this.head = this.registerModule('head', new Linear(c, ORDERS.length, { rng }));
  }
  forward(x: Tensor, lengths: Int32Array): Tensor {
    let h = x.permute([0, 2, 1]); // [B, 1, T]
    h = this.c3.call(this.c2.call(this.c1.call(h).relu()).relu()).relu(); // [B, c, To], To = ⌈T/4⌉
    const [B, , To] = h.shape as [number, number, number];
    const pad = new Float32Array(B * To); // −1e4 past each sequence's valid outputs: the max ignores the padding
    for (let b = 0; b < B; b++) for (let t = Math.ceil(lengths[b]! / 4); t < To; t++) pad[b * To + t] = -1e4;
    return this.head.call(h.add(fromData(pad, [B, 1, To])).max(2));
  }
}

/** Model names, in table order. */
export const MODELS = ['LSTM', 'GRU', 'tanh RNN', '1-D CNN'] as const;
/** A model name. */
export type ModelName = (typeof MODELS)[number];

/** Hidden sizes / channels giving about 1.2–1.5 k parameters each (`scale` multiplies them, for tests). */
export function buildModel(name: ModelName, rng: Rng, scale = 1): SequenceClassifier {
  const w = (n: number): number => Math.max(2, Math.round(n * scale));
  switch (name) {
    case 'LSTM': return new RecurrentClassifier(new LSTM(1, w(16), { rng, batchFirst: true }), rng);
    case 'GRU': return new RecurrentClassifier(new GRU(1, w(18), { rng, batchFirst: true }), rng);
    case 'tanh RNN': return new RecurrentClassifier(new RNN(1, w(32), { rng, batchFirst: true }), rng);
    case '1-D CNN': return new Cnn1d(w(12), rng);
  }
}

/** Options of {@link runTimeWarp}. */
export interface TimeWarpOptions {
  /** Warp strengths s (default 0, 1, 2, 4). */
  warps?: number[];
  /** Seeds per (model, strength) (default 3). */
  seeds?: number;
  /** Training sequences (default 256). */
  train?: number;
  /** Test sequences (default 256). */
  test?: number;
  /** Samples of a clean (unwarped) sequence (default 18: six per motif); warped ones have up to base·(1 + s). */
  base?: number;
  /** Epochs of Adam (lr 1e-2, default 20). */
  epochs?: number;
  /** Minibatch size (default 32). */
  batch?: number;
  /** Width multiplier of the models (default 1). */
  scale?: number;
  /** Models to run (default all). */
  models?: readonly ModelName[];
  /** Called after every run (progress). */
  onRun?: (r: WarpRun) => void;
}

/** One training run. */
export interface WarpRun {
  readonly model: ModelName;
  readonly warp: number;
  readonly seed: number;
  readonly params: number;
  readonly trainAcc: number;
  readonly testAcc: number;
}

/** One table cell: a model at a warp strength over the seeds. */
export interface WarpRow {
  readonly model: ModelName;
  readonly warp: number;
  readonly params: number;
  /** Mean test accuracy, its sample standard deviation and range over the seeds. */
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Mean final training accuracy. */
  readonly trainMean: number;
}

function accuracy(model: SequenceClassifier, d: WarpData): number {
  return noGrad(() => {
    const logits = model.call(d.x, d.lengths).toArray() as number[][];
    let ok = 0;
    logits.forEach((row, i) => { if (row.indexOf(Math.max(...row)) === d.y[i]) ok++; });
    return ok / logits.length;
  });
}

/**
 * Train one model on one data set (Adam, gradient norm clipped at 1, the usual practice for
 * recurrent networks, applied to every model alike); returns the final train and test accuracies.
 */
export function trainOne(model: SequenceClassifier, train: WarpData, test: WarpData, rng: Rng, epochs: number, batch: number, lr = 1e-2): { trainAcc: number; testAcc: number } {
  const opt = new Adam(model.parameters(), { lr });
  const n = train.y.length, T = train.x.shape[1]!;
  const xs = train.x.data as Float32Array;
  for (let e = 0; e < epochs; e++) {
    const perm = rng.permutation(n);
    for (let s = 0; s < n; s += batch) {
      const ids = perm.subarray(s, Math.min(n, s + batch)), b = ids.length;
      const xb = new Float32Array(b * T), yb = new Int32Array(b), lb = new Int32Array(b);
      ids.forEach((id, k) => { xb.set(xs.subarray(id * T, (id + 1) * T), k * T); yb[k] = train.y[id]!; lb[k] = train.lengths[id]!; });
      opt.zeroGrad();
      crossEntropy(model.call(fromData(xb, [b, T, 1]), lb), yb).backward();
      clipGradNorm(model.parameters(), 1);
      opt.step();
    }
  }
  return { trainAcc: accuracy(model, train), testAcc: accuracy(model, test) };
}

/** Train every model at every warp strength with several seeds; one row per (model, strength). */
export function runTimeWarp(opts: TimeWarpOptions = {}): WarpRow[] {
  const warps = opts.warps ?? [0, 1, 2, 4], seeds = opts.seeds ?? 3, models = opts.models ?? MODELS;
  const base = opts.base ?? 18, epochs = opts.epochs ?? 20, batch = opts.batch ?? 32;
  const rows: WarpRow[] = [];
  for (const warp of warps) {
    const runs: WarpRun[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      // the same data for every model at this (strength, seed)
      const dataRng = new Rng(1000 * seed + Math.round(100 * warp) + 17);
      const train = makeWarpData(dataRng, opts.train ?? 256, base, warp);
      const test = makeWarpData(dataRng, opts.test ?? 256, base, warp);
      for (const name of models) {
        const rng = new Rng(seed * 7919 + 1);
        const model = buildModel(name, rng, opts.scale ?? 1);
        const r = trainOne(model, train, test, rng, epochs, batch);
        const run: WarpRun = { model: name, warp, seed, params: model.numParameters(), ...r };
        runs.push(run);
        opts.onRun?.(run);
      }
    }
    for (const name of models) {
      const rs = runs.filter((r) => r.model === name), acc = rs.map((r) => r.testAcc);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      const std = acc.length > 1 ? Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / (acc.length - 1)) : 0;
      rows.push({
        model: name, warp, params: rs[0]!.params, mean, std, min: Math.min(...acc), max: Math.max(...acc),
        trainMean: rs.reduce((a, r) => a + r.trainAcc, 0) / rs.length,
      });
    }
  }
  return rows;
}

/** The table: one line per model, one column per warp strength, "mean ± std" test accuracy in %. */
export function formatTimeWarp(rows: readonly WarpRow[]): string {
  const warps = [...new Set(rows.map((r) => r.warp))], models = [...new Set(rows.map((r) => r.model))];
  const lines = [['model', 'params', ...warps.map((w) => `s = ${w}`)].map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(i === 1 ? 7 : 16))).join('')];
  for (const m of models) {
    const cells = warps.map((w) => {
      const r = rows.find((q) => q.model === m && q.warp === w)!;
      return `${(100 * r.mean).toFixed(1)} ± ${(100 * r.std).toFixed(1)}`;
    });
    lines.push([m.padEnd(10), String(rows.find((q) => q.model === m)!.params).padStart(7), ...cells.map((c) => c.padStart(16))].join(''));
  }
  lines.push('cells: test accuracy % (mean ± sample std over seeds); chance is 16.7 %.');
  return lines.join('\n');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const num = (name: string, full: number, q: number): number => Number(arg(name) ?? (quick ? q : full));
  const opts: TimeWarpOptions = {
    warps: (arg('--warps') ?? (quick ? '0,2' : '0,1,2,4')).split(',').map(Number),
    seeds: num('--seeds', 3, 1), train: num('--train', 256, 128), test: num('--test', 256, 128),
    base: num('--base', 18, 18), epochs: num('--epochs', 20, 10), batch: num('--batch', 32, 32),
    onRun: (r) => console.log(`  s=${r.warp} seed ${r.seed} ${r.model.padEnd(9)} train ${(100 * r.trainAcc).toFixed(1)}%  test ${(100 * r.testAcc).toFixed(1)}%`),
  };
  const t0 = performance.now();
  const rows = runTimeWarp(opts);
  console.log(`\ntime-warped motif orders: clean length ${opts.base} (warped: up to ${opts.base}·(1 + s)), ${opts.train} train / ${opts.test} test sequences, ${opts.epochs} epochs, ${opts.seeds} seed(s)`);
  console.log(formatTimeWarp(rows));
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
