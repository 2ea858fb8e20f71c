/**
 * Graph section (issue 5, item 7): message-passing aggregation on a random graph (N = 100k nodes,
 * E = 1M edges, F = 64, float32; `--quick`: N = 10k, E = 100k) and one EGNN N-body training epoch,
 * side by side with PyTorch (bench/peers/torch_graph.py, torch_egnn.py) and TF.js.
 *
 * Ops (erlangen):
 * - `agg_sum_fwd`     gatherSegmentSum(x, senders, receivers, N) (the fused gather + segment sum)
 * - `agg_wsum_fwd`    the same with the messages multiplied by per-edge weights [E, 1]
 *                     (gatherSegmentWeightedSum, the fused SpMM)
 * - `agg_sum_bwd`     the backward of agg_sum_fwd w.r.t. x, **backward only**: the forward graph
 *                     is built once when the op is built; each timed call clears x.grad and runs
 *                     out.backward(g) again (erlangen keeps the graph; torch: retain_graph=True)
 * - `segment_softmax` segmentSoftmax over edge scores [E, 1] by receivers
 * - `egnn_epoch`      one training epoch of EGNN.nbody (4 layers, 64 hidden, batch 100, Adam lr 5e-4)
 *                     over 3000 simulations (30 steps; `--quick`: 300 → 3 steps), the loop of
 *                     examples/egnn-nbody.ts (batch graph building included; data generated once)
 *
 * TF.js (no EGNN epoch): `tf.unsortedSegmentSum` is not run — tfjs-backend-wasm has no kernel for
 * it, and tfjs-backend-cpu computes it as one masked full sum per segment (O(N·E·F), hours at
 * this size). Both backends therefore use `tf.sparse.sparseSegmentSum(x, senders, receivers)` with the
 * edges pre-sorted by receiver (a fused gather + segment sum, the CSR form; the sort is done once,
 * outside the timed call, as torch's CSR matrix is), for the weighted sum gather · weights then
 * `sparseSegmentSum` of the rows in that order (`tf.scatterND` was ≈ 100× slower), the transposed `sparseSegmentSum` (edges sorted by sender) as
 * the backward (TF.js defines no gradient for sparseSegmentSum), and, for the segment softmax,
 * exp / gather(sparseSegmentSum(exp)) without the max shift (TF.js has no segment max).
 * @module
 */
import {
  backward, enableGrad, fromData, gatherSegmentSum, gatherSegmentWeightedSum, mseLoss, noGrad, segmentSoftmax, type Tensor,
} from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import { Adam } from '../../src/optim/index.js';
import { EGNN } from '../../src/graph/egnn.js';
import { generateNBody, nbodyGraphs, type NBodySample } from '../../src/data/nbody.js';
import type { GraphsTuple } from '../../src/graph/index.js';
import type { TfModule } from '../peers/tfjs.js';
import type { Case, OpSpec, Section, SectionOptions } from '../lib/types.js';

type TfTensor = ReturnType<TfModule['tensor']>;

/** Timing plan: [warmup, repeats, budget ms] for a full run and for `--quick`. */
interface Plan { full: [number, number, number]; quick: [number, number, number] }
const AGG: Plan = { full: [1, 7, 10_000], quick: [1, 3, 1_000] };
const EPOCH: Plan = { full: [1, 3, 60_000], quick: [1, 2, 2_000] };

function spec(o: Omit<OpSpec, 'warmup' | 'repeats' | 'budgetMs' | 'minRepeats'>, plan: Plan, quick: boolean, minRepeats = 3): OpSpec {
  const [warmup, repeats, budgetMs] = quick ? plan.quick : plan.full;
  return { ...o, warmup, repeats, budgetMs, minRepeats: quick ? 1 : minRepeats };
}

interface GraphParams { n: number; e: number; f: number; weighted?: boolean; backward?: boolean; heads?: number }

