/**
 * Recurrent layers (src/nn/rnn/): gradcheck in float64 of every cell and of multi-layer
 * bidirectional LSTM / GRU / RNN with variable lengths, with respect to the input, the initial states
 * and every parameter; PyTorch's parameter names, order and default initialisation; the semantics of
 * lengths (each sequence as if run alone), batchFirst, cells vs sequence modules, dropout; named
 * errors. PyTorch values: rnn-torch.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../src/nn/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import { concat, fromData, noGrad, randn, slice, stack, type Tensor } from '../../src/tensor/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { DTypeError, ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { throwsNamed } from '../helpers/named-errors.js';

const measured: string[] = [];
afterAll(() => console.info(`rnn gradcheck (max relative error):\n  ${measured.join('\n  ')}`));

/**
 * Run `f` with the module's parameters replaced by `leaves` (in namedParameters order), so that
 * gradcheck's own leaves are what the module reads (the module reads its parameters from its
 * registry on every call).
 */
function withParams<T>(m: AnyModule, leaves: readonly Tensor[], f: () => T): T {
  const names = m.namedParameters().map(([k]) => k);
  const reg = (m as unknown as { paramMap: Map<string, Tensor> }).paramMap;
  const saved = names.map((k) => reg.get(k)!);
  names.forEach((k, i) => reg.set(k, leaves[i]!));
  try {
    return f();
  } finally {
    names.forEach((k, i) => reg.set(k, saved[i]!));
  }
}

const leaf = (t: Tensor): Tensor => {
  const c = t.detach().clone();
  c.requiresGrad = true;
  return c;
};

/** gradcheck of `f(inputs)` with respect to the inputs and every parameter of `m`. */
function checkAll(label: string, m: AnyModule, inputs: Tensor[], f: (...xs: Tensor[]) => Tensor): void {
  const params = m.parameters().map(leaf);
  const n = inputs.length;
  // the checker must see the parameters: doubling them changes the output
  const base = noGrad(() => withParams(m, params, () => f(...inputs))).toFlatArray();
  const doubled = noGrad(() => withParams(m, params.map((p) => p.mul(2)), () => f(...inputs))).toFlatArray();
  expect(base.some((v, i) => Math.abs(v - doubled[i]!) > 1e-6), `${label}: parameters reach the output`).toBe(true);
  const r = assertGradcheck((...all) => withParams(m, all.slice(n), () => f(...all.slice(0, n))), [...inputs, ...params], { label, rng: new Rng(5) });
  measured.push(`${label}: ${r.maxRelError.toExponential(1)} (${params.reduce((s, p) => s + p.size, 0)} parameter values)`);
}

describe('gradcheck (float64): cells', () => {
  const rng = new Rng(11);
  const x = randn(rng, [3, 4], { dtype: 'float64', requiresGrad: true });
  const h = randn(rng, [3, 5], { dtype: 'float64', requiresGrad: true });
  const c = randn(rng, [3, 5], { dtype: 'float64', requiresGrad: true });
  it('RNNCell tanh and relu', () => {
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const m = new RNNCell(4, 5, { rng: new Rng(1), nonlinearity, dtype: 'float64' });
      checkAll(`RNNCell ${nonlinearity}`, m, [x, h], (a, b) => m.call(a, b));
    }
  });
  it('LSTMCell (h and c)', () => {
    const m = new LSTMCell(4, 5, { rng: new Rng(2), dtype: 'float64' });
    checkAll('LSTMCell', m, [x, h, c], (a, b, d) => { const s = m.call(a, { h: b, c: d }); return stack([s.h, s.c]); });
  });
  it('GRUCell, with and without bias', () => {
    for (const bias of [true, false]) {
      const m = new GRUCell(4, 5, { rng: new Rng(3), bias, dtype: 'float64' });
      checkAll(`GRUCell bias=${bias}`, m, [x, h], (a, b) => m.call(a, b));
    }
  });
});

