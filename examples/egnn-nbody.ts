/**
 * EGNN on the charged-particle N-body task (Satorras, Hoogeboom, Welling, "E(n) Equivariant Graph
 * Neural Networks", ICML 2021, arXiv:2102.09844, §5.1; docs/design/reference-results.md).
 *
 * Five charged particles in 3D; from their positions and velocities at frame 30 predict the
 * positions at frame 40 (1000 integration steps later). The data are generated in code exactly as
 * the paper's `nbody_small` (3000 training, 2000 validation, 2000 test simulations; see
 * src/data/nbody.ts). The model is the paper's `EGNN_vel`: 4 layers, 64 hidden, node input ‖v‖,
 * edge attributes [q_i q_j, ‖x_i − x_j‖²], fully connected graphs; Adam lr 5e-4, weight decay 1e-12,
 * batch 100, MSE on positions; validation and test MSE every `--eval-every` epochs, the test MSE
 * reported is the one at the best validation MSE (as the reference `main_nbody.py` does).
 *
 * The paper trains for up to 10,000 epochs; on a 2-core CPU one epoch takes ≈ 4 s here (wasm SIMD
 * kernels; 11 s with the plain JS kernels), so the default run is a short budget (see the printed
 * epochs and minutes) and the printed test MSE is what that budget reaches, next to the paper's
 * table. In every run the validation MSE bottoms out after 150–250 epochs and then rises while the
 * training MSE keeps falling (0.002 by epoch 440), so longer runs do not help. Test MSE at the best
 * validation MSE, paper protocol (constant lr, `--eval-every 5`; each run stopped once the validation
 * MSE had been rising for 50+ epochs):
 *
 * | data | erlangen | erlangen `--ema 0.999` | PyTorch (scripts/nbody-torch-oracle.py) |
 * |---|---|---|---|
 * | `--seed 43` | 0.0081 (epoch 205) | 0.0077 (235) | |
 * | `--seed 44` / `--seed 45` | 0.0077 (250) / 0.0080 (230) | | |
 * | `--paper-states --seed 43` (the paper's own initial conditions) | 0.0076 (230) | 0.0074 (260) | 0.0073 (215) |
 * | `--paper-states --seed 44` | **0.0071** (0.00707; epoch 225, 285 epochs / 21 min) | | |
 *
 * The paper reports 0.0071 (GNN: 0.0107). `--paper-states` simulates the splits from the paper's
 * own draws (numpy seed 43, replayed by scripts/nbody-paper-states.py, bundled in datasets/nbody):
 * the data draw alone moves the result by ≈ 5 %. On that data the same model trained in plain
 * PyTorch lands where erlangen does, erlangen reaches the paper's 0.0071 with the paper's protocol
 * (`--paper-states --seed 44`; the seed sets initialisation and shuffling), and
 * test/graph/egnn-torch-fixture.test.ts checks that `EGNN.nbody` computes the reference
 * E_GCL_vel's outputs and gradients to 1e-12 — what is left is run-to-run spread (0.0071–0.0076 over
 * two seeds), not a modelling difference. Reproduce the 0.0071 run with
 * `npx tsx examples/egnn-nbody.ts --paper-states --seed 44 --epochs 285 --minutes 60 --eval-every 5`.
 * `--model gnn` trains the paper's non-equivariant GNN baseline instead (seed 43: 0.0145 at epoch
 * 130, then it overfits; paper 0.0107).
 *
 * Run: `npx tsx examples/egnn-nbody.ts` (default budget ≈ 10 min). Flags: `--epochs N`,
 * `--minutes M` (stop after M minutes of training), `--train N`, `--val N`, `--test N`,
 * `--eval-every K`, `--lr X`, `--cosine` (cosine-annealed lr over `--epochs`), `--ema D` (evaluate an
 * exponential moving average of the weights with decay D), `--paper-states` (the paper's initial
 * conditions) or `--states FILE`, `--model egnn|gnn`, `--seed S` (data unless `--paper-states`,
 * initialisation, shuffling), `--quick` (tiny smoke run, seconds), `--json FILE` (write the results).
 * @module
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng, backward, concat, indexSelect, mseLoss, noGrad, segmentSum, slice } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { Linear, Module, SiLU, Sequential } from '../src/nn/index.js';
import type { StateDict } from '../src/nn/index.js';
import { Adam, CosineAnnealingLR, ExponentialMovingAverage } from '../src/optim/index.js';
import { EGNN } from '../src/graph/egnn.js';
import { NBODY, nbodyGraphs, nbodySplits, parseNBodyStates } from '../src/data/nbody.js';
import type { NBodySample, NBodyStateSplits } from '../src/data/nbody.js';

/** The paper's own initial states (numpy seed 43, replayed by scripts/nbody-paper-states.py). */
export const PAPER_STATES_FILE = fileURLToPath(new URL('../datasets/nbody/paper-initial-states.f64', import.meta.url));

