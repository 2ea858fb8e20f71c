/**
 * The timing loop shared by every in-process implementation (the Python peer mirrors it).
 * @module
 */
import type { Case, OpSpec } from './types.js';

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Warm up, then time up to `op.repeats` calls (stopping after `op.budgetMs`); returns the samples in ms. */
export async function timeCase(c: Case, op: OpSpec): Promise<number[]> {
  for (let i = 0; i < op.warmup; i++) {
    const r = c.run();
    if (r instanceof Promise) await r;
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < op.repeats && (samples.length < op.minRepeats || spent < op.budgetMs)) {
    const t0 = performance.now();
    const r = c.run();
    if (r instanceof Promise) await r;
    const dt = performance.now() - t0;
    samples.push(dt);
    spent += dt;
  }
  return samples;
}
