import { describe, expect, it } from 'vitest';
import { BaselineLSTM, runMemoryNetworks, wordSequence } from '../../examples/memory-networks.js';
import { Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';

describe('examples/memory-networks (tiny size)', () => {
  it('the LSTM baseline reads the story words then the question, left-padded with nil', () => {
    const story = new Tensor(Int32Array.from([1, 2, 0, 3, 0, 0, /* n=1 */ 4, 0, 0, 0, 0, 0]), [2, 2, 3], 'int32');
    const q = new Tensor(Int32Array.from([5, 6, 7, 0]), [2, 2], 'int32');
    const { tokens, mask, T } = wordSequence(story, q);
    expect(T).toBe(5);
    expect(Array.from(tokens.data)).toEqual([1, 2, 3, 5, 6, 0, 0, 0, 4, 7]);
    expect(mask.toFlatArray()).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 1, 1]);
    expect(new BaselineLSTM(8, 4, 5, new Rng(0)).call(story, q).shape).toEqual([2, 8]);
  });

  it('MemN2N learns the single-supporting-fact task from 600 stories; the LSTM baseline does not in the same budget', () => {
    const r = runMemoryNetworks({ tasks: ['single'], train: 600, test: 200, epochs: 25, lstmEpochs: 1, seeds: 1, models: ['MemN2N 1 hop', 'LSTM'] });
    const mem = r.find((x) => x.model === 'MemN2N 1 hop')!, lstm = r.find((x) => x.model === 'LSTM')!;
    expect(mem.test[0]!).toBeGreaterThan(0.8);
    expect(lstm.test[0]!).toBeLessThan(mem.test[0]! - 0.2);
    expect(lstm.test[0]!).toBeGreaterThan(0.1); // above chance (1/6): it learns something
  });
});
