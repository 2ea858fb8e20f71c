/**
 * `MemN2N`: the end-to-end memory network (Sukhbaatar, Szlam, Weston, Fergus, "End-to-end memory
 * networks", NeurIPS 2015) — soft attention over a memory of embedded sentences, read K times.
 * @module
 */
import { Tensor, indexSelect, matmul, normal, softmax } from '../../tensor/index.js';
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { positionEncoding } from './position-encoding.js';

/** Weight tying across hops (paper §2.2). */
export type MemN2NTying = 'adjacent' | 'layerwise';

/** Options of {@link MemN2N}. */
export interface MemN2NOptions {
  /** Vocabulary size V (index 0 is the nil word, which embeds to zero). */
  vocabSize: number;
  /** Embedding dimension d. */
  embeddingDim: number;
  /** Most sentences a story may hold (rows of the temporal encoding). */
  memorySize: number;
  /** Hops K (default 3). */
  hops?: number;
  /** 'adjacent' (A^{k+1} = C^k, B = A^1, Wᵀ = C^K; default) or 'layerwise' (A^k = A, C^k = C, u^{k+1} = H u^k + o^k). */
  tying?: MemN2NTying;
  /** Weight words by the position encoding l_kj (default true); false: plain bag of words. */
  positionEncoding?: boolean;
  /** Add the learned temporal encodings T_A(i), T_C(i) of each sentence's age (default true). */
  temporalEncoding?: boolean;
  /** Start with the softmax of each memory layer removed (linear start, §4.2; default false); set `linearStart = false` to insert it. */
  linearStart?: boolean;
  /** Standard deviation of the N(0, σ²) initialisation (default 0.1, as in the paper). */
  initStd?: number;
  /** Source of the initial weights (required). */
  rng: Rng;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/** Values of a forward pass with the attention of each hop. */
export interface MemN2NOutput {
  /** [N, V] answer logits (â = softmax of these). */
  logits: Tensor;
  /** Per hop, the attention p [N, M] over the memory slots (unnormalised weights under linear start). */
  attention: Tensor[];
}

/** Per-batch constants computed from the index data: word weights, slot mask, sentence ages. */
interface Encoded {
  idx: Tensor;
  weights: Tensor;
}

const NEG = -1e9;

/**
 * End-to-end memory network. Sentences x_i = (x_i1 … x_iJ) are embedded as memories
 * m_i = Σ_j l_j ∘ A x_ij + T_A(i) and outputs c_i = Σ_j l_j ∘ C x_ij + T_C(i), the question
 * as u¹ = Σ_j l_j ∘ B q_j. Each hop k reads
 *
 *   p_i = softmax_i(u^kᵀ m_i^k),   o^k = Σ_i p_i c_i^k,   u^{k+1} = u^k + o^k  (or H u^k + o^k),
 *
 * and the answer is â = softmax(W u^{K+1}). l is the position encoding (or 1: bag of words), i the
 * sentence's age (0 = most recent), empty memory slots are masked out of the softmax, and the nil
 * word (index 0) contributes nothing.
 *
 * @example
 * ```ts
 * const net = new MemN2N({ vocabSize: 20, embeddingDim: 8, memorySize: 10, hops: 3, rng: new Rng(0) });
 * const logits = net.call(stories, questions); // stories int32 [N, 10, J], questions int32 [N, Jq] → [N, 20]
 * ```
 */
export class MemN2N extends Module<[Tensor, Tensor]> {
  /** V. */
  readonly vocabSize: number;
  /** d. */
  readonly embeddingDim: number;
  /** Most memory slots. */
  readonly memorySize: number;
  /** K. */
  readonly hops: number;
  /** Weight tying. */
  readonly tying: MemN2NTying;
  /** Position encoding on. */
  readonly usePositionEncoding: boolean;
  /** Temporal encoding on. */
  readonly useTemporalEncoding: boolean;
  /** Linear start: memory layers without softmax while true. */
  linearStart: boolean;