describe('gradcheck (float64): multi-layer bidirectional sequences with lengths', () => {
  const rng = new Rng(12);
  const T = 4, B = 3, I = 2, H = 2;
  const lengths = [4, 1, 3];
  const x = randn(rng, [T, B, I], { dtype: 'float64', requiresGrad: true });
  const h0 = randn(rng, [4, B, H], { dtype: 'float64', requiresGrad: true });
  const c0 = randn(rng, [4, B, H], { dtype: 'float64', requiresGrad: true });
  it('LSTM 2 layers, bidirectional, lengths, h0 and c0', () => {
    const m = new LSTM(I, H, { rng: new Rng(4), numLayers: 2, bidirectional: true, dtype: 'float64' });
    checkAll('LSTM 2-layer bidir lengths', m, [x, h0, c0], (a, b, d) => {
      const r = m.call(a, { h0: b, c0: d, lengths });
      return concat([r.output.reshape([-1]), r.h.reshape([-1]), r.c.reshape([-1])]);
    });
  });
  it('GRU 2 layers, bidirectional, lengths, h0', () => {
    const m = new GRU(I, H, { rng: new Rng(5), numLayers: 2, bidirectional: true, dtype: 'float64' });
    checkAll('GRU 2-layer bidir lengths', m, [x, h0], (a, b) => {
      const r = m.call(a, { h0: b, lengths });
      return concat([r.output.reshape([-1]), r.h.reshape([-1])]);
    });
  });
  it('RNN (tanh) 2 layers, bidirectional, batch-first, lengths', () => {
    const m = new RNN(I, H, { rng: new Rng(6), numLayers: 2, bidirectional: true, batchFirst: true, dtype: 'float64' });
    const xb = randn(rng, [B, T, I], { dtype: 'float64', requiresGrad: true });
    checkAll('RNN 2-layer bidir batch-first lengths', m, [xb, h0], (a, b) => {
      const r = m.call(a, { h0: b, lengths });
      return concat([r.output.reshape([-1]), r.h.reshape([-1])]);
    });
  });
});

describe('parameters: PyTorch names, order, layout and initialisation', () => {
  it('LSTM 2-layer bidirectional: torch state_dict names in torch order with torch shapes', () => {
    const m = new LSTM(3, 4, { rng: new Rng(0), numLayers: 2, bidirectional: true });
    const got = Object.entries(m.stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`);
    expect(got).toEqual([
      'weight_ih_l0:16x3', 'weight_hh_l0:16x4', 'bias_ih_l0:16', 'bias_hh_l0:16',
      'weight_ih_l0_reverse:16x3', 'weight_hh_l0_reverse:16x4', 'bias_ih_l0_reverse:16', 'bias_hh_l0_reverse:16',
      'weight_ih_l1:16x8', 'weight_hh_l1:16x4', 'bias_ih_l1:16', 'bias_hh_l1:16',
      'weight_ih_l1_reverse:16x8', 'weight_hh_l1_reverse:16x4', 'bias_ih_l1_reverse:16', 'bias_hh_l1_reverse:16',
    ]);
    expect(Object.keys(new GRU(3, 4, { rng: new Rng(0), bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(Object.entries(new GRUCell(3, 4, { rng: new Rng(0) }).stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`))
      .toEqual(['weight_ih:12x3', 'weight_hh:12x4', 'bias_ih:12', 'bias_hh:12']);
    expect(new RNN(3, 4, { rng: new Rng(0) }).getParameter('weight_ih_l0').shape).toEqual([4, 3]);
  });

  it('U(±1/√H) from the seeded rng: bounded, spread over the interval, reproducible, seed-dependent', () => {
    const H = 64;
    const a = new LSTM(16, H, { rng: new Rng(3), numLayers: 2 }), b = new LSTM(16, H, { rng: new Rng(3), numLayers: 2 });
    const c = new LSTM(16, H, { rng: new Rng(4), numLayers: 2 });
    const bound = 1 / Math.sqrt(H);
    const all = a.parameters().flatMap((p) => [...p.data]);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...all)).toBeGreaterThan(0.98 * bound);
    expect(Math.min(...all)).toBeLessThan(-0.98 * bound);
    const mean = all.reduce((s, v) => s + v, 0) / all.length, varc = all.reduce((s, v) => s + v * v, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * bound);
    expect(varc / (bound * bound / 3)).toBeCloseTo(1, 1); // the variance of U(±b) is b²/3
    expect(b.parameters().flatMap((p) => [...p.data])).toEqual(all);
    expect(c.parameters()[0]!.data).not.toEqual(a.parameters()[0]!.data);
  });
});

