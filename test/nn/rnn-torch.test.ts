/**
 * Recurrent layers against PyTorch (test/fixtures/generate_rnn_fixtures.py → torch/rnn.json): the
 * torch modules' state_dicts load by name into RNN/LSTM/GRU and the cells, and the outputs, final
 * states and the gradients of every input, initial state and parameter match in float64 (≤ 1e-10)
 * and float32 (≤ 1e-5), including 2-layer bidirectional and packed variable-length cases; the
 * no-grad path (one input projection over all steps) gives the same outputs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../src/nn/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import { fromData, noGrad, type Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';

interface Arr { shape: number[]; data: number[] }
interface Case {
  name: string;
  module: 'RNNCell' | 'LSTMCell' | 'GRUCell' | 'RNN' | 'LSTM' | 'GRU';
  attrs: { input_size: number; hidden_size: number; num_layers?: number; bias?: boolean; batch_first?: boolean; bidirectional?: boolean; nonlinearity?: 'tanh' | 'relu' };
  params: Record<string, Arr>;
  inputs: Record<string, Arr>;
  lengths: number[] | null;
  outputs: Record<string, Arr>;
  grads: Record<string, Arr>;
}
const doc = JSON.parse(readFileSync(new URL('../fixtures/torch/rnn.json', import.meta.url), 'utf8')) as { torch_version: string; cases: Case[] };

type DT = 'float32' | 'float64';
const TOL: Record<DT, number> = { float64: 1e-10, float32: 1e-5 };
const measured: string[] = [];
afterAll(() => console.info(`rnn vs torch ${doc.torch_version} (max relative error):\n  ${measured.join('\n  ')}`));

/** max |a − b| / max(1, max |b|). */
function err(got: ArrayLike<number>, want: Arr): number {
  expect(got.length).toBe(want.data.length);
  let d = 0, s = 1;
  for (let i = 0; i < got.length; i++) {
    d = Math.max(d, Math.abs(got[i]! - want.data[i]!));
    s = Math.max(s, Math.abs(want.data[i]!));
  }
  return d / s;
}

function build(c: Case, dtype: DT): AnyModule {
  const a = c.attrs, rng = new Rng(1);
  const seq = { rng, dtype, numLayers: a.num_layers, bias: a.bias, batchFirst: a.batch_first, bidirectional: a.bidirectional };
  switch (c.module) {
    case 'RNNCell': return new RNNCell(a.input_size, a.hidden_size, { rng, dtype, bias: a.bias, nonlinearity: a.nonlinearity });
    case 'LSTMCell': return new LSTMCell(a.input_size, a.hidden_size, { rng, dtype, bias: a.bias });
    case 'GRUCell': return new GRUCell(a.input_size, a.hidden_size, { rng, dtype, bias: a.bias });
    case 'RNN': return new RNN(a.input_size, a.hidden_size, { ...seq, nonlinearity: a.nonlinearity });
    case 'LSTM': return new LSTM(a.input_size, a.hidden_size, seq);
    case 'GRU': return new GRU(a.input_size, a.hidden_size, seq);
  }
}

const tensorOf = (a: Arr, dtype: DT, requiresGrad = false): Tensor =>
  fromData(dtype === 'float64' ? Float64Array.from(a.data) : Float32Array.from(a.data), a.shape, { requiresGrad });

/** Run the case: returns the module, the leaf inputs and the outputs { output, h, c? }. */
function run(c: Case, dtype: DT, useMask = false): { m: AnyModule; leaves: Record<string, Tensor>; out: Record<string, Tensor> } {
  const m = build(c, dtype);
  m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]))); // strict: torch's names
  const leaves: Record<string, Tensor> = {};
  for (const k of ['input', 'h0', 'c0']) if (c.inputs[k]) leaves[k] = tensorOf(c.inputs[k], dtype, true);
  const out: Record<string, Tensor> = {};
  if (c.module.endsWith('Cell')) {
    if (c.module === 'LSTMCell') {
      const s = (m as LSTMCell).call(leaves.input!, { h: leaves.h0!, c: leaves.c0! });
      out.output = s.h;
      out.c = s.c;
    } else {
      out.output = (m as RNNCell).call(leaves.input!, leaves.h0);
    }
    return { m, leaves, out };
  }
  let opts: { h0?: Tensor; c0?: Tensor; lengths?: number[]; mask?: Tensor } = { h0: leaves.h0, c0: leaves.c0 };
  if (c.lengths) {
    if (useMask) {
      const T = c.inputs.input!.shape[c.attrs.batch_first ? 1 : 0]!, B = c.lengths.length, bf = c.attrs.batch_first ?? false;
      const mk = new Float64Array(T * B);
      c.lengths.forEach((n, b) => { for (let t = 0; t < n; t++) mk[bf ? b * T + t : t * B + b] = 1; });
      opts = { ...opts, mask: fromData(mk, bf ? [B, T] : [T, B]) };
    } else {
      opts = { ...opts, lengths: c.lengths };
    }
  }
  const r = (m as LSTM).call(leaves.input!, opts);
  out.output = r.output;
  out.h = r.h;
  if (c.module === 'LSTM') out.c = r.c;
  return { m, leaves, out };
}