  constructor(opts: MemN2NOptions) {
    super();
    if (!opts?.rng) throw new ValueError('MemN2N: opts.rng is required (all randomness goes through an explicit Rng)');
    const hops = opts.hops ?? 3;
    for (const [k, v] of [['vocabSize', opts.vocabSize], ['embeddingDim', opts.embeddingDim], ['memorySize', opts.memorySize], ['hops', hops]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`MemN2N: ${k} must be a positive integer, got ${v}`);
    }
    const tying = opts.tying ?? 'adjacent';
    if (tying !== 'adjacent' && tying !== 'layerwise') throw new ValueError(`MemN2N: tying must be 'adjacent' or 'layerwise', got ${String(tying)}`);
    const std = opts.initStd ?? 0.1;
    if (!(std > 0)) throw new ValueError(`MemN2N: initStd must be positive, got ${std}`);
    this.vocabSize = opts.vocabSize;
    this.embeddingDim = opts.embeddingDim;
    this.memorySize = opts.memorySize;
    this.hops = hops;
    this.tying = tying;
    this.usePositionEncoding = opts.positionEncoding ?? true;
    this.useTemporalEncoding = opts.temporalEncoding ?? true;
    this.linearStart = opts.linearStart ?? false;
    const dtype = floatDType('MemN2N', opts.dtype);
    const V = this.vocabSize, d = this.embeddingDim, M = this.memorySize;
    const init = (shape: number[]): Tensor => normal(opts.rng, shape, 0, std, { dtype });
    if (tying === 'adjacent') {
      for (let k = 0; k <= hops; k++) this.registerParameter(`embed${k}`, init([V, d]));
      if (this.useTemporalEncoding) for (let k = 0; k <= hops; k++) this.registerParameter(`temporal${k}`, init([M, d]));
    } else {
      this.registerParameter('embedA', init([V, d]));
      this.registerParameter('embedB', init([V, d]));
      this.registerParameter('embedC', init([V, d]));
      this.registerParameter('H', init([d, d]));
      this.registerParameter('W', init([V, d]));
      if (this.useTemporalEncoding) {
        this.registerParameter('temporalA', init([M, d]));
        this.registerParameter('temporalC', init([M, d]));
      }
    }
  }

  /**
   * @param story int32 [N, M, J] word indices (M ≤ memorySize sentences, oldest first; empty sentences all nil)
   * @param question int32 [N, Jq]
   * @returns [N, V] answer logits
   */
  forward(story: Tensor, question: Tensor): Tensor {
    return this.forwardWith(Object.fromEntries(this.namedParameters()), story, question).logits;
  }

  /** The forward pass with its attention weights. */
  attend(story: Tensor, question: Tensor): MemN2NOutput {
    return this.forwardWith(Object.fromEntries(this.namedParameters()), story, question);
  }

  /**
   * The forward pass with the given weights in place of the parameters (same names and shapes as
   * `namedParameters()`): the functional form, used to gradient-check every weight.
   */
  forwardWith(p: Readonly<Record<string, Tensor>>, story: Tensor, question: Tensor): MemN2NOutput {
    const { N, M } = this.checkInputs(story, question);
    const d = this.embeddingDim;
    const get = (name: string): Tensor => {
      const t = p[name];
      if (!t) throw new ValueError(`MemN2N.forwardWith: missing weight '${name}'`);
      return t;
    };
    const dtype = get(this.tying === 'adjacent' ? 'embed0' : 'embedA').dtype as FloatDType;
    const sEnc = this.encode(story, dtype);
    const qEnc = this.encode(question.reshape([N, 1, question.shape[1]!]), dtype);
    // slot mask and ages (0 = most recent) from the index data
    const J = story.shape[2]!;
    const sd = story.data as Int32Array;
    const maskAdd = new Float64Array(N * M);
    const mask = new Float64Array(N * M);
    const age = new Int32Array(N * M);
    for (let n = 0; n < N; n++) {
      let count = 0;
      for (let i = 0; i < M; i++) {
        let used = false;
        for (let j = 0; j < J; j++) if (sd[(n * M + i) * J + j] !== 0) used = true;
        if (used) count = i + 1;
        mask[n * M + i] = used ? 1 : 0;
        maskAdd[n * M + i] = used ? 0 : NEG;
      }
      for (let i = 0; i < M; i++) age[n * M + i] = Math.max(0, count - 1 - i);
    }
    const maskT = new Tensor(dtype === 'float64' ? mask : Float32Array.from(mask), [N, M], dtype);
    const maskAddT = new Tensor(dtype === 'float64' ? maskAdd : Float32Array.from(maskAdd), [N, M], dtype);
    const ageT = new Tensor(age, [N * M], 'int32');
    const embed = (E: Tensor, enc: Encoded, rows: number): Tensor => {
      const shape = enc.weights.shape;
      return indexSelect(E, 0, enc.idx).reshape([shape[0]!, shape[1]!, shape[2]!, d]).mul(enc.weights).sum(2).reshape([N, rows, d]);
    };
    const memory = (E: Tensor, T: string | null): Tensor => {
      const m = embed(E, sEnc, M);
      return T && this.useTemporalEncoding ? m.add(indexSelect(get(T), 0, ageT).reshape([N, M, d])) : m;
    };
    const adjacent = this.tying === 'adjacent';
    let u = embed(get(adjacent ? 'embed0' : 'embedB'), qEnc, 1).reshape([N, d]);
    const attention: Tensor[] = [];
    for (let k = 1; k <= this.hops; k++) {
      const m = adjacent ? memory(get(`embed${k - 1}`), `temporal${k - 1}`) : memory(get('embedA'), 'temporalA');
      const c = adjacent ? memory(get(`embed${k}`), `temporal${k}`) : memory(get('embedC'), 'temporalC');
      const scores = m.matmul(u.reshape([N, d, 1])).reshape([N, M]);
      const pr = this.linearStart ? scores.mul(maskT) : softmax(scores.add(maskAddT), 1);
      attention.push(pr);
      const o = pr.reshape([N, 1, M]).matmul(c).reshape([N, d]);
      u = adjacent ? u.add(o) : matmul(u, get('H'), { transB: true }).add(o);
    }
    const logits = matmul(u, get(adjacent ? `embed${this.hops}` : 'W'), { transB: true });
    return { logits, attention };
  }

