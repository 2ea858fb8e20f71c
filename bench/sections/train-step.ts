/**
 * Train-step section (issue 17, item 4): one training step of an MLP (batch 256, input 512, three
 * hidden layers of 512 with ReLU, 10 outputs, MSE loss, Adam) — forward, backward and the optimizer
 * update — run eagerly and as a compiled step (`compile`, a static buffer plan), side by side with
 * the same model's step in PyTorch (bench/peers/torch_train_step.py). The notes give the bytes
 * the engine allocates per step (its allocation counter, load-independent) and the buffer plan.
 * @module
 */
import { Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { type Tensor, allocationStats, compile, fromData, mseLoss, resetAllocationStats } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

/** Sizes of the MLP step. */
interface MlpParams { batch: number; input: number; hidden: number; layers: number; output: number; compiled: boolean }

/** Timing plan: [warmup, repeats, budget ms] for a full run and for `--quick`. */
const PLAN = { full: [3, 21, 15_000], quick: [2, 5, 1_500] } as const;

const MLP: Omit<MlpParams, 'compiled'> = { batch: 256, input: 512, hidden: 512, layers: 3, output: 10 };

/** Multiply-adds ×2 of one step: forward, and twice that for the backward (input and weight grads). */
function flops(p: Omit<MlpParams, 'compiled'>): number {
  const dims = [p.input, ...new Array<number>(p.layers).fill(p.hidden), p.output];
  let f = 0;
  for (let i = 0; i + 1 < dims.length; i++) f += 2 * p.batch * dims[i]! * dims[i + 1]!;
  return 3 * f;
}

function trainOps({ quick }: SectionOptions): OpSpec[] {
  const [warmup, repeats, budgetMs] = quick ? PLAN.quick : PLAN.full;
  return [false, true].map((compiled) => ({
    id: compiled ? 'mlp_step_compiled' : 'mlp_step_eager',
    label: `MLP step B${MLP.batch} ${MLP.input}→${MLP.layers}×${MLP.hidden}→${MLP.output} + Adam, ${compiled ? 'compiled' : 'eager'}`,
    kind: 'mlp_step', params: { ...MLP, compiled }, flops: flops(MLP),
    warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3,
  }));
}

function normals(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** The bench MLP: Linear+ReLU ×layers, then a Linear to the outputs. */
function mlp(p: Omit<MlpParams, 'compiled'>, rng: Rng): Sequential {
  const net = new Sequential();
  let d = p.input;
  for (let i = 0; i < p.layers; i++) {
    net.append(new Linear(d, p.hidden, { rng })).append(new ReLU());
    d = p.hidden;
  }
  return net.append(new Linear(d, p.output, { rng }));
}

/** Bytes and arrays the engine allocated per step, measured over a few steps after the first. */
interface AllocFigure { bytes: number; count: number; plan?: string }
const allocPerStep = new Map<string, AllocFigure>();

function erlangenCase(op: OpSpec): Case {
  const p = op.params as unknown as MlpParams, rng = new Rng(2026);
  const net = mlp(p, rng);
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const x = fromData(normals(rng, p.batch * p.input), [p.batch, p.input]);
  const y = fromData(normals(rng, p.batch * p.output), [p.batch, p.output]);
  let run: () => void;
  let plan: string | undefined;
  if (p.compiled) {
    const step = compile((xx: Tensor, yy: Tensor) => {
      const l = mseLoss(net.call(xx), yy);
      l.backward();
      return l;
    }, { inputs: [{ shape: x.shape }, { shape: y.shape }], optimizer: opt });
    run = () => { step.run(x, y); };
    const s = step.stats;
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
    plan = `${s.steps} kernel calls, ${s.intermediates} intermediates in ${s.buffers} pooled buffers (${mb(s.pooledBytes)}; peak live ${mb(s.peakLiveBytes)}) + ${mb(s.pinnedBytes)} pinned; an unplanned replay allocates ${mb(s.unplannedBytes)}`;
  } else {
    run = () => {
      opt.zeroGrad();
      const l = mseLoss(net.call(x), y);
      l.backward();
      opt.step();
    };
  }
  run();
  resetAllocationStats();
  const K = 3;
  for (let k = 0; k < K; k++) run();
  const a = allocationStats();
  allocPerStep.set(op.id, { bytes: a.bytes / K, count: a.count / K, plan });
  return { run };
}

/** Lines under the table: bytes allocated per step, the buffer plan, and compiled vs eager vs PyTorch. */
function trainNotes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[] {
  const out: string[] = [];
  for (const [id, a] of allocPerStep) {
    out.push(`${id}: ${(a.bytes / 2 ** 20).toFixed(2)} MB in ${a.count} arrays allocated by the engine per step (after the first)`);
    if (a.plan) out.push(`  buffer plan: ${a.plan}`);
  }
  for (const e of erlangenImpls) {
    const em = get('mlp_step_eager', e)?.median_ms, cm = get('mlp_step_compiled', e)?.median_ms;
    if (em != null && cm != null) out.push(`${e}: compiled / eager = ${(cm / em).toFixed(2)}× (${cm.toFixed(1)} vs ${em.toFixed(1)} ms)`);
    for (const q of peers.filter((s) => /^torch-\d+t$/.test(s))) {
      const pm = get('mlp_step_eager', q)?.median_ms;
      if (cm != null && pm != null) out.push(`${e} compiled / ${q} = ${(cm / pm).toFixed(2)}× (${cm.toFixed(1)} vs ${pm.toFixed(1)} ms)`);
    }
  }
  return out;
}

/** The train_step section (`npm run bench -- --only train_step`). */
export const trainStepSection: Section = {
  name: 'train_step',
  title: 'Training steps: MLP B256 512→3×512→10, MSE + Adam, eager vs compiled (float32)',
  ops: trainOps,
  erlangen: erlangenCase,
  notes: trainNotes,
  torch: { script: 'bench/peers/torch_train_step.py', threads: [1, 2] },
};