/** Load {@link PAPER_STATES_FILE} (or another file in its format). */
export function loadPaperStates(file: string = PAPER_STATES_FILE): NBodyStateSplits {
  return parseNBodyStates(readFileSync(file));
}
import type { GraphsTuple } from '../src/graph/index.js';

/** Test MSE of EGNN paper Table 2 (N-body, 3000 training samples). */
export const PAPER_TABLE: readonly (readonly [string, number])[] = [
  ['Linear', 0.0819],
  ['SE(3) Transformer', 0.0244],
  ['Tensor Field Network', 0.0155],
  ['Graph Neural Network', 0.0107],
  ['Radial Field', 0.0104],
  ['EGNN', 0.0071],
];

/**
 * The paper's non-equivariant baseline "GNN" (the reference `GNN` with `GCL` layers, recurrent):
 * h = Linear(6 → H)([x, v]); per layer m_ij = φ_e([h_i, h_j, q_i q_j]) (Linear·SiLU·Linear·SiLU),
 * h_i ← h_i + φ_h([h_i, Σ_j m_ij]) (Linear·SiLU·Linear); the positions are decoded from h by
 * Linear·SiLU·Linear(H → 3). Used here to calibrate the data and training loop against the
 * paper's GNN row (0.0107).
 */
export class NBodyGNN extends Module<[GraphsTuple], Tensor> {
  readonly layers: number;
  constructor(opts: { rng: Rng; hidden?: number; layers?: number }) {
    super();
    const H = opts.hidden ?? 64, rng = opts.rng;
    this.layers = opts.layers ?? 4;
    this.registerModule('embedding', new Linear(6, H, { rng }));
    for (let l = 0; l < this.layers; l++) {
      this.registerModule(`edge${l}`, new Sequential(new Linear(2 * H + 1, H, { rng }), new SiLU(), new Linear(H, H, { rng }), new SiLU()));
      this.registerModule(`node${l}`, new Sequential(new Linear(2 * H, H, { rng }), new SiLU(), new Linear(H, H, { rng })));
    }
    this.registerModule('decoder', new Sequential(new Linear(H, H, { rng }), new SiLU(), new Linear(H, 3, { rng })));
  }

  forward(g: GraphsTuple): Tensor {
    const recv = g.receivers, send = g.senders, N = g.numNodes;
    const q = slice(g.edges!, [null, [0, 1]]); // q_i q_j
    let h = (this.getModule('embedding') as Linear).call(concat([g.extraTensor('pos'), g.extraTensor('vel')], 1));
    for (let l = 0; l < this.layers; l++) {
      const m = (this.getModule(`edge${l}`) as Sequential).call(concat([indexSelect(h, 0, recv), indexSelect(h, 0, send), q], 1));
      h = h.add((this.getModule(`node${l}`) as Sequential).call(concat([h, segmentSum(m, recv, N)], 1)));
    }
    return (this.getModule('decoder') as Sequential).call(h);
  }
}

