/**
 * Spiking networks on rhythms: a recurrent spiking network (RLIF hidden layer → leaky-integrator
 * readout) trained by backpropagation through time with surrogate gradients (Neftci, Mostafa &
 * Zenke, IEEE Signal Processing Magazine 2019; fast sigmoid of SuperSpike, Zenke & Ganguli 2018;
 * arctan of Fang et al. 2021), on erlangen's synthetic rhythm task (src/data/rhythms.ts): five
 * classes of spike trains with the same rate but different inter-spike-interval patterns, with
 * jitter, dropped spikes and noise on 8 input channels.
 *
 * Compared, over several seeds, at the same size:
 * - SNN (fast sigmoid) and SNN (arctan): hidden neurons emit exact 0/1 spikes;
 * - non-spiking twin: the same network and dynamics with the spike Θ(V − θ) replaced by the
 *   sigmoid σ(4(V − θ)) (a leaky recurrent rate network; with slope 1 it barely trained);
 * - input spike counts → linear: a rate code of the inputs, which carries (by construction) no
 *   class information, to show that the task needs timing.
 * Reported: test accuracy (mean ± standard deviation over seeds) and the hidden layer's spikes per
 * neuron per sample (the sum of the sigmoid's outputs for the twin).
 *
 * Run: `npx tsx examples/spiking.ts` (full size: 480 training and 400 test samples, 15 epochs,
 * 3 seeds; minutes), `--quick`, or `--train 480 --test 400 --epochs 15 --seeds 3 --hidden 32 --jitter 1`.
 * `--jitter 0 --train 960 --epochs 30` is the long run of docs/design/spiking.md (≈ 4 min of CPU),
 * where the arctan SNN matches the twin.
 * @module
 */
import { pathToFileURL } from 'node:url';
import {
  Adam, LIF, Linear, Module, RHYTHMS, RLIF, Rng, crossEntropy, membraneReadout, noGrad, rhythms,
} from '../src/index.js';
import type { SurrogateName, Tensor } from '../src/index.js';

/** What a rhythm classifier returns. */
export interface RhythmOutput {
  /** Logits [B, K]. */
  logits: Tensor;
  /** Hidden-layer output over time [T, B, H] (spikes, or the twin's rates). */
  hidden: Tensor;
}

/** Hidden recurrent LIF layer, then a non-spiking leaky integrator per class whose mean membrane over time is the logit. */
export class RhythmSNN extends Module<[Tensor], RhythmOutput> {
  readonly hidden: RLIF;
  readonly readout: LIF;
  constructor(rng: Rng, opts: { inputs: number; hidden: number; classes: number; surrogate?: SurrogateName; spiking?: boolean; beta?: number }) {
    super();
    const act = opts.spiking === false ? { activation: (x: Tensor) => x.mul(4).sigmoid() } : {};
    this.hidden = this.registerModule('hidden', new RLIF(opts.inputs, opts.hidden, { rng, beta: opts.beta ?? 0.85, surrogate: opts.surrogate, ...act }));
    this.readout = this.registerModule('readout', new LIF(opts.hidden, opts.classes, { rng, beta: 0.9, reset: 'none' }));
  }
  /** x [T, B, inputs] → logits [B, classes]. */
  forward(x: Tensor): RhythmOutput {
    const hidden = this.hidden.call(x);
    return { logits: membraneReadout(this.readout.run(hidden).membrane, 'mean'), hidden };
  }
}

/** Options of {@link runSpikingExample}. */
export interface SpikingExampleOptions {
  train?: number;
  test?: number;
  epochs?: number;
  batch?: number;
  lr?: number;
  /** Seeds 0 … seeds − 1 (default 3). */
  seeds?: number;
  /** Hidden neurons (default 32). */
  hidden?: number;
  /** Time steps per sample (default 48). */
  steps?: number;
  /** Timing jitter of the rhythms in steps (default 1, {@link RHYTHMS}.jitter). */
  jitter?: number;
}

/** One model's results over the seeds. */
export interface SpikingResult {
  model: string;
  params: number;
  /** Test accuracy per seed. */
  accuracies: number[];
  /** Hidden spikes per neuron per test sample, per seed (NaN for the count baseline). */
  spikesPerNeuron: number[];
  seconds: number;
}

const mean = (a: readonly number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: readonly number[]): number => { const m = mean(a); return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, a.length - 1)); };

