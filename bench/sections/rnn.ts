/**
 * RNN section (issue 16): a one-layer LSTM (and GRU) over a sequence at batch 64, 100 steps, input
 * and hidden 256 (`--quick`: 20 steps), float32, time-major, no initial state — forward + backward (the upstream gradient
 * of the output given; gradients of the parameters, the input needs none) and the forward alone
 * without autograd — side by side with PyTorch's nn.LSTM / nn.GRU (bench/peers/torch_rnn.py).
 * Target (issue 16): LSTM forward + backward within 2× of PyTorch.
 *
 * Extending: a new case is one entry of {@link RNN_CASES} plus a builder under its `kind` in
 * `BUILDERS["rnn"]` of bench/peers/torch_rnn.py.
 * @module
 */
import { GRU, LSTM } from '../../src/nn/index.js';
import { backward, enableGrad, fromData, noGrad } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import type { Case, Measurement, OpSpec, Section, SectionOptions } from '../lib/types.js';

/** Sizes of a case. */
interface RnnParams { seq: number; batch: number; input: number; hidden: number; layers: number; backward: boolean }

/** The cases: [id, kind, backward]. */
const RNN_CASES: readonly [string, 'lstm' | 'gru', boolean][] = [
  ['lstm_fwdbwd', 'lstm', true],
  ['lstm_fwd', 'lstm', false],
  ['gru_fwdbwd', 'gru', true],
];

/** Timing plan: [warmup, repeats, budget ms] for a full run and for `--quick`. */
const PLAN = { full: [1, 7, 15_000], quick: [1, 2, 1_000] } as const;

/** FLOPs of the matmuls of one call: the input and hidden projections (×3 with the backward). */
function flops(p: RnnParams, gates: number): number {
  const fwd = 2 * p.seq * p.batch * gates * p.hidden * (p.input + p.hidden);
  return p.backward ? 3 * fwd : fwd;
}

function rnnOps({ quick }: SectionOptions): OpSpec[] {
  const [warmup, repeats, budgetMs] = quick ? PLAN.quick : PLAN.full;
  const base = { seq: quick ? 20 : 100, batch: 64, input: 256, hidden: 256, layers: 1 };
  return RNN_CASES.map(([id, kind, bwd]) => {
    const params: RnnParams = { ...base, backward: bwd };
    return {
      id, kind, params: { ...params },
      label: `${kind.toUpperCase()} B${base.batch} T${base.seq} I${base.input} H${base.hidden} ${bwd ? 'fwd+bwd' : 'fwd (no grad)'}`,
      flops: flops(params, kind === 'lstm' ? 4 : 3),
      warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3,
    };
  });
}

function normals(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function erlangenCase(op: OpSpec): Case {
  const p = op.params as unknown as RnnParams, rng = new Rng(2026);
  const Cls = op.kind === 'lstm' ? LSTM : GRU;
  const m = new Cls(p.input, p.hidden, { rng, numLayers: p.layers });
  const x = fromData(normals(rng, p.seq * p.batch * p.input), [p.seq, p.batch, p.input]);
  if (!p.backward) return { run: () => { noGrad(() => m.call(x)); } };
  const g = fromData(normals(rng, p.seq * p.batch * p.hidden), [p.seq, p.batch, p.hidden]);
  return { run: () => { m.zeroGrad(); backward(enableGrad(() => m.call(x).output), g); } };
}

/** Lines under the table: the LSTM target (within 2× of PyTorch), met or not, per erlangen implementation and torch thread count. */
function rnnNotes(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of erlangenImpls) {
    for (const id of ['lstm_fwdbwd', 'lstm_fwd', 'gru_fwdbwd']) {
      const em = get(id, e)?.median_ms;
      for (const q of peers.filter((s) => /^torch-\d+t$/.test(s))) {
        const pm = get(id, q)?.median_ms;
        if (em == null || pm == null) continue;
        const r = em / pm;
        const target = id === 'lstm_fwdbwd' ? ` — target ≤ 2× ${r <= 2 ? 'met' : 'NOT met'}` : '';
        out.push(`${id}: ${e} / ${q} = ${r.toFixed(2)}× (${em.toFixed(0)} vs ${pm.toFixed(0)} ms)${target}`);
      }
    }
  }
  return out;
}

/** The rnn section (`npm run bench -- --only rnn`). */
export const rnnSection: Section = {
  name: 'rnn',
  title: 'Recurrent layers: LSTM / GRU over a sequence, B64 T100 I256 H256 (float32)',
  ops: rnnOps,
  erlangen: erlangenCase,
  notes: rnnNotes,
  torch: { script: 'bench/peers/torch_rnn.py', threads: [1, 2] },
};
