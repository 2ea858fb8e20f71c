/**
 * Synthetic bAbI-style question answering (Weston et al. 2015, "Towards AI-complete question
 * answering"), generated in code from a seeded Rng: stories of people moving between places and
 * picking up and dropping objects, each followed by one "where is …?" question whose answer the
 * story determines.
 *
 * - task `single` (bAbI task 1, single supporting fact): "mary went to the kitchen" …
 *   "where is mary" → the place of the person's last move.
 * - task `two` (bAbI task 2, two supporting facts): "john picked up the football" … "john
 *   travelled to the garden" … "where is the football" → the place of the person holding it
 *   (the pick-up and the holder's last move are both needed), or the place it was dropped.
 *
 * Sentences are lower-case token lists without punctuation; `babiTensors` encodes stories as the
 * int32 tensors a memory network reads (index 0 is the nil/padding word).
 * @module
 */
import { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** The two generated task families. */
export type BabiTask = 'single' | 'two';

/** One example: the story's sentences in time order, a question, its answer word and the supporting sentences. */
export interface BabiExample {
  /** Sentences (token lists), oldest first. */
  story: string[][];
  /** Question tokens, e.g. ['where', 'is', 'mary']. */
  question: string[];
  /** The answer: a place name. */
  answer: string;
  /** Indices into `story` of the facts the answer needs (one for `single`, two for a held object in `two`). */
  supporting: number[];
}

/** Options of {@link generateBabi}. */
export interface BabiOptions {
  /** Task family (default 'single'). */
  task?: BabiTask;
  /** Number of examples. */
  count: number;
  /** Source of all randomness. */
  rng: Rng;
  /** Story length in sentences: uniform in [minSentences, maxSentences] (defaults 2 and 10 for `single`, 4 and 16 for `two`). */
  minSentences?: number;
  maxSentences?: number;
}

/** The people of the stories. */
export const BABI_PEOPLE = ['mary', 'john', 'sandra', 'daniel'] as const;
/** The places. */
export const BABI_PLACES = ['kitchen', 'garden', 'office', 'hallway', 'bedroom', 'bathroom'] as const;
/** The objects of task `two`. */
export const BABI_OBJECTS = ['football', 'apple', 'milk'] as const;
const MOVE_VERBS = [['went', 'to'], ['journeyed', 'to'], ['travelled', 'to'], ['moved', 'to']];
const GET_VERBS = [['picked', 'up'], ['got'], ['grabbed']];
const DROP_VERBS = [['dropped'], ['discarded'], ['put', 'down']];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function moveSentence(rng: Rng, who: string, where: string): string[] {
  return [who, ...pick(rng, MOVE_VERBS), 'the', where];
}

function singleExample(rng: Rng, len: number): BabiExample {
  const place = new Map<string, { where: string; at: number }>();
  const story: string[][] = [];
  for (let s = 0; s < len; s++) {
    const who = pick(rng, BABI_PEOPLE);
    const prev = place.get(who)?.where;
    const where = pick(rng, BABI_PLACES.filter((p) => p !== prev));
    place.set(who, { where, at: s });
    story.push(moveSentence(rng, who, where));
  }
  const who = pick(rng, [...place.keys()]);
  const fact = place.get(who)!;
  return { story, question: ['where', 'is', who], answer: fact.where, supporting: [fact.at] };
}

function twoExample(rng: Rng, len: number): BabiExample | null {
  const place = new Map<string, { where: string; at: number }>();
  const holder = new Map<string, { who: string; at: number }>();
  const dropped = new Map<string, { where: string; at: number }>();
  const story: string[][] = [];
  for (let s = 0; s < len; s++) {
    const r = rng.uniform();
    const placed = [...place.keys()];
    const free = BABI_OBJECTS.filter((o) => !holder.has(o));
    const held = [...holder.keys()];
    if (r < 0.3 && placed.length > 0 && free.length > 0) {
      const who = pick(rng, placed), obj = pick(rng, free);
      holder.set(obj, { who, at: s });
      dropped.delete(obj);
      story.push([who, ...pick(rng, GET_VERBS), 'the', obj]);
    } else if (r < 0.4 && held.length > 0) {
      const obj = pick(rng, held), h = holder.get(obj)!;
      holder.delete(obj);
      dropped.set(obj, { where: place.get(h.who)!.where, at: s });
      story.push([h.who, ...pick(rng, DROP_VERBS), 'the', obj]);
    } else {
      const who = pick(rng, BABI_PEOPLE);
      const prev = place.get(who)?.where;
      const where = pick(rng, BABI_PLACES.filter((p) => p !== prev));
      place.set(who, { where, at: s });
      story.push(moveSentence(rng, who, where));
    }
  }
  // prefer a held object (two supporting facts); else a dropped one
  const held = [...holder.keys()];
  if (held.length > 0) {
    const obj = pick(rng, held), h = holder.get(obj)!, p = place.get(h.who)!;
    return { story, question: ['where', 'is', 'the', obj], answer: p.where, supporting: [h.at, p.at].sort((a, b) => a - b) };
  }
  const drops = [...dropped.keys()];
  if (drops.length === 0) return null;
  const obj = pick(rng, drops), d = dropped.get(obj)!;
  return { story, question: ['where', 'is', 'the', obj], answer: d.where, supporting: [d.at] };
}

/**
 * Generate `count` examples of a task. Every answer is determined by its story: the person asked
 * about has moved at least once; the object asked about is held by a person whose place is known,
 * or was dropped at a known place.
 *
 * @example
 * ```ts
 * const data = generateBabi({ task: 'single', count: 100, rng: new Rng(0) });
 * data[0].story; // [['mary', 'went', 'to', 'the', 'kitchen'], …]
 * ```
 */
export function generateBabi(opts: BabiOptions): BabiExample[] {
  const task = opts.task ?? 'single';
  if (task !== 'single' && task !== 'two') throw new ValueError(`generateBabi: task must be 'single' or 'two', got ${String(task)}`);
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new ValueError(`generateBabi: count must be a non-negative integer, got ${opts.count}`);
  if (!opts.rng) throw new ValueError('generateBabi: opts.rng is required (all randomness goes through an explicit Rng)');
  const lo = opts.minSentences ?? (task === 'single' ? 2 : 4);
  const hi = opts.maxSentences ?? (task === 'single' ? 10 : 16);
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
    throw new ValueError(`generateBabi: need integers 1 ≤ minSentences ≤ maxSentences, got ${lo} and ${hi}`);
  }
  const out: BabiExample[] = [];
  while (out.length < opts.count) {
    const len = lo + opts.rng.int(hi - lo + 1);
    const ex = task === 'single' ? singleExample(opts.rng, len) : twoExample(opts.rng, len);
    if (ex) out.push(ex);
  }
  return out;
}

