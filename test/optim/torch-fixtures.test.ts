/**
 * Optimizers reproduce PyTorch (test/fixtures/torch/optim.json): 5 steps on
 * loss_t = sum(sin(W)·C[t]) + sum(b·b·d[t]), parameters compared after every step.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../../src/tensor/index.js';
import { Adam, AdamW, SGD } from '../../src/optim/index.js';
import type { Optimizer } from '../../src/optim/index.js';

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; attrs: Record<string, unknown>; inputs: Record<string, Arr>; outputs: Record<string, Arr> }
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/torch/optim.json', import.meta.url)), 'utf8')) as { cases: Case[] };

type DType = 'float32' | 'float64';

function make(c: Case, params: Tensor[]): Optimizer<{ lr: number }> {
  const a = c.attrs as { optimizer: string; lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weight_decay: number; betas?: [number, number]; eps?: number; amsgrad?: boolean };
  if (a.optimizer === 'SGD') return new SGD(params, { lr: a.lr, momentum: a.momentum!, dampening: a.dampening!, nesterov: a.nesterov!, weightDecay: a.weight_decay });
  const opts = { lr: a.lr, betas: a.betas!, eps: a.eps!, weightDecay: a.weight_decay, amsgrad: a.amsgrad! };
  if (a.optimizer === 'Adam') return new Adam(params, opts);
  if (a.optimizer === 'AdamW') return new AdamW(params, opts);
  throw new Error(`unknown optimizer ${a.optimizer}`);
}

function slice(arr: Arr, t: number, dtype: DType): Tensor {
  const inner = arr.shape.slice(1);
  const n = inner.reduce((x, y) => x * y, 1);
  return tensor(arr.data.slice(t * n, (t + 1) * n), { shape: inner, dtype });
}

function maxRel(got: ArrayLike<number>, want: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!, g = got[i]!;
    worst = Math.max(worst, Math.abs(g - w) / Math.max(Math.abs(w), 1e-3));
  }
  return worst;
}

function run(c: Case, dtype: DType, tol: number): void {
  const W = tensor(c.inputs.W!.data, { shape: c.inputs.W!.shape, dtype, requiresGrad: true });
  const b = tensor(c.inputs.b!.data, { shape: c.inputs.b!.shape, dtype, requiresGrad: true });
  const opt = make(c, [W, b]);
  const steps = c.attrs.steps as number;
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    const loss = W.sin().mul(slice(c.inputs.C!, t, dtype)).sum().add(b.mul(b).mul(slice(c.inputs.d!, t, dtype)).sum());
    loss.backward();
    opt.step();
    const wWant = slice(c.outputs.W!, t, 'float64').toFlatArray();
    const bWant = slice(c.outputs.b!, t, 'float64').toFlatArray();
    expect(maxRel(W.data, wWant), `${c.name} ${dtype} W after step ${t}`).toBeLessThan(tol);
    expect(maxRel(b.data, bWant), `${c.name} ${dtype} b after step ${t}`).toBeLessThan(tol);
  }
}

describe('optimizers match PyTorch', () => {
  it('has the five fixture cases', () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual(['adam', 'adam_wd', 'adamw', 'sgd_momentum', 'sgd_nesterov_wd']);
  });
  for (const c of fixture.cases) {
    it(`${c.name} float64 to 1e-10`, () => run(c, 'float64', 1e-10));
    it(`${c.name} float32 to 1e-4`, () => run(c, 'float32', 1e-4));
  }
});