describe('semantics', () => {
  const rng = new Rng(21);

  it('lengths: every sequence gives what it gives run alone (outputs past its length zero, final state at its end), both directions', () => {
    const T = 6, B = 3, I = 3, H = 4, lengths = [6, 2, 4];
    for (const Cls of [LSTM, GRU, RNN]) {
      const m = new Cls(I, H, { rng: new Rng(7), numLayers: 2, bidirectional: true, dtype: 'float64' });
      const x = randn(rng, [T, B, I], { dtype: 'float64' });
      const h0 = randn(rng, [4, B, H], { dtype: 'float64' });
      const all = m.call(x, { h0, lengths });
      for (let b = 0; b < B; b++) {
        const n = lengths[b]!;
        const xb = slice(x, [[0, n], [b, b + 1]]);
        const alone = m.call(xb, { h0: slice(h0, [null, [b, b + 1]]) });
        const got = slice(all.output, [null, [b, b + 1]]);
        expect(slice(got, [[0, n]]).toFlatArray()).toEqual(alone.output.toFlatArray().map((v) => expect.closeTo(v, 12)));
        if (n < T) expect(slice(got, [[n, T]]).toFlatArray().every((v) => v === 0)).toBe(true);
        expect(slice(all.h, [null, [b, b + 1]]).toFlatArray()).toEqual(alone.h.toFlatArray().map((v) => expect.closeTo(v, 12)));
      }
    }
  });

  it('the autograd path (fused per-step matmul) and the no-grad path (one input projection) agree, every kind, with and without bias', () => {
    const x = randn(rng, [5, 3, 2], { dtype: 'float64' });
    for (const bias of [true, false]) {
      const ms = [
        new LSTM(2, 3, { rng: new Rng(30), numLayers: 2, bidirectional: true, bias, dtype: 'float64' }),
        new GRU(2, 3, { rng: new Rng(31), numLayers: 2, bidirectional: true, bias, dtype: 'float64' }),
        new RNN(2, 3, { rng: new Rng(32), numLayers: 2, bidirectional: true, bias, nonlinearity: 'relu', dtype: 'float64' }),
      ];
      for (const m of ms) {
        const a = m.call(x, { lengths: [5, 2, 4] });
        expect(a.output.requiresGrad).toBe(true);
        const b = noGrad(() => m.call(x, { lengths: [5, 2, 4] }));
        expect(b.output.requiresGrad).toBe(false);
        expect(a.output.toFlatArray()).toEqual(b.output.toFlatArray().map((v) => expect.closeTo(v, 13)));
        expect(a.h.toFlatArray()).toEqual(b.h.toFlatArray().map((v) => expect.closeTo(v, 13)));
      }
    }
  });

  it('lengths may be a vector tensor (int32 or float)', () => {
    const m = new GRU(2, 3, { rng: new Rng(33), dtype: 'float64' });
    const x = randn(rng, [4, 3, 2], { dtype: 'float64' });
    const want = m.call(x, { lengths: [4, 1, 3] }).output.toFlatArray();
    expect(m.call(x, { lengths: fromData(Int32Array.of(4, 1, 3), [3]) }).output.toFlatArray()).toEqual(want);
    expect(m.call(x, { lengths: fromData(Float64Array.of(4, 1, 3), [3]) }).output.toFlatArray()).toEqual(want);
    throwsNamed(() => m.call(x, { lengths: fromData(Int32Array.of(4, 1, 3), [3, 1]) }), ShapeError, 'GRU', 'lengths', '[3,1]');
  });

  it('batchFirst is the time-major computation with the first two axes swapped', () => {
    const a = new GRU(3, 4, { rng: new Rng(8), bidirectional: true, dtype: 'float64' });
    const b = new GRU(3, 4, { rng: new Rng(8), bidirectional: true, batchFirst: true, dtype: 'float64' });
    const x = randn(rng, [5, 2, 3], { dtype: 'float64' });
    const ra = a.call(x, { lengths: [5, 3] }), rb = b.call(x.permute([1, 0, 2]), { lengths: [5, 3] });
    expect(rb.output.permute([1, 0, 2]).toFlatArray()).toEqual(ra.output.toFlatArray());
    expect(rb.h.toFlatArray()).toEqual(ra.h.toFlatArray());
  });

  it('a one-layer LSTM is its LSTMCell stepped over time (same weights by name)', () => {
    const seqm = new LSTM(3, 4, { rng: new Rng(9), dtype: 'float64' });
    const cell = new LSTMCell(3, 4, { rng: new Rng(10), dtype: 'float64' });
    cell.loadStateDict(Object.fromEntries(Object.entries(seqm.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v])));
    const x = randn(rng, [5, 2, 3], { dtype: 'float64' });
    const r = seqm.call(x);
    let s = cell.call(slice(x, [0]));
    const hs = [s.h];
    for (let t = 1; t < 5; t++) { s = cell.call(slice(x, [t]), s); hs.push(s.h); }
    expect(r.output.toFlatArray()).toEqual(stack(hs).toFlatArray().map((v) => expect.closeTo(v, 13)));
    expect(r.c.toFlatArray()).toEqual(s.c.toFlatArray().map((v) => expect.closeTo(v, 13)));
  });

  it('unbatched input [T, I] is a batch of one', () => {
    const m = new RNN(3, 4, { rng: new Rng(11), numLayers: 2, nonlinearity: 'relu', dtype: 'float64' });
    const x = randn(rng, [5, 3], { dtype: 'float64' });
    const h0 = randn(rng, [2, 4], { dtype: 'float64' });
    const u = m.call(x, { h0 }), b = m.call(x.reshape([5, 1, 3]), { h0: h0.reshape([2, 1, 4]) });
    expect(u.output.shape).toEqual([5, 4]);
    expect(u.h.shape).toEqual([2, 4]);
    expect(u.output.toFlatArray()).toEqual(b.output.toFlatArray());
  });

  it('a long sequence whose input needs a gradient (two-level unbinding) gets the gradient of plain per-step slicing', () => {
    const T = 30, m = new GRU(2, 3, { rng: new Rng(12), dtype: 'float64' });
    const cell = new GRUCell(2, 3, { rng: new Rng(13), dtype: 'float64' });
    cell.loadStateDict(Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v])));
    const x = randn(rng, [T, 2, 2], { dtype: 'float64', requiresGrad: true });
    const u = randn(rng, [T, 2, 3], { dtype: 'float64' });
    m.call(x).output.mul(u).sum().backward();
    const g1 = x.grad!.toFlatArray();
    x.grad = null;
    let h: Tensor | undefined;
    const hs: Tensor[] = [];
    for (let t = 0; t < T; t++) { h = cell.call(slice(x, [t]), h); hs.push(h); }
    stack(hs).mul(u).sum().backward();
    expect(g1).toEqual(x.grad!.toFlatArray().map((v) => expect.closeTo(v, 12)));
  });

  it('dropout between layers: only in training mode, seeded, never on the last layer, the same masks with and without autograd', () => {
    const mk = (p: number): LSTM => new LSTM(3, 4, { rng: new Rng(14), numLayers: 3, dropout: p, dtype: 'float64' });
    const x = randn(rng, [5, 2, 3], { dtype: 'float64' });
    const plain = mk(0).call(x).output.toFlatArray();
    const train = mk(0.5).call(x).output.toFlatArray();
    expect(train).not.toEqual(plain);
    expect(mk(0.5).eval().call(x).output.toFlatArray()).toEqual(plain);
    expect(mk(0.5).call(x).output.toFlatArray()).toEqual(train); // seeded
    expect(noGrad(() => mk(0.5).call(x).output.toFlatArray())).toEqual(train.map((v) => expect.closeTo(v, 13)));
    const one = new LSTM(3, 4, { rng: new Rng(15), dropout: 0.5, dtype: 'float64' });
    const oneEval = new LSTM(3, 4, { rng: new Rng(15), dtype: 'float64' }).eval();
    expect(one.call(x).output.toFlatArray()).toEqual(oneEval.call(x).output.toFlatArray()); // one layer: nothing between layers
  });
});

