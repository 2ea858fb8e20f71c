import { describe, expect, it } from 'vitest';
import { MemN2N, positionEncoding } from '../../src/nn/memory/index.js';
import { Tensor, tensor } from '../../src/tensor/index.js';
import { gradcheck, formatGradcheckReport } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';
import { DTypeError, IndexError, ShapeError, ValueError } from '../../src/util/errors.js';

const idx = (a: number[][][] | number[][]): Tensor => {
  const t = tensor(a as number[][]);
  return new Tensor(Int32Array.from(t.data), t.shape, 'int32');
};

// two stories of up to 3 sentences of 4 words (0 = nil), the second with an empty last slot
const story = idx([
  [[1, 2, 3, 0], [4, 2, 5, 6], [1, 7, 3, 5]],
  [[6, 2, 1, 0], [3, 4, 0, 0], [0, 0, 0, 0]],
]);
const question = idx([[8, 9, 1], [8, 9, 6]]);

function checkAll(net: MemN2N): number {
  const named = net.namedParameters();
  const inputs = named.map(([, p]) => new Tensor(Float64Array.from(p.data), p.shape, 'float64', true));
  const fn = (...ts: Tensor[]): Tensor => net.forwardWith(Object.fromEntries(named.map(([n], i) => [n, ts[i]!])), story, question).logits;
  const r = gradcheck(fn, inputs);
  expect(r.ok, formatGradcheckReport(r, 'MemN2N')).toBe(true);
  return r.maxRelError;
}

describe('MemN2N', () => {
  it('position encoding: l_kj = (1 − j/J) − (k/d)(1 − 2j/J), by hand', () => {
    const l = positionEncoding(3, 2, { dtype: 'float64' }).toArray() as number[][];
    // j = 1: (1 − 1/3) − (k/2)(1 − 2/3)
    expect(l[0]![0]).toBeCloseTo(2 / 3 - 0.5 / 3, 15);
    expect(l[0]![1]).toBeCloseTo(2 / 3 - 1 / 3, 15);
    // j = 2: (1/3) − (k/2)(−1/3)
    expect(l[1]![0]).toBeCloseTo(1 / 3 + 1 / 6, 15);
    expect(l[1]![1]).toBeCloseTo(1 / 3 + 1 / 3, 15);
    // j = 3: 0 − (k/2)(−1)
    expect(l[2]![0]).toBeCloseTo(0.5, 15);
    expect(l[2]![1]).toBeCloseTo(1, 15);
    expect(() => positionEncoding(0, 2)).toThrow(ValueError);
  });

  for (const tying of ['adjacent', 'layerwise'] as const) {
    for (const [pe, te] of [[true, true], [false, false], [true, false]] as const) {
      it(`gradcheck (float64) of every weight: ${tying} tying, position encoding ${pe}, temporal ${te}`, () => {
        const net = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 3, hops: 2, tying, positionEncoding: pe, temporalEncoding: te, rng: new Rng(1), dtype: 'float64', initStd: 0.5 });
        expect(checkAll(net)).toBeLessThan(1e-6);
      });
    }
  }

  it('gradcheck under linear start, 3 hops', () => {
    const net = new MemN2N({ vocabSize: 10, embeddingDim: 3, memorySize: 4, hops: 3, linearStart: true, rng: new Rng(2), dtype: 'float64', initStd: 0.5 });
    checkAll(net);
  });

  it('weight tying: adjacent has K+1 embeddings (B = A¹, Wᵀ = C^K), layer-wise A, B, C, H, W', () => {
    const a = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 3, hops: 3, rng: new Rng(0) });
    expect(a.namedParameters().map(([n]) => n)).toEqual(['embed0', 'embed1', 'embed2', 'embed3', 'temporal0', 'temporal1', 'temporal2', 'temporal3']);
    const l = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 3, hops: 3, tying: 'layerwise', rng: new Rng(0) });
    expect(l.namedParameters().map(([n]) => n)).toEqual(['embedA', 'embedB', 'embedC', 'H', 'W', 'temporalA', 'temporalC']);
    // the output layer of the adjacent net is the last embedding: changing it changes the logits linearly
    const y = a.call(story, question);
    expect(y.shape).toEqual([2, 10]);
  });

  it('attention: empty memory slots get zero weight; the nil word contributes nothing; rows sum to one', () => {
    const net = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 3, hops: 2, rng: new Rng(4), dtype: 'float64' });
    const { attention, logits } = net.attend(story, question);
    for (const p of attention) {
      const a = p.toArray() as number[][];
      expect(a[1]![2]).toBe(0);
      for (const row of a) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    }
    // changing the nil word's embedding rows leaves the output unchanged
    const before = logits.toFlatArray();
    for (const [n, p] of net.namedParameters()) if (n.startsWith('embed') && n !== 'embed2') for (let k = 0; k < 4; k++) p.data[k] = 7;
    expect(net.call(story, question).toFlatArray()).toEqual(before);
    // under linear start the weights are the raw scores (masked), not a distribution
    net.linearStart = true;
    const lin = net.attend(story, question).attention[0]!.toArray() as number[][];
    expect(Math.abs(lin[1]![2]!)).toBe(0);
    expect(Math.abs(lin[0]!.reduce((s, v) => s + v, 0) - 1)).toBeGreaterThan(1e-6);
  });

  it('position encoding makes word order matter; a bag of words does not', () => {
    const swapped = idx([
      [[3, 2, 1, 0], [4, 2, 5, 6], [1, 7, 3, 5]],
      [[6, 2, 1, 0], [3, 4, 0, 0], [0, 0, 0, 0]],
    ]);
    for (const pe of [true, false]) {
      const net = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 3, positionEncoding: pe, rng: new Rng(5), dtype: 'float64' });
      const d = net.call(story, question).sub(net.call(swapped, question)).abs().max().item();
      if (pe) expect(d).toBeGreaterThan(1e-6);
      else expect(d).toBeLessThan(1e-12);
    }
  });

  it('temporal encoding: a story shifted into later slots with the same ages gives the same answer', () => {
    const net = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 3, rng: new Rng(6), dtype: 'float64' });
    const s2 = idx([[[6, 2, 1, 0], [3, 4, 0, 0]]]);
    const q2 = idx([[8, 9, 6]]);
    const s3 = idx([[[6, 2, 1, 0], [3, 4, 0, 0], [0, 0, 0, 0]]]);
    expect(net.call(s2, q2).toFlatArray().map((v, i) => v - net.call(s3, q2).toFlatArray()[i]!).every((v) => Math.abs(v) < 1e-12)).toBe(true);
  });

  it('rejects bad inputs with named errors', () => {
    expect(() => new MemN2N({ vocabSize: 0, embeddingDim: 4, memorySize: 3, rng: new Rng(0) })).toThrow(ValueError);
    expect(() => new MemN2N({ vocabSize: 5, embeddingDim: 4, memorySize: 3, tying: 'none' as 'adjacent', rng: new Rng(0) })).toThrow(/tying/);
    const net = new MemN2N({ vocabSize: 10, embeddingDim: 4, memorySize: 2, rng: new Rng(0) });
    expect(() => net.call(story, question)).toThrow(ShapeError); // 3 slots > memorySize 2
    const net3 = new MemN2N({ vocabSize: 9, embeddingDim: 4, memorySize: 3, rng: new Rng(0) });
    expect(() => net3.call(story, question)).toThrow(IndexError); // word 9 ≥ V
    expect(() => net3.call(tensor([[[1]]]), question)).toThrow(DTypeError);
    expect(() => net3.call(story, idx([[1, 2]]))).toThrow(/same N/);
  });
});