/** Options of {@link runNBody}. */
export interface NBodyRunOptions {
  /** Maximum number of epochs (default 20). */
  epochs?: number;
  /** Stop after this many minutes of training (checked after each epoch; default none, 9 from the command line). */
  minutes?: number;
  /** Training simulations (default 3000). */
  train?: number;
  /** Validation simulations (default 2000). */
  val?: number;
  /** Test simulations (default 2000). */
  test?: number;
  /** Batch size (default 100). */
  batch?: number;
  /** Adam learning rate (default 5e-4). */
  lr?: number;
  /**
   * Learning-rate schedule: `'constant'` (the paper's, default) or `'cosine'` (cosine annealing from
   * `lr` to `lr / 100` over `epochs`, stepped once per epoch; settles the noisy plateau of a short
   * CPU budget).
   */
  schedule?: 'constant' | 'cosine';
  /** Weight decay (default 1e-12). */
  weightDecay?: number;
  /**
   * Decay of an exponential moving average of the weights, updated after every step (default none:
   * the paper's protocol). When set, validation and test use the averaged weights.
   */
  ema?: number;
  /** Hidden width (default 64). */
  hidden?: number;
  /** Layers (default 4). */
  layers?: number;
  /** Evaluate validation and test MSE every this many epochs (and after the last; default 2). */
  evalEvery?: number;
  /** Data and initialisation seed (default 43). */
  seed?: number;
  /**
   * Simulate the splits from these initial states (e.g. the paper's own, {@link loadPaperStates})
   * instead of drawing them from `seed` (which then only seeds the initialisation and shuffling).
   */
  states?: NBodyStateSplits;
  /** `'egnn'` (EGNN_vel, default) or `'gnn'` (the paper's non-equivariant GNN baseline, {@link NBodyGNN}). */
  model?: 'egnn' | 'gnn';
  /** Print progress (default false). */
  log?: boolean;
}

/** One evaluation. */
export interface NBodyEval {
  epoch: number;
  minutes: number;
  trainLoss: number;
  val: number;
  test: number;
}

/** Result of {@link runNBody}. */
export interface NBodyRunResult {
  /** The model trained. */
  model: 'egnn' | 'gnn';
  /** Epochs trained. */
  epochs: number;
  /** Wall-clock minutes of the training loop (including evaluations, excluding data generation). */
  minutes: number;
  /** Seconds of data generation. */
  dataSeconds: number;
  /** Mean seconds per training epoch (without evaluation). */
  epochSeconds: number;
  /** Mean training loss of the first and of the last epoch. */
  firstLoss: number;
  lastLoss: number;
  /** The best validation MSE and the test MSE at that point. */
  bestVal: number;
  bestEpoch: number;
  testMSE: number;
  /** Every evaluation. */
  history: NBodyEval[];
  /** Parameters of the best-validation model. */
  best: StateDict | null;
}

function chunks(samples: readonly NBodySample[], size: number): NBodySample[][] {
  const out: NBodySample[][] = [];
  for (let i = 0; i < samples.length; i += size) out.push(samples.slice(i, i + size));
  return out;
}

function predict(model: EGNN | NBodyGNN, g: GraphsTuple): Tensor {
  if (model instanceof NBodyGNN) return model.call(g);
  return model.call(g, g.nodes!, g.extraTensor('pos'), { v: g.extraTensor('vel') }).x;
}

/** Mean squared error of the predicted positions over a set of graphs (one batch each). */
export function evaluate(model: EGNN | NBodyGNN, graphs: readonly GraphsTuple[]): number {
  let se = 0, count = 0;
  noGrad(() => {
    for (const g of graphs) {
      const n = g.numNodes * 3;
      se += mseLoss(predict(model, g), g.extraTensor('target')).item() * n;
      count += n;
    }
  });
  return count ? se / count : NaN;
}

