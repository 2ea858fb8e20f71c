/**
 * Train-step section (issue 17, item 4): one training step — forward, loss, backward and the
 * optimizer update — of three models, each run eagerly and as a compiled step (`compile`, a static
 * buffer plan), side by side with the same model's step in PyTorch (bench/peers/torch_train_step.py):
 *
 * - `mlp_step`: an MLP, batch 256, input 512, three hidden layers of 512 with ReLU, 10 outputs, MSE, Adam;
 * - `gcn_step`: a two-layer GCN (Kipf & Welling 2017) 32 → 64 → 16 with ReLU between, on a seeded
 *   random graph of 100,000 nodes and 1,000,000 directed edges (plus self-loops), full-graph MSE
 *   against random targets, Adam; the normalisation is cached (PyG's `cached=True`), filled by one
 *   eager forward before tracing, as for transductive training on a fixed graph;
 * - `egnn_step`: the EGNN N-body step (`EGNN.nbody`: 4 layers of 64, velocity variant; Satorras et
 *   al. 2021) on a batch of 100 five-particle simulations (500 nodes, 2,000 edges), MSE on the
 *   predicted positions, Adam lr 5e-4, weight decay 1e-12 — one step of examples/egnn-nbody.ts.
 *
 * The notes give the bytes the engine allocates per step (its allocation counter,
 * load-independent), each compiled step's buffer plan, and compiled vs eager vs PyTorch.
 * @module
 */
import { Linear, Module, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam, type Optimizer } from '../../src/optim/index.js';
import { type Tensor, allocationStats, compile, fromData, mseLoss, relu, resetAllocationStats } from '../../src/tensor/index.js';
import { GCNConv, GraphsTuple } from '../../src/graph/index.js';
import { EGNN } from '../../src/graph/egnn.js';
import { nbodyGraphs, nbodySplits } from '../../src/data/nbody.js';
import { Rng } from '../../src/util/rng.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

/** Timing plans: [warmup, repeats, budget ms] for a full run and for `--quick`. */
const PLAN = { full: [3, 21, 15_000], quick: [2, 5, 1_500] } as const;
/** The GCN step takes seconds: few repeats (`--quick`: one timed call, no warm-up beyond the steps run when the case is built). */
const SLOW_PLAN = { full: [1, 5, 20_000], quick: [0, 1, 0] } as const;

/** Sizes of the MLP step. */
const MLP = { batch: 256, input: 512, hidden: 512, layers: 3, output: 10 };
type MlpSizes = typeof MLP;
/** Sizes of the GCN step. */
const GCN = { nodes: 100_000, edges: 1_000_000, input: 32, hidden: 64, output: 16, lr: 1e-2, seed: 17 };
type GcnSizes = typeof GCN;
/** Sizes of the EGNN N-body step. */
const EGNN_NBODY = { graphs: 100, particles: 5, hidden: 64, layers: 4, lr: 5e-4, seed: 44 };
type EgnnSizes = typeof EGNN_NBODY;

/** Multiply-adds ×2 of one MLP step: forward, and twice that for the backward (input and weight grads). */
function mlpFlops(p: MlpSizes): number {
  const dims = [p.input, ...new Array<number>(p.layers).fill(p.hidden), p.output];
  let f = 0;
  for (let i = 0; i + 1 < dims.length; i++) f += 2 * p.batch * dims[i]! * dims[i + 1]!;
  return 3 * f;
}

/** The models of the section; `label` describes the step, `sizes` travel to the PyTorch peer. */
const MODELS = [
  { model: 'mlp', kind: 'mlp_step', sizes: MLP, plan: PLAN, flops: mlpFlops(MLP), label: `MLP step B${MLP.batch} ${MLP.input}→${MLP.layers}×${MLP.hidden}→${MLP.output} + Adam` },
  { model: 'gcn', kind: 'gcn_step', sizes: GCN, plan: SLOW_PLAN, label: `GCN step ${GCN.nodes / 1000}k nodes ${GCN.edges / 1e6}M edges ${GCN.input}→${GCN.hidden}→${GCN.output} + Adam` },
  { model: 'egnn', kind: 'egnn_step', sizes: EGNN_NBODY, plan: PLAN, label: `EGNN N-body step ${EGNN_NBODY.graphs}×${EGNN_NBODY.particles} nodes, ${EGNN_NBODY.layers}×${EGNN_NBODY.hidden} + Adam` },
] as const;