function graphOps({ quick }: SectionOptions): OpSpec[] {
  const n = quick ? 10_000 : 100_000, e = quick ? 100_000 : 1_000_000, f = 64;
  const size = `N=${n / 1000}k E=${e >= 1e6 ? `${e / 1e6}M` : `${e / 1000}k`} F=${f}`;
  // bytes: the E×F gathered messages read + written, the N×F output; a rough memory-traffic figure
  const bytes = 4 * (2 * e * f + n * f);
  const train = quick ? 300 : 3000, batch = 100;
  return [
    spec({ id: 'agg_sum_fwd', label: `aggregate Σ x[send] → recv, ${size}`, kind: 'agg', params: { n, e, f }, bytes }, AGG, quick),
    spec({ id: 'agg_wsum_fwd', label: `aggregate Σ w·x[send] → recv, ${size}`, kind: 'agg', params: { n, e, f, weighted: true }, bytes }, AGG, quick),
    spec({ id: 'agg_sum_bwd', label: `backward of Σ x[send] w.r.t. x (backward only), ${size}`, kind: 'agg', params: { n, e, f, backward: true }, bytes }, AGG, quick),
    spec({ id: 'segment_softmax', label: `segment softmax of [E,1] scores by recv, ${size.replace(/ F=\d+$/, '')}`, kind: 'segment_softmax', params: { n, e, f, heads: 1 } }, AGG, quick),
    spec({
      id: 'egnn_epoch', label: `EGNN N-body epoch: ${train} sims, batch ${batch}, 4×64, Adam 5e-4`, kind: 'egnn_epoch',
      params: { train, batch, hidden: 64, layers: 4, lr: 5e-4, seed: 44 },
    }, EPOCH, quick, 2),
  ];
}

// ------------------------------------------------------------------ data (shared by erlangen and TF.js)

interface GraphData { n: number; e: number; f: number; senders: Int32Array; receivers: Int32Array; x: Float32Array; w: Float32Array; g: Float32Array; scores: Float32Array }

let cached: GraphData | null = null;

/** The random graph of the aggregation ops (seeded; built once per size). */
function graphData(p: GraphParams): GraphData {
  if (cached && cached.n === p.n && cached.e === p.e && cached.f === p.f) return cached;
  cached = null;
  const rng = new Rng(2024);
  const senders = new Int32Array(p.e), receivers = new Int32Array(p.e);
  for (let i = 0; i < p.e; i++) { senders[i] = rng.int(p.n); receivers[i] = rng.int(p.n); }
  const x = rng.fillNormal(new Float32Array(p.n * p.f)) as Float32Array;
  const w = rng.fillNormal(new Float32Array(p.e)) as Float32Array;
  const g = rng.fillNormal(new Float32Array(p.n * p.f)) as Float32Array;
  const scores = rng.fillNormal(new Float32Array(p.e)) as Float32Array;
  cached = { n: p.n, e: p.e, f: p.f, senders, receivers, x, w, g, scores };
  return cached;
}

