/**
 * Adam's and AdamW's branch-free update loops (src/optim/adam.ts) return the same bits as the
 * general per-element loop they replace, written out here as the reference, for every
 * configuration that takes them (plain, L2 weight decay, decoupled weight decay, maximize), in
 * float32 and float64; the comparison is shown to catch a one-ulp difference.
 */
import { describe, expect, it } from 'vitest';
import { randn, type Tensor } from '../../src/tensor/index.js';
import { Adam, AdamW } from '../../src/optim/index.js';
import { Rng } from '../../src/util/rng.js';

type Arr = Float32Array | Float64Array;

/** The general loop: Adam (L2 when !decoupled) / AdamW, no AMSGrad. */
function reference(p: Arr, g: Arr, m: Arr, v: Arr, t: number, o: { lr: number; wd: number; decoupled: boolean; maximize: boolean }): void {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const bc1 = 1 - b1 ** t, bc2sqrt = Math.sqrt(1 - b2 ** t), stepSize = o.lr / bc1, sgn = o.maximize ? -1 : 1;
  if (o.decoupled && o.wd !== 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - o.lr * o.wd);
  for (let i = 0; i < p.length; i++) {
    let d = sgn * g[i]!;
    if (!o.decoupled && o.wd !== 0) d += o.wd * p[i]!;
    m[i] = m[i]! * b1 + (1 - b1) * d;
    v[i] = v[i]! * b2 + (1 - b2) * d * d;
    const denom = Math.sqrt(v[i]!) / bc2sqrt + eps;
    p[i] = p[i]! - stepSize * (m[i]! / denom);
  }
}

/** Index of the first element whose bits differ, or -1. */
const firstDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
};

describe('Adam / AdamW update loops', () => {
  const configs = [
    { name: 'Adam', wd: 0, decoupled: false, maximize: false },
    { name: 'Adam L2', wd: 0.05, decoupled: false, maximize: false },
    { name: 'AdamW', wd: 0.05, decoupled: true, maximize: false },
    { name: 'Adam maximize L2', wd: 0.01, decoupled: false, maximize: true },
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const c of configs) {
      it(`${c.name} (${dtype}): the same bits as the general loop over 6 steps`, () => {
        const rng = new Rng(7);
        const p: Tensor = randn(rng, [97, 13], { dtype, requiresGrad: true });
        const mine = p.data.slice() as Arr, m = mine.slice().fill(0) as Arr, v = mine.slice().fill(0) as Arr;
        const Opt = c.decoupled ? AdamW : Adam;
        const opt = new Opt([p], { lr: 0.01, weightDecay: c.wd, maximize: c.maximize });
        for (let t = 1; t <= 6; t++) {
          const g = randn(rng, p.shape, { dtype });
          (g.data as Arr)[t] = 0; // zero and negative-zero gradients too
          (g.data as Arr)[t + 10] = -0;
          p.grad = g;
          opt.step();
          reference(mine, g.data as Arr, m, v, t, { lr: 0.01, ...c });
        }
        expect(firstDiff(p.data, mine)).toBe(-1);
      });
    }
  }

  it('the comparison catches a one-ulp difference', () => {
    const a = new Float32Array([1, 2, 3]), b = a.slice();
    b[1] = Math.fround(2 + 2 ** -22);
    expect(firstDiff(a, b)).toBe(1);
  });
});
