import { describe, expect, it } from 'vitest';
import { babiTensors, babiVocab, generateBabi, BABI_PLACES } from '../../src/data/babi.js';
import type { BabiExample } from '../../src/data/babi.js';
import { Rng } from '../../src/util/rng.js';
import { ValueError } from '../../src/util/errors.js';

/** An independent reader of the story text: replays moves, pick-ups and drops and answers the question. */
function solve(ex: BabiExample): string | null {
  const place = new Map<string, string>();
  const holder = new Map<string, string>();
  const dropped = new Map<string, string>();
  const places = new Set<string>(BABI_PLACES);
  for (const s of ex.story) {
    const who = s[0]!, last = s[s.length - 1]!;
    if (places.has(last)) place.set(who, last);
    else if (['picked', 'got', 'grabbed'].includes(s[1]!)) { holder.set(last, who); dropped.delete(last); }
    else if (['dropped', 'discarded', 'put'].includes(s[1]!)) {
      if (holder.get(last) !== who) return null;
      holder.delete(last);
      dropped.set(last, place.get(who) ?? '?');
    } else return null;
  }
  const q = ex.question;
  if (q.length === 3) return place.get(q[2]!) ?? null;
  const obj = q[3]!;
  const h = holder.get(obj);
  return h !== undefined ? (place.get(h) ?? null) : (dropped.get(obj) ?? null);
}

describe('synthetic bAbI', () => {
  for (const task of ['single', 'two'] as const) {
    it(`task ${task}: the answer is determined by the story (an independent reader agrees), and supporting facts mention the subject`, () => {
      const data = generateBabi({ task, count: 400, rng: new Rng(3) });
      expect(data).toHaveLength(400);
      let twoFacts = 0;
      for (const ex of data) {
        expect(solve(ex)).toBe(ex.answer);
        for (const i of ex.supporting) expect(i).toBeLessThan(ex.story.length);
        const last = ex.story[ex.supporting[ex.supporting.length - 1]!]!;
        if (task === 'single') expect(last[0]).toBe(ex.question[2]);
        if (ex.supporting.length === 2) twoFacts++;
      }
      if (task === 'two') expect(twoFacts).toBeGreaterThan(300); // mostly held objects: two facts needed
      // the answers are spread over the places (no constant answer)
      expect(new Set(data.map((e) => e.answer)).size).toBe(BABI_PLACES.length);
    });
  }

  it('the reader is a real check: it disagrees with a corrupted answer', () => {
    const ex = generateBabi({ task: 'two', count: 1, rng: new Rng(1) })[0]!;
    const wrong = BABI_PLACES.find((p) => p !== ex.answer)!;
    expect(solve({ ...ex, answer: wrong })).not.toBe(wrong);
  });

  it('is deterministic given the seed', () => {
    expect(generateBabi({ count: 5, rng: new Rng(9) })).toEqual(generateBabi({ count: 5, rng: new Rng(9) }));
    expect(generateBabi({ count: 5, rng: new Rng(9) })).not.toEqual(generateBabi({ count: 5, rng: new Rng(10) }));
  });

  it('encodes stories, questions and answers as int32 index tensors (nil = 0 padding)', () => {
    const vocab = babiVocab();
    expect(vocab.words[0]).toBe('<nil>');
    const data = generateBabi({ task: 'single', count: 3, rng: new Rng(0), minSentences: 2, maxSentences: 4 });
    const t = babiTensors(data, vocab, { memorySize: 4, sentenceLength: 6, questionLength: 3 });
    expect(t.stories.shape).toEqual([3, 4, 6]);
    expect(t.questions.shape).toEqual([3, 3]);
    const s = t.stories.toArray() as number[][][];
    data.forEach((ex, n) => {
      ex.story.forEach((sent, i) => sent.forEach((w, j) => expect(vocab.decode(s[n]![i]![j]!)).toBe(w)));
      for (let i = ex.story.length; i < 4; i++) expect(s[n]![i]!.every((v) => v === 0)).toBe(true);
      expect(vocab.decode(t.answers.toFlatArray()[n]!)).toBe(ex.answer);
    });
    // memory keeps the last sentences
    const long = generateBabi({ task: 'single', count: 1, rng: new Rng(0), minSentences: 8, maxSentences: 8 });
    const lt = babiTensors(long, vocab, { memorySize: 3, sentenceLength: 6 });
    expect((lt.stories.toArray() as number[][][])[0]![2]!.slice(0, 5).map((i) => vocab.decode(i))).toEqual(long[0]!.story[7]);
  });

  it('rejects bad options with named errors', () => {
    expect(() => generateBabi({ count: -1, rng: new Rng(0) })).toThrow(ValueError);
    expect(() => generateBabi({ count: 1, rng: new Rng(0), minSentences: 5, maxSentences: 2 })).toThrow(/minSentences/);
    expect(() => generateBabi({ task: 'three' as 'single', count: 1, rng: new Rng(0) })).toThrow(/task/);
    const data = generateBabi({ count: 1, rng: new Rng(0) });
    expect(() => babiTensors(data, babiVocab(), { memorySize: 10, sentenceLength: 2 })).toThrow(/sentenceLength 2/);
    expect(() => babiVocab().encode('zebra')).toThrow(/zebra/);
  });
});