/** The edge order sorted by `key` (stable counting sort): perm[k] = edge at position k. */
function sortedBy(key: Int32Array, n: number): Int32Array {
  const start = new Int32Array(n + 1);
  for (const k of key) start[k + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const perm = new Int32Array(key.length);
  for (let e = 0; e < key.length; e++) perm[start[key[e]!]!++] = e;
  return perm;
}

const permute = (a: Int32Array | Float32Array, perm: Int32Array): typeof a => {
  const out = a instanceof Int32Array ? new Int32Array(perm.length) : new Float32Array(perm.length);
  for (let k = 0; k < perm.length; k++) out[k] = a[perm[k]!]!;
  return out;
};

// ------------------------------------------------------------------ erlangen

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function egnnCase(p: { train: number; batch: number; hidden: number; layers: number; lr: number; seed: number }): Case {
  const samples: NBodySample[] = generateNBody({ numSims: p.train, seed: p.seed });
  const rng = new Rng(p.seed + 1);
  const model = EGNN.nbody({ rng: rng.fork(), hidden: p.hidden, layers: p.layers });
  const opt = new Adam(model.parameters(), { lr: p.lr, weightDecay: 1e-12 });
  const order = samples.map((_, i) => i);
  const predict = (g: GraphsTuple): Tensor => model.call(g, g.nodes!, g.extraTensor('pos'), { v: g.extraTensor('vel') }).x;
  return {
    run() {
      enableGrad(() => {
        rng.shuffle(order);
        let se = 0;
        for (const idx of chunks(order, p.batch)) {
          const g = nbodyGraphs(idx.map((i) => samples[i]!));
          const loss = mseLoss(predict(g), g.extraTensor('target'));
          model.zeroGrad();
          backward(loss);
          opt.step();
          se += loss.item();
        }
        if (!Number.isFinite(se)) throw new Error('egnn_epoch: the training loss is not finite');
      });
    },
  };
}

function erlangenCase(op: OpSpec): Case {
  if (op.kind === 'egnn_epoch') return egnnCase(op.params as unknown as Parameters<typeof egnnCase>[0]);
  const p = op.params as unknown as GraphParams;
  const d = graphData(p);
  const send = fromData(d.senders, [d.e]), recv = fromData(d.receivers, [d.e]);
  if (op.kind === 'segment_softmax') {
    const s = fromData(d.scores, [d.e, 1]);
    return { run: () => { noGrad(() => segmentSoftmax(s, recv, d.n)); } };
  }
  if (op.kind !== 'agg') throw new Error(`graph bench: unknown op kind ${op.kind}`);
  if (p.backward) {
    const x = fromData(d.x, [d.n, d.f], { requiresGrad: true });
    const g = fromData(d.g, [d.n, d.f]);
    const out = enableGrad(() => gatherSegmentSum(x, send, recv, d.n));
    return { run: () => { x.grad = null; backward(out, g); } };
  }
  const x = fromData(d.x, [d.n, d.f]);
  if (p.weighted) {
    const w = fromData(d.w, [d.e, 1]);
    return { run: () => { noGrad(() => gatherSegmentWeightedSum(x, w, send, recv, d.n)); } };
  }
  return { run: () => { noGrad(() => gatherSegmentSum(x, send, recv, d.n)); } };
}

// ------------------------------------------------------------------ TF.js

function tfjsCase(tf: TfModule, op: OpSpec): Case | null {
  if (op.kind !== 'agg' && op.kind !== 'segment_softmax') return null; // no EGNN epoch for TF.js
  const p = op.params as unknown as GraphParams;
  const d = graphData(p);
  const inputs: TfTensor[] = [];
  const keep = <T extends TfTensor>(t: T): T => { inputs.push(t); return t; };
  let f: () => TfTensor;
  if (op.kind === 'segment_softmax') {
    const byRecv = sortedBy(d.receivers, d.n);
    const s = keep(tf.tensor2d(d.scores, [d.e, 1]));
    const perm = keep(tf.tensor1d(byRecv, 'int32'));
    const segIds = keep(tf.tensor1d(permute(d.receivers, byRecv), 'int32'));
    const recv = keep(tf.tensor1d(d.receivers, 'int32'));
    f = () => {
      const ex = tf.exp(s);
      return tf.div(ex, tf.gather(tf.sparse.sparseSegmentSum(ex, perm, segIds), recv));
    };
  } else if (p.backward) {
    // grad_x[j] = Σ_{e: send[e]=j} g[recv[e]]: the aggregation transposed (edges sorted by sender)
    const bySend = sortedBy(d.senders, d.n);
    const g = keep(tf.tensor2d(d.g, [d.n, d.f]));
    const idx = keep(tf.tensor1d(permute(d.receivers, bySend), 'int32'));
    const segIds = keep(tf.tensor1d(permute(d.senders, bySend), 'int32'));
    f = () => tf.sparse.sparseSegmentSum(g, idx, segIds);
  } else if (p.weighted) {
    // edges in receiver-sorted (CSR) order: gather, weight, then a segment sum of the sorted rows
    const byRecv = sortedBy(d.receivers, d.n);
    const x = keep(tf.tensor2d(d.x, [d.n, d.f]));
    const w = keep(tf.tensor2d(permute(d.w, byRecv), [d.e, 1]));
    const send = keep(tf.tensor1d(permute(d.senders, byRecv), 'int32'));
    const iota = keep(tf.range(0, d.e, 1, 'int32'));
    const segIds = keep(tf.tensor1d(permute(d.receivers, byRecv), 'int32'));
    f = () => tf.sparse.sparseSegmentSum(tf.mul(tf.gather(x, send), w), iota, segIds);
  } else {
    const byRecv = sortedBy(d.receivers, d.n);
    const x = keep(tf.tensor2d(d.x, [d.n, d.f]));
    const idx = keep(tf.tensor1d(permute(d.senders, byRecv), 'int32'));
    const segIds = keep(tf.tensor1d(permute(d.receivers, byRecv), 'int32'));
    f = () => tf.sparse.sparseSegmentSum(x, idx, segIds);
  }
  return {
    run: () => {
      const y = tf.tidy(f);
      y.dataSync();
      y.dispose();
    },
    dispose: () => { for (const t of inputs) t.dispose(); },
  };
}

/** The graph section (`npm run bench -- --only graph`). */
export const graphSection: Section = {
  name: 'graph',
  title: 'Graph aggregation and EGNN training (float32)',
  ops: graphOps,
  erlangen: erlangenCase,
  tfjs: tfjsCase,
  torch: { script: 'bench/peers/torch_graph.py', threads: [1, 2] },
};