/** Generate the data, train EGNN, and return the validation/test MSE history. */
export function runNBody(opts: NBodyRunOptions = {}): NBodyRunResult {
  const epochs = opts.epochs ?? 20;
  const batch = opts.batch ?? 100;
  const evalEvery = Math.max(1, opts.evalEvery ?? 2);
  const seed = opts.seed ?? 43;
  const log = opts.log ? (s: string) => console.log(s) : () => {};
  const t0 = performance.now();
  const data = nbodySplits({ train: opts.train ?? NBODY.train, val: opts.val ?? NBODY.val, test: opts.test ?? NBODY.test, seed, ...(opts.states ? { states: opts.states } : {}) });
  const dataSeconds = (performance.now() - t0) / 1000;
  log(`data${opts.states ? ' (given initial states)' : ` (seed ${seed})`}: ${data.train.length} train / ${data.val.length} val / ${data.test.length} test simulations in ${dataSeconds.toFixed(1)} s`);
  const valGraphs = chunks(data.val, batch).map((c) => nbodyGraphs(c));
  const testGraphs = chunks(data.test, batch).map((c) => nbodyGraphs(c));

  const rng = new Rng(seed + 1);
  const kind = opts.model ?? 'egnn';
  const model = kind === 'gnn' ? new NBodyGNN({ rng: rng.fork(), hidden: opts.hidden ?? 64, layers: opts.layers ?? 4 }) : EGNN.nbody({ rng: rng.fork(), hidden: opts.hidden ?? 64, layers: opts.layers ?? 4 });
  const opt = new Adam(model.parameters(), { lr: opts.lr ?? 5e-4, weightDecay: opts.weightDecay ?? 1e-12 });
  const lr0 = opts.lr ?? 5e-4;
  const sched = opts.schedule === 'cosine' ? new CosineAnnealingLR(opt, { tMax: epochs, etaMin: lr0 / 100 }) : null;
  const ema = opts.ema !== undefined ? new ExponentialMovingAverage(model.parameters(), { decay: opts.ema, warmup: true }) : null;
  log(`model: ${kind === 'gnn' ? 'GNN (baseline)' : 'EGNN_vel'}, ${model.numParameters()} parameters; Adam lr ${lr0}${sched ? ` (cosine over ${epochs} epochs)` : ''}, batch ${batch}${ema ? `, weight EMA ${ema.decay}` : ''}`);

  const start = performance.now();
  const history: NBodyEval[] = [];
  let bestVal = Infinity, bestEpoch = 0, testMSE = NaN, best: StateDict | null = null;
  let firstLoss = NaN, lastLoss = NaN, trainSeconds = 0, done = 0;
  const order = data.train.map((_, i) => i);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const te = performance.now();
    rng.shuffle(order);
    let se = 0, count = 0;
    for (let b = 0; b < order.length; b += batch) {
      const g = nbodyGraphs(order.slice(b, b + batch).map((i) => data.train[i]!));
      const loss = mseLoss(predict(model, g), g.extraTensor('target'));
      model.zeroGrad();
      backward(loss);
      opt.step();
      ema?.update();
      const n = g.numNodes * 3;
      se += loss.item() * n;
      count += n;
    }
    sched?.step();
    trainSeconds += (performance.now() - te) / 1000;
    done = epoch;
    const trainLoss = se / count;
    if (epoch === 1) firstLoss = trainLoss;
    lastLoss = trainLoss;
    const minutes = (performance.now() - start) / 60000;
    const outOfTime = opts.minutes !== undefined && minutes >= opts.minutes;
    if (epoch % evalEvery === 0 || epoch === epochs || outOfTime) {
      const run = <T>(fn: () => T): T => (ema ? ema.withAverage(fn) : fn());
      const [val, test, state] = run(() => [evaluate(model, valGraphs), evaluate(model, testGraphs), model.stateDict()] as const);
      history.push({ epoch, minutes: (performance.now() - start) / 60000, trainLoss, val, test });
      if (val < bestVal) {
        bestVal = val;
        bestEpoch = epoch;
        testMSE = test;
        best = state;
      }
      log(`epoch ${epoch}: train ${trainLoss.toFixed(5)}  val ${val.toFixed(5)}  test ${test.toFixed(5)}  (best val ${bestVal.toFixed(5)} @ ${bestEpoch}, test ${testMSE.toFixed(5)})  ${((performance.now() - start) / 60000).toFixed(2)} min`);
    } else {
      log(`epoch ${epoch}: train ${trainLoss.toFixed(5)}  ${minutes.toFixed(2)} min`);
    }
    if (outOfTime) break;
  }
  return {
    model: kind,
    epochs: done,
    minutes: (performance.now() - start) / 60000,
    dataSeconds,
    epochSeconds: done ? trainSeconds / done : NaN,
    firstLoss,
    lastLoss,
    bestVal,
    bestEpoch,
    testMSE,
    history,
    best,
  };
}