/** A word ↔ index table; index 0 is the nil (padding) word. */
export class BabiVocab {
  /** Words by index; words[0] = '<nil>'. */
  readonly words: string[];
  private readonly index: Map<string, number>;

  constructor(words: Iterable<string>) {
    this.words = ['<nil>', ...[...new Set(words)].filter((w) => w !== '<nil>').sort()];
    this.index = new Map(this.words.map((w, i) => [w, i]));
  }

  /** Vocabulary size including the nil word. */
  get size(): number {
    return this.words.length;
  }

  /** Index of a word. @throws ValueError for a word not in the vocabulary */
  encode(word: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw new ValueError(`BabiVocab.encode: unknown word '${word}'`);
    return i;
  }

  /** Word of an index. */
  decode(i: number): string {
    const w = this.words[i];
    if (w === undefined) throw new ValueError(`BabiVocab.decode: index ${i} outside [0, ${this.words.length})`);
    return w;
  }
}

/** The vocabulary of all words that can appear in either task (so one table serves both). */
export function babiVocab(): BabiVocab {
  const words: string[] = ['where', 'is', 'the', ...BABI_PEOPLE, ...BABI_PLACES, ...BABI_OBJECTS];
  for (const v of [...MOVE_VERBS, ...GET_VERBS, ...DROP_VERBS]) words.push(...v);
  return new BabiVocab(words);
}

/** Encoded examples. */
export interface BabiTensors {
  /** int32 [N, memorySize, sentenceLength]: the last `memorySize` sentences, oldest first, padded with empty sentences at the end and nil words (0) at each sentence's end. */
  stories: Tensor;
  /** int32 [N, questionLength]. */
  questions: Tensor;
  /** int32 [N]: the answer word's index. */
  answers: Tensor;
}

/**
 * Encode examples as index tensors. Stories longer than `memorySize` keep their last sentences.
 * @throws ValueError if a sentence or question is longer than the given length
 */
export function babiTensors(examples: readonly BabiExample[], vocab: BabiVocab, opts: { memorySize: number; sentenceLength: number; questionLength?: number }): BabiTensors {
  const M = opts.memorySize, J = opts.sentenceLength, Q = opts.questionLength ?? J;
  for (const [k, v] of [['memorySize', M], ['sentenceLength', J], ['questionLength', Q]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`babiTensors: ${k} must be a positive integer, got ${v}`);
  }
  const N = examples.length;
  const s = new Int32Array(N * M * J), q = new Int32Array(N * Q), a = new Int32Array(N);
  examples.forEach((ex, n) => {
    const sents = ex.story.slice(Math.max(0, ex.story.length - M));
    sents.forEach((sent, i) => {
      if (sent.length > J) throw new ValueError(`babiTensors: sentence '${sent.join(' ')}' has ${sent.length} words, more than sentenceLength ${J}`);
      sent.forEach((w, j) => { s[(n * M + i) * J + j] = vocab.encode(w); });
    });
    if (ex.question.length > Q) throw new ValueError(`babiTensors: question '${ex.question.join(' ')}' has ${ex.question.length} words, more than questionLength ${Q}`);
    ex.question.forEach((w, j) => { q[n * Q + j] = vocab.encode(w); });
    a[n] = vocab.encode(ex.answer);
  });
  return { stories: new Tensor(s, [N, M, J], 'int32'), questions: new Tensor(q, [N, Q], 'int32'), answers: new Tensor(a, [N], 'int32') };
}