  private checkInputs(story: Tensor, question: Tensor): { N: number; M: number } {
    if (!(story instanceof Tensor) || !(question instanceof Tensor)) throw new DTypeError('MemN2N: story and question must be int32 tensors');
    if (story.dtype !== 'int32' || question.dtype !== 'int32') {
      throw new DTypeError(`MemN2N: story and question must be int32 word indices, got ${story.dtype} ${fmtShape(story.shape)} and ${question.dtype} ${fmtShape(question.shape)}`);
    }
    if (story.ndim !== 3 || question.ndim !== 2 || story.shape[0] !== question.shape[0] || story.shape[2] === 0 || question.shape[1] === 0) {
      throw new ShapeError(`MemN2N: story must be [N, M, J] and question [N, Jq] with the same N, got ${fmtShape(story.shape)} and ${fmtShape(question.shape)}`);
    }
    const M = story.shape[1]!;
    if (M < 1 || M > this.memorySize) throw new ShapeError(`MemN2N: story ${fmtShape(story.shape)} has ${M} memory slots; need 1 … memorySize = ${this.memorySize}`);
    for (const [what, t] of [['story', story], ['question', question]] as const) {
      const dd = t.data as Int32Array;
      for (let i = 0; i < dd.length; i++) {
        if (dd[i]! < 0 || dd[i]! >= this.vocabSize) throw new IndexError(`MemN2N: ${what} ${fmtShape(t.shape)} holds word index ${dd[i]} at flat position ${i}, outside [0, ${this.vocabSize})`);
      }
    }
    return { N: story.shape[0]!, M };
  }

  /** Flat indices and the word weights [N, S, J, d] (position encoding over each sentence's own length J_s) or [N, S, J, 1] (bag of words; 0 on nil words). */
  private encode(x: Tensor, dtype: FloatDType): Encoded {
    const [N, S, J] = x.shape as [number, number, number];
    const xd = x.data as Int32Array;
    const d = this.usePositionEncoding ? this.embeddingDim : 1;
    const w = dtype === 'float64' ? new Float64Array(N * S * J * d) : new Float32Array(N * S * J * d);
    const cache = new Map<number, Float64Array | Float32Array>();
    for (let s = 0; s < N * S; s++) {
      let len = 0;
      for (let j = 0; j < J; j++) if (xd[s * J + j] !== 0) len = j + 1;
      if (len === 0) continue;
      if (!this.usePositionEncoding) {
        for (let j = 0; j < len; j++) if (xd[s * J + j] !== 0) w[s * J + j] = 1;
        continue;
      }
      let l = cache.get(len);
      if (!l) {
        l = positionEncoding(len, d, { dtype }).data as Float64Array | Float32Array;
        cache.set(len, l);
      }
      for (let j = 0; j < len; j++) {
        if (xd[s * J + j] === 0) continue;
        for (let k = 0; k < d; k++) w[(s * J + j) * d + k] = l[j * d + k]!;
      }
    }
    return { idx: new Tensor(xd, [N * S * J], 'int32'), weights: new Tensor(w, [N, S, J, d], dtype) };
  }

  extraRepr(): string {
    return `vocabSize=${this.vocabSize}, embeddingDim=${this.embeddingDim}, memorySize=${this.memorySize}, hops=${this.hops}, tying=${this.tying}, ` +
      `positionEncoding=${this.usePositionEncoding}, temporalEncoding=${this.useTemporalEncoding}, linearStart=${this.linearStart}`;
  }
}