/** Train every model for every seed; returns one row per model. */
export function runSpikingExample(opts: SpikingExampleOptions = {}): SpikingResult[] {
  const nTrain = opts.train ?? 480, nTest = opts.test ?? 400, epochs = opts.epochs ?? 15, batch = opts.batch ?? 32;
  const lr = opts.lr ?? 1e-2, seeds = opts.seeds ?? 3, H = opts.hidden ?? 32, steps = opts.steps ?? 48, jitter = opts.jitter ?? RHYTHMS.jitter;
  const kinds = [
    { model: 'SNN (fast sigmoid)', spiking: true, surrogate: 'fastSigmoid' as const },
    { model: 'SNN (arctan)', spiking: true, surrogate: 'arctan' as const },
    { model: 'non-spiking twin', spiking: false, surrogate: undefined },
    { model: 'input counts → linear', spiking: null, surrogate: undefined },
  ];
  const rows: SpikingResult[] = kinds.map((k) => ({ model: k.model, params: 0, accuracies: [], spikesPerNeuron: [], seconds: 0 }));
  for (let seed = 0; seed < seeds; seed++) {
    const tr = rhythms({ seed, split: 'train', count: nTrain, steps, jitter });
    const te = rhythms({ seed, split: 'test', count: nTest, steps, jitter });
    const C = tr.spikes.shape[2]!, K = 5;
    const trX = tr.spikes.transpose(0, 1), teX = te.spikes.transpose(0, 1); // [T, N, C]
    const trY = Array.from(tr.labels.toFlatArray()), teY = Array.from(te.labels.toFlatArray());
    kinds.forEach((kind, m) => {
      const t0 = performance.now();
      const rng = new Rng(1000 * seed + 17);
      let predict: (x: Tensor) => RhythmOutput;
      let params: readonly Tensor[];
      if (kind.spiking === null) {
        const lin = new Linear(C, K, { rng });
        predict = (x) => ({ logits: lin.call(x.sum([0]).div(steps)), hidden: x });
        params = lin.parameters();
      } else {
        const net = new RhythmSNN(rng, { inputs: C, hidden: H, classes: K, surrogate: kind.surrogate, spiking: kind.spiking });
        predict = (x) => net.call(x);
        params = net.parameters();
      }
      const opt = new Adam(params as never, { lr: kind.spiking === null ? 5e-2 : lr });
      const order = new Rng(seed + 7);
      for (let ep = 0; ep < epochs; ep++) {
        const perm = order.permutation(nTrain);
        for (let s = 0; s < nTrain; s += batch) {
          const idx = Array.from(perm.slice(s, Math.min(nTrain, s + batch)));
          opt.zeroGrad();
          crossEntropy(predict(trX.indexSelect(1, idx)).logits, idx.map((i) => trY[i]!)).backward();
          opt.step();
        }
      }
      let right = 0, activity = 0;
      noGrad(() => {
        const out = predict(teX);
        const l = out.logits.toArray() as number[][];
        l.forEach((row, i) => { if (row.indexOf(Math.max(...row)) === teY[i]) right++; });
        activity = kind.spiking === null ? NaN : out.hidden.sum().item() / (H * nTest);
      });
      const row = rows[m]!;
      row.params = params.reduce((a, p) => a + p.size, 0);
      row.accuracies.push(right / nTest);
      row.spikesPerNeuron.push(activity);
      row.seconds += (performance.now() - t0) / 1000;
    });
  }
  return rows;
}

/** Print the results as a table. */
export function printSpikingResults(rows: readonly SpikingResult[], steps = 48): void {
  const pm = (a: readonly number[], scale = 1, d = 1): string => `${(scale * mean(a)).toFixed(d)} ± ${(scale * std(a)).toFixed(d)}`;
  console.log('model                 | params | test accuracy (%) | hidden spikes / neuron / sample | per seed (%)        | time');
  console.log('----------------------|--------|-------------------|---------------------------------|---------------------|------');
  for (const r of rows) {
    const act = Number.isNaN(r.spikesPerNeuron[0]!) ? '—' : pm(r.spikesPerNeuron, 1, 2);
    console.log(`${r.model.padEnd(21)} | ${String(r.params).padStart(6)} | ${pm(r.accuracies, 100).padStart(17)} | ${act.padStart(31)} | ${r.accuracies.map((a) => (100 * a).toFixed(1)).join(', ').padEnd(19)} | ${r.seconds.toFixed(0)} s`);
  }
  console.log(`${steps} steps per sample; chance 20 %. The twin's "spikes" are the summed sigmoid rates.`);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const steps = Number(arg('--steps') ?? 48);
  printSpikingResults(runSpikingExample({
    train: Number(arg('--train') ?? (quick ? 200 : 480)), test: Number(arg('--test') ?? (quick ? 200 : 400)),
    epochs: Number(arg('--epochs') ?? (quick ? 5 : 15)), seeds: Number(arg('--seeds') ?? (quick ? 1 : 3)),
    hidden: Number(arg('--hidden') ?? 32), lr: Number(arg('--lr') ?? 1e-2), steps, jitter: Number(arg('--jitter') ?? RHYTHMS.jitter),
  }), steps);
}
