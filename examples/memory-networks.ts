/**
 * Memory networks: an end-to-end memory network (Sukhbaatar, Szlam, Weston, Fergus, "End-to-end
 * memory networks", NeurIPS 2015, arXiv:1503.08895) against an LSTM that reads the story and the
 * question word by word, on erlangen's synthetic bAbI-style tasks (src/data/babi.ts):
 * - `single` (bAbI task 1, one supporting fact: "where is mary?"),
 * - `two` (bAbI task 2, two supporting facts: "where is the football?" — who picked it up, and
 *   where that person went).
 *
 * The paper's claims tested (1k training examples, its Table 1): MemN2N solves task 1 (test error
 * 0.0–0.1 % with position encoding and linear start) while the LSTM baseline is near 50 % error;
 * on task 2 one hop is far worse than three, which bring the error down to ≈ 10–20 %, with the
 * LSTM at 80 %.
 *
 * The baseline LSTM is a LOCAL baseline written in this file from tensor ops (erlangen's LSTM
 * module lives elsewhere): embedding → one LSTM layer over the story's words followed by the
 * question's → linear read-out of the last hidden state. Its input projections for all steps are
 * one matmul; sequences are left-padded with the nil word (pre-padding, so the last step is the
 * question's last word).
 *
 * Run: `npx tsx examples/memory-networks.ts` (options: `--train 1000`, `--test 1000`,
 * `--epochs 30`, `--lstm-epochs 10`, `--seeds 3`).
 */
import { pathToFileURL } from 'node:url';
import {
  Rng, Tensor, crossEntropy, noGrad, normal, zeros, matmul, sigmoid, tanh, slice, indexSelect, argmax,
  MemN2N, generateBabi, babiVocab, babiTensors,
} from '../src/index.js';
import type { BabiTask, BabiTensors } from '../src/index.js';
import { Module, uniformInit } from '../src/nn/index.js';
import { Adam, clipGradNorm } from '../src/optim/index.js';

/** LOCAL baseline (this example only): embedding → LSTM (PyTorch gate order i, f, g, o) → linear read-out of the last hidden state. */
export class BaselineLSTM extends Module<[Tensor, Tensor]> {
  readonly hidden: number;
  readonly embed: number;

  constructor(vocab: number, embed: number, hidden: number, rng: Rng) {
    super();
    this.hidden = hidden;
    this.embed = embed;
    const k = 1 / Math.sqrt(hidden);
    this.registerParameter('emb', normal(rng, [vocab, embed], 0, 1));
    this.registerParameter('wIh', uniformInit(zeros([embed, 4 * hidden]), rng, -k, k));
    this.registerParameter('wHh', uniformInit(zeros([hidden, 4 * hidden]), rng, -k, k));
    const b = uniformInit(zeros([4 * hidden]), rng, -k, k);
    for (let j = hidden; j < 2 * hidden; j++) b.data[j] = 1; // forget-gate bias 1
    this.registerParameter('b', b);
    this.registerParameter('wOut', uniformInit(zeros([hidden, vocab]), rng, -k, k));
    this.registerParameter('bOut', zeros([vocab]));
  }

  /** story [N, M, J], question [N, Jq] (int32; nil = 0) → logits [N, V]. */
  forward(story: Tensor, question: Tensor): Tensor {
    const { tokens, T } = wordSequence(story, question);
    const N = story.shape[0]!, H = this.hidden;
    const p = (n: string): Tensor => this.getParameter(n);
    const x = indexSelect(p('emb'), 0, tokens).matmul(p('wIh')).add(p('b')).reshape([N, T, 4 * H]);
    let h = zeros([N, H]), c = zeros([N, H]);
    for (let t = 0; t < T; t++) {
      const g = slice(x, [null, [t, t + 1]]).reshape([N, 4 * H]).add(matmul(h, p('wHh')));
      const sg = sigmoid(g);
      const i = slice(sg, [null, [0, H]]), f = slice(sg, [null, [H, 2 * H]]), o = slice(sg, [null, [3 * H, 4 * H]]);
      c = f.mul(c).add(i.mul(tanh(slice(g, [null, [2 * H, 3 * H]]))));
      h = o.mul(tanh(c));
    }
    return h.matmul(p('wOut')).add(p('bOut'));
  }
}