describe('named errors', () => {
  const lstm = new LSTM(3, 4, { rng: new Rng(0), numLayers: 2 });
  const x = randn(new Rng(1), [5, 2, 3]);
  it('constructor options', () => {
    throwsNamed(() => new LSTM(0, 4, { rng: new Rng(0) }), ValueError, 'LSTM', 'inputSize');
    throwsNamed(() => new GRU(3, 2.5, { rng: new Rng(0) }), ValueError, 'GRU', 'hiddenSize');
    throwsNamed(() => new RNN(3, 4, { rng: new Rng(0), numLayers: 0 }), ValueError, 'RNN', 'numLayers');
    throwsNamed(() => new LSTM(3, 4, { rng: new Rng(0), dropout: 1 }), ValueError, 'LSTM', 'dropout');
    throwsNamed(() => new RNN(3, 4, { rng: new Rng(0), nonlinearity: 'sigmoid' as 'tanh' }), ValueError, 'RNN', 'nonlinearity');
    throwsNamed(() => new LSTMCell(3, 4, {} as { rng: Rng }), ValueError, 'LSTMCell', 'rng');
    throwsNamed(() => new GRU(3, 4, { rng: new Rng(0), dtype: 'int32' as 'float32' }), DTypeError, 'GRU');
  });
  it('input rank, feature size and dtype', () => {
    throwsNamed(() => lstm.call(randn(new Rng(1), [5])), ShapeError, 'LSTM', '[5]', '[T, B, I]');
    throwsNamed(() => lstm.call(randn(new Rng(1), [5, 2, 7])), ShapeError, 'LSTM', '[5,2,7]', '7 features', 'inputSize = 3');
    throwsNamed(() => lstm.call(x.cast('float64')), DTypeError, 'LSTM', 'float64', 'float32');
    throwsNamed(() => new GRUCell(3, 4, { rng: new Rng(0) }).call(randn(new Rng(1), [2, 5])), ShapeError, 'GRUCell', '[2,5]');
    throwsNamed(() => new RNNCell(3, 4, { rng: new Rng(0) }).call(randn(new Rng(1), [2, 2, 3])), ShapeError, 'RNNCell', '[2,2,3]');
  });
  it('initial state shapes', () => {
    throwsNamed(() => lstm.call(x, { h0: randn(new Rng(1), [1, 2, 4]) }), ShapeError, 'LSTM', 'h0', '[1,2,4]', '[2,2,4]');
    throwsNamed(() => lstm.call(x, { c0: randn(new Rng(1), [2, 3, 4]) }), ShapeError, 'LSTM', 'c0', '[2,3,4]', '[2,2,4]');
    throwsNamed(() => new LSTMCell(3, 4, { rng: new Rng(0) }).call(randn(new Rng(1), [2, 3]), { h: randn(new Rng(1), [2, 4]), c: randn(new Rng(1), [4]) }), ShapeError, 'LSTMCell', 'c', '[4]', '[2,4]');
    throwsNamed(() => new GRUCell(3, 4, { rng: new Rng(0) }).call(randn(new Rng(1), [2, 3]), randn(new Rng(1), [3, 4])), ShapeError, 'GRUCell', '[3,4]');
  });
  it('lengths and masks', () => {
    throwsNamed(() => lstm.call(x, { lengths: [5] }), ValueError, 'LSTM', '1 lengths', 'batch of 2');
    throwsNamed(() => lstm.call(x, { lengths: [5, 6] }), ValueError, 'LSTM', 'lengths[1] = 6', '1…5');
    throwsNamed(() => lstm.call(x, { lengths: [0, 3] }), ValueError, 'LSTM', 'lengths[0] = 0');
    throwsNamed(() => lstm.call(x, { lengths: [2.5, 3] }), ValueError, 'LSTM', 'lengths[0] = 2.5');
    const gap = randn(new Rng(1), [5, 2]).mul(0).add(1);
    gap.data[2 * 2 + 1] = 0; // step 2 of sequence 1 unset, step 3 set
    throwsNamed(() => lstm.call(x, { mask: gap }), ValueError, 'LSTM', 'mask row 1', 'prefix');
    throwsNamed(() => lstm.call(x, { mask: randn(new Rng(1), [2, 5]) }), ShapeError, 'LSTM', 'mask', '[2,5]', '[5,2]');
    throwsNamed(() => lstm.call(x, { lengths: [5, 5], mask: gap }), ValueError, 'LSTM', 'not both');
  });
});