describe('recurrent layers vs PyTorch fixtures', () => {
  it('the fixture file has every kind of case', () => {
    const names = doc.cases.map((c) => c.name);
    expect(names).toContain('lstm_2layer_bidir_packed_batchfirst');
    expect(names).toContain('gru_2layer_bidir_packed');
    expect(new Set(doc.cases.map((c) => c.module))).toEqual(new Set(['RNNCell', 'LSTMCell', 'GRUCell', 'RNN', 'LSTM', 'GRU']));
  });

  for (const c of doc.cases) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.name} (${dtype}): outputs, final states and all gradients`, () => {
        const { m, leaves, out } = run(c, dtype);
        let worst = 0;
        for (const [k, t] of Object.entries(out)) worst = Math.max(worst, err(t.data, c.outputs[k]!));
        // loss = Σ output·w_output + Σ h·w_h (+ Σ c·w_c)
        let loss = out.output!.mul(tensorOf(c.inputs.w_output!, dtype)).sum();
        if (out.h) loss = loss.add(out.h.mul(tensorOf(c.inputs.w_h!, dtype)).sum());
        if (out.c) loss = loss.add(out.c.mul(tensorOf(c.inputs.w_c!, dtype)).sum());
        loss.backward();
        const params = new Map(m.namedParameters());
        expect([...params.keys()].sort()).toEqual(Object.keys(c.params).sort());
        for (const [k, want] of Object.entries(c.grads)) {
          const t = leaves[k] ?? params.get(k);
          expect(t, k).toBeDefined();
          expect(t!.grad, `grad of ${k}`).not.toBeNull();
          const e = err(t!.grad!.data, want);
          expect(e, `grad of ${k}`).toBeLessThanOrEqual(TOL[dtype]);
          worst = Math.max(worst, e);
        }
        expect(worst).toBeLessThanOrEqual(TOL[dtype]);
        measured.push(`${c.name} ${dtype}: ${worst.toExponential(1)}`);
      });
    }
    if (!c.module.endsWith('Cell')) {
      it(`${c.name}: the no-grad path (one projection matmul over all steps) gives the same outputs`, () => {
        const { out } = noGrad(() => run(c, 'float64'));
        for (const [k, t] of Object.entries(out)) expect(err(t.data, c.outputs[k]!), k).toBeLessThanOrEqual(1e-10);
      });
    }
    if (c.lengths) {
      it(`${c.name}: a prefix mask gives what the lengths give`, () => {
        const { out } = run(c, 'float64', true);
        for (const [k, t] of Object.entries(out)) expect(err(t.data, c.outputs[k]!), k).toBeLessThanOrEqual(1e-10);
      });
    }
  }

  it('the comparison fails on a broken module (a swapped gate block)', () => {
    const c = doc.cases.find((x) => x.name === 'lstm_1layer_h0')!;
    const broken: Case = JSON.parse(JSON.stringify(c)) as Case;
    const w = broken.params.weight_ih_l0!, H = c.attrs.hidden_size, I = c.attrs.input_size;
    // swap the f and g blocks of W_ih: a module with torch's layout but another gate order would do this
    for (let j = 0; j < H * I; j++) {
      const a = H * I + j, b = 2 * H * I + j;
      [w.data[a], w.data[b]] = [w.data[b]!, w.data[a]!];
    }
    const { out } = run(broken, 'float64');
    expect(err(out.output!.data, c.outputs.output!)).toBeGreaterThan(1e-3);
  });
});