/** The story's words (nil words dropped) followed by the question's, left-padded with nil to the batch's longest length T; mask [N, T] is 1 on real steps. */
export function wordSequence(story: Tensor, question: Tensor): { tokens: Tensor; mask: Tensor; T: number } {
  const [N, M, J] = story.shape as [number, number, number];
  const Q = question.shape[1]!;
  const sd = story.data as Int32Array, qd = question.data as Int32Array;
  const seqs: number[][] = [];
  for (let n = 0; n < N; n++) {
    const s: number[] = [];
    for (let k = 0; k < M * J; k++) if (sd[n * M * J + k] !== 0) s.push(sd[n * M * J + k]!);
    for (let k = 0; k < Q; k++) if (qd[n * Q + k] !== 0) s.push(qd[n * Q + k]!);
    seqs.push(s);
  }
  const T = Math.max(1, ...seqs.map((s) => s.length));
  const tok = new Int32Array(N * T), mask = new Float32Array(N * T);
  seqs.forEach((s, n) => s.forEach((w, k) => { const t = T - s.length + k; tok[n * T + t] = w; mask[n * T + t] = 1; }));
  return { tokens: new Tensor(tok, [N * T], 'int32'), mask: new Tensor(mask, [N, T], 'float32'), T };
}

/** One row of the result table. */
export interface MemoryResult {
  task: BabiTask;
  model: string;
  /** Per-seed test accuracy. */
  test: number[];
  /** Per-seed train accuracy. */
  train: number[];
  seconds: number;
}

/** Options of {@link runMemoryNetworks}. */
export interface MemoryOptions {
  tasks?: BabiTask[];
  train?: number;
  test?: number;
  /** Epochs of MemN2N training (the first quarter with linear start). */
  epochs?: number;
  lstmEpochs?: number;
  seeds?: number;
  embeddingDim?: number;
  lstmHidden?: number;
  /** Which models (default all: 'MemN2N 1 hop', 'MemN2N 3 hops', 'LSTM'). */
  models?: string[];
  batch?: number;
  /** Adam learning rate of MemN2N (default 0.02; the LSTM uses 0.01). */
  lr?: number;
}

type Batchable = Module<[Tensor, Tensor]>;

function subset(t: BabiTensors, ids: Int32Array): BabiTensors {
  const i = new Tensor(ids, [ids.length], 'int32');
  return { stories: indexSelect(t.stories, 0, i), questions: indexSelect(t.questions, 0, i), answers: indexSelect(t.answers, 0, i) };
}

function accuracy(net: Batchable, d: BabiTensors): number {
  return noGrad(() => {
    const pred = argmax(net.call(d.stories, d.questions), 1).data as Int32Array;
    const a = d.answers.data as Int32Array;
    let ok = 0;
    for (let i = 0; i < a.length; i++) if (pred[i] === a[i]) ok++;
    return ok / Math.max(1, a.length);
  });
}

function train(net: Batchable, d: BabiTensors, epochs: number, batch: number, lr: number, rng: Rng, onEpoch?: (e: number) => void): void {
  const opt = new Adam(net.parameters(), { lr });
  const N = d.answers.shape[0]!;
  for (let e = 0; e < epochs; e++) {
    onEpoch?.(e);
    const perm = rng.permutation(N);
    for (let s = 0; s < N; s += batch) {
      const b = subset(d, perm.subarray(s, Math.min(N, s + batch)));
      opt.zeroGrad();
      crossEntropy(net.call(b.stories, b.questions), b.answers).backward();
      clipGradNorm(net.parameters(), 40);
      opt.step();
    }
  }
}