function trainOps({ quick }: SectionOptions): OpSpec[] {
  return MODELS.flatMap((m) => {
    const [warmup, repeats, budgetMs] = quick ? m.plan.quick : m.plan.full;
    return [false, true].map((compiled) => ({
      id: `${m.model}_step_${compiled ? 'compiled' : 'eager'}`,
      label: `${m.label}, ${compiled ? 'compiled' : 'eager'}`,
      kind: m.kind, params: { ...m.sizes, compiled }, ...('flops' in m ? { flops: m.flops } : {}),
      warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3,
    }));
  });
}

function normals(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** The bench MLP: Linear+ReLU ×layers, then a Linear to the outputs. */
function mlp(p: MlpSizes, rng: Rng): Sequential {
  const net = new Sequential();
  let d = p.input;
  for (let i = 0; i < p.layers; i++) {
    net.append(new Linear(d, p.hidden, { rng })).append(new ReLU());
    d = p.hidden;
  }
  return net.append(new Linear(d, p.output, { rng }));
}

/** The bench GCN: GCNConv → ReLU → GCNConv on a fixed graph, normalisation cached. */
class Gcn extends Module<[Tensor], Tensor> {
  readonly c1: GCNConv;
  readonly c2: GCNConv;
  constructor(p: GcnSizes, rng: Rng, readonly graph: GraphsTuple) {
    super();
    this.c1 = this.registerModule('c1', new GCNConv(p.input, p.hidden, { rng, cached: true }));
    this.c2 = this.registerModule('c2', new GCNConv(p.hidden, p.output, { rng, cached: true }));
  }
  forward(x: Tensor): Tensor {
    return this.c2.call(this.graph, relu(this.c1.call(this.graph, x)));
  }
}

/** A seeded random graph: `edges` directed edges with uniformly drawn endpoints over `nodes` nodes. */
function randomGraph(nodes: number, edges: number, rng: Rng): GraphsTuple {
  const senders = new Int32Array(edges), receivers = new Int32Array(edges);
  for (let e = 0; e < edges; e++) {
    senders[e] = rng.int(nodes);
    receivers[e] = rng.int(nodes);
  }
  return new GraphsTuple({ senders, receivers, numNodes: nodes });
}

/** A model's step: `loss(inputs)` (a scalar tensor), its optimizer, and the step's inputs. */
interface StepModel { loss: (inputs: readonly Tensor[]) => Tensor; opt: Optimizer; inputs: Tensor[] }

function buildModel(op: OpSpec): StepModel {
  const p = op.params;
  if (op.kind === 'mlp_step') {
    const s = p as unknown as MlpSizes, rng = new Rng(2026);
    const net = mlp(s, rng);
    const x = fromData(normals(rng, s.batch * s.input), [s.batch, s.input]);
    const y = fromData(normals(rng, s.batch * s.output), [s.batch, s.output]);
    return { loss: ([xx, yy]) => mseLoss(net.call(xx!), yy!), opt: new Adam(net.parameters(), { lr: 1e-3 }), inputs: [x, y] };
  }
  if (op.kind === 'gcn_step') {
    const s = p as unknown as GcnSizes, rng = new Rng(s.seed);
    const g = randomGraph(s.nodes, s.edges, rng);
    const net = new Gcn(s, rng, g);
    const x = fromData(normals(rng, s.nodes * s.input), [s.nodes, s.input]);
    const y = fromData(normals(rng, s.nodes * s.output), [s.nodes, s.output]);
    net.call(x); // fills both layers' cached normalisation (host code on the graph) before any timing or tracing
    return { loss: ([xx, yy]) => mseLoss(net.call(xx!), yy!), opt: new Adam(net.parameters(), { lr: s.lr }), inputs: [x, y] };
  }
  if (op.kind === 'egnn_step') {
    const s = p as unknown as EgnnSizes;
    const { train } = nbodySplits({ train: s.graphs, val: 1, test: 1, seed: s.seed });
    const g = nbodyGraphs(train);
    const net = EGNN.nbody({ rng: new Rng(s.seed), hidden: s.hidden, layers: s.layers });
    const inputs = [g.nodes!, g.extraTensor('pos'), g.extraTensor('vel'), g.edges!, g.extraTensor('target')];
    return {
      loss: ([h, x, v, ea, y]) => mseLoss(net.call(g, h!, x!, { v: v!, edgeAttr: ea! }).x, y!),
      opt: new Adam(net.parameters(), { lr: s.lr, weightDecay: 1e-12 }), inputs,
    };
  }
  throw new Error(`train_step bench: unknown op kind ${op.kind}`);
}

/** Bytes and arrays the engine allocated per step, measured over a few steps after the first. */
interface AllocFigure { bytes: number; count: number; plan?: string }
const allocPerStep = new Map<string, AllocFigure>();
/** Why a model's compiled step could not be built (then only its eager step is reported). */
const compileFailures = new Map<string, string>();

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;

function erlangenCase(op: OpSpec): Case {
  const { loss, opt, inputs } = buildModel(op);
  let run: () => void;
  let plan: string | undefined;
  if (op.params.compiled) {
    let step: ReturnType<typeof compile>;
    try {
      step = compile((...t: Tensor[]) => {
        const l = loss(t);
        l.backward();
        return l;
      }, { inputs: inputs.map((t) => ({ shape: t.shape })), optimizer: opt });
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
      compileFailures.set(op.id, why);
      throw new Error(`cannot be compiled (eager only): ${why}`);
    }
    run = () => { step.run(...inputs); };
    const s = step.stats;
    plan = `${s.steps} recorded ops → ${s.kernelCalls} kernel calls (${s.fusedOps} ops fused into ${s.fusedKernels} elementwise kernels), ${s.intermediates} intermediates in ${s.buffers} pooled buffers (${mb(s.pooledBytes)}; peak live ${mb(s.peakLiveBytes)}) + ${mb(s.pinnedBytes)} pinned; an unplanned replay allocates ${mb(s.unplannedBytes)}`;
  } else {
    run = () => {
      opt.zeroGrad();
      const l = loss(inputs);
      l.backward();
      opt.step();
    };
  }
  run();
  resetAllocationStats();
  const K = op.kind === 'gcn_step' ? 1 : 3;
  for (let k = 0; k < K; k++) run();
  const a = allocationStats();
  allocPerStep.set(op.id, { bytes: a.bytes / K, count: a.count / K, plan });
  return { run };
}

/** Lines under the table: bytes allocated per step, the buffer plans, and compiled vs eager vs PyTorch. */
function trainNotes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[] {
  const out: string[] = [];
  for (const [id, a] of allocPerStep) {
    out.push(`${id}: ${(a.bytes / 2 ** 20).toFixed(2)} MB in ${a.count} arrays allocated by the engine per step (after the first)`);
    if (a.plan) out.push(`  buffer plan: ${a.plan}`);
  }
  for (const [id, why] of compileFailures) out.push(`${id}: not compiled — ${why}; eager only`);
  for (const m of MODELS) {
    const eId = `${m.model}_step_eager`, cId = `${m.model}_step_compiled`;
    for (const e of erlangenImpls) {
      const em = get(eId, e)?.median_ms, cm = get(cId, e)?.median_ms;
      if (em != null && cm != null) out.push(`${m.model} ${e}: compiled / eager = ${(cm / em).toFixed(2)}× (${cm.toFixed(1)} vs ${em.toFixed(1)} ms)`);
      for (const q of peers.filter((s) => /^torch-\d+t$/.test(s))) {
        const pm = get(eId, q)?.median_ms;
        const best = cm ?? em, which = cm != null ? 'compiled' : 'eager';
        if (best != null && pm != null) out.push(`${m.model} ${e} ${which} / ${q} = ${(best / pm).toFixed(2)}× (${best.toFixed(1)} vs ${pm.toFixed(1)} ms; < 1: erlangen is faster)`);
      }
    }
  }
  return out;
}

/** The train_step section (`npm run bench -- --only train_step`). */
export const trainStepSection: Section = {
  name: 'train_step',
  title: 'Training steps (float32): MLP, GCN on 100k nodes, EGNN N-body — eager vs compiled, + Adam',
  ops: trainOps,
  erlangen: erlangenCase,
  notes: trainNotes,
  torch: { script: 'bench/peers/torch_train_step.py', threads: [1, 2] },
};
