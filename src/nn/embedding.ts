/**
 * `Embedding`: a lookup table of learned vectors.
 * @module
 */
import { Tensor, normal, indexSelect } from '../tensor/index.js';
import type { IndexLike } from '../tensor/index.js';
import { DTypeError, IndexError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** Options of `Embedding`. */
export interface EmbeddingOptions {
  /** Source of the initial N(0, 1) table (required). */
  rng: Rng;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * Embedding lookup: y[…, :] = W[idx[…], :], with W [numEmbeddings, embeddingDim] initialised
 * N(0, 1) (PyTorch). Gradients accumulate into the rows that were looked up.
 *
 * @example
 * ```ts
 * const emb = new Embedding(10, 4, { rng: new Rng(0) });
 * emb.call(indices([1, 2, 2, 9], [2, 2])); // [2, 2, 4]
 * ```
 */
export class Embedding extends Module<[IndexLike]> {
  /** Number of rows (valid indices are 0 … numEmbeddings − 1). */
  readonly numEmbeddings: number;
  /** Length of each vector. */
  readonly embeddingDim: number;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions) {
    super();
    for (const [k, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`Embedding: ${k} must be a positive integer, got ${v}`);
    }
    if (!opts?.rng) throw new ValueError('Embedding: opts.rng is required (all randomness goes through an explicit Rng)');
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.registerParameter('weight', normal(opts.rng, [numEmbeddings, embeddingDim], 0, 1, { dtype: floatDType('Embedding', opts.dtype) }));
  }

  /** W [numEmbeddings, embeddingDim]. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /**
   * @param idx int32 indices of any shape S (an int32 tensor, Int32Array or numbers)
   * @returns [...S, embeddingDim]
   * @throws IndexError for an index outside [0, numEmbeddings); DTypeError for a float tensor
   */
  forward(idx: IndexLike): Tensor {
    let shape: readonly number[];
    let flat: Int32Array;
    if (idx instanceof Tensor) {
      if (idx.dtype !== 'int32') throw new DTypeError(`Embedding: indices must be int32, got ${idx.dtype} ${fmtShape(idx.shape)}`);
      shape = idx.shape;
      flat = idx.data as Int32Array;
    } else {
      flat = idx instanceof Int32Array ? idx : Int32Array.from(idx);
      shape = [flat.length];
      for (let i = 0; i < idx.length; i++) {
        if (!Number.isInteger(idx[i])) throw new IndexError(`Embedding: index ${idx[i]} at position ${i} is not an integer`);
      }
    }
    const n = this.numEmbeddings;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i]!;
      if (v < 0 || v >= n) throw new IndexError(`Embedding: index ${v} at flat position ${i} of indices ${fmtShape(shape)} is out of range [0, ${n})`);
    }
    const rows = indexSelect(this.weight, 0, new Tensor(flat, [flat.length], 'int32'));
    return rows.reshape([...shape, this.embeddingDim]);
  }

  extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