/** Train and test MemN2N (1 and 3 hops, adjacent tying, position + temporal encoding, linear start) and the LSTM on each task, for several seeds. */
export function runMemoryNetworks(opts: MemoryOptions = {}): MemoryResult[] {
  const tasks = opts.tasks ?? ['single', 'two'];
  const seeds = opts.seeds ?? 3;
  const epochs = opts.epochs ?? 30, lstmEpochs = opts.lstmEpochs ?? 10, batch = opts.batch ?? 32;
  const models = opts.models ?? ['MemN2N 1 hop', 'MemN2N 3 hops', 'LSTM'];
  const vocab = babiVocab();
  const results: MemoryResult[] = [];
  for (const task of tasks) {
    const maxS = task === 'single' ? 10 : 16;
    for (const model of models) results.push({ task, model, test: [], train: [], seconds: 0 });
    for (let s = 0; s < seeds; s++) {
      const rng = new Rng(100 + s);
      const enc = (count: number): BabiTensors =>
        babiTensors(generateBabi({ task, count, rng }), vocab, { memorySize: maxS, sentenceLength: 5, questionLength: 4 });
      const tr = enc(opts.train ?? 1000), te = enc(opts.test ?? 1000);
      for (const model of models) {
        const t0 = Date.now();
        let net: Batchable;
        if (model.startsWith('MemN2N')) {
          const hops = Number(/(\d+) hop/.exec(model)?.[1] ?? 3);
          const m = new MemN2N({ vocabSize: vocab.size, embeddingDim: opts.embeddingDim ?? 20, memorySize: maxS, hops, linearStart: true, rng });
          train(m, tr, epochs, batch, opts.lr ?? 0.02, rng, (e) => { if (e === Math.floor(epochs / 4)) m.linearStart = false; });
          net = m;
        } else {
          net = new BaselineLSTM(vocab.size, 32, opts.lstmHidden ?? 64, rng);
          train(net, tr, lstmEpochs, Math.max(batch, 100), 0.01, rng);
        }
        const r = results.find((q) => q.task === task && q.model === model)!;
        r.train.push(accuracy(net, tr));
        r.test.push(accuracy(net, te));
        r.seconds += (Date.now() - t0) / 1000;
      }
    }
  }
  return results;
}

/** Mean and half-range of per-seed values. */
function ms(v: number[]): string {
  const m = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const h = v.length ? (Math.max(...v) - Math.min(...v)) / 2 : 0;
  return `${(100 * m).toFixed(1)} ± ${(100 * h).toFixed(1)}`;
}

/** Print the result table (test error %, mean ± half-range over seeds). */
export function printMemory(results: MemoryResult[]): void {
  const paper: Record<string, Record<string, string>> = {
    single: { 'MemN2N 1 hop': '≈ 0–1', 'MemN2N 3 hops': '≈ 0', LSTM: '50.0' },
    two: { 'MemN2N 1 hop': '≫ 3 hops', 'MemN2N 3 hops': '≈ 10–20', LSTM: '80.0' },
  };
  console.log(['task', 'model', 'test error %', 'train error %', 'paper error %', 'seconds'].map((h) => h.padEnd(16)).join(''));
  for (const r of results) {
    const err = (v: number[]): number[] => v.map((a) => 1 - a);
    console.log([r.task, r.model, ms(err(r.test)), ms(err(r.train)), paper[r.task]?.[r.model] ?? '', r.seconds.toFixed(0)].map((c) => c.padEnd(16)).join(''));
  }
  console.log(`mean ± half-range over ${results[0]?.test.length ?? 0} seeds (each seed a new sample of stories and a new initialisation).`);
  console.log('paper: Sukhbaatar et al. 2015, Table 1 (real bAbI, 1k training examples; MemN2N with position encoding and linear start).');
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printMemory(runMemoryNetworks({
    train: arg('--train', 1000), test: arg('--test', 1000), epochs: arg('--epochs', 30), lstmEpochs: arg('--lstm-epochs', 10), seeds: arg('--seeds', 3),
  }));
}