/** The paper's table with this run's row. */
export function formatTable(r: NBodyRunResult): string {
  const rows = [...PAPER_TABLE.map(([name, mse]) => [`${name} (paper)`, mse.toFixed(4)] as const), [`${r.model === 'gnn' ? 'GNN' : 'EGNN'} (erlangen, ${r.epochs} epochs, ${r.minutes.toFixed(1)} min)`, r.testMSE.toFixed(4)] as const];
  const w = Math.max(...rows.map(([n]) => n.length));
  return ['N-body test MSE', ...rows.map(([n, v]) => `  ${n.padEnd(w)}  ${v}`)].join('\n');
}

function parseArgs(argv: readonly string[]): NBodyRunOptions & { json?: string } {
  const o: NBodyRunOptions & { json?: string } = { log: true, minutes: 9 };
  const num = (i: number): number => {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v)) throw new Error(`${argv[i]} needs a number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--quick': Object.assign(o, { minutes: undefined, epochs: 3, train: 40, val: 20, test: 20, batch: 20, hidden: 16, layers: 2, evalEvery: 1, lr: 2e-3 }); break;
      case '--epochs': o.epochs = num(i++); break;
      case '--minutes': o.minutes = num(i++); break;
      case '--train': o.train = num(i++); break;
      case '--val': o.val = num(i++); break;
      case '--test': o.test = num(i++); break;
      case '--batch': o.batch = num(i++); break;
      case '--lr': o.lr = num(i++); break;
      case '--cosine': o.schedule = 'cosine'; break;
      case '--ema': o.ema = num(i++); break;
      case '--paper-states': o.states = loadPaperStates(); break;
      case '--states': o.states = loadPaperStates(argv[++i]); break;
      case '--model': {
        const m = argv[++i];
        if (m !== 'egnn' && m !== 'gnn') throw new Error(`--model must be egnn or gnn, got ${m}`);
        o.model = m;
        break;
      }
      case '--eval-every': o.evalEvery = num(i++); break;
      case '--seed': o.seed = num(i++); break;
      case '--json': o.json = argv[++i]; break;
      default: throw new Error(`unknown flag ${argv[i]} (use --epochs, --minutes, --train, --val, --test, --batch, --lr, --cosine, --ema, --model, --paper-states, --states FILE, --eval-every, --seed, --quick, --json)`);
    }
  }
  return o;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const o = parseArgs(process.argv.slice(2));
  const r = runNBody(o);
  console.log(`\n${r.epochs} epochs in ${r.minutes.toFixed(1)} min (${r.epochSeconds.toFixed(1)} s per training epoch; data ${r.dataSeconds.toFixed(1)} s); best val ${r.bestVal.toFixed(5)} at epoch ${r.bestEpoch}`);
  console.log(formatTable(r));
  if (o.json) {
    const { best: _b, ...rest } = r;
    void _b;
    const tmp = `${o.json}.tmp-${process.pid}`;
    const { states, ...options } = o;
    writeFileSync(tmp, JSON.stringify({ options: { ...options, states: states ? 'given initial states' : 'drawn from seed' }, ...rest }, null, 2));
    renameSync(tmp, o.json);
  }
}
